using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Core.Engine;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Core.Privacy;
using Pipeline.Core.Readers;
using Pipeline.Core.Telemetry;

namespace Pipeline.Core.Ingest;

/// <summary>
/// Ingests one upload from the incoming zone: claim it in the ledger → read once (detect, read, validate, clean into
/// temporary Parquet) → content-addressed raw copy → write curated, quarantine and report files → publish the upload in
/// the current view (<see cref="CurrentViewStore"/>, one conditional write) → ledger Succeeded. Nothing is visible to
/// readers of the current view before the publish step, so a crash anywhere leaves no partial result and the next
/// delivery redoes the work with the same outcome. That delivery first removes what the crashed attempt wrote
/// (<see cref="UploadLeftovers"/>); rows left Processing by a dead worker are marked Failed by a periodic sweep, and
/// temporary files a killed process left are deleted when the service starts (docs/lake.md, "After a crash").
/// </summary>
public sealed class IngestService
{
    private const string UnknownSurvey = "_unknown";
    private readonly ILakeStore _lake;
    private readonly SurveyPackCatalog _packs;
    private readonly IngestOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<IngestService> _logger;
    private readonly UploadClaims _claims;
    private readonly ReadPhase _readPhase;
    private readonly UploadPublisher _publisher;
    private readonly FileRejection _rejection;
    private readonly UploadLeftovers _leftovers;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> _lastSweep = new(StringComparer.Ordinal);

    public IngestService(
        ILakeStore lake,
        ILedger ledger,
        SurveyPackCatalog packs,
        Pseudonymiser pseudonymiser,
        IQualityReportRenderer qualityReport,
        IOptions<IngestOptions> options,
        TimeProvider time,
        ILogger<IngestService> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _lake = lake;
        _packs = packs;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _claims = new UploadClaims(ledger, _options, time, logger);
        _readPhase = new ReadPhase(_options, pseudonymiser, logger);
        _publisher = new UploadPublisher(lake, qualityReport, new UploadSummary(lake), time, logger);
        _rejection = new FileRejection(lake, _claims, time);
        _leftovers = new UploadLeftovers(lake, logger);
        DeleteStaleTempFiles();
    }

    /// <summary>
    /// Ingests <paramref name="incomingPath"/> (a path in the incoming zone whose first segment is the survey pack id).
    /// Returns normally for bad files (status Rejected), for duplicates and for uploads another delivery is processing;
    /// throws only for unexpected failures that a retry may fix, until <see cref="IngestOptions.MaxAttempts"/>.
    /// </summary>
    public async Task<IngestOutcome> IngestAsync(string incomingPath, IProgress<IngestProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(incomingPath);
        var started = _time.GetTimestamp();
        var info = await _lake.GetInfoAsync(LakeZone.Incoming, incomingPath, cancellationToken).ConfigureAwait(false);
        if (info is null)
        {
            _logger.LogWarning("Upload {Upload} is no longer in the incoming zone; nothing to ingest", incomingPath);
            var gone = new UploadRecord { SurveyId = UnknownSurvey, UploadId = string.Empty, BlobPath = incomingPath, Status = UploadStatus.Rejected, ErrorSummary = $"{incomingPath}: the blob was deleted before it could be read." };
            return new IngestOutcome(gone, AlreadyProcessed: true, []);
        }

        var surveyId = incomingPath.Split('/')[0];
        var pack = incomingPath.Contains('/', StringComparison.Ordinal) ? _packs.Find(surveyId) : null;
        var uploadId = UploadIdOf(incomingPath, info.ETag);
        if (pack is not null)
        {
            await SweepExpiredLeasesIfDueAsync(pack.Id, cancellationToken).ConfigureAwait(false);
        }

        var (record, proceed) = await _claims.ClaimAsync(pack?.Id ?? UnknownSurvey, uploadId, incomingPath, info, cancellationToken).ConfigureAwait(false);
        if (!proceed)
        {
            return new IngestOutcome(record, AlreadyProcessed: true, []);
        }

        try
        {
            if (pack is null && _packs.FindBroken(surveyId) is { } broken)
            {
                throw new InputFileException(incomingPath, $"survey pack '{broken.Id}' is broken and not loaded, so nothing can be ingested for it: {broken.Summary}", $"Fix the pack (survey-pipeline pack check survey-packs/{Path.GetFileName(broken.Folder)} lists every problem), redeploy it and upload again.");
            }

            if (pack is null)
            {
                throw new InputFileException(incomingPath, $"the first folder of the path ('{surveyId}') names no survey pack; known packs: {string.Join(", ", _packs.Packs.Select(p => p.Id))}.", "Upload to incoming/<survey-pack-id>/<file>.");
            }

            if (record.Attempts > 1)
            {
                // An earlier attempt failed or died; its unpublished files must not outlive this one.
                await _leftovers.RemoveUnpublishedAsync(pack.Id, record.UploadId, cancellationToken).ConfigureAwait(false);
            }

            var (counts, done) = await ProcessAsync(pack, record, progress, cancellationToken).ConfigureAwait(false);
            record = await _claims.SaveOutcomeAsync(done with { Status = UploadStatus.Succeeded, CompletedUtc = _time.GetUtcNow(), DurationMs = (long)_time.GetElapsedTime(started).TotalMilliseconds, LeaseUntilUtc = null, ErrorSummary = string.Empty }, cancellationToken).ConfigureAwait(false);
            PipelineMetrics.RecordUpload(pack.Id, record.Format, "succeeded", record.RowsRead, record.RowsRejected, record.SizeBytes, record.DurationMs);
            _logger.LogInformation(
                "Ingested {Upload}: {Read} rows read, {Curated} curated, {Rejected} rejected; survey {Survey}, format {Format}, {Bytes} bytes in {DurationMs} ms",
                incomingPath, record.RowsRead, record.RowsCurated, record.RowsRejected, pack.Id, record.Format, record.SizeBytes, record.DurationMs);
            return new IngestOutcome(record, AlreadyProcessed: false, counts);
        }
        catch (InputFileException e)
        {
            _logger.LogWarning("Rejected upload {Upload}: {Problem}", incomingPath, e.Message);
            return new IngestOutcome(await _rejection.RejectAsync(record, e.Message, started, cancellationToken).ConfigureAwait(false), AlreadyProcessed: false, []);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (record.Attempts >= _options.MaxAttempts)
            {
                _logger.LogError(e, "Giving up on upload {Upload} after {Attempts} attempts", incomingPath, record.Attempts);
                var message = $"{incomingPath}: processing failed {record.Attempts} times; last error: {FailureText(e)} The upload stays in the incoming zone; contact the data team.";
                await TryRemoveLeftoversAsync(record).ConfigureAwait(false);
                return new IngestOutcome(await _rejection.RejectAsync(record, message, started, CancellationToken.None).ConfigureAwait(false), AlreadyProcessed: false, []);
            }

            await _claims.TrySaveFailureAsync(record with { Status = UploadStatus.Failed, LeaseUntilUtc = null, ErrorSummary = FailureText(e), DurationMs = (long)_time.GetElapsedTime(started).TotalMilliseconds }).ConfigureAwait(false);
            throw;
        }
        catch (OperationCanceledException)
        {
            await _claims.TrySaveFailureAsync(record with { Status = UploadStatus.Failed, LeaseUntilUtc = null, ErrorSummary = "cancelled" }).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Deletes the temporary files a killed process left: older than the lease, so no live ingest owns them.</summary>
    private void DeleteStaleTempFiles()
    {
        try
        {
            var deleted = PipelineTemp.DeleteStale(_options.LeaseDuration, _time);
            if (deleted > 0)
            {
                _logger.LogInformation("Deleted {Files} temporary files older than {Lease} left in {Folder} by a stopped process", deleted, _options.LeaseDuration, PipelineTemp.Folder);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Housekeeping: an unreadable temp folder must not stop the service; the next start tries again.
            _logger.LogWarning(e, "Could not look for stale temporary files in {Folder}", PipelineTemp.Folder);
        }
    }

    /// <summary>
    /// Marks the survey's uploads left Processing with an expired lease as Failed, at most once per
    /// <see cref="IngestOptions.ExpiredLeaseSweepInterval"/> per instance. Best effort: a failure here must not fail the ingest.
    /// </summary>
    private async Task SweepExpiredLeasesIfDueAsync(string survey, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_lastSweep.TryGetValue(survey, out var last) && now - last < _options.ExpiredLeaseSweepInterval)
        {
            return;
        }

        _lastSweep[survey] = now;
        try
        {
            await _claims.ReleaseExpiredLeasesAsync(survey, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogWarning(e, "Could not look for stopped uploads of {Survey}; the next sweep tries again", survey);
            _lastSweep.TryRemove(survey, out _);
        }
    }

    /// <summary>
    /// Removes a given-up upload's unpublished files, unless a later attempt took over the lease meanwhile (they may be its
    /// work in progress); best effort, as storage may be why it was given up.
    /// </summary>
    private async Task TryRemoveLeftoversAsync(UploadRecord record)
    {
        try
        {
            if (await _claims.StillOwnsAsync(record, CancellationToken.None).ConfigureAwait(false))
            {
                await _leftovers.RemoveUnpublishedAsync(record.SurveyId, record.UploadId, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogWarning(e, "Could not remove the unpublished files of given-up upload {UploadId}; the next attempt at it would", record.UploadId);
        }
    }

    /// <summary>
    /// An unexpected failure as the ledger and the CLI show it. Exceptions that quote the text they failed on (a number
    /// or XML that would not parse, a bad argument) are named by type only: that text may be a value of the upload, and
    /// the ledger must hold no personal value. Storage and I/O failures keep their message (status, path), which is
    /// what an operator needs.
    /// </summary>
    internal static string FailureText(Exception e) =>
        e is FormatException or OverflowException or ArgumentException or InvalidCastException or System.Xml.XmlException or System.Text.Json.JsonException or KeyNotFoundException
            ? $"{e.GetType().Name} (details in the logs of the attempt)."
            : e.Message;

    /// <summary>One claimed upload: read → check → clean → write (<see cref="ReadPhase"/>), whole-upload checks, publish.</summary>
    private async Task<(IReadOnlyList<RecordCount> Counts, UploadRecord Record)> ProcessAsync(SurveyPack pack, UploadRecord record, IProgress<IngestProgress>? progress, CancellationToken cancellationToken)
    {
        await using var run = await UploadRun.OpenAsync(_lake, pack, record, _options.Parquet, _options.Readers, progress, cancellationToken).ConfigureAwait(false);
        var started = _time.GetTimestamp();
        var read = await _readPhase.ReadAllAsync(run).ConfigureAwait(false);
        var hash = await run.FinishHashAsync().ConfigureAwait(false);
        var readMs = (long)_time.GetElapsedTime(started).TotalMilliseconds;

        await run.CompleteWrittenTablesAsync().ConfigureAwait(false);
        // The read phase's column buffers and batches are garbage now; the rewrite below allocates its own.
        MemoryPolicy.EndOfStreamingPhase(read);

        started = _time.GetTimestamp();
        var counts = await CheckWholeUploadAsync(run, read).ConfigureAwait(false);
        var checksMs = (long)_time.GetElapsedTime(started).TotalMilliseconds;

        run.Record = run.Record with
        {
            Format = run.Reader.Format,
            ContentSha256 = hash,
            RowsRead = read,
            RowsCurated = counts.Sum(c => c.Curated),
            RowsRejected = counts.Sum(c => c.Rejected),
            CountsByRecord = string.Join(';', counts.Select(c => $"{c.Record}:{c.Read}/{c.Curated}/{c.Rejected}")),
            DeletedCases = run.Reader.DeletedCases,
            ErasedLines = run.Reader.ErasedLines,
            RawPath = LakePaths.Raw(pack.Id, hash, Path.GetExtension(record.BlobPath)),
        };
        run.Quality.TextEncoding = run.Reader.TextEncoding;
        run.Quality.CleaningSteps = run.Cleaning.ByStep;
        started = _time.GetTimestamp();
        var published = await _publisher.PublishAsync(run, counts).ConfigureAwait(false);
        _logger.LogInformation(
            "Upload {Upload} stages: read, validate and clean {ReadMs} ms; whole-upload checks and rewrite {ChecksMs} ms; write and publish {PublishMs} ms",
            record.BlobPath, readMs, checksMs, (long)_time.GetElapsedTime(started).TotalMilliseconds);
        return (counts, published);
    }

    /// <summary>
    /// Checks that need the whole upload (structure, case rules, outliers); rejected cases leave the curated tables.
    /// Returns the row counts by record, which must add up to the rows read.
    /// </summary>
    private static async Task<IReadOnlyList<RecordCount>> CheckWholeUploadAsync(UploadRun run, long read)
    {
        var caseIssues = await run.Checks.FinishAsync(run.Tables, run.CancellationToken).ConfigureAwait(false);
        await run.Issues.AddAsync(caseIssues, run.CancellationToken).ConfigureAwait(false);
        run.Quality.AddIssues(caseIssues);
        run.Quality.AddCaseRejections(run.Checks.CasesRejectedAfterTheirMainRow());
        var counts = run.Tables.Values.Select(r => r.Count).OrderBy(c => c.Record, StringComparer.Ordinal).ToList();
        run.Quality.SetCounts(counts);
        if (counts.Sum(c => c.Read) != read)
        {
            throw new InvalidOperationException($"Row accounting broke for {run.Record.BlobPath}: {read} rows read, {counts.Sum(c => c.Read)} written.");
        }

        return counts;
    }

    /// <summary>Same blob version → same id: duplicate events for one upload are recognised; a re-upload gets a new id.</summary>
    public static string UploadIdOf(string path, string etag) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(path + "\n" + etag)))[..20];
}
