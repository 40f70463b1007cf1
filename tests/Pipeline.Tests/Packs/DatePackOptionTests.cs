using Pipeline.Core.Packs;
using Pipeline.Core.Readers;
using Pipeline.Core.Validation;
using Pipeline.Core.Values;
using Pipeline.Tests.Onboarding;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.Packs;

/// <summary>
/// Which items are dates (pack.yaml <c>dates</c>, else the dictionary's date capture), what <c>pack check</c> says about
/// a wrong entry, and the validator's <c>dict.date</c> issue on the Peru pack's C1_DATE.
/// </summary>
public sealed class DatePackOptionTests : IDisposable
{
    private readonly string _folder = Path.Combine(Directory.CreateTempSubdirectory("date-pack-").FullName, "visit-dates");

    public DatePackOptionTests() => PackCheckTests.CopyFolder(Path.Combine(RepoPaths.Fixture("date-packs"), "visit-dates"), _folder);

    private string Manifest => Path.Combine(_folder, "pack.yaml");

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_folder)!, recursive: true);

    [Fact]
    public async Task Layout_PeruPackDeclaresC1Date_IsADateColumnInYyyymmdd()
    {
        var pack = (await TestPipeline.PeruPacksAsync()).Find("peru-coffee-cacao")!;

        var layout = RecordLayout.For(pack, pack.Dictionary.FindRecord("PARTICIPANT_REC")!);

        var column = layout.Columns[layout.IndexOf("C1_DATE")];
        Assert.Equal((ColumnKind.Date, "YYYYMMDD"), (column.Kind, column.Date?.Text));
        Assert.Null(pack.Dictionary.FindItem("C1_DATE")!.CaptureDateFormat); // the dictionary does not say it: the pack does
        Assert.Equal(ColumnKind.Integer, layout.Columns[layout.IndexOf("C2_START_TIME")].Kind);
    }

    [Fact]
    public async Task Layout_DictionaryDateCapture_IsADateUnlessPartialOrThePackSaysNone()
    {
        var pack = await SurveyPack.LoadAsync(_folder);
        var layout = RecordLayout.For(pack, pack.Dictionary.FindRecord("VISIT_REC")!);
        Assert.Equal(ColumnKind.Date, layout.Columns[layout.IndexOf("VISIT_DATE")].Kind);
        Assert.Equal(ColumnKind.Integer, layout.Columns[layout.IndexOf("BIRTH_MONTH")].Kind); // MMYYYY is no day

        await File.AppendAllTextAsync(Manifest, "dates:\n  VISIT_DATE: none\n");
        var kept = await SurveyPack.LoadAsync(_folder);

        Assert.Equal(ColumnKind.Integer, RecordLayout.For(kept, kept.Dictionary.FindRecord("VISIT_REC")!).Columns[layout.IndexOf("VISIT_DATE")].Kind);
    }

    [Fact]
    public async Task Check_WrongDatesEntries_AreEachAProblemWithLineAndWhatToDo()
    {
        await File.AppendAllTextAsync(Manifest, "dates:\n  NO_SUCH_ITEM: YYYYMMDD\n  BIRTH_MONTH: MMYYYY\n  CASE_NO: YYYYMMDD\n  Q: DDMMYYYY\n  ALLIANCE: YYYY-MM-DD\n");

        var result = await SurveyPack.CheckAsync(_folder);

        Assert.Null(result.Pack);
        Assert.Equal(5, result.Problems.Count);
        Assert.Contains(result.Problems, p => p.StartsWith($"{Manifest}, line 13, column 17: dates names 'NO_SUCH_ITEM', which is not an item of the dictionary", StringComparison.Ordinal));
        Assert.Contains(result.Problems, p => p.StartsWith($"{Manifest}, line 14, column 16: dates.BIRTH_MONTH is 'MMYYYY'; write one of CSPro's full-date formats (DDMMYYYY, DDYYYYMM, YYYYDDMM, YYYYMMDD, MMDDYYYY, MMYYYYDD), or 'none'", StringComparison.Ordinal));
        Assert.Contains(result.Problems, p => p.StartsWith($"{Manifest}, line 15, column 12: dates names CASE_NO, an ID item; ID items stay numbers", StringComparison.Ordinal));
        Assert.Contains(result.Problems, p => p.StartsWith($"{Manifest}, line 16, column 6: dates.Q is DDMMYYYY (8 digits), but Q has length 1;", StringComparison.Ordinal));
        Assert.Contains(result.Problems, p => p.StartsWith($"{Manifest}, line 17, column 13: dates.ALLIANCE is 'YYYY-MM-DD'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("20220231")]
    [InlineData("20221301")]
    [InlineData("20230229")]
    public async Task Validate_PeruC1DateThatIsNoDay_IsADateErrorWithRowItemValueAndCase(string value)
    {
        var pack = (await TestPipeline.PeruPacksAsync()).Find("peru-coffee-cacao")!;
        var layout = RecordLayout.For(pack, pack.Dictionary.FindRecord("PARTICIPANT_REC")!);
        var validator = new RowValidator(layout);
        var issues = new List<RowIssue>();
        var cells = new CellValue[layout.Columns.Count];

        var ok = validator.Validate(RowWithDate(layout, 42, value), cells, issues, out var caseKey);

        Assert.False(ok);
        var issue = Assert.Single(issues);
        Assert.Equal((42L, caseKey, "PARTICIPANT_REC", "C1_DATE", value, Rules.InvalidDate, IssueSeverity.Error), (issue.Row, issue.CaseKey, issue.Record, issue.Item, issue.Value, issue.Rule, issue.Severity));
        Assert.Equal($"C1_DATE={value} is not a date in the format YYYYMMDD; expected 8 digits naming a real day (month 01-12, a day the month has), such as 20220815 for 15 August 2022.", issue.Message);
        Assert.True(cells[layout.IndexOf("C1_DATE")].IsNull);
    }

    [Fact]
    public async Task Validate_PeruC1DateThatIsADay_IsTheNumberYyyymmddForRules()
    {
        var pack = (await TestPipeline.PeruPacksAsync()).Find("peru-coffee-cacao")!;
        var layout = RecordLayout.For(pack, pack.Dictionary.FindRecord("PARTICIPANT_REC")!);
        var cells = new CellValue[layout.Columns.Count];
        var issues = new List<RowIssue>();

        Assert.True(new RowValidator(layout).Validate(RowWithDate(layout, 2, "20221107"), cells, issues, out _), string.Join("; ", issues.Select(i => i.Message)));

        var cell = cells[layout.IndexOf("C1_DATE")];
        Assert.Equal(20221107L, cell.Integer);
        Assert.Equal(new DateOnly(2022, 11, 7), CellValue.DateOf(cell.Integer));
        Assert.Equal(20221107d, RowValues.Value(cell, ColumnKind.Date));
    }

    /// <summary>A valid PARTICIPANT_REC row (case 1/01/01/0017) with <paramref name="date"/> as C1_DATE.</summary>
    private static SourceRow RowWithDate(RecordLayout layout, long row, string date)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["REGION"] = "1", ["PROVINCE"] = "1", ["DISTRICT"] = "1", ["QUEST_NO"] = "17", ["A4_LOCALITY"] = "Ledoy", ["B2_AGE"] = "45", ["B3_SEX"] = "1", ["B4_EDUC"] = "4",
            ["B5_1_HH_SIZE"] = "3", ["B5_2_1_MEN"] = "1", ["B5_2_2_WOMEN"] = "2", ["B5_3_1_AGE0_5"] = "0", ["B5_3_2_AGE6_14"] = "1", ["B5_3_3_AGE15_18"] = "0",
            ["B5_3_4_AGE19_65"] = "2", ["B5_3_5_AGE65P"] = "0", ["B6_RELATION"] = "1", ["B7_ALLIANCE"] = "1", ["B7_START_YEAR"] = "2019", ["B7_END_YEAR"] = "2022",
            ["C1_DATE"] = date, ["C2_START_TIME"] = "610", ["C2_END_TIME"] = "651", ["C5_RESULT"] = "1", ["Q1_PLOTS"] = "2", ["Q3_CULTIVATED"] = "1", ["Q12_MEMBER"] = "1",
            ["Q29_LOAN_APPLIED"] = "1", ["Q31_LOAN_OBTAINED"] = "1", ["Q40_EWALLET"] = "1", ["Q43_INTERNET"] = "1",
        };
        return new SourceRow(layout, row, layout.Columns.Select(c => values.GetValueOrDefault(c.Name)).ToArray(), null);
    }
}
