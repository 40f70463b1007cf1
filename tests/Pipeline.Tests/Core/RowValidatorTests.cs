using Pipeline.Core.Packs;
using Pipeline.Core.Readers;
using Pipeline.Core.Validation;
using Pipeline.Core.Values;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.Core;

/// <summary>Dictionary rules on one row at a time, with the Peru pack's PARTICIPANT_REC layout.</summary>
public sealed class RowValidatorTests
{
    private static readonly Lazy<Task<SurveyPack>> Pack = new(async () => (await TestPipeline.PeruPacksAsync()).Find("peru-coffee-cacao")!);

    [Theory]
    [InlineData("15", true)]
    [InlineData("105", true)]
    [InlineData("999", true)] // the MISSING code is in the value set
    [InlineData("14", false)]
    [InlineData("106", false)]
    public async Task Validate_AgeAtValueSetBoundaries_AcceptsOnlyCodesInTheSet(string age, bool accepted)
    {
        var (validator, layout) = await SetUpAsync();
        var issues = new List<RowIssue>();

        var ok = validator.Validate(Row(layout, 2, ("B2_AGE", age)), new CellValue[layout.Columns.Count], issues, out _);

        Assert.Equal(accepted, ok);
        if (!accepted)
        {
            var issue = Assert.Single(issues);
            Assert.Equal(Rules.OutOfValueSet, issue.Rule);
            Assert.Equal("B2_AGE", issue.Item);
            Assert.Contains("B2_AGE_VS1", issue.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Validate_LetterInNumericItem_ReportsItemValueAndRow()
    {
        var (validator, layout) = await SetUpAsync();
        var issues = new List<RowIssue>();

        var ok = validator.Validate(Row(layout, 88, ("B2_AGE", "4O")), new CellValue[layout.Columns.Count], issues, out var key);

        Assert.False(ok);
        var issue = Assert.Single(issues);
        Assert.Equal((88L, "B2_AGE", "4O", Rules.NotANumber), (issue.Row, issue.Item, issue.Value, issue.Rule));
        Assert.Equal(key, issue.CaseKey);
        Assert.Contains("must be a number", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_TooManyDigits_IsLengthError()
    {
        var (validator, layout) = await SetUpAsync();
        var issues = new List<RowIssue>();

        Assert.False(validator.Validate(Row(layout, 2, ("Q1_PLOTS", "123")), new CellValue[layout.Columns.Count], issues, out _));

        Assert.Equal(Rules.TooLong, Assert.Single(issues).Rule);
    }

    [Fact]
    public async Task Validate_BlankIdItem_RejectsTheRow()
    {
        var (validator, layout) = await SetUpAsync();
        var issues = new List<RowIssue>();

        Assert.False(validator.Validate(Row(layout, 2, ("QUEST_NO", " ")), new CellValue[layout.Columns.Count], issues, out _));

        Assert.Equal(Rules.MissingId, Assert.Single(issues).Rule);
    }

    [Fact]
    public async Task Validate_SameCaseTwice_SecondIsDuplicateNamingTheFirstRow()
    {
        var (validator, layout) = await SetUpAsync();
        var issues = new List<RowIssue>();

        Assert.True(validator.Validate(Row(layout, 2), new CellValue[layout.Columns.Count], issues, out var key));
        Assert.False(validator.Validate(Row(layout, 9), new CellValue[layout.Columns.Count], issues, out _));

        var issue = Assert.Single(issues);
        Assert.Equal(Rules.DuplicateCase, issue.Rule);
        Assert.Contains("row 2", issue.Message, StringComparison.Ordinal);
        Assert.Equal("101010017", key);
    }

    [Fact]
    public async Task Validate_DuplicateOfARejectedCase_IsStillADuplicate()
    {
        var (validator, layout) = await SetUpAsync();
        var issues = new List<RowIssue>();

        Assert.False(validator.Validate(Row(layout, 2, ("Q12_MEMBER", "3")), new CellValue[layout.Columns.Count], issues, out _));
        issues.Clear();
        Assert.False(validator.Validate(Row(layout, 9), new CellValue[layout.Columns.Count], issues, out _));

        Assert.Equal(Rules.DuplicateCase, Assert.Single(issues).Rule);
    }

    [Fact]
    public async Task Validate_BlankAnswer_IsNotApplicableNull()
    {
        var (validator, layout) = await SetUpAsync();
        var cells = new CellValue[layout.Columns.Count];

        Assert.True(validator.Validate(Row(layout, 2, ("Q31_LOAN_OBTAINED", "")), cells, [], out _));

        Assert.True(cells[layout.IndexOf("Q31_LOAN_OBTAINED")].IsNull);
        Assert.Equal(1, cells[layout.IndexOf("Q12_MEMBER")].Integer);
    }

    [Fact]
    public async Task Validate_PersonalItemInIssue_IsMasked()
    {
        var (validator, layout) = await SetUpAsync();
        var issues = new List<RowIssue>();

        validator.Validate(Row(layout, 2, ("B1_NAME", new string('x', 70))), new CellValue[layout.Columns.Count], issues, out _);

        var issue = Assert.Single(issues);
        Assert.Equal(IssueSeverity.Warning, issue.Severity);
        Assert.DoesNotContain("xxx", issue.Value + issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_NameInAPersonalNumericItem_MessageAndValueSayItemValue()
    {
        var (validator, layout) = await SetUpAsync();
        var issues = new List<RowIssue>();

        validator.Validate(Row(layout, 2, ("A5_X", "Abel Cárdenas")), new CellValue[layout.Columns.Count], issues, out _);

        var issue = Assert.Single(issues);
        Assert.Equal(IssueSeverity.Error, issue.Severity);
        Assert.Equal("«A5_X value»", issue.Value);
        Assert.Equal("A5_X must be a number; found '«A5_X value»'.", issue.Message);
    }

    private static async Task<(RowValidator Validator, RecordLayout Layout)> SetUpAsync()
    {
        var pack = await Pack.Value;
        var layout = RecordLayout.For(pack, pack.Dictionary.FindRecord("PARTICIPANT_REC")!);
        return (new RowValidator(layout), layout);
    }

    /// <summary>A valid row (case 1/01/01/0017) with some items overridden.</summary>
    private static SourceRow Row(RecordLayout layout, long row, params (string Item, string Value)[] overrides)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["REGION"] = "1", ["PROVINCE"] = "1", ["DISTRICT"] = "1", ["QUEST_NO"] = "17", ["A4_LOCALITY"] = "Ledoy", ["A5_X"] = "-76.553816", ["A5_Y"] = "-7.077644",
            ["B1_NAME"] = "Abel Cárdenas", ["B2_AGE"] = "45", ["B3_SEX"] = "1", ["B4_EDUC"] = "4", ["B5_1_HH_SIZE"] = "3", ["B5_2_1_MEN"] = "1", ["B5_2_2_WOMEN"] = "2",
            ["B5_3_1_AGE0_5"] = "0", ["B5_3_2_AGE6_14"] = "1", ["B5_3_3_AGE15_18"] = "0", ["B5_3_4_AGE19_65"] = "2", ["B5_3_5_AGE65P"] = "0", ["B6_RELATION"] = "1",
            ["B7_ALLIANCE"] = "1", ["B7_START_YEAR"] = "2019", ["B7_END_YEAR"] = "2022", ["C1_DATE"] = "20221107", ["C2_START_TIME"] = "610", ["C2_END_TIME"] = "651",
            ["C3_SURVEYOR"] = "Milagros Huamán", ["C4_SUPERVISOR"] = "Carmen Vela", ["C5_RESULT"] = "1", ["Q1_PLOTS"] = "2", ["Q3_CULTIVATED"] = "1", ["Q12_MEMBER"] = "1",
            ["Q29_LOAN_APPLIED"] = "1", ["Q31_LOAN_OBTAINED"] = "1", ["Q40_EWALLET"] = "1", ["Q43_INTERNET"] = "1",
        };
        foreach (var (item, value) in overrides)
        {
            values[item] = value;
        }

        return new SourceRow(layout, row, layout.Columns.Select(c => values.GetValueOrDefault(c.Name)).ToArray(), null);
    }
}
