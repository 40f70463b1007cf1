using System.Globalization;
using System.Text;
using Pipeline.Core.Findings;
using Pipeline.Core.Ingest;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Generator;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.EndToEnd;

/// <summary>
/// A record with more row groups than one file may hold is written as several part files: the current view lists them
/// all, in order, nothing is lost, and the findings are the same as from one file. Parts are what keep a reader's
/// memory flat (it loads one part's footer at a time), so a generated export of every record, with faults (cases
/// rejected at the end of the upload, whose roster rows are rewritten), is ingested here with tiny parts on Azurite and
/// with the defaults (one file per record) on a local folder.
/// </summary>
public sealed class PartFilesTests : IAsyncLifetime
{
    private const string Survey = "peru-coffee-cacao";
    private const string Record = "PARTICIPANT_REC";
    private const int GroupRows = 40;
    private const int GroupsPerFile = 2;
    private TestPipeline _parts = null!;
    private TestPipeline _oneFile = null!;
    private PublishedUpload _partsUpload = null!;
    private PublishedUpload _oneFileUpload = null!;
    private FindingsRun _partsRun = null!;
    private FindingsRun _oneFileRun = null!;
    private string _folder = null!;

    public async Task InitializeAsync()
    {
        var packs = await TestPipeline.PeruPacksAsync();
        _parts = await TestPipeline.AzuriteAsync(packs, settings: new()
        {
            ["Ingest:Parquet:RowGroupRows"] = GroupRows.ToString(CultureInfo.InvariantCulture),
            ["Ingest:Parquet:RowGroupsPerFile"] = GroupsPerFile.ToString(CultureInfo.InvariantCulture),
        });
        _oneFile = await TestPipeline.LocalAsync(packs);
        _folder = Directory.CreateTempSubdirectory("part-files-").FullName;
        await new ExportGenerator().GenerateAsync(packs.Find(Survey)!, new GeneratorOptions { Formats = ExportFormats.Dat, Faults = "all=0.03", OutputFolder = _folder }, default);
        var dat = Path.Combine(_folder, "PERU_ALLIANCES.dat");
        (_partsUpload, _partsRun) = await IngestAndRecomputeAsync(_parts, dat);
        (_oneFileUpload, _oneFileRun) = await IngestAndRecomputeAsync(_oneFile, dat);
    }

    public async Task DisposeAsync()
    {
        await _parts.DisposeAsync();
        await _oneFile.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Ingest_RecordLargerThanOnePart_ViewListsNumberedPartsOfBoundedRowGroups()
    {
        var parts = _partsUpload.Records[Record];

        Assert.True(parts.Count > 1, $"expected several parts, got {parts.Count}");
        Assert.Equal(Enumerable.Range(0, parts.Count).Select(p => LakePaths.Curated(Survey, Record, _partsUpload.UploadId, p)), parts);
        foreach (var part in parts)
        {
            var local = await _parts.DownloadAsync(LakeZone.Curated, part);
            var groups = DuckDb.Scalar<long>($"select count(distinct row_group_id) from parquet_metadata({DuckDb.Literal(local)})");
            Assert.InRange(groups, 1, GroupsPerFile);
        }
    }

    [Fact]
    public async Task Ingest_RecordInParts_PartsHoldTheSameRowsInTheSameOrderAsOneFile()
    {
        const string Columns = "_case_key, _source_row, Q12_MEMBER, A4_LOCALITY, B7_ALLIANCE, _warnings";
        var fromParts = await RowsAsync(_parts, _partsUpload.Records[Record], Columns);
        var fromOneFile = await RowsAsync(_oneFile, [Assert.Single(_oneFileUpload.Records[Record])], Columns);

        Assert.Equal(fromOneFile, fromParts);
        Assert.True(fromParts.Count > GroupRows * GroupsPerFile);
    }

    [Fact]
    public async Task Ingest_RostersRewrittenForRejectedCases_PartsHoldTheSameRowsAsOneFile()
    {
        // Roster tables are written as rows arrive, then rewritten part by part when a case is rejected at the end.
        var rosters = _oneFileUpload.Records.Keys.Where(r => r != Record).Order(StringComparer.Ordinal).ToList();
        Assert.Contains(rosters, r => _partsUpload.Records[r].Count > 1);
        foreach (var roster in rosters)
        {
            var fromParts = await RowsAsync(_parts, _partsUpload.Records[roster], "_case_key, _source_row, _warnings");
            var fromOneFile = await RowsAsync(_oneFile, _oneFileUpload.Records[roster], "_case_key, _source_row, _warnings");
            Assert.True(fromOneFile.SequenceEqual(fromParts), $"{roster}: {fromParts.Count} rows in parts, {fromOneFile.Count} in one file");
        }
    }

    [Fact]
    public void Findings_CuratedInParts_EqualFindingsFromOneFile()
    {
        static string Rows(FindingsRun run) => string.Join('\n', run.Rows
            .Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.IndicatorId}|{r.BreakdownId}|{r.CellKey}|{r.Estimate.Estimate:R}|{r.Estimate.StandardError:R}|{r.Estimate.UnweightedDenominator}"))
            .Order(StringComparer.Ordinal));

        Assert.NotEmpty(_partsRun.Rows);
        Assert.Equal(Rows(_oneFileRun), Rows(_partsRun));
    }

    private static async Task<(PublishedUpload Upload, FindingsRun Run)> IngestAndRecomputeAsync(TestPipeline pipeline, string export)
    {
        var outcome = await pipeline.Get<IngestService>().IngestAsync(await pipeline.UploadAsync(Survey, export));
        Assert.Equal(UploadStatus.Succeeded, outcome.Upload.Status);
        Assert.True(outcome.Upload.RowsRejected > 0, "the export should have rejected rows");
        var run = await pipeline.Get<FindingsService>().RecomputeAsync(pipeline.Get<SurveyPackCatalog>().Find(Survey)!);
        var (view, _) = await new CurrentViewStore(pipeline.Lake).ReadAsync(Survey, default);
        return (Assert.Single(view.Uploads), run);
    }

    /// <summary>The rows of a record's files, in the view's order of files and each file's own row order.</summary>
    private static async Task<List<string>> RowsAsync(TestPipeline pipeline, IReadOnlyList<string> files, string columns)
    {
        var rows = new List<string>();
        foreach (var file in files)
        {
            var local = DuckDb.Literal(await pipeline.DownloadAsync(LakeZone.Curated, file));
            rows.AddRange(DuckDb.Query($"select {columns} from read_parquet({local}, file_row_number = true) order by file_row_number")
                .Select(r => string.Join('|', r.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)))));
        }

        return rows;
    }
}

/// <summary>The current-view manifest's format across versions.</summary>
public sealed class CurrentViewManifestTests
{
    [Fact]
    public async Task Read_ManifestWrittenBeforePartFiles_EachRecordIsOnePart()
    {
        await using var pipeline = await TestPipeline.LocalAsync(await TestPipeline.FixturePacksAsync());
        const string Legacy = """
            {"survey": "s", "uploads": [{"uploadId": "u1", "blobPath": "s/a.csv", "contentSha256": "ab", "publishedUtc": "2026-11-01T00:00:00+00:00",
              "records": {"MAIN_REC": "s/main_rec/upload_id=u1/part-00000.parquet"}}]}
            """;
        await using (var content = new MemoryStream(Encoding.UTF8.GetBytes(Legacy)))
        {
            await pipeline.Lake.WriteAsync(LakeZone.Curated, CurrentViewManifest.PathOf("s"), content, null, default);
        }

        var (view, _) = await new CurrentViewStore(pipeline.Lake).ReadAsync("s", default);

        Assert.Equal(["s/main_rec/upload_id=u1/part-00000.parquet"], Assert.Single(view.Uploads).Records["MAIN_REC"]);
    }

    [Fact]
    public async Task Publish_RecordInParts_ManifestListsThePathsAsAnArray()
    {
        await using var pipeline = await TestPipeline.LocalAsync(await TestPipeline.FixturePacksAsync());
        var store = new CurrentViewStore(pipeline.Lake);
        string[] parts = ["s/main_rec/upload_id=u1/part-00000.parquet", "s/main_rec/upload_id=u1/part-00001.parquet"];

        await store.PublishAsync("s", new PublishedUpload("u1", "s/a.csv", "ab", DateTimeOffset.UnixEpoch, new Dictionary<string, IReadOnlyList<string>> { ["MAIN_REC"] = parts }), default);

        var json = await pipeline.Lake.ReadSmallAsync(LakeZone.Curated, CurrentViewManifest.PathOf("s"), default);
        using var document = System.Text.Json.JsonDocument.Parse(json!.Content);
        var listed = document.RootElement.GetProperty("uploads")[0].GetProperty("records").GetProperty("MAIN_REC");
        Assert.Equal(parts, listed.EnumerateArray().Select(p => p.GetString()));
        var (view, _) = await store.ReadAsync("s", default);
        Assert.Equal(parts, Assert.Single(view.Uploads).Records["MAIN_REC"]);
    }
}
