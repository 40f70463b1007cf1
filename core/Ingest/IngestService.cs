using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Core.Cleaning;
using Pipeline.Core.Engine;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Core.Privacy;
using Pipeline.Core.Quality;
using Pipeline.Core.Readers;
using Pipeline.Core.Telemetry;

namespace Pipeline.Core.Ingest;

/// <summary>
/// Ingests one upload from the incoming zone: claim it in the ledger → read once (detect, read, validate, clean into
/// temporary Parquet) → content-addressed raw copy → write curated, quarantine and report files → publish the upload in
/// the current view (<see cref="CurrentViewStore"/>, one conditional write) → ledger Succeeded. Nothing is visible to
/// readers of the current view before the publish step, so a crash anywhere leaves no partial result and the next
/// delivery redoes the work with the same outcome.
/// </summary>
public sealed class IngestService(
    ILakeStore lake,
    ILedger ledger,
    SurveyPackCatalog packs,
    Pseudonymiser pseudonymiser,
    IQualityReportRenderer qualityReport,
    IOptions<IngestOptions> options,
    TimeProvider time,
    ILogger<IngestService> logger)
{
    private const string UnknownSurvey = "_unknown";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };
    private readonly IngestOptions _options = options.Value;
    private readonly CurrentViewStore _currentView = new(lake);

    /// <summary>
    /// Ingests <paramref name="incomingPath"/> (a path in the incoming zone whose first segment is the survey pack id).
    /// Returns normally for bad files (status Rejected), for duplicates and for uploads another delivery is processing;
    /// throws only for unexpected failures that a retry may fix, until <see cref="IngestOptions.MaxAttempts"/>.
    /// </summary>
    public async Task<IngestOutcome> IngestAsync(string incomingPath, IProgress<IngestProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(incomingPath);
        var started = time.GetTimestamp();
        var info = await lake.GetInfoAsync(LakeZone.Incoming, incomingPath, cancellationToken).ConfigureAwait(false);
        if (info is null)
        {
            logger.LogWarning("Upload {Upload} is no longer in the incoming zone; nothing to ingest", incomingPath);
            var gone = new UploadRecord { SurveyId = UnknownSurvey, UploadId = string.Empty, BlobPath = incomingPath, Status = UploadStatus.Rejected, ErrorSummary = $"{incomingPath}: the blob was deleted before it could be read." };
            return new IngestOutcome(gone, AlreadyProcessed: true, []);
        }

        var surveyId = incomingPath.Split('/')[0];
        var pack = incomingPath.Contains('/', StringComparison.Ordinal) ? packs.Find(surveyId) : null;
        var uploadId = UploadIdOf(incomingPath, info.ETag);
        var (record, proceed) = await ClaimAsync(pack?.Id ?? UnknownSurvey, uploadId, incomingPath, info, cancellationToken).ConfigureAwait(false);
        if (!proceed)
        {
            return new IngestOutcome(record, AlreadyProcessed: true, []);
        }

        try
        {
            if (pack is null)
            {
                throw new InputFileException(incomingPath, $"the first folder of the path ('{surveyId}') names no survey pack; known packs: {string.Join(", ", packs.Packs.Select(p => p.Id))}.", "Upload to incoming/<survey-pack-id>/<file>.");
            }

            var (counts, done) = await ProcessAsync(pack, record, progress, cancellationToken).ConfigureAwait(false);
            record = await SaveOutcomeAsync(done with { Status = UploadStatus.Succeeded, CompletedUtc = time.GetUtcNow(), DurationMs = (long)time.GetElapsedTime(started).TotalMilliseconds, LeaseUntilUtc = null, ErrorSummary = string.Empty }, cancellationToken).ConfigureAwait(false);
            PipelineMetrics.RecordUpload(pack.Id, record.Format, "succeeded", record.RowsRead, record.RowsRejected, record.SizeBytes, record.DurationMs);
            logger.LogInformation(
                "Ingested {Upload}: {Read} rows read, {Curated} curated, {Rejected} rejected; survey {Survey}, format {Format}, {Bytes} bytes in {DurationMs} ms",
                incomingPath, record.RowsRead, record.RowsCurated, record.RowsRejected, pack.Id, record.Format, record.SizeBytes, record.DurationMs);
            return new IngestOutcome(record, AlreadyProcessed: false, counts);
        }
        catch (InputFileException e)
        {
            logger.LogWarning("Rejected upload {Upload}: {Problem}", incomingPath, e.Message);
            return new IngestOutcome(await RejectFileAsync(record, e.Message, started, cancellationToken).ConfigureAwait(false), AlreadyProcessed: false, []);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (record.Attempts >= _options.MaxAttempts)
            {
                logger.LogError(e, "Giving up on upload {Upload} after {Attempts} attempts", incomingPath, record.Attempts);
                var message = $"{incomingPath}: processing failed {record.Attempts} times; last error: {e.Message} The upload stays in the incoming zone; contact the data team.";
                return new IngestOutcome(await RejectFileAsync(record, message, started, CancellationToken.None).ConfigureAwait(false), AlreadyProcessed: false, []);
            }

            await TrySaveAsync(record with { Status = UploadStatus.Failed, LeaseUntilUtc = null, ErrorSummary = e.Message, DurationMs = (long)time.GetElapsedTime(started).TotalMilliseconds }).ConfigureAwait(false);
            throw;
        }
        catch (OperationCanceledException)
        {
            await TrySaveAsync(record with { Status = UploadStatus.Failed, LeaseUntilUtc = null, ErrorSummary = "cancelled" }).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Takes the upload for this delivery, or finds it finished or owned by a live lease. Every delivery is counted; the
    /// ledger row is updated with its ETag as condition, so of concurrent deliveries exactly one claims.
    /// </summary>
    private async Task<(UploadRecord Record, bool Proceed)> ClaimAsync(string survey, string uploadId, string path, LakeBlobInfo info, CancellationToken cancellationToken)
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
                        LeaseUntilUtc = now + _options.LeaseDuration,
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

    private async Task<(IReadOnlyList<RecordCount> Counts, UploadRecord Record)> ProcessAsync(SurveyPack pack, UploadRecord record, IProgress<IngestProgress>? progress, CancellationToken cancellationToken)
    {
        var displayName = record.BlobPath;
        await using var upload = await UploadStream.OpenAsync(await lake.OpenReadAsync(LakeZone.Incoming, record.BlobPath, cancellationToken, record.ETag).ConfigureAwait(false), FormatDetector.SniffLength, cancellationToken).ConfigureAwait(false);
        await using var reader = await ExportReaders.OpenAsync(upload, upload.Head, displayName, pack, cancellationToken).ConfigureAwait(false);
        reader.ReuseFieldArrays(RowChecks.RingSize); // a row is done with before RingSize more are read (RowChecks)
        var metadata = new Dictionary<string, string> { ["survey"] = pack.Id, ["upload_id"] = record.UploadId, ["dictionary"] = pack.Dictionary.Name };
        await using var issuesTable = await IssuesTable.CreateAsync(record.UploadId, metadata, _options.Parquet, cancellationToken).ConfigureAwait(false);
        var records = new Dictionary<string, RecordTables>(StringComparer.Ordinal);
        using var quality = new QualityStats(pack.Manifest.Quality);
        var cleaning = new CleaningCounts();
        var cases = new CaseKeys();
        using var checks = new UploadChecks(pack, reader.Records, cases);
        try
        {
            var started = time.GetTimestamp();
            var read = await ReadAllAsync(pack, record, reader, issuesTable, quality, cleaning, cases, checks, records, metadata, progress, cancellationToken).ConfigureAwait(false);
            var hash = await upload.FinishHashAsync(cancellationToken).ConfigureAwait(false);
            var readMs = (long)time.GetElapsedTime(started).TotalMilliseconds;

            // Tables the checks need not rewrite are finished now: their buffers go before the rewrite needs memory.
            foreach (var tables in records.Values)
            {
                await tables.CompleteWrittenAsync(cancellationToken).ConfigureAwait(false);
            }

            // The read phase's column buffers and batches are garbage now; the rewrite below allocates its own.
            MemoryPolicy.EndOfStreamingPhase(read);

            // Checks that need the whole upload (structure, case rules, outliers); rejected cases leave the curated tables.
            started = time.GetTimestamp();
            var caseIssues = await checks.FinishAsync(records, cancellationToken).ConfigureAwait(false);
            var checksMs = (long)time.GetElapsedTime(started).TotalMilliseconds;
            await issuesTable.AddAsync(caseIssues, cancellationToken).ConfigureAwait(false);
            quality.AddIssues(caseIssues);
            quality.AddCaseRejections(checks.CasesRejectedAfterTheirMainRow());
            var counts = records.Values.Select(r => r.Count).OrderBy(c => c.Record, StringComparer.Ordinal).ToList();
            quality.SetCounts(counts);
            if (counts.Sum(c => c.Read) != read)
            {
                throw new InvalidOperationException($"Row accounting broke for {displayName}: {read} rows read, {counts.Sum(c => c.Read)} written.");
            }

            record = record with
            {
                Format = reader.Format,
                ContentSha256 = hash,
                RowsRead = read,
                RowsCurated = counts.Sum(c => c.Curated),
                RowsRejected = counts.Sum(c => c.Rejected),
                CountsByRecord = string.Join(';', counts.Select(c => $"{c.Record}:{c.Read}/{c.Curated}/{c.Rejected}")),
                RawPath = LakePaths.Raw(pack.Id, hash, Path.GetExtension(record.BlobPath)),
            };
            quality.TextEncoding = reader.TextEncoding;
            quality.CleaningSteps = cleaning.ByStep;
            started = time.GetTimestamp();
            record = await PublishAsync(pack, record, records.Values, issuesTable, quality, counts, cleaning, cancellationToken).ConfigureAwait(false);
            logger.LogInformation(
                "Upload {Upload} stages: read, validate and clean {ReadMs} ms; whole-upload checks and rewrite {ChecksMs} ms; write and publish {PublishMs} ms",
                displayName, readMs, checksMs, (long)time.GetElapsedTime(started).TotalMilliseconds);
            return (counts, record);
        }
        finally
        {
            foreach (var tables in records.Values)
            {
                await tables.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<long> ReadAllAsync(SurveyPack pack, UploadRecord record, IExportReader reader, IssuesTable issuesTable, QualityStats quality, CleaningCounts cleaning, CaseKeys cases, UploadChecks checks, Dictionary<string, RecordTables> records, Dictionary<string, string> metadata, IProgress<IngestProgress>? progress, CancellationToken cancellationToken)
    {
        var ingested = record.ReceivedUtc; // the first delivery's time: a retry writes identical files
        Func<string, string> pseudonym = pseudonymiser.Pseudonym; // one delegate, not one per row
        long read = 0;

        // Per row: read → dictionary checks → cleaning and rules → write. With read-ahead the first two run on another
        // thread, a few batches ahead of the rest here (RowChecks says why the split falls there).
        var checkedRows = new RowChecks(pack, cleaning, cases).CheckAsync(reader.ReadAsync(cancellationToken), cancellationToken);
        var rows = _options.ReadAhead ? ReadAhead.Of(checkedRows, cancellationToken) : checkedRows;
        await foreach (var checkedRow in rows.ConfigureAwait(false))
        {
            read++;
            var row = checkedRow.Row;
            if (!records.TryGetValue(row.Layout.Record.Name, out var tables))
            {
                var recordMetadata = new Dictionary<string, string>(metadata) { ["record"] = row.Layout.Record.Name };
                tables = await RecordTables.CreateAsync(pack, row.Layout, recordMetadata, _options.Parquet, cancellationToken).ConfigureAwait(false);
                records.Add(row.Layout.Record.Name, tables);
            }

            checkedRow.Complete();
            var (cells, issues, caseKey) = (checkedRow.Cells, checkedRow.Issues, checkedRow.CaseKey);
            quality.Add(row.Layout, cells, issues, checkedRow.Accepted, caseKey, checkedRow.CaseIndex, pseudonym, checkedRow.NulledCode);
            if (checkedRow.Accepted)
            {
                checks.Observe(row.Layout.Record.Name, checkedRow.Values, checkedRow.CaseIndex, row.Row, null, cells);
                var warnings = issues.Count == 0 ? null : string.Join(',', issues.Select(i => i.Rule).Distinct(StringComparer.Ordinal));
                await tables.AddCuratedAsync(caseKey, cells, checkedRow.Nulled, warnings, record.UploadId, row.Row, ingested, pseudonym, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var reasons = string.Join("; ", issues.Where(i => i.Severity == IssueSeverity.Error).Select(i => $"{i.Rule}: {i.Message}"));
                checks.Observe(row.Layout.Record.Name, checkedRow.Values, checkedRow.CaseIndex, row.Row, reasons, cells);
                await tables.AddRejectedAsync(row, caseKey, reasons, pseudonym, cancellationToken).ConfigureAwait(false);
                quality.AddRejectedCase(row.Layout, row, pseudonym);
                logger.LogInformation("Rejected row {Row} of {Upload}: {Reasons}", row.Row, record.BlobPath, reasons);
            }

            await issuesTable.AddAsync(issues, cancellationToken).ConfigureAwait(false);
            if (read % _options.ProgressEveryRows == 0)
            {
                progress?.Report(new IngestProgress(record.BlobPath, read));
            }
        }

        return read;
    }

    /// <summary>Raw copy, output files, then the one step that makes the upload visible: the current-view manifest.</summary>
    private async Task<UploadRecord> PublishAsync(SurveyPack pack, UploadRecord record, IEnumerable<RecordTables> records, IssuesTable issuesTable, QualityStats quality, IReadOnlyList<RecordCount> counts, CleaningCounts cleaning, CancellationToken cancellationToken)
    {
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
            await WriteSummaryAsync(pack, record, counts, issuesTable, cleaning, quality.TextEncoding, same.UploadId, cancellationToken).ConfigureAwait(false);
            return record with { DuplicateOf = same.UploadId };
        }

        var files = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var tables in records)
        {
            var name = tables.Layout.Record.Name;
            var curated = await tables.CompleteCuratedAsync(cancellationToken).ConfigureAwait(false);
            files[name] = await UploadAsync(LakeZone.Curated, part => LakePaths.Curated(pack.Id, name, record.UploadId, part), curated, cancellationToken).ConfigureAwait(false);
            if (tables.Rejected.RowCount > 0)
            {
                await UploadAsync(LakeZone.Quarantine, part => LakePaths.Rejected(pack.Id, record.UploadId, name, part), tables.Rejected, cancellationToken).ConfigureAwait(false);
            }
        }

        await UploadAsync(LakeZone.Reports, part => LakePaths.Issues(pack.Id, record.UploadId, part), issuesTable.Writer, cancellationToken).ConfigureAwait(false);
        using (var report = new MemoryStream())
        {
            await qualityReport.WriteAsync(report, pack, record, quality, cancellationToken).ConfigureAwait(false);
            report.Position = 0;
            await lake.WriteAsync(LakeZone.Reports, LakePaths.QualityReport(pack.Id, record.UploadId), report, ifMatch: null, cancellationToken).ConfigureAwait(false);
        }
        var raced = await _currentView.PublishAsync(pack.Id, new PublishedUpload(record.UploadId, record.BlobPath, record.ContentSha256, time.GetUtcNow(), files), cancellationToken).ConfigureAwait(false);
        await WriteSummaryAsync(pack, record, counts, issuesTable, cleaning, quality.TextEncoding, raced?.UploadId, cancellationToken).ConfigureAwait(false);
        return raced is null ? record : record with { DuplicateOf = raced.UploadId };
    }

    private Task WriteSummaryAsync(SurveyPack pack, UploadRecord record, IReadOnlyList<RecordCount> counts, IssuesTable issuesTable, CleaningCounts cleaning, string? encoding, string? duplicateOf, CancellationToken cancellationToken) =>
        WriteJsonAsync(LakeZone.Reports, LakePaths.Summary(pack.Id, record.UploadId), new
        {
            survey = pack.Id,
            uploadId = record.UploadId,
            upload = record.BlobPath,
            format = record.Format,
            encoding,
            sha256 = record.ContentSha256,
            raw = record.RawPath,
            bytes = record.SizeBytes,
            duplicateOf,
            records = counts.Select(c => new { record = c.Record, read = c.Read, curated = c.Curated, rejected = c.Rejected }),
            issuesByRule = issuesTable.CountsByRule,
            cleaningSteps = cleaning.ByStep,
        }, cancellationToken);

    private async Task<UploadRecord> RejectFileAsync(UploadRecord record, string message, long started, CancellationToken cancellationToken)
    {
        await WriteJsonAsync(LakeZone.Quarantine, LakePaths.FileError(record.SurveyId, record.UploadId), new { upload = record.BlobPath, record.UploadId, error = message }, cancellationToken).ConfigureAwait(false);
        var rejected = record with
        {
            Status = UploadStatus.Rejected,
            LeaseUntilUtc = null,
            ErrorSummary = message,
            CompletedUtc = time.GetUtcNow(),
            DurationMs = (long)time.GetElapsedTime(started).TotalMilliseconds,
        };
        rejected = await SaveOutcomeAsync(rejected, cancellationToken).ConfigureAwait(false);
        PipelineMetrics.RecordUpload(record.SurveyId, record.Format, "rejected", 0, 0, record.SizeBytes, rejected.DurationMs);
        return rejected;
    }

    /// <summary>
    /// Saves this delivery's outcome without losing the deliveries other, concurrent deliveries counted meanwhile
    /// (a conditional read-modify-write, retried on conflict).
    /// </summary>
    private async Task<UploadRecord> SaveOutcomeAsync(UploadRecord outcome, CancellationToken cancellationToken)
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
    private async Task TrySaveAsync(UploadRecord record)
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

    private async Task WriteJsonAsync(LakeZone zone, string path, object value, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(value, Json));
        await lake.WriteAsync(zone, path, content, ifMatch: null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Same blob version → same id: duplicate events for one upload are recognised; a re-upload gets a new id.</summary>
    public static string UploadIdOf(string path, string etag) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(path + "\n" + etag)))[..20];
}
