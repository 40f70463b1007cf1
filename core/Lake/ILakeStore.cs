namespace Pipeline.Core.Lake;

/// <summary>
/// The blob side of the lake, by zone and path. Implemented over Azure Blob Storage (Azure SDK) and over a local
/// folder; both pass the same contract tests. Paths use '/' and never start with it.
/// </summary>
public interface ILakeStore
{
    /// <summary>Size, ETag and time of a blob, or null when it does not exist.</summary>
    Task<LakeBlobInfo?> GetInfoAsync(LakeZone zone, string path, CancellationToken cancellationToken);

    /// <summary>
    /// Opens a blob for reading. Throws <see cref="LakeBlobNotFoundException"/> when it does not exist, and
    /// <see cref="LakeConflictException"/> when <paramref name="ifMatch"/> is given and the blob is no longer that version.
    /// </summary>
    Task<Stream> OpenReadAsync(LakeZone zone, string path, CancellationToken cancellationToken, string? ifMatch = null);

    /// <summary>
    /// Reads a small blob (a pointer, a manifest) whole, with the ETag of exactly the version read; null when missing.
    /// </summary>
    Task<LakeBlobContent?> ReadSmallAsync(LakeZone zone, string path, CancellationToken cancellationToken);

    /// <summary>
    /// Writes a blob from a stream. With <paramref name="ifMatch"/> null the blob is overwritten; with <see cref="LakeETag.None"/>
    /// it must not exist yet; otherwise its current ETag must equal it. A failed condition throws <see cref="LakeConflictException"/>.
    /// Readers never see a partly written blob. Returns the new ETag.
    /// </summary>
    Task<string> WriteAsync(LakeZone zone, string path, Stream content, string? ifMatch, CancellationToken cancellationToken);

    /// <summary>
    /// Copies a blob inside the lake without passing its bytes through this process where the backend allows it. With
    /// <paramref name="sourceIfMatch"/>, the copy fails with <see cref="LakeConflictException"/> if the source changed.
    /// Two copies to the same target at once both return once the target is complete, with the bytes of either source:
    /// use it for content-addressed targets, where both are the same.
    /// </summary>
    Task CopyAsync(LakeZone fromZone, string fromPath, LakeZone toZone, string toPath, CancellationToken cancellationToken, string? sourceIfMatch = null);

    /// <summary>Lists blobs whose path starts with <paramref name="prefix"/>, in ordinal path order.</summary>
    IAsyncEnumerable<LakeBlobInfo> ListAsync(LakeZone zone, string prefix, CancellationToken cancellationToken);

    /// <summary>Deletes a blob if it exists.</summary>
    Task DeleteAsync(LakeZone zone, string path, CancellationToken cancellationToken);
}

/// <summary>A small blob's bytes and the ETag of that version.</summary>
public sealed record LakeBlobContent(ReadOnlyMemory<byte> Content, string ETag);

/// <summary>What the lake knows about a blob without reading it.</summary>
public sealed record LakeBlobInfo(string Path, long Size, string ETag, DateTimeOffset LastModified);

/// <summary>Special values for <see cref="ILakeStore.WriteAsync"/>'s condition.</summary>
public static class LakeETag
{
    /// <summary>Write only if the blob does not exist yet.</summary>
    public const string None = "*none*";
}

public sealed class LakeConflictException : Exception
{
    public LakeConflictException()
    {
    }

    public LakeConflictException(string message)
        : base(message)
    {
    }

    public LakeConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

public sealed class LakeBlobNotFoundException : Exception
{
    public LakeBlobNotFoundException()
    {
    }

    public LakeBlobNotFoundException(string message)
        : base(message)
    {
    }

    public LakeBlobNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
