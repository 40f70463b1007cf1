using Microsoft.Extensions.Logging;
using Pipeline.Core.Lake;
using Pipeline.Core.Readers;

namespace Pipeline.Core.Ingest;

/// <summary>
/// Makes one processed upload visible: the content-addressed raw copy, the curated, quarantine and report files, then
/// the one step that publishes them, a conditional write of the survey's current view (<see cref="CurrentViewStore"/>).
/// An upload whose content is already published writes its summary and nothing else; one that loses the race to publish
/// the same content deletes its curated and quarantine files again (its summary, issues and report stay for the user).
/// </summary>
internal sealed class UploadPublisher(ILakeStore lake, IQualityReportRenderer qualityReport, UploadSummary summary, TimeProvider time, ILogger logger)
{
    private readonly CurrentViewStore _currentView = new(lake);
    private readonly UploadLeftovers _leftovers = new(lake, logger);

    /// <summary>Publishes <paramref name="run"/>; returns its record, with <see cref="UploadRecord.DuplicateOf"/> set when its content was published already.</summary>
    public async Task<UploadRecord> PublishAsync(UploadRun run, IReadOnlyList<RecordCount> counts)
    {
        ArgumentNullException.ThrowIfNull(run);
        var (pack, record, cancellationToken) = (run.Pack, run.Record, run.CancellationToken);
        if (await lake.GetInfoAsync(LakeZone.Raw, record.RawPath, cancellationToken).ConfigureAwait(false) is null)
        {
            try
            {
                await lake.CopyAsync(LakeZone.Incoming, record.BlobPath, LakeZone.Raw, record.RawPath, cancellationToken, record.ETag).ConfigureAwait(false);
            }
            catch (LakeConflictException e)
            {
                throw new InputFileException(record.BlobPath, "the file was replaced while it was being read; this version is dropped.", "Nothing to do: the new version is ingested by its own upload event.", inner: e);
            }
        }

        var (manifest, _) = await _currentView.ReadAsync(pack.Id, cancellationToken).ConfigureAwait(false);
        var same = manifest.WithContent(record.ContentSha256);
        if (same is not null && same.UploadId != record.UploadId)
        {
            logger.LogInformation("Upload {Upload} has the same content as upload {Other} ({OtherPath}); nothing new to publish", record.BlobPath, same.UploadId, same.BlobPath);
            await summary.WriteAsync(run, counts, same.UploadId).ConfigureAwait(false);
            return record with { DuplicateOf = same.UploadId };
        }

        var files = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var rejected = new List<string>();
        foreach (var tables in run.Tables.Values)
        {
            var name = tables.Layout.Record.Name;
            var curated = await tables.CompleteCuratedAsync(cancellationToken).ConfigureAwait(false);
            files[name] = await UploadAsync(LakeZone.Curated, part => LakePaths.Curated(pack.Id, name, record.UploadId, part), curated, cancellationToken).ConfigureAwait(false);
            if (tables.Rejected.RowCount > 0)
            {
                rejected.AddRange(await UploadAsync(LakeZone.Quarantine, part => LakePaths.Rejected(pack.Id, record.UploadId, name, part), tables.Rejected, cancellationToken).ConfigureAwait(false));
            }
        }

        await UploadAsync(LakeZone.Reports, part => LakePaths.Issues(pack.Id, record.UploadId, part), run.Issues.Writer, cancellationToken).ConfigureAwait(false);
        using (var report = new MemoryStream())
        {
            await qualityReport.WriteAsync(report, pack, record, run.Quality, cancellationToken).ConfigureAwait(false);
            report.Position = 0;
            await lake.WriteAsync(LakeZone.Reports, LakePaths.QualityReport(pack.Id, record.UploadId), report, ifMatch: null, cancellationToken).ConfigureAwait(false);
        }

        var raced = await _currentView.PublishAsync(pack.Id, new PublishedUpload(record.UploadId, record.BlobPath, record.ContentSha256, time.GetUtcNow(), files), cancellationToken).ConfigureAwait(false);
        if (raced is not null)
        {
            await RemoveLostRaceFilesAsync(record, raced, files, rejected, cancellationToken).ConfigureAwait(false);
        }

        await summary.WriteAsync(run, counts, raced?.UploadId).ConfigureAwait(false);
        return raced is null ? record : record with { DuplicateOf = raced.UploadId };
    }

    /// <summary>
    /// Another upload published the same content while this one was writing: nothing ever lists this one's curated and
    /// quarantine files, and the winner holds the same rows, so they go.
    /// </summary>
    private async Task RemoveLostRaceFilesAsync(UploadRecord record, PublishedUpload winner, Dictionary<string, IReadOnlyList<string>> curated, List<string> rejected, CancellationToken cancellationToken)
    {
        logger.LogInformation("Upload {UploadId} lost the race to publish its content to upload {Winner}; removing its unpublished curated and quarantine files", record.UploadId, winner.UploadId);
        await _leftovers.RemoveAsync(LakeZone.Curated, curated.Values.SelectMany(parts => parts), cancellationToken).ConfigureAwait(false);
        await _leftovers.RemoveAsync(LakeZone.Quarantine, rejected, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Uploads a finished table's part files to <paramref name="pathOf"/>(0), (1), ...; returns their paths in order.</summary>
    private async Task<IReadOnlyList<string>> UploadAsync(LakeZone zone, Func<int, string> pathOf, ParquetTableWriter table, CancellationToken cancellationToken)
    {
        var parts = await table.CompleteAsync(cancellationToken).ConfigureAwait(false);
        var paths = new string[parts.Count];
        for (var p = 0; p < parts.Count; p++)
        {
            paths[p] = pathOf(p);
            await lake.WriteAsync(zone, paths[p], parts[p], ifMatch: null, cancellationToken).ConfigureAwait(false);
        }

        return paths;
    }
}
