using System.Globalization;
using System.Text;
using Pipeline.Core.Dictionary;
using Pipeline.Core.Ingest;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.Validation;

/// <summary>
/// A case is its level-1 IDs, not a particular record (Fixtures/household-packs/household): the first record is an
/// optional person roster (PERSON, Required=No, MaxRecords=999), then the required HOUSING (the case record: it holds
/// the case variables and the stratum) and INTERVIEW records. .dat lines: record type (1 PERSON, 2 HOUSING,
/// 3 INTERVIEW), CASE_NO in columns 2-4, then the record's items.
/// </summary>
public sealed class CaseRecordTests
{
    private const string Survey = "household";

    [Fact]
    public async Task OptionalFirstRoster_CaseWithNoRosterRows_IsCurated()
    {
        // Case 2 is a vacant dwelling: no PERSON rows. It must not be taken for an orphan of a missing first record.
        await using var result = await IngestAsync(Person(1, 1), Person(1, 2), Housing(1), Interview(1), Housing(2), Interview(2, result: 2));

        Assert.Empty(result.Issues);
        Assert.Equal("HOUSING:2/2/0;INTERVIEW:2/2/0;PERSON:2/2/0", result.Counts);
        var cases = result.Curated("HOUSING", "CASE_NO, N_PERSONS, _stratum")
            .Select(r => (Convert.ToInt64(r[0], CultureInfo.InvariantCulture), r[1], r[2]));
        Assert.Equal(new (long, object?, object?)[] { (1, 2L, "north"), (2, 0L, "north") }, cases);
    }

    [Fact]
    public async Task OptionalFirstRoster_CaseWithoutTheRequiredCaseRecord_IsRejectedNamingIt()
    {
        await using var result = await IngestAsync(Person(1, 1), Housing(1), Interview(1), Person(2, 1), Interview(2));

        var issue = Assert.Single(result.Issues);
        Assert.Equal(("PERSON", "2", Rules.OrphanRecord, "error"), (issue.Record, issue.Case, issue.Rule, issue.Severity));
        Assert.Equal("PERSON rows of case 002 have no HOUSING record in this upload: the dictionary says every case has one (Required=Yes). Upload whole cases (CSPro exports them so).", issue.Message);
        Assert.Equal("HOUSING:1/1/0;INTERVIEW:2/1/1;PERSON:2/1/1", result.Counts);
        Assert.Equal(["2"], result.Rejected("INTERVIEW").Select(r => r.Case));
    }

    [Fact]
    public async Task OptionalFirstRoster_CaseWithoutAnotherRequiredRecord_IsRejectedNamingIt()
    {
        await using var result = await IngestAsync(Housing(1), Interview(1), Person(2, 1), Housing(2));

        var issue = Assert.Single(result.Issues);
        Assert.Equal(("INTERVIEW", "2", Rules.MissingRecord, "error"), (issue.Record, issue.Case, issue.Rule, issue.Severity));
        Assert.Equal("case 002 has no INTERVIEW record; the dictionary says every case has one.", issue.Message);
        Assert.Equal("HOUSING:2/1/1;INTERVIEW:1/1/0;PERSON:1/0/1", result.Counts);
    }

    [Fact]
    public async Task SingletonRecordTwiceInACase_RejectsTheCase_AsCsproAllowsOneOccurrence()
    {
        await using var result = await IngestAsync(Housing(1), Interview(1), Housing(2), Housing(2), Interview(2));

        // The second HOUSING row breaks MaxRecords=1 (the reader counts a case's rows) and repeats the case's ID.
        var issue = Assert.Single(result.Issues, i => i.Rule == Rules.FieldCount);
        Assert.Equal(("HOUSING", "2"), (issue.Record, issue.Case));
        Assert.Contains("record HOUSING occurs 2 times in this case; the dictionary allows 1 (CSPro drops the extra lines)", issue.Message, StringComparison.Ordinal);
        Assert.Equal([Rules.DuplicateCase, Rules.FieldCount], result.Issues.Select(i => i.Rule).Order(StringComparer.Ordinal));
        Assert.Equal(["1"], result.CuratedCases("HOUSING"));
        Assert.Equal("HOUSING:3/1/2;INTERVIEW:2/1/1", result.Counts);
    }

    [Fact]
    public async Task CaseRecord_IsTheFirstRequiredSingletonRecord_AndThePeruPacksFirstRecord()
    {
        var household = (await SurveyPackCatalog.LoadAsync(RepoPaths.Fixture("household-packs"))).Find(Survey)!.Dictionary;
        Assert.Equal("HOUSING", CaseRecord.Of(household).Name);
        Assert.Equal(1, CaseRecord.IndexOf(household));

        var peru = (await SurveyPackCatalog.LoadAsync(RepoPaths.SurveyPacks)).Find("peru-coffee-cacao")!.Dictionary;
        Assert.Same(peru.Levels[0].Records[0], CaseRecord.Of(peru));
    }

    [Fact]
    public async Task CaseRule_OnTheOptionalFirstRecord_IsRefusedNamingTheCaseRecord()
    {
        var dictionary = (await SurveyPackCatalog.LoadAsync(RepoPaths.Fixture("household-packs"))).Find(Survey)!.Dictionary;
        var rules = new RuleCatalogue { Rules = [new RuleDefinition { Id = "age-known", Record = "PERSON", Scope = "case", Check = "P_AGE >= 0" }] };

        var error = Assert.Throws<SurveyPackException>(() => rules.Check(dictionary, "rules.yaml"));

        Assert.Equal("rules.yaml: rule 'age-known': a case rule is checked on the case record, HOUSING (the first level-1 record that occurs once per case); set 'record: HOUSING'.", error.Message);
    }

    private static string Person(int caseNo, int line) => $"1{caseNo:000}{line:00}130";

    private static string Housing(int caseNo) => $"2{caseNo:000}102";

    private static string Interview(int caseNo, int result = 1) => $"3{caseNo:000}{result}";

    private static async Task<Result> IngestAsync(params string[] lines)
    {
        var pipeline = await TestPipeline.LocalAsync(await SurveyPackCatalog.LoadAsync(RepoPaths.Fixture("household-packs")));
        var folder = Directory.CreateTempSubdirectory("case-record-").FullName;
        try
        {
            var dat = Path.Combine(folder, "HOUSEHOLD.dat");
            await File.WriteAllTextAsync(dat, string.Concat(lines.Select(line => line + "\r\n")), new UTF8Encoding(true));
            var outcome = await pipeline.Get<IngestService>().IngestAsync(await pipeline.UploadAsync(Survey, dat));
            Assert.Equal(UploadStatus.Succeeded, outcome.Upload.Status);
            return new Result(pipeline, outcome.Upload);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private sealed class Result(TestPipeline pipeline, UploadRecord upload) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => pipeline.DisposeAsync();

        public string Counts => upload.CountsByRecord;

        public IReadOnlyList<(string Record, string Case, string Rule, string Severity, string Message)> Issues =>
            DuckDb.Query($"select record, trim(case_key), rule, severity, message from read_parquet({Path(LakeZone.Reports, LakePaths.Issues(Survey, upload.UploadId))}) order by row")
                .Select(r => ((string)r[0]!, ((string)r[1]!).TrimStart('0'), (string)r[2]!, (string)r[3]!, (string)r[4]!)).ToList();

        public List<string> CuratedCases(string record) => Curated(record, "CASE_NO").Select(r => Convert.ToString(r[0], CultureInfo.InvariantCulture)!).ToList();

        public List<object?[]> Curated(string record, string columns) =>
            DuckDb.Query($"select {columns} from read_parquet({Path(LakeZone.Curated, LakePaths.Curated(Survey, record, upload.UploadId))}) order by _source_row");

        public List<(string Case, string Reasons)> Rejected(string record) =>
            DuckDb.Query($"select CASE_NO, _reasons from read_parquet({Path(LakeZone.Quarantine, LakePaths.Rejected(Survey, upload.UploadId, record))}) order by _source_row")
                .Select(r => (Convert.ToString(r[0], CultureInfo.InvariantCulture)!.TrimStart('0'), (string)r[1]!)).ToList();

        private string Path(LakeZone zone, string path) => DuckDb.Literal(pipeline.DownloadAsync(zone, path).GetAwaiter().GetResult());
    }
}
