using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Core.Telemetry;

namespace Pipeline.Core.Findings;

/// <summary>
/// Recomputes a survey's findings from the current curated view (the manifest <c>curated/&lt;survey&gt;/_current.json</c>): every indicator of the catalogue, in every breakdown
/// cell, design-weighted (<see cref="StratifiedRatio"/>). Writes a new run folder, then switches the current pointer in
/// one conditional write: readers see the previous run or the new one, complete. Of two concurrent runs, the first to
/// switch stays current and the other is recorded as <see cref="FindingsRunStatus.Superseded"/>, naming the winner; a run that fails before the switch leaves the previous
/// run current and is recorded as failed. Running it twice on the same inputs writes nothing the second time (a skip
/// is recorded).
/// Memory depends on indicators × cells × strata and on the case keys of the view, not on row payloads.
/// </summary>
public sealed class FindingsService(ILakeStore lake, ILedger ledger, IFindingsPublisher publisher, IOptions<FindingsOptions> options, TimeProvider time, ILogger<FindingsService> logger)
{
    private readonly FindingsOptions _options = options.Value;

    public async Task<FindingsRun> RecomputeAsync(SurveyPack pack, bool force = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pack);
        var started = time.GetTimestamp();
        var startedUtc = time.GetUtcNow();
        var (view, _) = await new CurrentViewStore(lake).ReadAsync(pack.Id, cancellationToken).ConfigureAwait(false);
        var uploads = view.Uploads;
        var fingerprint = Fingerprint(pack, uploads.Select(u => u.UploadId));
        var (pointer, pointerETag) = await ReadPointerAsync(pack.Id, cancellationToken).ConfigureAwait(false);
        if (!force && pointer?.Fingerprint == fingerprint)
        {
            var skipped = new FindingsRunRecord
            {
                SurveyId = pack.Id,
                RunId = RunIdOf(startedUtc, fingerprint) + "-skip",
                Status = FindingsRunStatus.Skipped,
                InputsFingerprint = fingerprint,
                Uploads = uploads.Count,
                StartedUtc = startedUtc,
                Message = $"No new data since run {pointer.RunId}.",
            };
            await ledger.SaveFindingsRunAsync(skipped, cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Findings for {Survey} are current (run {RunId}); skipped", pack.Id, pointer.RunId);
            return new FindingsRun(new FindingsRunStatusInfo(skipped, FindingsPaths.RunFolder(pack.Id, pointer.RunId)), []);
        }

        var runId = RunIdOf(startedUtc, fingerprint, Guid.NewGuid());
        var (run, rows) = await WriteRunFolderAsync(pack, view, fingerprint, runId, startedUtc, cancellationToken).ConfigureAwait(false);

        // The commit point: one conditional write makes the complete run folder current, or leaves the other run current.
        string? winner;
        try
        {
            winner = await TrySwitchPointerAsync(pack.Id, new RunPointer(runId, fingerprint), pointerETag, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await TryRecordFailureAsync(pack.Id, runId, fingerprint, uploads.Count, startedUtc, e).ConfigureAwait(false);
            throw;
        }

        var published = winner is null;
        run = run with
        {
            Status = published ? run.Status : FindingsRunStatus.Superseded,
            DurationMs = (long)time.GetElapsedTime(started).TotalMilliseconds,
            Message = published ? run.Message : $"Superseded: run {winner} switched the pointer first and is current; this run stays in history. {run.Message}",
        };
        await ledger.SaveFindingsRunAsync(run, cancellationToken).ConfigureAwait(false);
        PipelineMetrics.RecordFindingsRun(pack.Id, published ? "succeeded" : "superseded", run.DurationMs);
        logger.LogInformation("Findings run {RunId} for {Survey}: {Cells} cells from {Cases} cases in {Uploads} uploads", runId, pack.Id, rows.Count, run.Cases, uploads.Count);
        return new FindingsRun(new FindingsRunStatusInfo(run, FindingsPaths.RunFolder(pack.Id, runId)), rows);
    }

    /// <summary>
    /// Computes the findings and writes the whole run folder (tables, report files) and the labels table. Nothing it
    /// writes is reachable from the current pointer yet; if it fails, the previous run stays current and the failure is
    /// recorded in the ledger (when the ledger can still be written) before the error goes to the caller.
    /// </summary>
    private async Task<(FindingsRunRecord Run, IReadOnlyList<FindingRow> Rows)> WriteRunFolderAsync(SurveyPack pack, CurrentViewManifest view, string fingerprint, string runId, DateTimeOffset startedUtc, CancellationToken cancellationToken)
    {
        try
        {
            var computation = new FindingsComputation(pack, _options.Confidence);
            foreach (var record in computation.Records)
            {
                var items = computation.ItemsNeeded(record);
                await foreach (var values in new CuratedView(lake).ReadAsync(view, record, items, cancellationToken).ConfigureAwait(false))
                {
                    computation.Add(record, values);
                }
            }

            if (computation.DesignProblems() is { Count: > 0 } problems)
            {
                if (pack.Manifest.Design.InvalidDesign == DesignManifest.InvalidDesignFail)
                {
                    throw new SurveyPackException($"The findings of survey '{pack.Id}' cannot be estimated: the data contradict its design: {string.Join("; ", problems)}. Correct the universes in {pack.Manifest.Design.Strata} (or the stratum codes of those cases), or set design.invalidDesign: {DesignManifest.InvalidDesignWithoutFpc} in pack.yaml to estimate such strata without finite population correction.");
                }

                computation.EstimateWithoutFpcWhereInvalid();
            }

            var rows = computation.Results();
            var run = new FindingsRunRecord
            {
                SurveyId = pack.Id,
                RunId = runId,
                Status = FindingsRunStatus.Succeeded,
                InputsFingerprint = fingerprint,
                Uploads = view.Uploads.Count,
                Cases = computation.CasesInDesign,
                Cells = rows.Count,
                StartedUtc = startedUtc,
                Message = computation.CoverageNote,
            };
            await publisher.PublishAsync(pack, run, rows, _options.Confidence, cancellationToken).ConfigureAwait(false);
            await new FindingsTables(lake).WriteAsync(pack, run, rows, cancellationToken).ConfigureAwait(false);
            return (run, rows);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await TryRecordFailureAsync(pack.Id, runId, fingerprint, view.Uploads.Count, startedUtc, e).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The run the current pointer names, or null before the first run.</summary>
    public async Task<string?> CurrentRunAsync(string survey, CancellationToken cancellationToken) =>
        (await ReadPointerAsync(survey, cancellationToken).ConfigureAwait(false)).Pointer?.RunId;

    private async Task<(RunPointer? Pointer, string ETag)> ReadPointerAsync(string survey, CancellationToken cancellationToken)
    {
        var blob = await lake.ReadSmallAsync(LakeZone.Findings, FindingsPaths.Current(survey), cancellationToken).ConfigureAwait(false);
        return blob is null ? (null, LakeETag.None) : (JsonSerializer.Deserialize<RunPointer>(blob.Content.Span), blob.ETag);
    }

    /// <summary>Switches the pointer to this run; returns null when it did, else the run that is current instead.</summary>
    private async Task<string?> TrySwitchPointerAsync(string survey, RunPointer pointer, string expectedETag, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(pointer));
        try
        {
            await lake.WriteAsync(LakeZone.Findings, FindingsPaths.Current(survey), content, expectedETag, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (LakeConflictException)
        {
            // A storage client that retries a conditional write whose first attempt did land (the response was lost)
            // sees its own change as a conflict: the pointer then names this run, and this run is current.
            var current = (await ReadPointerAsync(survey, cancellationToken).ConfigureAwait(false)).Pointer?.RunId;
            if (current == pointer.RunId)
            {
                return null;
            }

            logger.LogInformation("Findings pointer of {Survey} changed during run {RunId}; run {Winner} stays current", survey, pointer.RunId, current);
            return current ?? "(unknown: the pointer was removed meanwhile)";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The write may or may not have landed. If the pointer can be read and names this run, it did; otherwise the
            // error goes on (and the run is recorded as failed: the pointer still names the previous run, or, if the
            // outage also hides the pointer, the next run will find out).
            if (await PointerNamesAsync(survey, pointer.RunId).ConfigureAwait(false))
            {
                return null;
            }

            logger.LogWarning(e, "The findings pointer of {Survey} could not be switched to run {RunId}", survey, pointer.RunId);
            throw;
        }
    }

    private async Task<bool> PointerNamesAsync(string survey, string runId)
    {
        try
        {
            return (await ReadPointerAsync(survey, CancellationToken.None).ConfigureAwait(false)).Pointer?.RunId == runId;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Could not read the findings pointer of {Survey} after a failed switch", survey);
            return false;
        }
    }

    private async Task TryRecordFailureAsync(string survey, string runId, string fingerprint, int uploads, DateTimeOffset startedUtc, Exception error)
    {
        if (error is SurveyPackException)
        {
            // The pack or its data contradict each other (the design guard) and the message says what to fix: a person
            // reads it, so no stack trace. The alert on this line matches either form (infra/core/monitor/alerts.bicep).
            logger.LogWarning("Findings run {RunId} for {Survey} failed before the pointer named it; the previous run stays current. {Problem}", runId, survey, error.Message);
        }
        else
        {
            logger.LogWarning(error, "Findings run {RunId} for {Survey} failed before the pointer named it; the previous run stays current", runId, survey);
        }
        PipelineMetrics.RecordFindingsRun(survey, "failed", (long)(time.GetUtcNow() - startedUtc).TotalMilliseconds);
        try
        {
            var failed = new FindingsRunRecord
            {
                SurveyId = survey,
                RunId = runId,
                Status = FindingsRunStatus.Failed,
                InputsFingerprint = fingerprint,
                Uploads = uploads,
                StartedUtc = startedUtc,
                Message = $"Failed before the pointer named this run; the previous run stays current. {error.GetType().Name}: {error.Message}",
            };
            await ledger.SaveFindingsRunAsync(failed, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ledgerError) when (ledgerError is not OperationCanceledException)
        {
            // The storage outage that failed the run may fail this write too; the original error is what the caller needs.
            logger.LogWarning(ledgerError, "Could not record the failure of findings run {RunId} for {Survey}", runId, survey);
        }
    }

    private static string Fingerprint(SurveyPack pack, IEnumerable<string> uploadIds) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(pack.ContentHash + "\n" + string.Join('\n', uploadIds))));

    private static string RunIdOf(DateTimeOffset started, string fingerprint) =>
        $"{started.UtcDateTime:yyyyMMdd'T'HHmmssfff'Z'}-{fingerprint[..8]}";

    /// <summary>
    /// Start time, inputs, and a random part: two runs started in the same millisecond on the same inputs (two hosts
    /// firing the timer, a forced rerun) must not write into the same run folder or the same ledger row.
    /// </summary>
    private static string RunIdOf(DateTimeOffset started, string fingerprint, Guid attempt) =>
        $"{RunIdOf(started, fingerprint)}-{attempt.ToString("N")[..6]}";

    /// <summary>The content of <c>current.json</c>.</summary>
    public sealed record RunPointer(string RunId, string Fingerprint);
}
