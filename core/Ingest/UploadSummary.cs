using Pipeline.Core.Lake;

namespace Pipeline.Core.Ingest;

/// <summary>
/// reports/&lt;survey&gt;/&lt;upload&gt;/summary.json: what one upload was (format, encoding, hash, size, raw copy), what
/// it held (rows read, curated and rejected by record) and what was found (issues by rule, cleaning steps).
/// </summary>
internal sealed class UploadSummary(ILakeStore lake)
{
    /// <summary>Writes the summary of <paramref name="run"/>; <paramref name="duplicateOf"/> names the published upload with the same content, if any.</summary>
    public Task WriteAsync(UploadRun run, IReadOnlyList<RecordCount> counts, string? duplicateOf)
    {
        ArgumentNullException.ThrowIfNull(run);
        var record = run.Record;
        return LakeJson.WriteAsync(lake, LakeZone.Reports, LakePaths.Summary(run.Pack.Id, record.UploadId), new
        {
            survey = run.Pack.Id,
            uploadId = record.UploadId,
            upload = record.BlobPath,
            format = record.Format,
            encoding = run.Quality.TextEncoding,
            sha256 = record.ContentSha256,
            raw = record.RawPath,
            bytes = record.SizeBytes,
            duplicateOf,
            deletedCases = record.DeletedCases,
            erasedLines = record.ErasedLines,
            records = counts.Select(c => new { record = c.Record, read = c.Read, curated = c.Curated, rejected = c.Rejected }),
            issuesByRule = run.Issues.CountsByRule,
            cleaningSteps = run.Cleaning.ByStep,
        }, run.CancellationToken);
    }
}
