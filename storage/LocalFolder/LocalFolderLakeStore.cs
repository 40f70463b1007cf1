using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using Pipeline.Core.Lake;

namespace Pipeline.Storage.LocalFolder;

/// <summary>
/// The lake in a local folder, for the CLI and for trying the pipeline without Azure: one sub-folder per zone. Writes go
/// to a temporary file in the same folder and are renamed into place, so readers never see a partial file. Conditional
/// writes hold a per-path lock file (safe across processes on one machine).
/// </summary>
public sealed class LocalFolderLakeStore : ILakeStore
{
    private const string TempPrefix = ".tmp-";
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);
    private readonly string _root;
    private readonly LakeOptions _options;

    public LocalFolderLakeStore(string root, LakeOptions options)
    {
        _root = Path.GetFullPath(root);
        _options = options ?? throw new ArgumentNullException(nameof(options));
        foreach (var zone in Enum.GetValues<LakeZone>())
        {
            Directory.CreateDirectory(ZoneFolder(zone));
        }
    }

    /// <summary>The folder of a zone, e.g. <c>&lt;root&gt;/curated</c>.</summary>
    public string ZoneFolder(LakeZone zone) => Path.Combine(_root, _options.ContainerOf(zone));

    public Task<LakeBlobInfo?> GetInfoAsync(LakeZone zone, string path, CancellationToken cancellationToken)
    {
        var file = new FileInfo(FileOf(zone, path));
        return Task.FromResult(file.Exists ? Info(path, file) : null);
    }

    public Task<Stream> OpenReadAsync(LakeZone zone, string path, CancellationToken cancellationToken)
    {
        var file = FileOf(zone, path);
        try
        {
            return Task.FromResult<Stream>(new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new LakeBlobNotFoundException($"{_options.ContainerOf(zone)}/{path} does not exist.", e);
        }
    }

    public async Task<string> WriteAsync(LakeZone zone, string path, Stream content, string? ifMatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var target = FileOf(zone, path);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temp = Path.Combine(Path.GetDirectoryName(target)!, TempPrefix + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await content.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
            }

            if (ifMatch is null)
            {
                File.Move(temp, target, overwrite: true);
            }
            else
            {
                await MoveIfMatchAsync(temp, target, path, ifMatch, cancellationToken).ConfigureAwait(false);
            }

            return Info(path, new FileInfo(target)).ETag;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    public async Task CopyAsync(LakeZone fromZone, string fromPath, LakeZone toZone, string toPath, CancellationToken cancellationToken)
    {
        await using var source = await OpenReadAsync(fromZone, fromPath, cancellationToken).ConfigureAwait(false);
        await WriteAsync(toZone, toPath, source, null, cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<LakeBlobInfo> ListAsync(LakeZone zone, string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var folder = ZoneFolder(zone);
        var matches = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => (File: f, Path: Path.GetRelativePath(folder, f).Replace('\\', '/')))
            .Where(x => x.Path.StartsWith(prefix, StringComparison.Ordinal) && !Path.GetFileName(x.Path).StartsWith(TempPrefix, StringComparison.Ordinal) && !x.Path.EndsWith(".lock", StringComparison.Ordinal))
            .OrderBy(x => x.Path, StringComparer.Ordinal);
        foreach (var (file, path) in matches)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var info = new FileInfo(file);
            if (info.Exists)
            {
                yield return Info(path, info);
            }
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    public Task DeleteAsync(LakeZone zone, string path, CancellationToken cancellationToken)
    {
        File.Delete(FileOf(zone, path));
        return Task.CompletedTask;
    }

    private static async Task MoveIfMatchAsync(string temp, string target, string path, string ifMatch, CancellationToken cancellationToken)
    {
        var gate = Gates.GetOrAdd(target, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var fileLock = await AcquireLockFileAsync(target + ".lock", cancellationToken).ConfigureAwait(false);
            var current = new FileInfo(target);
            var ok = ifMatch == LakeETag.None ? !current.Exists : current.Exists && Info(path, current).ETag == ifMatch;
            if (!ok)
            {
                throw new LakeConflictException($"{path} changed or exists (condition {ifMatch}).");
            }

            File.Move(temp, target, overwrite: true);
        }
        finally
        {
            gate.Release();
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
            catch (IOException) when (attempt < 200)
            {
                await Task.Delay(25, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private string FileOf(LakeZone zone, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var folder = ZoneFolder(zone);
        var full = Path.GetFullPath(Path.Combine(folder, path));
        return full.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? full
            : throw new ArgumentException($"Path '{path}' leaves the {zone} zone.", nameof(path));
    }

    private static LakeBlobInfo Info(string path, FileInfo file) =>
        new(path, file.Length, string.Create(CultureInfo.InvariantCulture, $"\"{file.LastWriteTimeUtc.Ticks:x}-{file.Length:x}\""), file.LastWriteTimeUtc);
}
