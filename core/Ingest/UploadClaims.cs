using Microsoft.Extensions.Logging;
using Pipeline.Core.Lake;

namespace Pipeline.Core.Ingest;

/// <summary>
/// The ledger protocol of an upload: a delivery claims the upload under a lease, or finds it finished or owned by a live
/// lease; the outcome is saved without losing the deliveries other, concurrent deliveries counted meanwhile. Every
/// write is conditional on the ledger row's ETag and retried on conflict (<see cref="OptimisticConcurrency"/>).
/// </summary>
internal sealed class UploadClaims(ILedger ledger, IngestOptions options, TimeProvider time, ILogger logger)
{
    /// <summary>
    /// Takes the upload for this delivery, or finds it finished or owned by a live lease. Every delivery is counted; the
    /// ledger row is updated with its ETag as condition, so of concurrent deliveries exactly one claims.
    /// </summary>
    public async Task<(UploadRecord Record, bool Proceed)> ClaimAsync(string survey, string uploadId, string path, LakeBlobInfo info, CancellationToken cancellationToken)
    {
        return await OptimisticConcurrency.RetryOnConflictAsync(
            async _ =>
            {
                var entry = await ledger.GetUploadEntryAsync(survey, uploadId, cancellationToken).ConfigureAwait(false);
                var previous = entry?.Record;
                var now = time.GetUtcNow();
                var finished = previous?.Status is UploadStatus.Succeeded or UploadStatus.Rejected;
                var owned = previous is { Status: UploadStatus.Processing } && previous.LeaseUntilUtc > now;
                var next = finished || owned
                    ? previous! with { Deliveries = previous.Deliveries + 1 }
                    : new UploadRecord
                    {
                        SurveyId = survey,
                        UploadId = uploadId,
                        BlobPath = path,
                        ETag = info.ETag,
                        SizeBytes = info.Size,
                        Status = UploadStatus.Processing,
                        Attempts = (previous?.Attempts ?? 0) + 1,
                        Deliveries = (previous?.Deliveries ?? 0) + 1,
                        LeaseUntilUtc = now + options.LeaseDuration,
                        ReceivedUtc = previous?.ReceivedUtc ?? now,
                    };
                await ledger.SaveUploadAsync(next, cancellationToken, entry?.ETag ?? LakeETag.None).ConfigureAwait(false);
                if (finished || owned)
                {
                    logger.LogInformation("Upload {Upload} ({UploadId}) is {State}; delivery {Delivery} does nothing", path, uploadId, finished ? previous!.Status : "being processed by another delivery", next.Deliveries);
                }

                return (next, !(finished || owned));
            },
            LedgerRow(survey, uploadId),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Saves this delivery's outcome without losing the deliveries other, concurrent deliveries counted meanwhile
    /// (a conditional read-modify-write, retried on conflict).
    /// </summary>
    public async Task<UploadRecord> SaveOutcomeAsync(UploadRecord outcome, CancellationToken cancellationToken)
    {
        return await OptimisticConcurrency.RetryOnConflictAsync(
            async _ =>
            {
                var entry = await ledger.GetUploadEntryAsync(outcome.SurveyId, outcome.UploadId, cancellationToken).ConfigureAwait(false);
                var merged = outcome with { Deliveries = Math.Max(outcome.Deliveries, entry?.Record.Deliveries ?? 0) };
                await ledger.SaveUploadAsync(merged, cancellationToken, entry?.ETag ?? LakeETag.None).ConfigureAwait(false);
                return merged;
            },
            LedgerRow(outcome.SurveyId, outcome.UploadId),
            cancellationToken).ConfigureAwait(false);
    }

    private static string LedgerRow(string survey, string uploadId) => $"The ledger row of upload {survey}/{uploadId}";

    /// <summary>Records a failure without masking the original exception if the ledger is unreachable too.</summary>
    public async Task TrySaveFailureAsync(UploadRecord record)
    {
        try
        {
            await SaveOutcomeAsync(record, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // the original failure is rethrown by the caller; this is best effort
        catch (Exception e)
#pragma warning restore CA1031
        {
            logger.LogWarning(e, "Could not record the failure of upload {Upload} in the ledger", record.BlobPath);
        }
    }
}
