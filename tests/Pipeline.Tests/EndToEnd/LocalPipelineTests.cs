using System.Text;
using Pipeline.Core.Findings;
using Pipeline.Core.Ingest;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.EndToEnd;

/// <summary>The whole pipeline on the embedded local-folder backend, as the CLI runs it.</summary>
public sealed class LocalPipelineTests : IAsyncLifetime
{
    private const string Survey = "peru-coffee-cacao";
    private TestPipeline _pipeline = null!;

    public async Task InitializeAsync() => _pipeline = await TestPipeline.LocalAsync(await TestPipeline.PeruPacksAsync());

    public async Task DisposeAsync() => await _pipeline.DisposeAsync();

    [Fact]
    public async Task Pipeline_SampleExport_NoPersonalDataInCuratedFindingsReportsOrQuarantine()
    {
        var outcome = await _pipeline.Get<IngestService>().IngestAsync(await _pipeline.UploadAsync(Survey, RepoPaths.PeruSample));
        await _pipeline.Get<FindingsService>().RecomputeAsync(_pipeline.Get<SurveyPackCatalog>().Find(Survey)!);
        Assert.True(outcome.Succeeded);

        var secrets = PersonalValuesOfSample();
        Assert.True(secrets.Count > 100, "the sample should carry names, surveyors and coordinates to look for");
        foreach (var zone in new[] { LakeZone.Curated, LakeZone.Findings, LakeZone.Reports, LakeZone.Quarantine })
        {
            await foreach (var blob in _pipeline.Lake.ListAsync(zone, string.Empty, default))
            {
                var bytes = await File.ReadAllBytesAsync(await _pipeline.DownloadAsync(zone, blob.Path));
                var text = Encoding.UTF8.GetString(bytes);
                var leak = secrets.FirstOrDefault(s => text.Contains(s, StringComparison.Ordinal));
                Assert.True(leak is null, $"{zone}/{blob.Path} contains personal value '{leak}'");
            }
        }
    }

    [Fact]
    public async Task Pipeline_SampleExport_RowsReadEqualCuratedPlusRejectedInLedgerAndFiles()
    {
        var outcome = await _pipeline.Get<IngestService>().IngestAsync(await _pipeline.UploadAsync(Survey, RepoPaths.PeruSample));

        var count = Assert.Single(outcome.Counts);
        Assert.Equal(count.Read, count.Curated + count.Rejected);
        var sourceRows = File.ReadAllLines(RepoPaths.PeruSample).Length - 1;
        Assert.Equal(sourceRows, count.Read);
        var id = outcome.Upload.UploadId;
        var curated = await _pipeline.DownloadAsync(LakeZone.Curated, LakePaths.Curated(Survey, "PARTICIPANT_REC", id));
        var rejected = await _pipeline.DownloadAsync(LakeZone.Quarantine, LakePaths.Rejected(Survey, id, "PARTICIPANT_REC"));
        var inFiles = DuckDb.Scalar<long>($"select (select count(*) from read_parquet({DuckDb.Literal(curated)})) + (select count(*) from read_parquet({DuckDb.Literal(rejected)}))");
        Assert.Equal(sourceRows, inFiles);
        var rowsCovered = DuckDb.Scalar<long>($"select count(distinct r) from (select _source_row r from read_parquet({DuckDb.Literal(curated)}) union all select _source_row from read_parquet({DuckDb.Literal(rejected)}))");
        Assert.Equal(sourceRows, rowsCovered);
    }

    [Fact]
    public async Task Pipeline_PseudonymisedSurveyor_HasStableIdAcrossUploads()
    {
        var first = await _pipeline.Get<IngestService>().IngestAsync(await _pipeline.UploadAsync(Survey, RepoPaths.PeruSample));
        var shorter = Path.Combine(Path.GetTempPath(), $"shorter-{Guid.NewGuid():N}.csv");
        await File.WriteAllLinesAsync(shorter, File.ReadAllLines(RepoPaths.PeruSample).SkipLast(1));
        var second = await _pipeline.Get<IngestService>().IngestAsync(await _pipeline.UploadAsync(Survey, shorter, "second-batch.csv"));

        string Surveyors(IngestOutcome o) => string.Join(',', DuckDb.Query(
            $"select distinct C3_SURVEYOR from read_parquet({DuckDb.Literal(_pipeline.DownloadAsync(LakeZone.Curated, LakePaths.Curated(Survey, "PARTICIPANT_REC", o.Upload.UploadId)).Result)}) order by 1")
            .Select(r => (string)r[0]!));

        var ids = Surveyors(first);
        Assert.Equal(ids, Surveyors(second));
        Assert.Equal(5, ids.Split(',').Length);
        Assert.All(ids.Split(','), id => Assert.Matches("^P-[0-9a-f]{16}$", id));
    }

    [Fact]
    public async Task Ingest_SameContentUnderAnotherName_PublishesNothingNewAndPointsToTheFirst()
    {
        var first = await _pipeline.Get<IngestService>().IngestAsync(await _pipeline.UploadAsync(Survey, RepoPaths.PeruSample));
        var again = await _pipeline.Get<IngestService>().IngestAsync(await _pipeline.UploadAsync(Survey, RepoPaths.PeruSample, "resent.csv"));

        Assert.Equal(UploadStatus.Succeeded, again.Upload.Status);
        Assert.Equal(first.Upload.UploadId, again.Upload.DuplicateOf);
        Assert.Equal(first.Upload.RawPath, again.Upload.RawPath); // content-addressed: one raw copy
        var (view, _) = await new CurrentViewStore(_pipeline.Lake).ReadAsync(Survey, default);
        Assert.Single(view.Uploads);
    }

    [Fact]
    public async Task Ingest_PartialInterviews_AreKeptWithTheirWarningFlag()
    {
        var outcome = await _pipeline.Get<IngestService>().IngestAsync(await _pipeline.UploadAsync(Survey, RepoPaths.PeruSample));

        var curated = await _pipeline.DownloadAsync(LakeZone.Curated, LakePaths.Curated(Survey, "PARTICIPANT_REC", outcome.Upload.UploadId));
        var flagged = DuckDb.Query($"select _source_row, C5_RESULT, _warnings from read_parquet({DuckDb.Literal(curated)}) where _warnings is not null order by 1");
        Assert.Equal([40L, 72L, 74L], flagged.Select(r => Convert.ToInt64(r[0], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(flagged, r => Assert.Equal("result.not-completed", r[2]));
    }

    [Fact]
    public async Task Ingest_EmptyFile_IsAcceptedAsAnExportOfNoCase()
    {
        // An empty export is legitimate (no case entered yet): 0 rows, not a failed upload (DeletedAndEmptyExportTests).
        var file = Path.Combine(Path.GetTempPath(), $"empty-{Guid.NewGuid():N}.csv");
        await File.WriteAllBytesAsync(file, []);

        var outcome = await _pipeline.Get<IngestService>().IngestAsync(await _pipeline.UploadAsync(Survey, file, "empty.csv"));

        Assert.Equal((UploadStatus.Succeeded, "empty", 0L), (outcome.Upload.Status, outcome.Upload.Format, outcome.Upload.RowsRead));
    }

    [Fact]
    public async Task Ingest_UnclosedQuote_IsRejectedNamingTheRow()
    {
        var header = File.ReadLines(RepoPaths.PeruSample).First();
        var good = File.ReadLines(RepoPaths.PeruSample).Skip(1).First();
        var file = Path.Combine(Path.GetTempPath(), $"quote-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, $"{header}\r\n{good}\r\n1,2,1,999,\"Unclosed,1,2\r\n");

        var outcome = await _pipeline.Get<IngestService>().IngestAsync(await _pipeline.UploadAsync(Survey, file, "quote.csv"));

        Assert.Equal(UploadStatus.Rejected, outcome.Upload.Status);
        Assert.Contains("peru-coffee-cacao/quote.csv, row 3", outcome.Upload.ErrorSummary, StringComparison.Ordinal);
        Assert.Contains("quote", outcome.Upload.ErrorSummary, StringComparison.Ordinal);
    }

    /// <summary>Names, surveyor and supervisor names and coordinates as they appear in the sample export.</summary>
    private static HashSet<string> PersonalValuesOfSample()
    {
        var rows = DuckDb.Query($"select B1_NAME, C3_SURVEYOR, C4_SUPERVISOR, A5_X, A5_Y from read_csv({DuckDb.Literal(RepoPaths.PeruSample)}, header = true, all_varchar = true)");
        return rows.SelectMany(r => r).OfType<string>().Where(v => v.Length >= 6).ToHashSet(StringComparer.Ordinal);
    }
}
