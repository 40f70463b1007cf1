using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Pipeline.Core.Findings;
using Pipeline.Core.Ingest;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.EndToEnd;

/// <summary>
/// What an upload holds besides its rows: cases a CSPro DB file marks deleted and lines of a .dat erased with '~' are
/// counted in summary.json, the ledger row (local folder and Azure Tables) and the quality report; an export with no
/// case (an empty .dat, a header-only CSV, a .csdb with no case or only deleted ones) is a legitimate upload of 0 cases,
/// accepted with a warning in the quality report. CSPro DB files: CSPro's own ThreeLevelTest.csdb (one case), with
/// deleted cases added here as CSPro marks them (<c>cases.deleted = 1</c>).
/// </summary>
public sealed class DeletedAndEmptyExportTests
{
    private const string ThreeLevel = "three-level";
    private const string Household = "household";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Csdb_WithDeletedCases_CountsThemInSummaryLedgerAndQualityReport(bool azurite)
    {
        await using var pipeline = azurite
            ? await TestPipeline.AzuriteAsync(await SurveyPackCatalog.LoadAsync(RepoPaths.Fixture("csdb-packs")))
            : await TestPipeline.LocalAsync(await SurveyPackCatalog.LoadAsync(RepoPaths.Fixture("csdb-packs")));
        using var folder = new TempFolder();
        var csdb = Csdb(folder, liveCase: true, deletedCases: 2);

        var upload = await IngestAsync(pipeline, ThreeLevel, csdb);

        Assert.Equal(UploadStatus.Succeeded, upload.Status);
        Assert.True(upload.RowsRead > 0);
        var ledger = await pipeline.Ledger.GetUploadAsync(ThreeLevel, upload.UploadId, CancellationToken.None);
        Assert.Equal((2L, 0L), (ledger!.DeletedCases, ledger.ErasedLines));
        using var summary = await SummaryAsync(pipeline, ThreeLevel, upload);
        Assert.Equal(2, summary.RootElement.GetProperty("deletedCases").GetInt64());
        var report = await ReportAsync(pipeline, ThreeLevel, upload);
        Assert.Contains("<p class=\"note\" id=\"deleted\">2 cases are marked deleted in the CSPro DB file: not read (CSPro does not read deleted cases either) and not counted above.</p>", report, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"no-cases\"", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csdb_OnlyDeletedCases_IsAcceptedAsZeroCasesWithAWarning()
    {
        await using var pipeline = await TestPipeline.LocalAsync(await SurveyPackCatalog.LoadAsync(RepoPaths.Fixture("csdb-packs")));
        using var folder = new TempFolder();

        var upload = await IngestAsync(pipeline, ThreeLevel, Csdb(folder, liveCase: false, deletedCases: 0));

        Assert.Equal((UploadStatus.Succeeded, 0L, 0L, 0L, 1L), (upload.Status, upload.RowsRead, upload.RowsCurated, upload.RowsRejected, upload.DeletedCases));
        var report = await ReportAsync(pipeline, ThreeLevel, upload);
        Assert.Contains("<p class=\"warning\" id=\"no-cases\">This upload holds no case: every case in it is deleted. Nothing was added to the survey's data. If cases were expected, check that the right file was exported.</p>", report, StringComparison.Ordinal);
        Assert.Contains("1 case is marked deleted", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csdb_NoCaseAtAll_IsAcceptedAsZeroCasesWithAWarning()
    {
        await using var pipeline = await TestPipeline.LocalAsync(await SurveyPackCatalog.LoadAsync(RepoPaths.Fixture("csdb-packs")));
        using var folder = new TempFolder();

        var upload = await IngestAsync(pipeline, ThreeLevel, Csdb(folder, liveCase: false, deletedCases: 0, noCaseRow: true));

        Assert.Equal((UploadStatus.Succeeded, 0L, 0L), (upload.Status, upload.RowsRead, upload.DeletedCases));
        Assert.Contains("This upload holds no case: the export is empty.", await ReportAsync(pipeline, ThreeLevel, upload), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("EMPTY.dat", "")]
    [InlineData("BLANK.dat", "\r\n\r\n")]
    [InlineData("HOUSING.csv", "CASE_NO,REGION,H_ROOMS\r\n")]
    public async Task EmptyExport_IsAcceptedAsZeroCasesWithAWarning(string name, string content)
    {
        await using var pipeline = await TestPipeline.LocalAsync(await SurveyPackCatalog.LoadAsync(RepoPaths.Fixture("household-packs")));
        using var folder = new TempFolder();
        var file = Path.Combine(folder.Path, name);
        await File.WriteAllTextAsync(file, content, new UTF8Encoding(false));

        var upload = await IngestAsync(pipeline, Household, file);

        Assert.Equal((UploadStatus.Succeeded, 0L, 0L, 0L, string.Empty), (upload.Status, upload.RowsRead, upload.RowsCurated, upload.RowsRejected, upload.ErrorSummary));
        using var summary = await SummaryAsync(pipeline, Household, upload);
        Assert.Equal(0, summary.RootElement.GetProperty("records").GetArrayLength());
        Assert.Contains("This upload holds no case: the export is empty.", await ReportAsync(pipeline, Household, upload), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmptyExport_NextToData_LeavesTheFindingsAsTheyWere()
    {
        // A 0-case upload is published with no table: the findings run must read the survey's other uploads as before.
        await using var pipeline = await TestPipeline.LocalAsync(await TestPipeline.FixturePacksAsync());
        var pack = pipeline.Get<SurveyPackCatalog>().Find("tiny-survey")!;
        var service = pipeline.Get<FindingsService>();
        await pipeline.Get<IngestService>().IngestAsync(await pipeline.UploadAsync("tiny-survey", RepoPaths.Fixture("packs/tiny-survey/sample/MAIN_REC.csv")));
        var before = await service.RecomputeAsync(pack);
        using var folder = new TempFolder();
        var empty = Path.Combine(folder.Path, "MAIN_REC-empty.csv");
        await File.WriteAllBytesAsync(empty, []);

        var upload = await IngestAsync(pipeline, "tiny-survey", empty);
        var after = await service.RecomputeAsync(pack, force: true);

        Assert.Equal(UploadStatus.Succeeded, upload.Status);
        Assert.Equal(FindingsRunStatus.Succeeded, after.Status.Record.Status);
        Assert.Equal(before.Status.Record.Cases, after.Status.Record.Cases);
        Assert.Equal(before.Rows.Select(r => (r.CellKey, r.Estimate.Estimate)), after.Rows.Select(r => (r.CellKey, r.Estimate.Estimate)));
    }

    [Fact]
    public async Task Dat_ErasedLines_AreCountedInSummaryLedgerAndQualityReport()
    {
        await using var pipeline = await TestPipeline.LocalAsync(await SurveyPackCatalog.LoadAsync(RepoPaths.Fixture("household-packs")));
        using var folder = new TempFolder();
        var file = Path.Combine(folder.Path, "HOUSEHOLD.dat");
        await File.WriteAllTextAsync(file, "2001102\r\n30011\r\n~002102\r\n~0021\r\n", new UTF8Encoding(true));

        var upload = await IngestAsync(pipeline, Household, file);

        Assert.Equal((UploadStatus.Succeeded, 2L, 2L, 2L), (upload.Status, upload.RowsRead, upload.RowsCurated, upload.ErasedLines));
        Assert.Equal(2L, (await pipeline.Ledger.GetUploadAsync(Household, upload.UploadId, CancellationToken.None))!.ErasedLines);
        using var summary = await SummaryAsync(pipeline, Household, upload);
        Assert.Equal(2, summary.RootElement.GetProperty("erasedLines").GetInt64());
        Assert.Contains("2 lines are erased with '~' in the CSPro data file (deleted records): skipped, as CSPro skips them, and not counted above.", await ReportAsync(pipeline, Household, upload), StringComparison.Ordinal);
    }

    /// <summary>
    /// A copy of ThreeLevelTest.csdb: its one case kept or marked deleted, plus <paramref name="deletedCases"/> copies of
    /// its cases row marked deleted (new id, key and file order); with <paramref name="noCaseRow"/>, no row in table cases.
    /// </summary>
    private static string Csdb(TempFolder folder, bool liveCase, int deletedCases, bool noCaseRow = false)
    {
        var path = Path.Combine(folder.Path, "ThreeLevelTest.csdb");
        File.Copy(RepoPaths.Fixture(Path.Combine("csdb", "ThreeLevelTest.csdb")), path);
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, ForeignKeys = false }.ToString()))
        {
            connection.Open();
            for (var i = 1; i <= deletedCases; i++)
            {
                Execute(connection, $"INSERT INTO cases (id, \"key\", label, questionnaire, last_modified_revision, deleted, file_order) SELECT 'deleted-{i}', '0101001001{i} 9', label, questionnaire, last_modified_revision, 1, file_order + {i} FROM cases WHERE deleted = 0");
            }

            if (noCaseRow)
            {
                Execute(connection, "DELETE FROM cases");
            }
            else if (!liveCase)
            {
                Execute(connection, "UPDATE cases SET deleted = 1");
            }
        }

        return path;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static async Task<UploadRecord> IngestAsync(TestPipeline pipeline, string survey, string file)
    {
        var outcome = await pipeline.Get<IngestService>().IngestAsync(await pipeline.UploadAsync(survey, file));
        return outcome.Upload;
    }

    private static async Task<JsonDocument> SummaryAsync(TestPipeline pipeline, string survey, UploadRecord upload) =>
        JsonDocument.Parse(await File.ReadAllTextAsync(await pipeline.DownloadAsync(LakeZone.Reports, LakePaths.Summary(survey, upload.UploadId))));

    private static async Task<string> ReportAsync(TestPipeline pipeline, string survey, UploadRecord upload) =>
        await File.ReadAllTextAsync(await pipeline.DownloadAsync(LakeZone.Reports, LakePaths.QualityReport(survey, upload.UploadId)));

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("deleted-empty-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
