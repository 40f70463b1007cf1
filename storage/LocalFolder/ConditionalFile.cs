using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;

namespace Pipeline.Storage.LocalFolder;

/// <summary>
/// Atomic, optionally conditional replacement of a local file: the new content is written to a temporary file beside
/// the target, then renamed over it while a per-path lock is held (a semaphore in this process and a lock file for
/// other processes on the machine). The ETag of a small file (pointers, manifests, ledger rows: the files written under
/// conditions) is a hash of its content, because file times are too coarse to tell two quick writes apart; a large file's
/// ETag is its last-write time and length.
/// </summary>
internal static class ConditionalFile
{
    public const string TempPrefix = ".tmp-";
    public const string LockSuffix = ".lock";
    public const string NoneMatch = Pipeline.Core.Lake.LakeETag.None;
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    private const long HashedUpTo = 1 << 20;

    /// <summary>The ETag of content read whole (small files).</summary>
    public static string ETagOf(ReadOnlySpan<byte> content) => "\"" + Convert.ToHexStringLower(SHA256.HashData(content))[..32] + "\"";

    public static string ETagOf(FileInfo file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (file.Length <= HashedUpTo)
        {
            try
            {
                return ETagOf(File.ReadAllBytes(file.FullName));
            }
            catch (FileNotFoundException)
            {
                return "\"gone\"";
            }
        }

        return string.Create(CultureInfo.InvariantCulture, $"\"{file.LastWriteTimeUtc.Ticks:x}-{file.Length:x}\"");
    }

    /// <summary>Writes <paramref name="write"/>'s output to <paramref name="target"/>; returns false when the condition failed.</summary>
    public static async Task<bool> ReplaceAsync(string target, Func<Stream, Task> write, string? ifMatch, CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, TempPrefix + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await write(output).ConfigureAwait(false);
            }

            if (ifMatch is null)
            {
                File.Move(temp, target, overwrite: true);
                return true;
            }

            var gate = Gates.GetOrAdd(target, _ => new SemaphoreSlim(1, 1));
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await using var fileLock = await AcquireLockFileAsync(target + LockSuffix, cancellationToken).ConfigureAwait(false);
                var current = new FileInfo(target);
                var ok = ifMatch == NoneMatch ? !current.Exists : current.Exists && ETagOf(current) == ifMatch;
                if (ok)
                {
                    File.Move(temp, target, overwrite: true);
                }

                return ok;
            }
            finally
            {
                gate.Release();
            }
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static async Task<FileStream> AcquireLockFileAsync(string lockPath, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            }
            catch (IOException) when (attempt < 400)
            {
                await Task.Delay(25, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
