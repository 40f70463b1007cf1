using Pipeline.Core.Lake;

namespace Pipeline.Tests.Support;

/// <summary>
/// A real lake (local folder or Azurite) with hooks around each write, for the backends where an HTTP fault policy
/// cannot reach: <see cref="BeforeWrite"/> can throw (a crash before the blob exists) or wait (to line up concurrent
/// runs); <see cref="AfterWrite"/> runs once the blob is written (a crash, or a lost response, after it landed).
/// Reads, copies, lists and deletes go straight through.
/// </summary>
public sealed class InterceptingLake(ILakeStore inner) : ILakeStore
{
    private int _writes;

    /// <summary>Called with the zone, the path and the 1-based number of this write since the lake was wrapped.</summary>
    public Func<LakeZone, string, int, Task>? BeforeWrite { get; set; }

    public Func<LakeZone, string, int, Task>? AfterWrite { get; set; }

    public Task<LakeBlobInfo?> GetInfoAsync(LakeZone zone, string path, CancellationToken cancellationToken) => inner.GetInfoAsync(zone, path, cancellationToken);

    public Task<Stream> OpenReadAsync(LakeZone zone, string path, CancellationToken cancellationToken, string? ifMatch = null) => inner.OpenReadAsync(zone, path, cancellationToken, ifMatch);

    public Task<LakeBlobContent?> ReadSmallAsync(LakeZone zone, string path, CancellationToken cancellationToken) => inner.ReadSmallAsync(zone, path, cancellationToken);

    public async Task<string> WriteAsync(LakeZone zone, string path, Stream content, string? ifMatch, CancellationToken cancellationToken)
    {
        var n = Interlocked.Increment(ref _writes);
        if (BeforeWrite is { } before)
        {
            await before(zone, path, n);
        }

        var etag = await inner.WriteAsync(zone, path, content, ifMatch, cancellationToken);
        if (AfterWrite is { } after)
        {
            await after(zone, path, n);
        }

        return etag;
    }

    public Task CopyAsync(LakeZone fromZone, string fromPath, LakeZone toZone, string toPath, CancellationToken cancellationToken, string? sourceIfMatch = null) =>
        inner.CopyAsync(fromZone, fromPath, toZone, toPath, cancellationToken, sourceIfMatch);

    public IAsyncEnumerable<LakeBlobInfo> ListAsync(LakeZone zone, string prefix, CancellationToken cancellationToken) => inner.ListAsync(zone, prefix, cancellationToken);

    public Task DeleteAsync(LakeZone zone, string path, CancellationToken cancellationToken) => inner.DeleteAsync(zone, path, cancellationToken);
}
