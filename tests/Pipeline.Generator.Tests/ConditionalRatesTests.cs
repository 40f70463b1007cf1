using Pipeline.Generator.Cases;
using Pipeline.Generator.Spec;
using Pipeline.Generator.Tests.Support;

namespace Pipeline.Generator.Tests;

/// <summary>
/// Rates conditional on several case variables (issue #19, calibration): a multiple-choice group's <c>by</c> table can
/// nest another <c>by</c> table in a case, as an item's draw can, so an option's rate can depend on alliance and sex (or
/// size, membership) together; a nested table that misses a code is refused at load.
/// </summary>
public class ConditionalRatesTests
{
    // One option of Q13 (so the rest keep their defaults), by alliance and then, for coffee, by the respondent's sex.
    private const string Spec = """
        version: 1
        records:
          PARTICIPANT_REC:
            items:
              B3_SEX: {codes: {1: 0.5, 2: 0.5}}
            groups:
              Q13:
                by: B7_ALLIANCE
                cases:
                  1:
                    by: B3_SEX
                    cases:
                      1: {Q13_1: 0.9}
                      2: {Q13_1: 0.6}
                  "*": {Q13_1: 0.1}
        """;

    [Fact]
    public async Task Draw_GroupTableNestedByAllianceThenSex_MarksTheOptionAtTheRateOfEachCell()
    {
        var pack = await Generated.PeruPackAsync();
        var source = new CaseSource(GeneratorSpec.Parse(pack, Spec, "generator.yaml"), seed: 11);

        var rows = Enumerable.Range(0, 4000).Select(_ => source.Next().Occurrences("PARTICIPANT_REC").Single()).ToList();
        double Rate(int alliance, int? sex) => rows
            .Where(r => r["B7_ALLIANCE"].Number == alliance && (sex is null || r["B3_SEX"].Number == sex))
            .Average(r => r["Q13_1"].IsNumber && r["Q13_1"].Number == 1 ? 1.0 : 0.0);

        // About 1,000 cases per coffee cell and 2,000 cacao cases: a binomial standard error of at most 1.6 points.
        Assert.InRange(Rate(1, 1), 0.85, 0.95);
        Assert.InRange(Rate(1, 2), 0.55, 0.65);
        Assert.InRange(Rate(2, null), 0.05, 0.15);
    }

    [Fact]
    public async Task Load_NestedGroupTableMissingACode_FailsNamingTheVariableTheGroupAndTheCode()
    {
        var pack = await Generated.PeruPackAsync();
        var yaml = Spec.Replace("2: {Q13_1: 0.6}", "3: {Q13_1: 0.6}", StringComparison.Ordinal);

        var error = Assert.Throws<GeneratorSpecException>(() => GeneratorSpec.Parse(pack, yaml, "generator.yaml"));

        Assert.Contains("generator.yaml, line 11", error.Message, StringComparison.Ordinal);
        Assert.Contains("'by: B3_SEX' in group Q13 has no case for 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_NestedGroupTableWithOtherOptions_FailsListingTheGroupsOptions()
    {
        var pack = await Generated.PeruPackAsync();
        var yaml = Spec.Replace("2: {Q13_1: 0.6}", "2: {Q13_2: 0.6}", StringComparison.Ordinal);

        var error = Assert.Throws<GeneratorSpecException>(() => GeneratorSpec.Parse(pack, yaml, "generator.yaml"));

        Assert.Contains("every case of group Q13 lists the same options in the same order: Q13_1", error.Message, StringComparison.Ordinal);
    }
}
