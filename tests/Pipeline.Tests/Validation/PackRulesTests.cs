using Pipeline.Core.Packs;
using Pipeline.Core.Readers;
using Pipeline.Core.Validation;
using Pipeline.Core.Values;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.Validation;

/// <summary>The Peru pack's rules.yaml on single rows: skips, consistency, result codes, and their boundaries.</summary>
public sealed class PackRulesTests
{
    private static readonly Lazy<Task<SurveyPack>> Pack = new(() => SurveyPack.LoadAsync(RepoPaths.PeruPack));

    [Fact]
    public async Task Skip_MemberWhoAnswersQ13_FlagsEachAnsweredQ13Item()
    {
        var issues = await ValidateAsync(("Q12_MEMBER", "1"), ("Q13_1", "1"), ("Q13_6", "1"));

        Assert.Equal(["Q13_1", "Q13_6"], issues.Where(i => i.Rule == "skip.q12-members-skip-q13").Select(i => i.Item));
        Assert.All(issues, i => Assert.Equal(IssueSeverity.Error, i.Severity));
    }

    [Fact]
    public async Task Skip_NonMemberWhoAnswersQ13_IsClean() =>
        Assert.Empty(await ValidateAsync(("Q12_MEMBER", "2"), ("Q13_1", "1")));

    [Fact]
    public async Task Skip_NonApplicantWithLoanOutcome_IsBroken()
    {
        var issues = await ValidateAsync(("Q29_LOAN_APPLIED", "2"), ("Q31_LOAN_OBTAINED", "1"));

        Assert.Equal("Q31_LOAN_OBTAINED", Assert.Single(issues, i => i.Rule == "skip.q29-non-applicants-skip-to-q40").Item);
    }

    [Theory]
    [InlineData("1", "2", "3", true)]
    [InlineData("1", "1", "3", false)]
    [InlineData("0", "3", "3", true)]
    [InlineData("2", "2", "3", false)]
    public async Task Consistency_HouseholdBySex_MenPlusWomenEqualSize(string men, string women, string size, bool clean)
    {
        var issues = await ValidateAsync(("B5_2_1_MEN", men), ("B5_2_2_WOMEN", women), ("B5_1_HH_SIZE", size), ("B5_3_4_AGE19_65", size), ("B5_3_2_AGE6_14", "0"));

        Assert.Equal(clean, !issues.Any(i => i.Rule == "consistency.household-by-sex"));
    }

    [Theory]
    [InlineData("700", "701", true)]
    [InlineData("700", "700", false)]
    [InlineData("700", "659", false)]
    public async Task Consistency_InterviewEndsAfterStart_AtTheBoundary(string start, string end, bool clean)
    {
        var issues = await ValidateAsync(("C2_START_TIME", start), ("C2_END_TIME", end));

        Assert.Equal(clean, !issues.Any(i => i.Rule == "consistency.interview-ends-after-start"));
    }

    [Fact]
    public async Task Result_PartialInterview_IsAWarningThatKeepsTheRow()
    {
        var pack = await Pack.Value;
        var layout = RecordLayout.For(pack, pack.Dictionary.FindRecord("PARTICIPANT_REC")!);
        var issues = new List<RowIssue>();

        var kept = new RowValidator(layout, pack.Rules).Validate(Row(layout, ("C5_RESULT", "5")), new CellValue[layout.Columns.Count], issues, out _);

        Assert.True(kept);
        Assert.Equal(IssueSeverity.Warning, Assert.Single(issues).Severity);
        Assert.Equal("result.not-completed", issues[0].Rule);
    }

    [Fact]
    public async Task Rules_FileNamingAnUnknownItem_FailsToLoadNamingRuleAndItem()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"pack-{Guid.NewGuid():N}");
        CopyFolder(RepoPaths.PeruPack, folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "rules.yaml"), "rules:\n  - id: bad\n    description: x\n    record: PARTICIPANT_REC\n    check: NO_SUCH_ITEM = 1\n");

        var e = await Assert.ThrowsAsync<SurveyPackException>(() => SurveyPack.LoadAsync(folder));

        Assert.Contains("rules.yaml, line 5: rule 'bad': item 'NO_SUCH_ITEM' is not in record PARTICIPANT_REC", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rules_ConditionThatDoesNotParse_FailsToLoadNamingLineAndCharacter()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"pack-{Guid.NewGuid():N}");
        CopyFolder(RepoPaths.PeruPack, folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "rules.yaml"), "rules:\n  - id: ok\n    record: PARTICIPANT_REC\n    check: B2_AGE >= 0\n  - id: bad\n    description: x\n    record: PARTICIPANT_REC\n    when: B2_AGE > 10\n    check: Q12_MEMBER != blank\n");

        var e = await Assert.ThrowsAsync<SurveyPackException>(() => SurveyPack.LoadAsync(folder));

        Assert.Contains("rules.yaml, line 9: rule 'bad': in 'Q12_MEMBER != blank' at character 15: expected a value; to test for a blank write 'is not blank', found 'blank'.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Indicators_UnitOnAMean_IsLoadedForTheReport()
    {
        var pack = await Pack.Value;

        Assert.Equal("soles", pack.Indicators.Indicators.Single(i => i.Id == "finding11-coca-income-mean").Unit);
        Assert.All(pack.Indicators.Indicators.Where(i => i.Kind == IndicatorStatistic.Proportion), i => Assert.Null(i.Unit));
    }

    [Fact]
    public async Task Indicators_UnitOnAProportion_FailsToLoadNamingTheIndicator()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"pack-{Guid.NewGuid():N}");
        CopyFolder(RepoPaths.PeruPack, folder);
        var yaml = Path.Combine(folder, "indicators.yaml");
        var text = await File.ReadAllTextAsync(yaml);
        await File.WriteAllTextAsync(yaml, text.Replace("    item: Q12_MEMBER\n    outcome: [1]\n", "    item: Q12_MEMBER\n    outcome: [1]\n    unit: ha\n", StringComparison.Ordinal));

        var e = await Assert.ThrowsAsync<SurveyPackException>(() => SurveyPack.LoadAsync(folder));

        Assert.Contains("indicator 'q12-association-member': 'unit' is 'ha', but a proportion is shown as a percentage.", e.Message, StringComparison.Ordinal);
    }

    private static async Task<List<RowIssue>> ValidateAsync(params (string Item, string Value)[] overrides)
    {
        var pack = await Pack.Value;
        var layout = RecordLayout.For(pack, pack.Dictionary.FindRecord("PARTICIPANT_REC")!);
        var issues = new List<RowIssue>();
        new RowValidator(layout, pack.Rules).Validate(Row(layout, overrides), new CellValue[layout.Columns.Count], issues, out _);
        return issues;
    }

    /// <summary>A clean completed interview (household of 3: 1 man, 2 women; ages 6–14: 1, 19–65: 2) with overrides.</summary>
    private static SourceRow Row(RecordLayout layout, params (string Item, string Value)[] overrides)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["REGION"] = "1", ["PROVINCE"] = "1", ["DISTRICT"] = "1", ["QUEST_NO"] = "17", ["B2_AGE"] = "45", ["B3_SEX"] = "1", ["B5_1_HH_SIZE"] = "3",
            ["B5_2_1_MEN"] = "1", ["B5_2_2_WOMEN"] = "2", ["B5_3_1_AGE0_5"] = "0", ["B5_3_2_AGE6_14"] = "1", ["B5_3_3_AGE15_18"] = "0", ["B5_3_4_AGE19_65"] = "2",
            ["B5_3_5_AGE65P"] = "0", ["B7_ALLIANCE"] = "1", ["B7_START_YEAR"] = "2019", ["B7_END_YEAR"] = "2022", ["C2_START_TIME"] = "610", ["C2_END_TIME"] = "651",
            ["C5_RESULT"] = "1", ["Q1_PLOTS"] = "2",
        };
        foreach (var (item, value) in overrides)
        {
            values[item] = value;
        }

        return new SourceRow(layout, 2, layout.Columns.Select(c => values.GetValueOrDefault(c.Name)).ToArray(), null);
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
