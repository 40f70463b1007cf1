using Microsoft.Extensions.Logging;
using Pipeline.Core.Lake;

namespace Pipeline.Core.Ingest;

/// <summary>
/// Removes what an attempt at an upload wrote but never published: the curated part files of its <c>upload_id=</c>
/// folders that the current view does not list, and its quarantine and report files. An attempt that died (kill -9, an
/// instance recycled, a storage failure half-way) leaves them; the next attempt at the same upload removes them before it
/// writes, so that exactly the files of one complete result remain.
/// </summary>
internal sealed class UploadLeftovers(ILakeStore lake, ILogger logger)
{
    /// <summary>
    /// Deletes the files of <paramref name="uploadId"/> that the current view of <paramref name="survey"/> does not list.
    /// Call only while holding the upload's lease: a live attempt's files look the same. Returns how many were deleted.
    /// </summary>
    public async Task<int> RemoveUnpublishedAsync(string survey, string uploadId, CancellationToken cancellationToken)
    {
        var (view, _) = await new CurrentViewStore(lake).ReadAsync(survey, cancellationToken).ConfigureAwait(false);
        var published = view.Uploads.FirstOrDefault(u => u.UploadId == uploadId)?.Records.Values.SelectMany(parts => parts).ToHashSet(StringComparer.Ordinal) ?? [];
        var removed = await RemoveCuratedAsync(survey, uploadId, published, cancellationToken).ConfigureAwait(false);
        // Quarantine and report files are rewritten whole by the attempt that follows; a retry that writes fewer parts
        // must not leave the old extra parts beside them.
        removed += await RemoveFolderAsync(LakeZone.Quarantine, survey, uploadId, cancellationToken).ConfigureAwait(false);
        removed += await RemoveFolderAsync(LakeZone.Reports, survey, uploadId, cancellationToken).ConfigureAwait(false);
        if (removed > 0)
        {
            logger.LogInformation("Removed {Files} files an earlier attempt at upload {UploadId} of {Survey} wrote but never published", removed, uploadId, survey);
        }

        return removed;
    }

    /// <summary>Deletes the given files, written by an upload whose content another upload published first.</summary>
    public async Task RemoveAsync(LakeZone zone, IEnumerable<string> paths, CancellationToken cancellationToken)
    {
        foreach (var path in paths)
        {
            await lake.DeleteAsync(zone, path, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<int> RemoveCuratedAsync(string survey, string uploadId, HashSet<string> published, CancellationToken cancellationToken)
    {
        // Records are folders under the survey; the upload's files are in their upload_id= partitions.
        var marker = $"/upload_id={uploadId}/";
        var stale = new List<string>();
        await foreach (var blob in lake.ListAsync(LakeZone.Curated, survey + "/", cancellationToken).ConfigureAwait(false))
        {
            if (blob.Path.Contains(marker, StringComparison.Ordinal) && !published.Contains(blob.Path))
            {
                stale.Add(blob.Path);
            }
        }

        await RemoveAsync(LakeZone.Curated, stale, cancellationToken).ConfigureAwait(false);
        return stale.Count;
    }

    private async Task<int> RemoveFolderAsync(LakeZone zone, string survey, string uploadId, CancellationToken cancellationToken)
    {
        var files = new List<string>();
        await foreach (var blob in lake.ListAsync(zone, $"{survey}/{uploadId}/", cancellationToken).ConfigureAwait(false))
        {
            files.Add(blob.Path);
        }

        await RemoveAsync(zone, files, cancellationToken).ConfigureAwait(false);
        return files.Count;
    }
}
