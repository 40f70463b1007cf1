using System.Globalization;
using System.Text;
using Pipeline.Core.Ingest;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.Validation;

/// <summary>
/// The end-of-upload structure checks on a dictionary of 40 record types (Fixtures/wide-packs/forty-records), more than
/// a 32-bit mask of records holds: record 32 must not pass for record 0, record 33 not for record 1, and every check
/// that reads which records a case has (orphans, required records, rows of rejected cases, roster counts) must judge
/// records at index 32 and above as it judges those below. Records are named after their index: R00 (level-1) to R39.
/// </summary>
public sealed class ManyRecordTypesTests
{
    private const string Survey = "forty-records";

    // The fixture's required records; R03 and R35 are optional rosters of at most 3 rows.
    private static readonly int[] Required = [0, 1, 31, 32, 33, 39];

    [Fact]
    public async Task FortyRecordTypes_CaseWithEveryRequiredRecord_IsCurated()
    {
        await using var result = await IngestAsync(Case(1, [.. Required, 3, 35, 35, 38]), Case(2, Required));

        Assert.Empty(result.Issues);
        Assert.Equal(
            "R00:2/2/0;R01:2/2/0;R03:1/1/0;R31:2/2/0;R32:2/2/0;R33:2/2/0;R35:2/2/0;R38:1/1/0;R39:2/2/0",
            result.Counts);
        Assert.Equal(["1", "2"], result.CuratedCases("R39"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(31)]
    [InlineData(32)] // case 2 has R00: bit 0 must not stand for R32
    [InlineData(33)] // case 2 has R01: bit 1 must not stand for R33
    [InlineData(39)]
    public async Task MissingRequiredRecord_BelowOrAboveIndex32_RejectsTheCaseNamingTheRecord(int missing)
    {
        // Case 1 is whole, so the upload has the record; case 2 lacks it, and its R35 rows are moved with the case.
        await using var result = await IngestAsync(Case(1, Required), Case(2, [.. Required.Where(r => r != missing), 35, 35]));

        var issue = Assert.Single(result.Issues);
        Assert.Equal((Name(missing), "2", Rules.MissingRecord, "error"), (issue.Record, issue.Case, issue.Rule, issue.Severity));
        Assert.Equal($"case 002 has no {Name(missing)} record; the dictionary says every case has one.", issue.Message);
        Assert.Equal(["1"], result.CuratedCases("R00"));
        Assert.Empty(result.CuratedCases("R35"));
        Assert.All(result.Rejected("R35"), r => Assert.Equal(("2", $"case rejected: {Rules.MissingRecord}: {issue.Message}"), r));
        Assert.Equal(2, result.Rejected("R35").Count);
    }

    [Fact]
    public async Task Record32WithoutRecord00_IsAnOrphan_NotACaseWithItsLevel1Record()
    {
        // Bit 0 is R00's: if R32 set it, case 2 would pass for a case with its level-1 record (and miss R01 and R31).
        await using var result = await IngestAsync(Case(1, Required), Case(2, [32, 33]));

        var orphan = Assert.Single(result.Issues);
        Assert.Equal(("R32", "2", Rules.OrphanRecord, "error"), (orphan.Record, orphan.Case, orphan.Rule, orphan.Severity));
        Assert.StartsWith("R32 rows of case 002 have no R00 record in this upload", orphan.Message, StringComparison.Ordinal);
        Assert.Equal(["1"], result.CuratedCases("R32"));
        Assert.Equal(["2"], result.Rejected("R33").Select(r => r.Case));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(33)]
    public async Task RequiredRecordInNoCaseOfTheUpload_IsAPartialExport_NotAMissingRecord(int absent)
    {
        await using var result = await IngestAsync(Case(1, Required.Where(r => r != absent)), Case(2, Required.Where(r => r != absent)));

        Assert.Empty(result.Issues);
        Assert.Equal(["1", "2"], result.CuratedCases("R00"));
    }

    [Fact]
    public async Task TooManyRowsOfRecord35_RejectsTheCase_AndMovesItsRowsOfRecordsAboveIndex32()
    {
        await using var result = await IngestAsync(Case(1, [.. Required, 35]), Case(2, [.. Required, 35, 35, 35, 35]));

        var issue = Assert.Single(result.Issues);
        Assert.Equal(("R35", "2"), (issue.Record, issue.Case));
        Assert.Contains("occurs 4 times in this case; the dictionary allows 3", issue.Message, StringComparison.Ordinal);
        foreach (var record in new[] { "R00", "R32", "R33", "R35", "R39" })
        {
            Assert.Equal(["1"], result.CuratedCases(record));
        }

        Assert.All(result.Rejected("R39"), r => Assert.StartsWith("case rejected: R35 row ", r.Reasons, StringComparison.Ordinal));
        Assert.Equal(["2"], result.Rejected("R39").Select(r => r.Case));
        Assert.Equal(4, result.Rejected("R35").Count);
    }

    [Theory]
    [InlineData(3, 35)]
    [InlineData(35, 3)]
    public async Task RosterCount_OfARosterInTheUpload_Counts_AndOfARosterInNoCase_IsUnknown(int present, int absent)
    {
        // R03 and R35 share a bit in a 32-bit mask: rows of one must not make the other's count 0 instead of unknown.
        await using var result = await IngestAsync(Case(1, [.. Required, present, present]), Case(2, Required));

        var counts = result.Curated("R00", $"CASE_NO, N_{Name(present)}, N_{Name(absent)}")
            .Select(r => (Convert.ToInt64(r[0], CultureInfo.InvariantCulture), r[1], r[2]));
        Assert.Equal(new (long, object?, object?)[] { (1, 2L, null), (2, 0L, null) }, counts);
    }

    [Fact]
    public async Task ThreeHundredRecordTypes_OrphanAndMissingRecord_NameRecordsAboveIndex255()
    {
        // No record count limits the checks: records past a byte (256, 299) are named as themselves, not as 0 or 43.
        var folder = Directory.CreateTempSubdirectory("wide-pack-").FullName;
        try
        {
            WritePack(folder, records: 300, required: [0, 256, 299]);
            string[] lines =
            [
                "000001101", "256001101", "299001101", // case 1: whole
                "299002101", "256002101",              // case 2: no R000
                "000003101", "299003101",              // case 3: no R256
            ];
            await using var result = await IngestAsync(await SurveyPackCatalog.LoadAsync(folder), "wide-records", lines);

            Assert.Equal(
                [("R299", "2", Rules.OrphanRecord), ("R256", "3", Rules.MissingRecord)],
                result.Issues.Select(i => (i.Record, i.Case, i.Rule)));
            Assert.Equal(["1"], result.CuratedCases("R256"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string Name(int record) => $"R{record:00}";

    /// <summary>
    /// The .dat lines of one case, one per record listed (a record listed twice gets two lines), in that order: record
    /// type, CASE_NO, item A = 1 (R00's REGION), item B = the record's index.
    /// </summary>
    private static IEnumerable<string> Case(int caseNo, IEnumerable<int> records) =>
        records.Select(r => $"{r:00}{caseNo:000}1{r:00}");

    /// <summary>
    /// A pack of <paramref name="records"/> record types, written here rather than kept as a fixture (a few thousand
    /// lines of dictionary): records R000.. with record types '000'.., CASE_NO in columns 4-6, REGION (R000) or
    /// item A (the others) in column 7, item B in 8-9.
    /// </summary>
    private static void WritePack(string folder, int records, int[] required)
    {
        var dcf = new StringBuilder("""
            [Dictionary]
            Version=CSPro 7.7
            Name=WIDE_DICT
            RecordTypeStart=1
            RecordTypeLen=3
            Positions=Relative

            [Level]
            Name=WIDE_LEVEL

            [IdItems]

            [Item]
            Name=CASE_NO
            Start=4
            Len=3
            ZeroFill=Yes

            """);
        for (var r = 0; r < records; r++)
        {
            dcf.Append(CultureInfo.InvariantCulture, $"""

                [Record]
                Name=R{r:000}
                RecordTypeValue='{r:000}'
                Required={(required.Contains(r) ? "Yes" : "No")}

                [Item]
                Name={(r == 0 ? "REGION" : $"R{r:000}_A")}
                Start=7

                [Item]
                Name=R{r:000}_B
                Start=8
                Len=2

                """);
        }

        Directory.CreateDirectory(Path.Combine(folder, "wide-records"));
        File.WriteAllText(Path.Combine(folder, "wide-records", "WIDE.dcf"), dcf.ToString());
        File.WriteAllText(Path.Combine(folder, "wide-records", "pack.yaml"), """
            id: wide-records
            title: Wide records (generated by ManyRecordTypesTests)
            dictionary: WIDE.dcf
            design:
              strata: strata.csv
              stratumItems: [REGION]
              smallCellThreshold: 3
            personalData:
              drop: []
            indicators: indicators.yaml
            """);
        File.WriteAllText(Path.Combine(folder, "wide-records", "strata.csv"), "stratum_id,REGION,label,universe,planned_sample\nall,1,All,100,10\n");
        File.WriteAllText(Path.Combine(folder, "wide-records", "indicators.yaml"), """
            indicators:
              - id: r001-yes
                title: R001 item A is 1
                question: R001_A
                record: R001
                item: R001_A
                outcome: [1]
                reference: Test fixture
            """);
    }

    private static async Task<Result> IngestAsync(params IEnumerable<string>[] cases) =>
        await IngestAsync(await SurveyPackCatalog.LoadAsync(RepoPaths.Fixture("wide-packs")), Survey, cases.SelectMany(c => c));

    private static async Task<Result> IngestAsync(SurveyPackCatalog packs, string survey, IEnumerable<string> lines)
    {
        var pipeline = await TestPipeline.LocalAsync(packs);
        var folder = Directory.CreateTempSubdirectory("many-record-types-").FullName;
        try
        {
            var dat = Path.Combine(folder, "EXPORT.dat");
            await File.WriteAllTextAsync(dat, string.Concat(lines.Select(line => line + "\r\n")), new UTF8Encoding(true));
            var outcome = await pipeline.Get<IngestService>().IngestAsync(await pipeline.UploadAsync(survey, dat));
            Assert.Equal(UploadStatus.Succeeded, outcome.Upload.Status);
            return new Result(pipeline, survey, outcome.Upload);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private sealed class Result(TestPipeline pipeline, string survey, UploadRecord upload) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => pipeline.DisposeAsync();

        public string Counts => upload.CountsByRecord;

        public IReadOnlyList<(string Record, string Case, string Rule, string Severity, string Message)> Issues =>
            DuckDb.Query($"select record, trim(case_key), rule, severity, message from read_parquet({Path(LakeZone.Reports, LakePaths.Issues(survey, upload.UploadId))}) order by row")
                .Select(r => ((string)r[0]!, ((string)r[1]!).TrimStart('0'), (string)r[2]!, (string)r[3]!, (string)r[4]!)).ToList();

        public List<string> CuratedCases(string record) => Curated(record, "CASE_NO").Select(r => Convert.ToString(r[0], CultureInfo.InvariantCulture)!).ToList();

        public List<object?[]> Curated(string record, string columns) =>
            DuckDb.Query($"select {columns} from read_parquet({Path(LakeZone.Curated, LakePaths.Curated(survey, record, upload.UploadId))}) order by _source_row");

        public List<(string Case, string Reasons)> Rejected(string record) =>
            DuckDb.Query($"select CASE_NO, _reasons from read_parquet({Path(LakeZone.Quarantine, LakePaths.Rejected(survey, upload.UploadId, record))}) order by _source_row")
                .Select(r => (Convert.ToString(r[0], CultureInfo.InvariantCulture)!.TrimStart('0'), (string)r[1]!)).ToList();

        private string Path(LakeZone zone, string path) => DuckDb.Literal(pipeline.DownloadAsync(zone, path).GetAwaiter().GetResult());
    }
}
