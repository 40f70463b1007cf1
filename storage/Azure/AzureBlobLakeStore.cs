using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Pipeline.Core.Lake;

namespace Pipeline.Storage.Azure;

/// <summary>
/// The lake on Azure Blob Storage (or Azurite): one container per zone. Single-shot uploads and block-list commits make
/// a blob visible only when complete; conditions map to If-Match / If-None-Match.
/// </summary>
public sealed class AzureBlobLakeStore(BlobServiceClient service, LakeOptions options) : ILakeStore
{
    /// <summary>Creates the zones' containers that do not exist yet (needs a data-owner or contributor role).</summary>
    public async Task EnsureContainersAsync(CancellationToken cancellationToken)
    {
        foreach (var zone in Enum.GetValues<LakeZone>())
        {
            await Container(zone).CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<LakeBlobInfo?> GetInfoAsync(LakeZone zone, string path, CancellationToken cancellationToken)
    {
        try
        {
            var properties = await Blob(zone, path).GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return new LakeBlobInfo(path, properties.Value.ContentLength, properties.Value.ETag.ToString(), properties.Value.LastModified);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public async Task<Stream> OpenReadAsync(LakeZone zone, string path, CancellationToken cancellationToken, string? ifMatch = null)
    {
        try
        {
            // allowModifications: false pins the version read first; a concurrent overwrite fails the read instead of mixing versions.
            var read = new BlobOpenReadOptions(allowModifications: false) { Conditions = ifMatch is null ? null : new BlobRequestConditions { IfMatch = new ETag(ifMatch) } };
            return await Blob(zone, path).OpenReadAsync(read, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new LakeBlobNotFoundException($"{options.ContainerOf(zone)}/{path} does not exist.", e);
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            throw new LakeConflictException($"{options.ContainerOf(zone)}/{path} is no longer version {ifMatch}.", e);
        }
    }

    public async Task<LakeBlobContent?> ReadSmallAsync(LakeZone zone, string path, CancellationToken cancellationToken)
    {
        try
        {
            var result = await Blob(zone, path).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return new LakeBlobContent(result.Value.Content.ToMemory(), result.Value.Details.ETag.ToString());
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public async Task<string> WriteAsync(LakeZone zone, string path, Stream content, string? ifMatch, CancellationToken cancellationToken)
    {
        var conditions = ifMatch switch
        {
            null => null,
            LakeETag.None => new BlobRequestConditions { IfNoneMatch = ETag.All },
            _ => new BlobRequestConditions { IfMatch = new ETag(ifMatch) },
        };
        try
        {
            var result = await Blob(zone, path).UploadAsync(content, new BlobUploadOptions { Conditions = conditions }, cancellationToken).ConfigureAwait(false);
            return result.Value.ETag.ToString();
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            throw new LakeConflictException($"{options.ContainerOf(zone)}/{path} changed or exists (condition {ifMatch}).", e);
        }
    }

    public async Task CopyAsync(LakeZone fromZone, string fromPath, LakeZone toZone, string toPath, CancellationToken cancellationToken, string? sourceIfMatch = null)
    {
        // A server-side copy: the bytes never pass through this process. Same-account copies need no SAS.
        var source = Blob(fromZone, fromPath);
        var copy = new BlobCopyFromUriOptions { SourceConditions = sourceIfMatch is null ? null : new BlobRequestConditions { IfMatch = new ETag(sourceIfMatch) } };
        var target = Blob(toZone, toPath);
        try
        {
            var operation = await target.StartCopyFromUriAsync(source.Uri, copy, cancellationToken).ConfigureAwait(false);
            await operation.WaitForCompletionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or RequestFailedException { Status: 409 })
        {
            // Another copy to the same target started meanwhile and replaced or blocked ours (identical uploads at once
            // copy to the same content-addressed raw path). The target is complete when that copy succeeds.
            await WaitForConcurrentCopyAsync(target, toZone, toPath, e, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new LakeBlobNotFoundException($"{options.ContainerOf(fromZone)}/{fromPath} does not exist.", e);
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            throw new LakeConflictException($"{options.ContainerOf(fromZone)}/{fromPath} is no longer version {sourceIfMatch}.", e);
        }
    }

    /// <summary>Waits (up to a minute) for the copy another writer started to <paramref name="target"/>; throws if it does not succeed.</summary>
    private async Task WaitForConcurrentCopyAsync(BlobClient target, LakeZone zone, string path, Exception ours, CancellationToken cancellationToken)
    {
        for (var poll = 0; poll < 600; poll++)
        {
            BlobProperties properties;
            try
            {
                properties = (await target.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                // The other writer's copy is not visible yet, or it was aborted and the blob removed: look again, then give up.
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (properties.BlobCopyStatus is null or CopyStatus.Success)
            {
                return;
            }

            if (properties.BlobCopyStatus != CopyStatus.Pending)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
        }

        throw new InvalidOperationException($"The copy to {options.ContainerOf(zone)}/{path} did not complete, nor did a concurrent copy to the same blob.", ours);
    }

    public async IAsyncEnumerable<LakeBlobInfo> ListAsync(LakeZone zone, string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in Container(zone).GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken).ConfigureAwait(false))
        {
            yield return new LakeBlobInfo(item.Name, item.Properties.ContentLength ?? 0, item.Properties.ETag?.ToString() ?? string.Empty, item.Properties.LastModified ?? DateTimeOffset.MinValue);
        }
    }

    public Task DeleteAsync(LakeZone zone, string path, CancellationToken cancellationToken) =>
        Blob(zone, path).DeleteIfExistsAsync(cancellationToken: cancellationToken);

    private BlobContainerClient Container(LakeZone zone) => service.GetBlobContainerClient(options.ContainerOf(zone));

    private BlobClient Blob(LakeZone zone, string path) => Container(zone).GetBlobClient(path);
}
