using Pipeline.Core.Lake;
using Pipeline.Core.Telemetry;

namespace Pipeline.Core.Ingest;

/// <summary>
/// Rejects a whole upload that cannot be read (or keeps failing): the error goes to quarantine/&lt;survey&gt;/&lt;upload&gt;
/// as JSON for the field team, the ledger records the upload as Rejected, and the metrics count it.
/// </summary>
internal sealed class FileRejection(ILakeStore lake, UploadClaims claims, TimeProvider time)
{
    /// <summary>Rejects <paramref name="record"/>'s upload with <paramref name="message"/>; returns the saved record.</summary>
    public async Task<UploadRecord> RejectAsync(UploadRecord record, string message, long started, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        await LakeJson.WriteAsync(lake, LakeZone.Quarantine, LakePaths.FileError(record.SurveyId, record.UploadId), new { upload = record.BlobPath, record.UploadId, error = message }, cancellationToken).ConfigureAwait(false);
        var rejected = record with
        {
            Status = UploadStatus.Rejected,
            LeaseUntilUtc = null,
            ErrorSummary = message,
            CompletedUtc = time.GetUtcNow(),
            DurationMs = (long)time.GetElapsedTime(started).TotalMilliseconds,
        };
        rejected = await claims.SaveOutcomeAsync(rejected, cancellationToken).ConfigureAwait(false);
        PipelineMetrics.RecordUpload(record.SurveyId, record.Format, "rejected", 0, 0, record.SizeBytes, rejected.DurationMs);
        return rejected;
    }
}
