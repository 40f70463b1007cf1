namespace Pipeline.Core.Engine;

/// <summary>
/// Where the pipeline's temporary files live: one dedicated folder (<c>&lt;temp&gt;/survey-pipeline</c>), every file
/// named <c>pipeline-&lt;instance&gt;-*</c>, the instance being random per process. Files are deleted when their owner is disposed, but a process killed hard (kill -9, an
/// instance recycled) leaves them behind, and on Linux <see cref="FileOptions.DeleteOnClose"/> only acts on a close that
/// never comes. The folder and the prefix let <see cref="DeleteStale"/> find them on the next start without touching
/// anyone else's files.
/// </summary>
public static class PipelineTemp
{
    /// <summary>Every temporary file of the pipeline starts with this.</summary>
    public const string Prefix = "pipeline-";

    /// <summary>
    /// This process's part of the names. Random, not the process id: a container restarted after a crash often gets
    /// the same process id, and the dead process's files must not pass for ours.
    /// </summary>
    public static string InstanceId { get; } = Guid.NewGuid().ToString("N")[..8];

    /// <summary>The dedicated folder, created on first use.</summary>
    public static string Folder { get; } = Path.Combine(Path.GetTempPath(), "survey-pipeline");

    /// <summary>A new, unique path in <see cref="Folder"/> ending in <paramref name="extension"/> (with its dot).</summary>
    public static string NewPath(string extension)
    {
        Directory.CreateDirectory(Folder);
        return Path.Combine(Folder, $"{Prefix}{InstanceId}-{Guid.NewGuid():N}{extension}");
    }

    /// <summary>
    /// Deletes the temporary files of other processes last written more than <paramref name="olderThan"/> ago: with the
    /// ingest lease as the age, no live ingest can still own them (the lease outlasts the host's timeout). This process's
    /// own files are never touched (their owners delete them). Returns how many were deleted.
    /// </summary>
    public static int DeleteStale(TimeSpan olderThan, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        if (!Directory.Exists(Folder))
        {
            return 0;
        }

        var cutoff = time.GetUtcNow().UtcDateTime - olderThan;
        var deleted = 0;
        var ours = $"{Prefix}{InstanceId}-";
        foreach (var file in Directory.EnumerateFiles(Folder, Prefix + "*").Where(f => !Path.GetFileName(f).StartsWith(ours, StringComparison.Ordinal)))
        {
            deleted += TryDeleteIfOlder(file, cutoff) ? 1 : 0;
        }

        return deleted;
    }

    private static bool TryDeleteIfOlder(string file, DateTime cutoffUtc)
    {
        try
        {
            if (File.GetLastWriteTimeUtc(file) >= cutoffUtc)
            {
                return false;
            }

            File.Delete(file);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // In use, or gone meanwhile (another instance's sweep): either way not ours to worry about now.
            return false;
        }
    }
}
