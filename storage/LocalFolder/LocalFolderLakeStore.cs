using System.Runtime.CompilerServices;
using Pipeline.Core.Lake;

namespace Pipeline.Storage.LocalFolder;

/// <summary>
/// The lake in a local folder, for the CLI and for trying the pipeline without Azure: one sub-folder per zone. Every
/// write goes to a temporary file renamed into place (<see cref="ConditionalFile"/>), so readers never see a partial file.
/// </summary>
public sealed class LocalFolderLakeStore : ILakeStore
{
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

    public Task<Stream> OpenReadAsync(LakeZone zone, string path, CancellationToken cancellationToken, string? ifMatch = null)
    {
        var file = FileOf(zone, path);
        FileStream stream;
        try
        {
            stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new LakeBlobNotFoundException($"{_options.ContainerOf(zone)}/{path} does not exist.", e);
        }

        // Renames replace files, so an open handle keeps reading the version it opened; checking after opening is enough.
        if (ifMatch is not null && ConditionalFile.ETagOf(new FileInfo(file)) != ifMatch)
        {
            stream.Dispose();
            throw new LakeConflictException($"{_options.ContainerOf(zone)}/{path} is no longer version {ifMatch}.");
        }

        return Task.FromResult<Stream>(stream);
    }

    public async Task<LakeBlobContent?> ReadSmallAsync(LakeZone zone, string path, CancellationToken cancellationToken)
    {
        try
        {
            // The ETag of a small file is its content hash (ConditionalFile), so bytes and ETag always match.
            var bytes = await File.ReadAllBytesAsync(FileOf(zone, path), cancellationToken).ConfigureAwait(false);
            return new LakeBlobContent(bytes, ConditionalFile.ETagOf(bytes));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public async Task<string> WriteAsync(LakeZone zone, string path, Stream content, string? ifMatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var target = FileOf(zone, path);
        if (!await ConditionalFile.ReplaceAsync(target, output => content.CopyToAsync(output, cancellationToken), ifMatch, cancellationToken).ConfigureAwait(false))
        {
            throw new LakeConflictException($"{path} changed or exists (condition {ifMatch}).");
        }

        return ConditionalFile.ETagOf(new FileInfo(target));
    }

    public async Task CopyAsync(LakeZone fromZone, string fromPath, LakeZone toZone, string toPath, CancellationToken cancellationToken, string? sourceIfMatch = null)
    {
        await using var source = await OpenReadAsync(fromZone, fromPath, cancellationToken, sourceIfMatch).ConfigureAwait(false);
        await WriteAsync(toZone, toPath, source, null, cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<LakeBlobInfo> ListAsync(LakeZone zone, string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var folder = ZoneFolder(zone);
        var matches = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => (File: f, Path: Path.GetRelativePath(folder, f).Replace('\\', '/')))
            .Where(x => x.Path.StartsWith(prefix, StringComparison.Ordinal)
                && !Path.GetFileName(x.Path).StartsWith(ConditionalFile.TempPrefix, StringComparison.Ordinal)
                && !x.Path.EndsWith(ConditionalFile.LockSuffix, StringComparison.Ordinal))
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

    private string FileOf(LakeZone zone, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var folder = ZoneFolder(zone);
        var full = Path.GetFullPath(Path.Combine(folder, path));
        return full.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? full
            : throw new ArgumentException($"Path '{path}' leaves the {zone} zone.", nameof(path));
    }

    private static LakeBlobInfo Info(string path, FileInfo file) => new(path, file.Length, ConditionalFile.ETagOf(file), file.LastWriteTimeUtc);
}
