using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using Pipeline.Core.Lake;

namespace Pipeline.Storage.Azure;

/// <summary>The ledger on Azure Tables: partition key = survey id, row key = upload id or run id.</summary>
public sealed class AzureTableLedger(TableServiceClient service, LakeOptions options) : ILedger
{
    private TableClient Uploads => service.GetTableClient(options.UploadsTable);

    private TableClient Runs => service.GetTableClient(options.FindingsRunsTable);

    /// <summary>Creates the two tables if they do not exist yet.</summary>
    public async Task EnsureTablesAsync(CancellationToken cancellationToken)
    {
        await Uploads.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        await Runs.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<UploadRecord?> GetUploadAsync(string surveyId, string uploadId, CancellationToken cancellationToken) =>
        (await GetUploadEntryAsync(surveyId, uploadId, cancellationToken).ConfigureAwait(false))?.Record;

    public async Task<LedgerEntry<UploadRecord>?> GetUploadEntryAsync(string surveyId, string uploadId, CancellationToken cancellationToken)
    {
        var response = await Uploads.GetEntityIfExistsAsync<TableEntity>(surveyId, uploadId, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? new LedgerEntry<UploadRecord>(ToUpload(response.Value!), response.Value!.ETag.ToString()) : null;
    }

    public async Task SaveUploadAsync(UploadRecord upload, CancellationToken cancellationToken, string? ifMatch = null)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var entity = new TableEntity(upload.SurveyId, upload.UploadId)
        {
            ["BlobPath"] = upload.BlobPath,
            ["BlobETag"] = upload.ETag,
            ["ContentSha256"] = upload.ContentSha256,
            ["SizeBytes"] = upload.SizeBytes,
            ["Format"] = upload.Format,
            ["Status"] = upload.Status.ToString(),
            ["Attempts"] = upload.Attempts,
            ["Deliveries"] = upload.Deliveries,
            ["LeaseUntilUtc"] = upload.LeaseUntilUtc,
            ["RawPath"] = upload.RawPath,
            ["DuplicateOf"] = upload.DuplicateOf,
            ["RowsRead"] = upload.RowsRead,
            ["RowsCurated"] = upload.RowsCurated,
            ["RowsRejected"] = upload.RowsRejected,
            ["CountsByRecord"] = upload.CountsByRecord,
            ["DeletedCases"] = upload.DeletedCases,
            ["ErasedLines"] = upload.ErasedLines,
            ["ReceivedUtc"] = upload.ReceivedUtc,
            ["CompletedUtc"] = upload.CompletedUtc,
            ["DurationMs"] = upload.DurationMs,
            ["ErrorSummary"] = Truncate(upload.ErrorSummary),
        };
        try
        {
            switch (ifMatch)
            {
                case null:
                    await Uploads.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                    break;
                case LakeETag.None:
                    await Uploads.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    await Uploads.UpdateEntityAsync(entity, new ETag(ifMatch), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            throw new LakeConflictException($"Ledger row {upload.SurveyId}/{upload.UploadId} changed or exists (condition {ifMatch}).", e);
        }
    }

    public async IAsyncEnumerable<UploadRecord> ListUploadsAsync(string surveyId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var entity in Uploads.QueryAsync<TableEntity>(e => e.PartitionKey == surveyId, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return ToUpload(entity);
        }
    }

    public async Task SaveFindingsRunAsync(FindingsRunRecord run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var entity = new TableEntity(run.SurveyId, run.RunId)
        {
            ["Status"] = run.Status.ToString(),
            ["InputsFingerprint"] = run.InputsFingerprint,
            ["Uploads"] = run.Uploads,
            ["Cases"] = run.Cases,
            ["Cells"] = run.Cells,
            ["StartedUtc"] = run.StartedUtc,
            ["DurationMs"] = run.DurationMs,
            ["Message"] = Truncate(run.Message),
        };
        await Runs.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<FindingsRunRecord> ListFindingsRunsAsync(string surveyId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var e in Runs.QueryAsync<TableEntity>(e => e.PartitionKey == surveyId, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return new FindingsRunRecord
            {
                SurveyId = e.PartitionKey,
                RunId = e.RowKey,
                Status = Enum.Parse<FindingsRunStatus>(e.GetString("Status")),
                InputsFingerprint = e.GetString("InputsFingerprint") ?? string.Empty,
                Uploads = e.GetInt32("Uploads") ?? 0,
                Cases = e.GetInt64("Cases") ?? 0,
                Cells = e.GetInt32("Cells") ?? 0,
                StartedUtc = e.GetDateTimeOffset("StartedUtc") ?? default,
                DurationMs = e.GetInt64("DurationMs") ?? 0,
                Message = e.GetString("Message") ?? string.Empty,
            };
        }
    }

    private static UploadRecord ToUpload(TableEntity e) => new()
    {
        SurveyId = e.PartitionKey,
        UploadId = e.RowKey,
        BlobPath = e.GetString("BlobPath") ?? string.Empty,
        ETag = e.GetString("BlobETag") ?? string.Empty,
        ContentSha256 = e.GetString("ContentSha256") ?? string.Empty,
        SizeBytes = e.GetInt64("SizeBytes") ?? 0,
        Format = e.GetString("Format") ?? string.Empty,
        Status = Enum.Parse<UploadStatus>(e.GetString("Status")),
        Attempts = e.GetInt32("Attempts") ?? 0,
        Deliveries = e.GetInt32("Deliveries") ?? 0,
        LeaseUntilUtc = e.GetDateTimeOffset("LeaseUntilUtc"),
        RawPath = e.GetString("RawPath") ?? string.Empty,
        DuplicateOf = e.GetString("DuplicateOf") ?? string.Empty,
        RowsRead = e.GetInt64("RowsRead") ?? 0,
        RowsCurated = e.GetInt64("RowsCurated") ?? 0,
        RowsRejected = e.GetInt64("RowsRejected") ?? 0,
        CountsByRecord = e.GetString("CountsByRecord") ?? string.Empty,
        DeletedCases = e.GetInt64("DeletedCases") ?? 0,
        ErasedLines = e.GetInt64("ErasedLines") ?? 0,
        ReceivedUtc = e.GetDateTimeOffset("ReceivedUtc") ?? default,
        CompletedUtc = e.GetDateTimeOffset("CompletedUtc"),
        DurationMs = e.GetInt64("DurationMs") ?? 0,
        ErrorSummary = e.GetString("ErrorSummary") ?? string.Empty,
    };

    /// <summary>A table property holds at most 32K UTF-16 characters; error summaries are cut well below that.</summary>
    private static string Truncate(string s) => s.Length <= 8000 ? s : s[..8000] + "…";
}
