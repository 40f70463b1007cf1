using Pipeline.Core.Findings;

namespace Pipeline.Tests.Core;

/// <summary>
/// The estimator against numbers derived by hand (exact fractions, below) and against a per-case implementation of the
/// textbook formula written independently here.
/// </summary>
public sealed class StratifiedRatioTests
{
    // Hand-computed fixture (the tiny-survey pack): stratum A, N=10, n=4, answers yes, no, yes, yes;
    // stratum B, N=20, n=3, answers yes, no, don't know (left out of the denominator, still a sampled case).
    // w_A = 10/4, w_B = 20/3.  Ŷ = 2.5·3 + (20/3)·1 = 85/6.  X̂ = 2.5·4 + (20/3)·2 = 70/3.  R̂ = 17/28.
    // z = y − R̂x.  A: 11/28 ×3, −17/28; mean 1/7; Σ(z−z̄)² = 3/4.  N²(1−f)s²/n = 100·0.6·(0.75/3)/4 = 15/4.
    // B: 11/28, −17/28, 0; mean −1/14; Σ(z−z̄)² = 398/784; 400·0.85·(199/784)/3 = 67660/2352.
    // V(R̂) = (15/4 + 67660/2352) / (70/3)² = 717/12005.  df = 7 − 2 = 5, t(0.975, 5) = 2.570581835636314.
    // 95% logit CI: expit(logit(17/28) ± t·SE/(R̂(1−R̂))) = (0.0998860267629351, 0.9556011788695163).
    public static readonly StratumSums[] HandFixture =
    [
        new("a", Universe: 10, SampleSize: 4, Sy: 3, Sx: 4, Syy: 3, Sxy: 3, Sxx: 4, DomainCases: 4),
        new("b", Universe: 20, SampleSize: 3, Sy: 1, Sx: 2, Syy: 1, Sxy: 1, Sxx: 2, DomainCases: 2),
    ];

    [Fact]
    public void Estimate_HandComputedTwoStrata_MatchesExactFractions()
    {
        var e = StratifiedRatio.Estimate(HandFixture);

        Assert.Equal(17.0 / 28, e.Estimate, 1e-15);
        Assert.Equal(85.0 / 6, e.WeightedNumerator, 1e-12);
        Assert.Equal(70.0 / 3, e.WeightedDenominator, 1e-12);
        Assert.Equal(Math.Sqrt(717.0 / 12005), e.StandardError, 1e-15);
        Assert.Equal(5, e.DegreesOfFreedom);
        Assert.Equal(6, e.UnweightedDenominator);
        Assert.Equal(0.0998860267629351, e.CiLow, 1e-12);
        Assert.Equal(0.9556011788695163, e.CiHigh, 1e-12);
    }

    [Fact]
    public void Estimate_DomainOfOneStratum_UsesFullDesignDegreesOfFreedom()
    {
        // Domain "alliance A": stratum B's cases are in the design with zeros. R̂ = 3/4; z = 1/4 ×3, −3/4; Σ(z−z̄)² = 3/4;
        // V(total) = 15/4; V(R̂) = (15/4)/10² = 0.0375. A subset design would have df = 3; the full design keeps df = 5.
        StratumSums[] domain =
        [
            HandFixture[0],
            new("b", Universe: 20, SampleSize: 3, Sy: 0, Sx: 0, Syy: 0, Sxy: 0, Sxx: 0, DomainCases: 0),
        ];

        var e = StratifiedRatio.Estimate(domain);

        Assert.Equal(0.75, e.Estimate, 1e-15);
        Assert.Equal(Math.Sqrt(0.0375), e.StandardError, 1e-15);
        Assert.Equal(5, e.DegreesOfFreedom);
    }

    [Fact]
    public void Estimate_RandomDesigns_EqualsPerCaseTextbookFormula()
    {
        var random = new Random(20221107);
        for (var trial = 0; trial < 200; trial++)
        {
            var strata = Enumerable.Range(0, random.Next(2, 6)).Select(h => RandomStratum(random, h)).ToList();
            var sums = strata.Select(s => new StratumSums(
                s.Id, s.N, s.Cases.Count,
                s.Cases.Sum(c => c.Y), s.Cases.Sum(c => c.X), s.Cases.Sum(c => c.Y * c.Y), s.Cases.Sum(c => c.X * c.Y), s.Cases.Sum(c => c.X * c.X),
                s.Cases.Count(c => c.X > 0))).ToList();

            var e = StratifiedRatio.Estimate(sums);
            var (r, se) = PerCaseReference(strata);

            Assert.Equal(r, e.Estimate, r * 1e-9);
            Assert.Equal(se, e.StandardError, se * 1e-9);
        }
    }

    [Fact]
    public void Estimate_AllYes_GivesDegenerateIntervalFlag()
    {
        var e = StratifiedRatio.Estimate([new StratumSums("a", 10, 3, 3, 3, 3, 3, 3, 3)]);

        Assert.Equal(1.0, e.Estimate);
        Assert.Contains(StratifiedRatio.FlagDegenerateCi, e.Flags);
    }

    [Fact]
    public void Estimate_EmptyDenominator_ReturnsNoDataInsteadOfDividingByZero()
    {
        var e = StratifiedRatio.Estimate([new StratumSums("a", 10, 3, 0, 0, 0, 0, 0, 0)]);

        Assert.True(double.IsNaN(e.Estimate));
        Assert.Contains(StratifiedRatio.FlagNoData, e.Flags);
    }

    private sealed record Case(double Y, double X);

    private sealed record TestStratum(string Id, long N, List<Case> Cases);

    private static TestStratum RandomStratum(Random random, int h)
    {
        var n = random.Next(2, 40);
        var cases = Enumerable.Range(0, n).Select(_ =>
        {
            var inDomain = random.NextDouble() < 0.7;
            var x = inDomain ? 1.0 : 0.0;
            return new Case(inDomain && random.NextDouble() < 0.4 ? 1.0 : 0.0, x);
        }).ToList();
        cases[0] = new Case(1, 1); // every stratum has one "yes" so the ratio is defined
        return new TestStratum($"s{h}", n + random.Next(0, 500), cases);
    }

    /// <summary>Lohr (2019), eq. 4.13 with stratification: per-case residuals e_hi = y_hi − R̂ x_hi, stratum variances s²_h.</summary>
    private static (double R, double Se) PerCaseReference(List<TestStratum> strata)
    {
        var ty = strata.Sum(s => (double)s.N / s.Cases.Count * s.Cases.Sum(c => c.Y));
        var tx = strata.Sum(s => (double)s.N / s.Cases.Count * s.Cases.Sum(c => c.X));
        var r = ty / tx;
        double v = 0;
        foreach (var s in strata)
        {
            var n = s.Cases.Count;
            var residuals = s.Cases.Select(c => c.Y - (r * c.X)).ToList();
            var mean = residuals.Average();
            var s2 = residuals.Sum(e => (e - mean) * (e - mean)) / (n - 1);
            v += (double)s.N * s.N * (1 - ((double)n / s.N)) * s2 / n;
        }

        return (r, Math.Sqrt(v) / tx);
    }
}
