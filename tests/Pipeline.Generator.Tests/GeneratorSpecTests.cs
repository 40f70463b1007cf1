using Pipeline.Generator.Spec;
using Pipeline.Generator.Tests.Support;

namespace Pipeline.Generator.Tests;

/// <summary>The pack's generator.yaml loads, names only what exists, and says clearly what is wrong when it does not.</summary>
public class GeneratorSpecTests
{
    [Fact]
    public async Task Load_PeruPack_NamesOnlyItemsOfTheDictionary()
    {
        var spec = await Generated.PeruSpecAsync();

        Assert.Equal(49_505_049, spec.MaxCases);
        Assert.NotEmpty(spec.SkipRules);
    }

    [Fact]
    public async Task Load_PeruPack_ExpressesEverySkipRuleOfTheQuestionnaire()
    {
        var spec = await Generated.PeruSpecAsync();

        // The survey brief's skips: Q1=99 ends; Q3=2 → Q8; Q5 only with Q4.4 = 5; Q12; Q19; Q22; Q29; Q31; Q40; Q43.
        string[] expected =
        [
            "if Q1_PLOTS = 99", "if Q3_CULTIVATED = 2", "if SELLS_TO_COMPANY = 2", "if Q12_MEMBER = 1", "if Q12_MEMBER = 2",
            "if Q19_JOINED_VIA_ALLIANCE = 2", "if Q22_TRAINING = 2", "if Q29_LOAN_APPLIED = 1", "if Q29_LOAN_APPLIED = 2",
            "if Q31_LOAN_OBTAINED = 1", "if Q31_LOAN_OBTAINED = 2", "if Q40_EWALLET = 2", "if Q43_INTERNET = 2",
        ];
        foreach (var rule in expected)
        {
            Assert.Contains(spec.SkipRules, s => s.StartsWith(rule + ":", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Load_ItemNotInDictionary_FailsNamingFileLineAndItem()
    {
        var yaml = (await PeruYamlAsync()).Replace("      Q15_BOARD: {codes:", "      Q15_BORAD: {codes:", StringComparison.Ordinal);

        var error = await ParseErrorAsync(yaml);

        Assert.Contains("generator.yaml, line ", error.Message, StringComparison.Ordinal);
        Assert.Contains("'Q15_BORAD' is not an item of dictionary PERU_ALLIANCES_DICT", error.Message, StringComparison.Ordinal);
        Assert.Equal(LineOf(yaml, "Q15_BORAD"), error.Line);
    }

    [Fact]
    public async Task Load_ConditionNamingUnknownItem_FailsQuotingTheCondition()
    {
        var yaml = (await PeruYamlAsync()).Replace("if: \"Q40_EWALLET = 2\"", "if: \"Q40_E_WALLET = 2\"", StringComparison.Ordinal);

        var error = await ParseErrorAsync(yaml);

        Assert.Contains("'Q40_E_WALLET' is not an item of dictionary PERU_ALLIANCES_DICT", error.Message, StringComparison.Ordinal);
        Assert.Equal(LineOf(yaml, "Q40_E_WALLET"), error.Line);
    }

    [Fact]
    public async Task Load_ItemOfAnotherRecord_FailsNamingTheRecordItBelongsTo()
    {
        var yaml = (await PeruYamlAsync()).Replace("      Q5_2_ALLIANCE_LINK:", "      Q14_2_ORG_TYPE:", StringComparison.Ordinal);

        var error = await ParseErrorAsync(yaml);

        Assert.Contains("'Q14_2_ORG_TYPE' is not an item of record COMPANY_REC; it belongs to ORG_REC", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_CodeOutsideValueSet_FailsNamingTheValueSet()
    {
        var yaml = (await PeruYamlAsync()).Replace("Q43_INTERNET: {codes: {1: 0.48, 2: 0.52}}", "Q43_INTERNET: {codes: {1: 0.48, 3: 0.52}}", StringComparison.Ordinal);

        var error = await ParseErrorAsync(yaml);

        Assert.Contains("3 is not in the value set of Q43_INTERNET (1 2)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_TextLongerThanItem_FailsWithBothLengths()
    {
        var yaml = (await PeruYamlAsync()).Replace("programs: [Juntos,", "programs: [Programa Nacional de Apoyo Directo a los Más Pobres Juntos,", StringComparison.Ordinal);

        var error = await ParseErrorAsync(yaml);

        Assert.Contains("list programs can give 58 characters; B8_PROGRAM_NAME holds 40", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_ConditionOnLatentVariable_FailsBecauseItCannotBeChecked()
    {
        var yaml = (await PeruYamlAsync()).Replace("if: \"Q40_EWALLET = 2\"", "if: \"SIZE = 1\"", StringComparison.Ordinal);

        var error = await ParseErrorAsync(yaml);

        Assert.Contains("'SIZE' is a latent variable", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_ByTableMissingACode_FailsNamingTheCode()
    {
        var yaml = (await PeruYamlAsync()).Replace("B1_NAME: {by: B3_SEX, cases: {1: {text: person_male}, 2: {text: person_female}}}", "B1_NAME: {by: B3_SEX, cases: {1: {text: person_male}}}", StringComparison.Ordinal);

        var error = await ParseErrorAsync(yaml);

        Assert.Contains("'by: B3_SEX' in PARTICIPANT_REC.B1_NAME has no case for 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_ItemDescribedTwice_Fails()
    {
        var yaml = (await PeruYamlAsync()).Replace("      Q15_BOARD: {codes:", "      Q13_1: {codes: {1: 1}}\n      Q15_BOARD: {codes:", StringComparison.Ordinal);

        var error = await ParseErrorAsync(yaml);

        Assert.Contains("Q13_1 is described twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_ConditionThatDoesNotParse_SaysWhatAnOperatorIs()
    {
        var yaml = (await PeruYamlAsync()).Replace("if: \"Q43_INTERNET = 2\"", "if: \"Q43_INTERNET 2\"", StringComparison.Ordinal);

        var error = await ParseErrorAsync(yaml);

        Assert.Contains("condition \"Q43_INTERNET 2\": at character 14: expected a comparison (=, !=, <, <=, >, >=, in, is blank), found '2'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_FirstCycleCodeInsideTheOverflowRange_FailsBecauseKeysCouldRepeat()
    {
        var yaml = (await PeruYamlAsync()).Replace("PROVINCE: {by: PLACE, cases: {1: 1,", "PROVINCE: {by: PLACE, cases: {1: 55,", StringComparison.Ordinal);

        var error = await ParseErrorAsync(yaml);

        Assert.Contains("PROVINCE can be 55 in the first cycle of QUEST_NO, inside its overflow range", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_MissingFile_SaysWhereItWasLookedFor()
    {
        var pack = await Generated.PeruPackAsync();

        var error = await Assert.ThrowsAsync<GeneratorSpecException>(() => GeneratorSpec.LoadAsync(pack, "/nowhere/generator.yaml"));

        Assert.Contains("/nowhere/generator.yaml: not found", error.Message, StringComparison.Ordinal);
    }

    private static async Task<string> PeruYamlAsync() => await File.ReadAllTextAsync(Path.Combine(Generated.PackFolder, GeneratorSpec.DefaultFileName));

    private static async Task<GeneratorSpecException> ParseErrorAsync(string yaml)
    {
        var pack = await Generated.PeruPackAsync();
        return Assert.Throws<GeneratorSpecException>(() => GeneratorSpec.Parse(pack, yaml, "generator.yaml"));
    }

    private static long LineOf(string text, string needle) =>
        text.Split('\n').Select((line, i) => (line, i)).First(x => x.line.Contains(needle, StringComparison.Ordinal)).i + 1;
}
