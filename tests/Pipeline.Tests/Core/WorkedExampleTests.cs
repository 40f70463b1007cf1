using System.Globalization;
using Pipeline.Core.Findings;
using Pipeline.Core.Ingest;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.Core;

/// <summary>
/// A published worked example of a stratified random sample with finite population correction:
/// R. L. Scheaffer, W. Mendenhall and R. L. Ott, <i>Elementary Survey Sampling</i> (Duxbury; 5th ed. 1996, 6th ed. 2006),
/// chapter 5, "Stratified random sampling", Example 5.1. An advertising firm estimates the mean hours per week a
/// television set is watched in the households of a county, sampled in three strata: Town A (N₁ = 155, n₁ = 20), Town B
/// (N₂ = 62, n₂ = 8) and the rural area (N₃ = 93, n₃ = 12). The book prints the 40 answers (below), the stratum means
/// 33.900, 25.125 and 19.000, the estimate ȳ_st = 27.7 hours and the bound on the error of estimation
/// 2√V̂(ȳ_st) = 2.8 hours (V̂ = 1.97). Page numbers differ between editions and are not cited. The same data and
/// results (ȳ_st = 27.675, V̂ = 1.969519) are in the test suite of the Python package advstats (strat tests).
/// </summary>
public sealed class WorkedExampleTests
{
    private static readonly Dictionary<string, (long N, double[] Hours)> Strata = new()
    {
        ["town-a"] = (155, [35, 43, 36, 39, 28, 28, 29, 25, 38, 27, 26, 32, 29, 40, 35, 41, 37, 31, 45, 34]),
        ["town-b"] = (62, [27, 15, 4, 41, 49, 25, 10, 30]),
        ["rural"] = (93, [8, 14, 12, 15, 30, 32, 21, 20, 34, 7, 11, 24]),
    };

    [Fact]
    public void ScheafferExample5_1_MeanAndBound_EqualTheTextbookFormulaAndThePrintedFigures()
    {
        var sums = Strata.Select(s => new StratumSums(s.Key, s.Value.N, s.Value.Hours.Length, s.Value.Hours.Sum(), s.Value.Hours.Length,
            s.Value.Hours.Sum(h => h * h), s.Value.Hours.Sum(), s.Value.Hours.Length, s.Value.Hours.Length)).ToList();

        var e = StratifiedRatio.Estimate(sums, IndicatorStatistic.Mean);
        var (mean, variance) = TextbookMean();

        Assert.Equal(mean, e.Estimate, mean * 1e-9);
        Assert.Equal(Math.Sqrt(variance), e.StandardError, Math.Sqrt(variance) * 1e-9);
        // The book's printed figures, to the printed precision.
        Assert.Equal(27.7, Math.Round(e.Estimate, 1));
        Assert.Equal(1.97, Math.Round(e.StandardError * e.StandardError, 2));
        Assert.Equal(2.8, Math.Round(2 * e.StandardError, 1));
        Assert.Equal(37, e.DegreesOfFreedom);
        Assert.Equal(310, e.WeightedDenominator, 1e-9);
    }

    [Fact]
    public void ScheafferExample5_1_Total_EqualsNTimesTheMeanWithNSquaredTimesItsVariance()
    {
        // The population total of the same design: τ̂ = N ȳ_st, V̂(τ̂) = N² V̂(ȳ_st) (Scheaffer et al., section 5.3).
        var sums = Strata.Select(s => new StratumSums(s.Key, s.Value.N, s.Value.Hours.Length, s.Value.Hours.Sum(), s.Value.Hours.Length,
            s.Value.Hours.Sum(h => h * h), s.Value.Hours.Sum(), s.Value.Hours.Length, s.Value.Hours.Length)).ToList();

        var e = StratifiedRatio.Estimate(sums, IndicatorStatistic.Total);
        var (mean, variance) = TextbookMean();

        Assert.Equal(310 * mean, e.Estimate, 310 * mean * 1e-9);
        Assert.Equal(310 * Math.Sqrt(variance), e.StandardError, 310 * Math.Sqrt(variance) * 1e-9);
        Assert.Equal(8579.25, e.Estimate, 1e-9);
    }

    [Fact]
    public async Task ScheafferExample5_1_ThroughThePipeline_FactAndComparisonTablesHoldTheBookValues()
    {
        await using var pipeline = await TestPipeline.LocalAsync(await TestPipeline.FixturePacksAsync());
        var pack = pipeline.Get<SurveyPackCatalog>().Find("tv-viewing")!;
        var outcome = await pipeline.Get<IngestService>().IngestAsync(await pipeline.UploadAsync("tv-viewing", RepoPaths.Fixture("packs/tv-viewing/sample/HH_REC.csv")));
        Assert.Equal(UploadStatus.Succeeded, outcome.Upload.Status);

        var run = await pipeline.Get<FindingsService>().RecomputeAsync(pack);

        var (mean, variance) = TextbookMean();
        var fact = await pipeline.DownloadAsync(LakeZone.Findings, FindingsPaths.Table("tv-viewing", run.Status.Record.RunId, "fact_findings"));
        var rows = DuckDb.Query($"select indicator_id, cell_key, estimate, standard_error, ci_low, ci_high from read_parquet({DuckDb.Literal(fact)})")
            .ToDictionary(r => ((string)r[0]!, (string)r[1]!), r => r.Skip(2).Select(v => Convert.ToDouble(v, CultureInfo.InvariantCulture)).ToArray());
        var all = rows[("tv-hours-mean", "all")];
        Assert.Equal(mean, all[0], mean * 1e-9);
        Assert.Equal(Math.Sqrt(variance), all[1], Math.Sqrt(variance) * 1e-9);
        const double t = 2.0261924630291094; // qt(0.975, 37): symmetric interval, 40 cases − 3 strata degrees of freedom
        Assert.Equal(mean - (t * Math.Sqrt(variance)), all[2], 1e-9);
        Assert.Equal(mean + (t * Math.Sqrt(variance)), all[3], 1e-9);
        Assert.Equal(33.9, rows[("tv-hours-mean", "area=1")][0], 1e-12); // a stratum's domain mean is its sample mean
        Assert.Equal(25.125, rows[("tv-hours-mean", "area=2")][0], 1e-12);
        Assert.Equal(19.0, rows[("tv-hours-mean", "area=3")][0], 1e-12);
        Assert.Equal(310 * mean, rows[("tv-hours-total", "all")][0], 310 * mean * 1e-9);

        var comparison = await pipeline.DownloadAsync(LakeZone.Findings, FindingsPaths.Table("tv-viewing", run.Status.Record.RunId, "comparison"));
        var printed = DuckDb.Query($"select cell_key, published, estimate, published_in_ci, statistic from read_parquet({DuckDb.Literal(comparison)}) where indicator_id = 'tv-hours-mean'")
            .ToDictionary(r => (string)r[0]!);
        Assert.Equal(["all", "area=1", "area=2", "area=3"], printed.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(27.7, Convert.ToDouble(printed["all"][1], CultureInfo.InvariantCulture));
        Assert.Equal("yes", printed["all"][3]);
        Assert.Equal("mean", printed["all"][4]);
    }

    /// <summary>
    /// The book's formulas, written out: ȳ_st = (1/N) Σ N_h ȳ_h and V̂(ȳ_st) = (1/N²) Σ N_h² (1 − n_h/N_h) s²_h / n_h,
    /// s²_h the stratum sample variance with n_h − 1 in the denominator.
    /// </summary>
    private static (double Mean, double Variance) TextbookMean()
    {
        double population = Strata.Values.Sum(s => s.N), weighted = 0, variance = 0;
        foreach (var (n, hours) in Strata.Values)
        {
            var mean = hours.Average();
            var s2 = hours.Sum(h => (h - mean) * (h - mean)) / (hours.Length - 1);
            weighted += n * mean;
            variance += (double)n * n * (1 - ((double)hours.Length / n)) * s2 / hours.Length;
        }

        return (weighted / population, variance / (population * population));
    }
}
