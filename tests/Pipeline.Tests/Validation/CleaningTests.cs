using Pipeline.Core.Cleaning;
using Pipeline.Core.Packs;
using Pipeline.Core.Readers;
using Pipeline.Core.Validation;
using Pipeline.Core.Values;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.Validation;

/// <summary>The Peru pack's cleaning.yaml and its row rules on single rows: special codes, text, places, units, "other (specify)".</summary>
public sealed class CleaningTests
{
    private static readonly Lazy<Task<SurveyPack>> Pack = new(() => SurveyPack.LoadAsync(RepoPaths.PeruPack));

    [Fact]
    public async Task SpecialCode_DontKnowInALikertItem_IsNullWithItsReason()
    {
        var (row, cells, issues, cleaner) = await CleanAsync("PARTICIPANT_REC", ("Q16_1_TECH_ASSIST", "99"), ("Q12_MEMBER", "1"));

        Assert.True(cells[row.Layout.IndexOf("Q16_1_TECH_ASSIST")].IsNull);
        Assert.Equal("Q16_1_TECH_ASSIST=99 dont-know", cleaner.Nulled);
        Assert.Empty(issues);
    }

    [Fact]
    public async Task SpecialCode_DontKnowInASkippedItem_IsStillASkipViolation()
    {
        // Q12 = 2 skips Q15–Q21: a "don't know" there was asked when it should not have been.
        var (_, _, issues, _) = await CleanAsync("PARTICIPANT_REC", ("Q12_MEMBER", "2"), ("Q16_1_TECH_ASSIST", "99"));

        var issue = Assert.Single(issues, i => i.Rule == "skip.q12-non-members-skip-to-q22");
        Assert.Equal(("Q16_1_TECH_ASSIST", "99"), (issue.Item, issue.Value));
    }

    [Fact]
    public async Task SpecialCode_DictionaryMissingValue_IsNullWithTheDictionaryName()
    {
        var (row, cells, _, cleaner) = await CleanAsync("PARTICIPANT_REC", ("B2_AGE", "999"));

        Assert.True(cells[row.Layout.IndexOf("B2_AGE")].IsNull);
        Assert.Equal("B2_AGE=999 missing", cleaner.Nulled);
    }

    [Theory]
    [InlineData("Q1_PLOTS", "99")] // "no plots" is an answer that ends the interview, not a don't-know
    [InlineData("Q10_INCOME_ALLIANCE", "5")]
    public async Task SpecialCode_OtherCodes_AreKept(string item, string value)
    {
        var (row, cells, _, cleaner) = await CleanAsync("PARTICIPANT_REC", (item, value));

        Assert.Equal(long.Parse(value, System.Globalization.CultureInfo.InvariantCulture), cells[row.Layout.IndexOf(item)].Integer);
        Assert.Null(cleaner.Nulled);
    }

    [Fact]
    public async Task SpecialCode_QuestionSpecificNotApplicable_IsNull()
    {
        var (_, _, _, cleaner) = await CleanAsync("PARTICIPANT_REC", ("Q10_INCOME_ALLIANCE", "0"));

        Assert.Equal("Q10_INCOME_ALLIANCE=0 not-applicable", cleaner.Nulled);
    }

    [Theory]
    [InlineData("  nuevo   EDEN ", "Nuevo Edén")]           // case, accents and spacing ignored
    [InlineData("Nuevo Ede\u0301n", "Nuevo Edén")]           // decomposed accent (NFD) matches and is stored NFC
    [InlineData("santa rosa sector alto", "Santa Rosa, sector Alto")] // punctuation ignored
    public async Task Gazetteer_KnownPlaceSpelledDifferently_GetsItsOfficialSpelling(string typed, string official)
    {
        var (row, cells, issues, _) = await CleanAsync("PARTICIPANT_REC", ("A4_LOCALITY", typed));

        Assert.Equal(official, cells[row.Layout.IndexOf("A4_LOCALITY")].Text);
        Assert.Empty(issues);
    }

    [Fact]
    public async Task Gazetteer_UnknownPlace_IsAWarningThatKeepsTheSpelling()
    {
        var (row, cells, issues, _) = await CleanAsync("PARTICIPANT_REC", ("A4_LOCALITY", "Nuevo  Edenes"));

        var issue = Assert.Single(issues);
        Assert.Equal((RecordCleaner.UnknownPlaceRule, IssueSeverity.Warning, "A4_LOCALITY"), (issue.Rule, issue.Severity, issue.Item));
        Assert.Equal("Nuevo Edenes", cells[row.Layout.IndexOf("A4_LOCALITY")].Text); // normalised, not replaced
    }

    [Fact]
    public async Task Text_OtherSpecify_IsTrimmedAndCollapsed()
    {
        var (row, cells, _, _) = await CleanAsync("PARTICIPANT_REC", ("C5_RESULT", "7"), ("C5_RESULT_OTH", "  se   mudó\tde casa "));

        Assert.Equal("se mudó de casa", cells[row.Layout.IndexOf("C5_RESULT_OTH")].Text);
    }

    [Theory]
    [InlineData("1", "2.5", 2.5)]      // hectares
    [InlineData("2", "2500", 0.25)]    // square metres
    [InlineData("3", "2", 0.54)]       // yugadas of 2,700 m²
    [InlineData("4", "2", 0.6986)]     // topos of 3,493 m²
    public async Task Units_PlotArea_IsConvertedToHectares(string unit, string area, double hectares)
    {
        var (_, cells, _, cleaner) = await CleanAsync("PLOT_REC", ("Q2_PLOT_NO", "1"), ("Q2_1_2_UNIT", unit), ("Q2_1_1_AREA", area));

        Assert.Equal(hectares, cells[cleaner.Values.IndexOf("Q2_1_AREA_HA")].Real, 9);
    }

    [Fact]
    public async Task Units_CropProductionAndArea_UseTheAnswersOwnEquivalences()
    {
        // 12 quintals of 46 kg on 3 yugadas of 2,700 m².
        var (_, cells, _, cleaner) = await CleanAsync("CROP_REC", Crop(("Q4_1_AREA", "3"), ("Q4_1_UNIT", "3"), ("Q4_1_M2_PER_UNIT", "2700"), ("Q4_2_PROD", "12"), ("Q4_2_UNIT", "2"), ("Q4_2_KG_PER_UNIT", "46"), ("Q4_3_SALE_QTY", "10")));

        Assert.Equal(0.81, cells[cleaner.Values.IndexOf("Q4_1_AREA_HA")].Real, 9);
        Assert.Equal(552, cells[cleaner.Values.IndexOf("Q4_2_PROD_KG")].Real, 9);
        Assert.Equal(460, cells[cleaner.Values.IndexOf("Q4_3_SALE_KG")].Real, 9);
    }

    [Fact]
    public async Task Units_BlankEquivalence_GivesABlankConversion()
    {
        var (_, cells, _, cleaner) = await CleanAsync("CROP_REC", Crop(("Q4_2_PROD", "12"), ("Q4_2_UNIT", "2"), ("Q4_2_KG_PER_UNIT", null)));

        Assert.True(cells[cleaner.Values.IndexOf("Q4_2_PROD_KG")].IsNull);
    }

    [Theory]
    [InlineData("20000", true)]
    [InlineData("20000.01", false)]
    public async Task Plausibility_CropProductionLimit_AtTheBoundary(string kilograms, bool clean)
    {
        var (_, _, issues, _) = await CleanAsync("CROP_REC", Crop(("Q4_2_PROD", kilograms), ("Q4_2_UNIT", "1"), ("Q4_2_KG_PER_UNIT", "1")));

        Assert.Equal(clean, !issues.Any(i => i.Rule == "outlier.crop-production-limit"));
        Assert.All(issues, i => Assert.Equal(IssueSeverity.Warning, i.Severity));
    }

    [Theory]
    [InlineData("Café", true)]        // the Spanish label of code 6
    [InlineData("  COFFEE ", true)]   // the English label, case and spacing ignored
    [InlineData("Camu camu", false)]  // a real other crop
    [InlineData("Otro", false)]       // the label of 88 "other" itself is not an answer to recode to
    public async Task Specify_OtherCropThatIsAListedCrop_IsAWarningToRecode(string text, bool flagged)
    {
        var (_, _, issues, _) = await CleanAsync("CROP_REC", Crop(("Q4_CROP", "88"), ("Q4_CROP_OTH", text)));

        Assert.True(flagged == issues.Any(i => i.Rule == "specify.listed-answer" && i.Item == "Q4_CROP_OTH" && i.Severity == IssueSeverity.Warning), string.Join("; ", issues.Select(i => $"{i.Rule} {i.Item}: {i.Message}")));
    }

    [Fact]
    public async Task Specify_OtherReasonThatIsAListedOption_IsAWarningToRecode()
    {
        var (_, _, issues, _) = await CleanAsync("PARTICIPANT_REC", ("Q12_MEMBER", "2"), ("Q13_88", "1"), ("Q13_88_OTH", "desconfianza en las organizaciones"));

        Assert.True(issues.Count(i => i.Rule == "specify.listed-option") == 1, string.Join("; ", issues.Select(i => $"{i.Rule} {i.Item}: {i.Message}")));
        var issue = issues.Single(i => i.Rule == "specify.listed-option");
        Assert.Contains("Q13_1", issue.Message, StringComparison.Ordinal);
    }

    private static (string, string?)[] Crop(params (string Item, string? Value)[] overrides) =>
        [("Q4_CROP", "6"), ("Q4_1_AREA", "1"), ("Q4_1_UNIT", "1"), ("Q4_1_M2_PER_UNIT", "10000"), .. overrides];

    private static async Task<(SourceRow Row, CellValue[] Cells, List<RowIssue> Issues, Cleaned Cleaner)> CleanAsync(string record, params (string Item, string? Value)[] overrides)
    {
        var pack = await Pack.Value;
        var layout = RecordLayout.For(pack, pack.Dictionary.FindRecord(record)!);
        var cleaner = new RecordCleaner(layout, pack.Cleaning, pack.Gazetteer, new CleaningCounts());
        var validator = new RowValidator(layout, pack.Rules, cleaner);
        var values = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["REGION"] = "1", ["PROVINCE"] = "1", ["DISTRICT"] = "1", ["QUEST_NO"] = "17", ["C5_RESULT"] = "1", ["Q1_PLOTS"] = "2",
        };
        foreach (var (item, value) in overrides)
        {
            values[item] = value;
        }

        var row = new SourceRow(layout, 2, layout.Columns.Select(c => values.GetValueOrDefault(c.Name)).ToArray(), null);
        var cells = new CellValue[validator.CellCount];
        var issues = new List<RowIssue>();
        validator.Validate(row, cells, issues, out _);
        return (row, cells, issues, new Cleaned(validator.Nulled, cleaner.Values));
    }

    private sealed record Cleaned(string? Nulled, Pipeline.Core.Values.RowValues Values);
}
