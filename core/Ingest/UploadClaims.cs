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
    /// (a conditional read-modify-write, retried on conflict). An attempt whose lease a later attempt took over (it was
    /// only slow, not dead) saves nothing: the later attempt's row stands, and is returned.
    /// </summary>
    public async Task<UploadRecord> SaveOutcomeAsync(UploadRecord outcome, CancellationToken cancellationToken)
    {
        return await OptimisticConcurrency.RetryOnConflictAsync(
            async _ =>
            {
                var entry = await ledger.GetUploadEntryAsync(outcome.SurveyId, outcome.UploadId, cancellationToken).ConfigureAwait(false);
                if (entry is not null && entry.Record.Attempts > outcome.Attempts)
                {
                    logger.LogWarning("Attempt {Attempt} at upload {UploadId} finished after attempt {Later} took over its expired lease; its outcome {Status} is not saved", outcome.Attempts, outcome.UploadId, entry.Record.Attempts, outcome.Status);
                    return entry.Record;
                }

                var merged = outcome with { Deliveries = Math.Max(outcome.Deliveries, entry?.Record.Deliveries ?? 0) };
                await ledger.SaveUploadAsync(merged, cancellationToken, entry?.ETag ?? LakeETag.None).ConfigureAwait(false);
                return merged;
            },
            LedgerRow(outcome.SurveyId, outcome.UploadId),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Marks every Processing row of <paramref name="survey"/> whose lease has expired as Failed, with a message saying the
    /// worker stopped and the next delivery retries it: the ledger then never shows an upload "Processing" that nobody
    /// processes. Each row is saved on condition of the ETag it was read at, so a delivery taking it over meanwhile wins.
    /// Returns how many rows were marked.
    /// </summary>
    public async Task<int> ReleaseExpiredLeasesAsync(string survey, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var expired = new List<string>();
        await foreach (var row in ledger.ListUploadsAsync(survey, cancellationToken).ConfigureAwait(false))
        {
            if (IsExpired(row, now))
            {
                expired.Add(row.UploadId);
            }
        }

        var released = 0;
        foreach (var uploadId in expired)
        {
            released += await TryReleaseAsync(survey, uploadId, now, cancellationToken).ConfigureAwait(false) ? 1 : 0;
        }

        return released;
    }

    private static bool IsExpired(UploadRecord row, DateTimeOffset now) =>
        row is { Status: UploadStatus.Processing, LeaseUntilUtc: { } until } && until <= now;

    private async Task<bool> TryReleaseAsync(string survey, string uploadId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var entry = await ledger.GetUploadEntryAsync(survey, uploadId, cancellationToken).ConfigureAwait(false);
        if (entry is null || !IsExpired(entry.Record, now))
        {
            return false;
        }

        var stopped = entry.Record with
        {
            Status = UploadStatus.Failed,
            LeaseUntilUtc = null,
            ErrorSummary = $"The worker stopped before finishing attempt {entry.Record.Attempts} (its lease expired at {entry.Record.LeaseUntilUtc:u}); the next delivery retries it.",
        };
        try
        {
            await ledger.SaveUploadAsync(stopped, cancellationToken, entry.ETag).ConfigureAwait(false);
        }
        catch (LakeConflictException)
        {
            return false; // a delivery took the upload over meanwhile: its row stands
        }

        logger.LogWarning("Upload {UploadId} of {Survey} was Processing with a lease that expired at {LeaseUntil}; marked Failed for the next delivery to retry", uploadId, survey, entry.Record.LeaseUntilUtc);
        return true;
    }

    /// <summary>
    /// True while <paramref name="record"/>'s attempt still owns the upload: no later attempt took over its lease. Files of
    /// the upload may be removed only then; otherwise they may be the later attempt's work in progress.
    /// </summary>
    public async Task<bool> StillOwnsAsync(UploadRecord record, CancellationToken cancellationToken)
    {
        var current = await ledger.GetUploadAsync(record.SurveyId, record.UploadId, cancellationToken).ConfigureAwait(false);
        return current is null || current.Attempts <= record.Attempts;
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
