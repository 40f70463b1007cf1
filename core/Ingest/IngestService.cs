using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Core.Privacy;
using Pipeline.Core.Telemetry;

namespace Pipeline.Core.Ingest;

/// <summary>
/// Ingests one upload from the incoming zone: raw copy → detect → read → validate → clean → write Parquet, then the
/// reports and the ledger row. The ledger row turning <see cref="UploadStatus.Succeeded"/> is the commit point: findings
/// only read uploads that reached it, so a crash half-way leaves nothing visible and the next delivery redoes the work.
/// </summary>
public sealed class IngestService(
    ILakeStore lake,
    ILedger ledger,
    SurveyPackCatalog packs,
    Pseudonymiser pseudonymiser,
    IOptions<IngestOptions> options,
    TimeProvider time,
    ILogger<IngestService> logger)
{
    private const string UnknownSurvey = "_unknown";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };
    private readonly IngestOptions _options = options.Value;

    /// <summary>
    /// Ingests <paramref name="incomingPath"/> (a path in the incoming zone whose first segment is the survey pack id).
    /// Returns normally for bad files (status Rejected) and for duplicates of finished uploads; throws only for
    /// unexpected failures that a retry may fix.
    /// </summary>
    public async Task<IngestOutcome> IngestAsync(string incomingPath, IProgress<IngestProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(incomingPath);
        var started = time.GetTimestamp();
        var info = await lake.GetInfoAsync(LakeZone.Incoming, incomingPath, cancellationToken).ConfigureAwait(false)
            ?? throw new LakeBlobNotFoundException($"Upload {incomingPath} is not in the incoming zone (deleted before it was processed?).");
        var surveyId = incomingPath.Split('/')[0];
        var pack = incomingPath.Contains('/', StringComparison.Ordinal) ? packs.Find(surveyId) : null;
        var uploadId = UploadIdOf(incomingPath, info.ETag);
        var ledgerSurvey = pack?.Id ?? UnknownSurvey;

        var previous = await ledger.GetUploadAsync(ledgerSurvey, uploadId, cancellationToken).ConfigureAwait(false);
        if (previous is { Status: UploadStatus.Succeeded or UploadStatus.Rejected })
        {
            logger.LogInformation("Upload {Upload} ({UploadId}) was already processed with status {Status}; nothing to do", incomingPath, uploadId, previous.Status);
            return new IngestOutcome(previous, AlreadyProcessed: true, []);
        }

        var record = new UploadRecord
        {
            SurveyId = ledgerSurvey,
            UploadId = uploadId,
            BlobPath = incomingPath,
            ETag = info.ETag,
            SizeBytes = info.Size,
            Status = UploadStatus.Processing,
            Attempts = (previous?.Attempts ?? 0) + 1,
            ReceivedUtc = previous?.ReceivedUtc ?? time.GetUtcNow(),
        };
        await ledger.SaveUploadAsync(record, cancellationToken).ConfigureAwait(false);

        try
        {
            if (pack is null)
            {
                throw new InputFileException(incomingPath, $"the first folder of the path ('{surveyId}') names no survey pack; known packs: {string.Join(", ", packs.Packs.Select(p => p.Id))}.", "Upload to incoming/<survey-pack-id>/<file>.");
            }

            var rawPath = LakePaths.Raw(pack.Id, uploadId, Path.GetFileName(incomingPath));
            if (await lake.GetInfoAsync(LakeZone.Raw, rawPath, cancellationToken).ConfigureAwait(false) is null)
            {
                await lake.CopyAsync(LakeZone.Incoming, incomingPath, LakeZone.Raw, rawPath, cancellationToken).ConfigureAwait(false);
            }

            var (counts, format, hash) = await ProcessAsync(pack, uploadId, rawPath, incomingPath, progress, cancellationToken).ConfigureAwait(false);
            record = record with
            {
                Status = UploadStatus.Succeeded,
                Format = format,
                ContentSha256 = hash,
                RowsRead = counts.Sum(c => c.Read),
                RowsCurated = counts.Sum(c => c.Curated),
                RowsRejected = counts.Sum(c => c.Rejected),
                CountsByRecord = string.Join(';', counts.Select(c => $"{c.Record}:{c.Read}/{c.Curated}/{c.Rejected}")),
                CompletedUtc = time.GetUtcNow(),
                DurationMs = (long)time.GetElapsedTime(started).TotalMilliseconds,
                ErrorSummary = string.Empty,
            };
            await ledger.SaveUploadAsync(record, cancellationToken).ConfigureAwait(false);
            PipelineMetrics.RecordUpload(pack.Id, format, "succeeded", record.RowsRead, record.RowsRejected, record.SizeBytes, record.DurationMs);
            logger.LogInformation(
                "Ingested {Upload}: {Read} rows read, {Curated} curated, {Rejected} rejected; survey {Survey}, format {Format}, {Bytes} bytes in {DurationMs} ms",
                incomingPath, record.RowsRead, record.RowsCurated, record.RowsRejected, pack.Id, format, record.SizeBytes, record.DurationMs);
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
                var message = $"{incomingPath}: processing failed {record.Attempts} times; last error: {e.Message} The upload is kept in the raw zone; contact the data team.";
                return new IngestOutcome(await RejectFileAsync(record, message, started, cancellationToken).ConfigureAwait(false), AlreadyProcessed: false, []);
            }

            await ledger.SaveUploadAsync(record with { Status = UploadStatus.Failed, ErrorSummary = e.Message, DurationMs = (long)time.GetElapsedTime(started).TotalMilliseconds }, cancellationToken).ConfigureAwait(false);
            throw;
        }
    }

    private async Task<(IReadOnlyList<RecordCount> Counts, string Format, string Hash)> ProcessAsync(SurveyPack pack, string uploadId, string rawPath, string displayName, IProgress<IngestProgress>? progress, CancellationToken cancellationToken)
    {
        await using var upload = await UploadStream.OpenAsync(await lake.OpenReadAsync(LakeZone.Raw, rawPath, cancellationToken).ConfigureAwait(false), FormatDetector.SniffLength, cancellationToken).ConfigureAwait(false);
        await using var reader = await ExportReaders.OpenAsync(upload, displayName, pack, cancellationToken).ConfigureAwait(false);
        var metadata = new Dictionary<string, string> { ["survey"] = pack.Id, ["upload_id"] = uploadId, ["dictionary"] = pack.Dictionary.Name };
        await using var issuesTable = await IssuesTable.CreateAsync(uploadId, metadata, _options.Parquet, cancellationToken).ConfigureAwait(false);
        var records = new Dictionary<string, RecordState>(StringComparer.Ordinal);
        try
        {
            var issues = new List<RowIssue>();
            var ingested = time.GetUtcNow();
            long read = 0;
            await foreach (var row in reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                read++;
                if (!records.TryGetValue(row.Layout.Record.Name, out var state))
                {
                    var recordMetadata = new Dictionary<string, string>(metadata) { ["record"] = row.Layout.Record.Name };
                    state = new RecordState(await RecordTables.CreateAsync(row.Layout, recordMetadata, _options.Parquet, cancellationToken).ConfigureAwait(false), new RowValidator(row.Layout), new CellValue[row.Layout.Columns.Count]);
                    records.Add(row.Layout.Record.Name, state);
                }

                issues.Clear();
                if (state.Validator.Validate(row, state.Cells, issues, out var caseKey))
                {
                    await state.Tables.AddCuratedAsync(caseKey, state.Cells, uploadId, row.Row, ingested, pseudonymiser.Pseudonym, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    var reasons = string.Join("; ", issues.Where(i => i.Severity == IssueSeverity.Error).Select(i => $"{i.Rule}: {i.Message}"));
                    await state.Tables.AddRejectedAsync(row, caseKey, reasons, pseudonymiser.Pseudonym, cancellationToken).ConfigureAwait(false);
                    logger.LogInformation("Rejected row {Row} of {Upload}: {Reasons}", row.Row, displayName, reasons);
                }

                await issuesTable.AddAsync(issues, cancellationToken).ConfigureAwait(false);
                if (read % _options.ProgressEveryRows == 0)
                {
                    progress?.Report(new IngestProgress(displayName, read));
                }
            }

            var hash = await upload.FinishHashAsync(cancellationToken).ConfigureAwait(false);
            var counts = records.Values.Select(r => r.Tables.Count).OrderBy(c => c.Record, StringComparer.Ordinal).ToList();
            if (counts.Sum(c => c.Read) != read)
            {
                throw new InvalidOperationException($"Row accounting broke for {displayName}: {read} rows read, {counts.Sum(c => c.Read)} written.");
            }

            foreach (var state in records.Values)
            {
                var record = state.Tables.Layout.Record.Name;
                await UploadAsync(LakeZone.Curated, LakePaths.Curated(pack.Id, record, uploadId), state.Tables.Curated, cancellationToken).ConfigureAwait(false);
                if (state.Tables.Rejected.RowCount > 0)
                {
                    await UploadAsync(LakeZone.Quarantine, LakePaths.Rejected(pack.Id, uploadId, record), state.Tables.Rejected, cancellationToken).ConfigureAwait(false);
                }
            }

            await UploadAsync(LakeZone.Reports, LakePaths.Issues(pack.Id, uploadId), issuesTable.Writer, cancellationToken).ConfigureAwait(false);
            var summary = new
            {
                survey = pack.Id,
                uploadId,
                upload = displayName,
                format = reader.Format,
                sha256 = hash,
                bytes = upload.BytesRead,
                records = counts.Select(c => new { record = c.Record, read = c.Read, curated = c.Curated, rejected = c.Rejected }),
                issuesByRule = issuesTable.CountsByRule,
            };
            await WriteJsonAsync(LakeZone.Reports, LakePaths.Summary(pack.Id, uploadId), summary, cancellationToken).ConfigureAwait(false);
            return (counts, reader.Format, hash);
        }
        finally
        {
            foreach (var state in records.Values)
            {
                await state.Tables.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<UploadRecord> RejectFileAsync(UploadRecord record, string message, long started, CancellationToken cancellationToken)
    {
        await WriteJsonAsync(LakeZone.Quarantine, LakePaths.FileError(record.SurveyId, record.UploadId), new { upload = record.BlobPath, record.UploadId, error = message }, cancellationToken).ConfigureAwait(false);
        var rejected = record with
        {
            Status = UploadStatus.Rejected,
            ErrorSummary = message,
            CompletedUtc = time.GetUtcNow(),
            DurationMs = (long)time.GetElapsedTime(started).TotalMilliseconds,
        };
        await ledger.SaveUploadAsync(rejected, cancellationToken).ConfigureAwait(false);
        PipelineMetrics.RecordUpload(record.SurveyId, record.Format, "rejected", 0, 0, record.SizeBytes, rejected.DurationMs);
        return rejected;
    }

    private async Task UploadAsync(LakeZone zone, string path, ParquetTableWriter table, CancellationToken cancellationToken)
    {
        await using var content = await table.CompleteAsync(cancellationToken).ConfigureAwait(false);
        await lake.WriteAsync(zone, path, content, ifMatch: null, cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteJsonAsync(LakeZone zone, string path, object value, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(value, Json));
        await lake.WriteAsync(zone, path, content, ifMatch: null, cancellationToken).ConfigureAwait(false);
    }

    private sealed record RecordState(RecordTables Tables, RowValidator Validator, CellValue[] Cells);

    /// <summary>Same blob version → same id: duplicate events for one upload are recognised; a re-upload gets a new id.</summary>
    public static string UploadIdOf(string path, string etag) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(path + "\n" + etag)))[..20];
}
