using System.Globalization;
using Pipeline.Core.Engine;

namespace Pipeline.Core.Readers;

/// <summary>
/// A copy of an upload in a temporary file, for formats that need random access (SQLite, zip). Never in memory; the file
/// is deleted when the spool is disposed. It lives in <see cref="PipelineTemp.Folder"/>, so that a copy left by a process
/// killed mid-read is deleted on the next start (<see cref="PipelineTemp.DeleteStale"/>).
/// </summary>
internal sealed class TempSpool : IAsyncDisposable
{
    private TempSpool(string path, long length)
    {
        Path = path;
        Length = length;
    }

    public string Path { get; }

    public long Length { get; }

    /// <summary>Copies <paramref name="content"/> to a new temporary file, refusing more than <paramref name="maxBytes"/>.</summary>
    public static async Task<TempSpool> CreateAsync(Stream content, string fileName, string extension, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var path = PipelineTemp.NewPath(extension);
        long length = 0;
        try
        {
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                var buffer = new byte[1 << 16];
                int n;
                while ((n = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    length += n;
                    if (length > maxBytes)
                    {
                        throw new InputFileException(fileName, $"the file is larger than the limit of {Size(maxBytes)}.", "Split the data into smaller uploads, or ask the data team to raise the limit.");
                    }

                    await file.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                }
            }

            return new TempSpool(path, length);
        }
        catch
        {
            TryDelete(path);
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        TryDelete(Path);
        return ValueTask.CompletedTask;
    }

    internal static string Size(long bytes) => bytes >= 1L << 30 ? $"{(bytes / (double)(1L << 30)).ToString("0.#", CultureInfo.InvariantCulture)} GiB"
        : bytes >= 1L << 20 ? $"{(bytes / (double)(1L << 20)).ToString("0.#", CultureInfo.InvariantCulture)} MiB"
        : $"{bytes.ToString(CultureInfo.InvariantCulture)} bytes";

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Still open somewhere (a late reader): PipelineTemp.DeleteStale removes it on a later start.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
