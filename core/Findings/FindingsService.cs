using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Core.Reporting;
using Pipeline.Core.Telemetry;

namespace Pipeline.Core.Findings;

/// <summary>
/// Recomputes a survey's findings from the current curated view (the manifest <c>curated/&lt;survey&gt;/_current.json</c>): every indicator of the catalogue, in every breakdown
/// cell, design-weighted (<see cref="StratifiedRatio"/>). Writes a new run folder, then switches the current pointer in
/// one conditional write. Running it twice on the same inputs writes nothing the second time (a skip is recorded).
/// Memory depends on indicators × cells × strata and on the case keys of the view, not on row payloads.
/// </summary>
public sealed class FindingsService(ILakeStore lake, ILedger ledger, IOptions<FindingsOptions> options, TimeProvider time, ILogger<FindingsService> logger)
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

        var runId = RunIdOf(startedUtc, fingerprint);
        var computation = new FindingsComputation(pack, _options.Confidence);
        foreach (var record in pack.Indicators.Indicators.Select(i => i.Record).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var items = computation.ItemsNeeded(record);
            await foreach (var values in new CuratedView(lake).ReadAsync(view, record, items, cancellationToken).ConfigureAwait(false))
            {
                computation.Add(record, values);
            }
        }

        var rows = computation.Results();
        var run = new FindingsRunRecord
        {
            SurveyId = pack.Id,
            RunId = runId,
            Status = FindingsRunStatus.Succeeded,
            InputsFingerprint = fingerprint,
            Uploads = uploads.Count,
            Cases = computation.CasesInDesign,
            Cells = rows.Count,
            StartedUtc = startedUtc,
            Message = computation.CoverageNote,
        };
        await new FindingsTables(lake).WriteAsync(pack, run, rows, cancellationToken).ConfigureAwait(false);
        await new FindingsReportPublisher(lake, time).PublishAsync(pack, run, rows, _options.Confidence, cancellationToken).ConfigureAwait(false);
        await LabelsTable.PublishAsync(lake, pack, cancellationToken).ConfigureAwait(false);

        var published = await TrySwitchPointerAsync(pack.Id, new RunPointer(runId, fingerprint), pointerETag, cancellationToken).ConfigureAwait(false);
        run = run with
        {
            DurationMs = (long)time.GetElapsedTime(started).TotalMilliseconds,
            Message = published ? run.Message : $"Another run switched the pointer first; this run stays in history. {run.Message}",
        };
        await ledger.SaveFindingsRunAsync(run, cancellationToken).ConfigureAwait(false);
        PipelineMetrics.RecordFindingsRun(pack.Id, published ? "succeeded" : "superseded", run.DurationMs);
        logger.LogInformation("Findings run {RunId} for {Survey}: {Cells} cells from {Cases} cases in {Uploads} uploads", runId, pack.Id, rows.Count, run.Cases, uploads.Count);
        return new FindingsRun(new FindingsRunStatusInfo(run, FindingsPaths.RunFolder(pack.Id, runId)), rows);
    }

    /// <summary>The run the current pointer names, or null before the first run.</summary>
    public async Task<string?> CurrentRunAsync(string survey, CancellationToken cancellationToken) =>
        (await ReadPointerAsync(survey, cancellationToken).ConfigureAwait(false)).Pointer?.RunId;

    private async Task<(RunPointer? Pointer, string ETag)> ReadPointerAsync(string survey, CancellationToken cancellationToken)
    {
        var blob = await lake.ReadSmallAsync(LakeZone.Findings, FindingsPaths.Current(survey), cancellationToken).ConfigureAwait(false);
        return blob is null ? (null, LakeETag.None) : (JsonSerializer.Deserialize<RunPointer>(blob.Content.Span), blob.ETag);
    }

    private async Task<bool> TrySwitchPointerAsync(string survey, RunPointer pointer, string expectedETag, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(pointer));
        try
        {
            await lake.WriteAsync(LakeZone.Findings, FindingsPaths.Current(survey), content, expectedETag, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (LakeConflictException)
        {
            logger.LogInformation("Findings pointer of {Survey} changed during run {RunId}; the other run stays current", survey, pointer.RunId);
            return false;
        }
    }

    private static string Fingerprint(SurveyPack pack, IEnumerable<string> uploadIds) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(pack.ContentHash + "\n" + string.Join('\n', uploadIds))));

    private static string RunIdOf(DateTimeOffset started, string fingerprint) =>
        $"{started.UtcDateTime:yyyyMMdd'T'HHmmssfff'Z'}-{fingerprint[..8]}";

    /// <summary>The content of <c>current.json</c>.</summary>
    public sealed record RunPointer(string RunId, string Fingerprint);
}
