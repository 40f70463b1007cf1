using Pipeline.Core.Ingest;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Functions;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.EndToEnd;

/// <summary>The IngestUpload function invoked as the host would, with a real BlobClient, against Azurite.</summary>
public sealed class IngestUploadTests : IAsyncLifetime
{
    private const string Survey = "peru-coffee-cacao";
    private TestPipeline _pipeline = null!;

    public async Task InitializeAsync() => _pipeline = await TestPipeline.AzuriteAsync(await TestPipeline.PeruPacksAsync());

    public async Task DisposeAsync() => await _pipeline.DisposeAsync();

    [Fact]
    public async Task IngestUpload_SampleExport_CuratedParquetReadByDuckDbMatchesTheSource()
    {
        var path = await _pipeline.UploadAsync(Survey, RepoPaths.PeruSample);

        await InvokeAsync(path);

        var upload = await LedgerRowAsync(path);
        Assert.Equal(UploadStatus.Succeeded, upload.Status);
        Assert.Equal((120L, 115L, 5L), (upload.RowsRead, upload.RowsCurated, upload.RowsRejected));
        Assert.Equal(upload.RowsRead, upload.RowsCurated + upload.RowsRejected);
        Assert.Equal("PARTICIPANT_REC:120/115/5", upload.CountsByRecord);
        Assert.Equal(64, upload.ContentSha256.Length);

        var parquet = await _pipeline.DownloadAsync(LakeZone.Curated, LakePaths.Curated(Survey, "PARTICIPANT_REC", upload.UploadId));
        Assert.Equal(115L, DuckDb.Scalar<long>($"select count(*) from read_parquet({DuckDb.Literal(parquet)})"));
        Assert.Equal("BIGINT", DuckDb.Scalar<string>($"select typeof(Q12_MEMBER) from read_parquet({DuckDb.Literal(parquet)}) limit 1"));
        Assert.Equal("VARCHAR", DuckDb.Scalar<string>($"select typeof(A4_LOCALITY) from read_parquet({DuckDb.Literal(parquet)}) limit 1"));

        // Every curated row equals its source row, as DuckDB reads the CSV itself (row numbers: header = 1).
        var compared = DuckDb.Query($"""
            set threads = 1;
            with src as (
                select *, row_number() over () + 1 as src_row
                from read_csv({DuckDb.Literal(RepoPaths.PeruSample)}, header = true, all_varchar = true)),
            cur as (select * from read_parquet({DuckDb.Literal(parquet)}))
            select count(*) as joined,
                   count(*) filter (where
                       cur.REGION <> cast(src.REGION as bigint) or cur.QUEST_NO <> cast(src.QUEST_NO as bigint)
                       or cur.B2_AGE is distinct from try_cast(nullif(src.B2_AGE, '') as bigint)
                       or cur.B3_SEX is distinct from try_cast(nullif(src.B3_SEX, '') as bigint)
                       or cur.Q12_MEMBER is distinct from try_cast(nullif(src.Q12_MEMBER, '') as bigint)
                       or cur.Q29_LOAN_APPLIED is distinct from try_cast(nullif(src.Q29_LOAN_APPLIED, '') as bigint)
                       or cur.Q31_LOAN_OBTAINED is distinct from try_cast(nullif(src.Q31_LOAN_OBTAINED, '') as bigint)
                       or cur.Q43_INTERNET is distinct from try_cast(nullif(src.Q43_INTERNET, '') as bigint)
                       or cur.A4_LOCALITY is distinct from nullif(src.A4_LOCALITY, '')) as mismatched
            from cur join src on cur._source_row = src.src_row
            """).Single();
        Assert.Equal(115L, Convert.ToInt64(compared[0], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(0L, Convert.ToInt64(compared[1], System.Globalization.CultureInfo.InvariantCulture));

        // The four planted faults are rejected, each with its reason; the duplicate ID takes its first occurrence (line 73)
        // with it, since the two interviews cannot be told apart (survey-packs/peru-coffee-cacao/README.md).
        var rejected = await _pipeline.DownloadAsync(LakeZone.Quarantine, LakePaths.Rejected(Survey, upload.UploadId, "PARTICIPANT_REC"));
        var reasons = DuckDb.Query($"select _source_row, _reasons from read_parquet({DuckDb.Literal(rejected)}) order by _source_row")
            .Select(r => (Row: Convert.ToInt64(r[0], System.Globalization.CultureInfo.InvariantCulture), Reason: (string)r[1]!)).ToList();
        Assert.Equal([57L, 66L, 73L, 88L, 102L], reasons.Select(r => r.Row));
        Assert.StartsWith(Rules.OutOfValueSet, reasons[0].Reason, StringComparison.Ordinal);
        Assert.StartsWith(Rules.OutOfValueSet, reasons[1].Reason, StringComparison.Ordinal);
        Assert.StartsWith($"case rejected: PARTICIPANT_REC row 102: {Rules.DuplicateCase}", reasons[2].Reason, StringComparison.Ordinal);
        Assert.StartsWith(Rules.NotANumber, reasons[3].Reason, StringComparison.Ordinal);
        Assert.StartsWith(Rules.DuplicateCase, reasons[4].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IngestUpload_SameBlobDeliveredFiveTimesConcurrentlyThenFiveInSequence_OneResultAllDeliveriesCounted()
    {
        var path = await _pipeline.UploadAsync(Survey, RepoPaths.PeruSample);

        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => InvokeAsync(path)));
        for (var i = 0; i < 5; i++)
        {
            await InvokeAsync(path);
        }

        var upload = await LedgerRowAsync(path);
        Assert.Equal(UploadStatus.Succeeded, upload.Status);
        Assert.Equal(1, upload.Attempts);
        Assert.Equal(10, upload.Deliveries);
        var curated = new List<LakeBlobInfo>();
        await foreach (var blob in _pipeline.Lake.ListAsync(LakeZone.Curated, $"{Survey}/", default))
        {
            curated.Add(blob);
        }

        Assert.Single(curated, b => b.Path.EndsWith(".parquet", StringComparison.Ordinal));
        var (view, _) = await new CurrentViewStore(_pipeline.Lake).ReadAsync(Survey, default);
        Assert.Equal(upload.UploadId, Assert.Single(view.Uploads).UploadId);
        var ledgerRows = new List<UploadRecord>();
        await foreach (var row in _pipeline.Ledger.ListUploadsAsync(Survey, default))
        {
            ledgerRows.Add(row);
        }

        Assert.Single(ledgerRows);
    }

    [Fact]
    public async Task IngestUpload_PathWithoutKnownSurvey_RejectsFileAndReturnsNormally()
    {
        var path = await _pipeline.UploadAsync("no-such-survey", RepoPaths.PeruSample);

        await InvokeAsync(path); // must not throw: a bad file is not a host failure

        var upload = await _pipeline.Ledger.GetUploadAsync("_unknown", IngestService.UploadIdOf(path, (await _pipeline.Lake.GetInfoAsync(LakeZone.Incoming, path, default))!.ETag), default);
        Assert.NotNull(upload);
        Assert.Equal(UploadStatus.Rejected, upload.Status);
        Assert.Contains("no-such-survey/PARTICIPANT_REC.csv", upload.ErrorSummary, StringComparison.Ordinal);
        Assert.Contains("peru-coffee-cacao", upload.ErrorSummary, StringComparison.Ordinal);
        Assert.Contains("incoming/<survey-pack-id>/<file>", upload.ErrorSummary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IngestUpload_HeaderOfLabelsNotNames_RejectsSayingNoFieldIsAnItemNameWithoutQuotingThem()
    {
        var file = Path.Combine(Path.GetTempPath(), $"labels-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, "A.1 Region,A.2 Province,A.3 District,Questionnaire number,Q12 Member\r\n1,2,3,4,1\r\n");
        var path = await _pipeline.UploadAsync(Survey, file, "labels.csv");

        await InvokeAsync(path);

        var upload = await LedgerRowAsync(path);
        Assert.Equal(UploadStatus.Rejected, upload.Status);
        Assert.Contains("peru-coffee-cacao/labels.csv, row 1", upload.ErrorSummary, StringComparison.Ordinal);
        // A first line with no item name may be data (a file without a header): none of its fields is quoted.
        Assert.Contains("the first line is not a header: none of its 5 fields is an item name of dictionary", upload.ErrorSummary, StringComparison.Ordinal);
        Assert.DoesNotContain("A.1 Region", upload.ErrorSummary, StringComparison.Ordinal);
        Assert.Contains("item names as the header", upload.ErrorSummary, StringComparison.Ordinal);
    }

    private async Task InvokeAsync(string path)
    {
        var blob = _pipeline.Blobs!.GetBlobContainerClient(_pipeline.LakeOptions.IncomingContainer).GetBlobClient(path);
        await new IngestUpload(_pipeline.Get<IngestService>()).RunAsync(blob, CancellationToken.None);
    }

    private async Task<UploadRecord> LedgerRowAsync(string path)
    {
        var info = await _pipeline.Lake.GetInfoAsync(LakeZone.Incoming, path, default);
        var upload = await _pipeline.Ledger.GetUploadAsync(Survey, IngestService.UploadIdOf(path, info!.ETag), default);
        Assert.NotNull(upload);
        return upload;
    }
}
