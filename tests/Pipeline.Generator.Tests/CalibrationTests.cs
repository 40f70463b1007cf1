using Pipeline.Generator.Cases;
using Pipeline.Generator.Tests.Support;

namespace Pipeline.Generator.Tests;

/// <summary>
/// Calibration of the sample data, not a test of the estimator: the default sample (565 cases, seed 20221119) has
/// unweighted rates within 5 points of the report's headline values (survey brief; indicators.yaml). The observed values
/// are recorded in docs/generator.md.
/// </summary>
public class CalibrationTests
{
    [Fact]
    public async Task DefaultSample_HeadlineRates_LandWithinFivePointsOfThePublishedValues()
    {
        var options = new GeneratorOptions();
        var cases = await Generated.CasesAsync(options.Cases, options.Seed);
        var main = cases.Select(c => c.Occurrences("PARTICIPANT_REC").Single()).ToList();

        AssertNear(0.44, Rate(main, "Q12_MEMBER", alliance: 1), "Q12 member, coffee");
        AssertNear(0.50, Rate(main, "Q12_MEMBER", alliance: 2), "Q12 member, cacao");
        AssertNear(0.47, Rate(main, "Q12_MEMBER"), "Q12 member, all");
        AssertNear(0.17, Rate(main, "Q29_LOAN_APPLIED", alliance: 1), "Q29 applied, coffee");
        AssertNear(0.31, Rate(main, "Q29_LOAN_APPLIED", alliance: 2), "Q29 applied, cacao");
        AssertNear(0.85, Rate(main, "Q31_LOAN_OBTAINED"), "Q31 approved");
        AssertNear(0.48, Rate(main, "Q43_INTERNET"), "Q43 internet");
        AssertNear(0.31, main.Count(r => r["B3_SEX"].Number == 2) / (double)main.Count, "women");

        // Figures 24-29: age 20-40 30%, 40-60 48%, 60-80 21%, 80+ 1%.
        double Ages(int from, int to) => main.Count(r => r["B2_AGE"].Number >= from && r["B2_AGE"].Number < to) / (double)main.Count;
        AssertNear(0.30, Ages(20, 40), "age 20-40");
        AssertNear(0.48, Ages(40, 60), "age 40-60");
        AssertNear(0.21, Ages(60, 80), "age 60-80");
        AssertNear(0.01, Ages(80, 200), "age 80+");

        var sizes = CoffeeSizes(cases);
        AssertNear(0.51, sizes.Large, "coffee large producers");
        AssertNear(0.36, sizes.Medium, "coffee medium producers");
        AssertNear(0.14, sizes.Small, "coffee small producers");
    }

    private static double Rate(List<GeneratedRecord> rows, string item, int? alliance = null)
    {
        var asked = rows.Where(r => (alliance is null || r["B7_ALLIANCE"].Number == alliance) && r[item] is { IsNumber: true, Number: 1 or 2 }).ToList();
        return asked.Count(r => r[item].Number == 1) / (double)asked.Count;
    }

    /// <summary>Producer size of coffee cases from the production of their coffee (kg): small &lt; 200, medium 200–600, large &gt; 600.</summary>
    private static (double Small, double Medium, double Large) CoffeeSizes(List<GeneratedCase> cases)
    {
        var kilograms = cases
            .Where(c => c.Occurrences("PARTICIPANT_REC").Single()["B7_ALLIANCE"].Number == 1)
            .SelectMany(c => c.Occurrences("CROP_REC").Where(r => r["Q4_CROP"].Number == 6).Take(1))
            .Select(r => r["Q4_2_PROD"].Number * r["Q4_2_KG_PER_UNIT"].Number)
            .ToList();
        double Share(Func<decimal, bool> inClass) => kilograms.Count(inClass) / (double)kilograms.Count;
        return (Share(kg => kg < 200), Share(kg => kg is >= 200 and <= 600), Share(kg => kg > 600));
    }

    private static void AssertNear(double published, double observed, string what) =>
        Assert.True(Math.Abs(published - observed) <= 0.05, $"{what}: observed {observed:P1}, published {published:P0}");
}
