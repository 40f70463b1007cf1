using Pipeline.Core.Findings;
using Pipeline.Core.Packs;

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
    public void Estimate_SingleCaseStratum_EqualsRSurveyWithLonelyPsuCertainty()
    {
        // Fixtures/r/lonely-stratum.R: stratum 1 (N = 10) answers yes, no, yes, yes; stratum 2 (N = 20) one case, yes.
        // R 4.2.2, survey 4.1.1, options(survey.lonely.psu = "certainty") (and "remove"): 0.91666666666666663,
        // SE 0.064549722436790274, df 3. "adjust" would give SE 0.084254171600572803.
        StratumSums[] strata =
        [
            new("1", Universe: 10, SampleSize: 4, Sy: 3, Sx: 4, Syy: 3, Sxy: 3, Sxx: 4, DomainCases: 4),
            new("2", Universe: 20, SampleSize: 1, Sy: 1, Sx: 1, Syy: 1, Sxy: 1, Sxx: 1, DomainCases: 1),
        ];

        var estimate = StratifiedRatio.Estimate(strata);

        Assert.Equal(0.91666666666666663, estimate.Estimate, 1e-15);
        Assert.Equal(0.064549722436790274, estimate.StandardError, 1e-15);
        Assert.Equal(3, estimate.DegreesOfFreedom);
        Assert.Contains(StratifiedRatio.FlagSingleCaseStratum, estimate.Flags);
    }

    [Fact]
    public void Estimate_StratumWithoutFpc_UsesTheWithReplacementVariance()
    {
        // n = 5 > N = 4 (design.invalidDesign: estimate-without-fpc): w = 4/5, answers yes, yes, no, no, no.
        // Ŷ = 1.6, X̂ = 4, R̂ = 0.4. u = w(y − R̂) = 0.8·(0.6, 0.6, −0.4, −0.4, −0.4), Σu = 0, Σu² = 0.768.
        // V(Ŷ − R̂X̂) = 1 · 5/4 · 0.768 = 0.96 (no 1 − n/N factor); V(R̂) = 0.96 / 16 = 0.06, which is p(1 − p)/(n − 1),
        // the textbook with-replacement variance of a proportion. With fpc it would be 1 − 5/4 < 0: negative.
        var sums = new StratumSums("over", Universe: 4, SampleSize: 5, Sy: 2, Sx: 5, Syy: 2, Sxy: 2, Sxx: 5, DomainCases: 5, WithoutFpc: true);

        var estimate = StratifiedRatio.Estimate([sums]);

        Assert.Equal(0.4, estimate.Estimate, 1e-15);
        Assert.Equal(Math.Sqrt(0.06), estimate.StandardError, 1e-15);
    }

    [Fact]
    public void DesignEffect_HandComputedTwoStrata_MatchesExactFraction()
    {
        // Kish's deff as R survey's svymean(deff = TRUE) computes it: V / V_srswor, V_srswor = (1 − n/X̂) s²/n with n = 6
        // respondents, X̂ = 70/3 and s² = n/(n − 1) · Σw(y − R̂)²/Σw = (6/5) R̂(1 − R̂) = (6/5)(17/28)(11/28) = 561/1960.
        // V_srswor = (1 − 18/70) · (561/1960) / 6 = 2431/68600; deff = (717/12005) / (2431/68600) = 28680/17017.
        var e = StratifiedRatio.Estimate(HandFixture);

        Assert.Equal(28680.0 / 17017, e.DesignEffect, 1e-14);
    }

    [Fact]
    public void DesignEffect_CellThatIsOneStratum_IsOne()
    {
        // Within one stratum the design is a simple random sample without replacement: R̂ = 3/4, n = 4, X̂ = 10,
        // V_srswor = (1 − 4/10) · (4/3)(3/4)(1/4) / 4 = 0.0375 = V.
        StratumSums[] domain = [HandFixture[0], new("b", Universe: 20, SampleSize: 3, Sy: 0, Sx: 0, Syy: 0, Sxy: 0, Sxx: 0, DomainCases: 0)];

        Assert.Equal(1.0, StratifiedRatio.Estimate(domain).DesignEffect, 1e-14);
    }

    [Fact]
    public void DesignEffect_OneRespondent_IsUndefined()
    {
        var e = StratifiedRatio.Estimate([new StratumSums("a", 10, 3, 1, 1, 1, 1, 1, 1)]);

        Assert.True(double.IsNaN(e.DesignEffect));
    }

    [Fact]
    public void Estimate_MeanOfTwoStrata_MatchesExactFractionsWithSymmetricInterval()
    {
        // Stratum a: N = 10, values 2, 4, 6 (n = 3); stratum b: N = 20, values 1, 3 and one non-respondent (n = 3).
        // w = 10/3 and 20/3. Ŷ = (10/3)·12 + (20/3)·4 = 200/3; X̂ = 10 + 40/3 = 70/3; R̂ = 20/7.
        // e = y − R̂x. a: −6/7, 8/7, 22/7, mean 8/7, Σ(e − ē)² = 8, s² = 4: N²(1 − f)s²/n = 100·0.7·4/3 = 280/3.
        // b: −13/7, 1/7, 0, mean −4/7, Σ(e − ē)² = 122/49, s² = 61/49: 400·0.85·(61/49)/3 = 20740/147.
        // V(R̂) = (280/3 + 20740/147) / (70/3)² = 5169/12005. df = 6 − 2 = 4: the interval is R̂ ± t(0.975, 4)·SE.
        // deff: n = 5, s² = (5/4)·Σw(y − R̂)²/X̂ = (5/4)(440/7)(3/70) = 165/49; V_srswor = (1 − 15/70)(165/49)/5 = 363/686;
        // deff = (5169/12005)/(363/686) = 3446/4235.
        StratumSums[] strata =
        [
            new("a", Universe: 10, SampleSize: 3, Sy: 12, Sx: 3, Syy: 56, Sxy: 12, Sxx: 3, DomainCases: 3),
            new("b", Universe: 20, SampleSize: 3, Sy: 4, Sx: 2, Syy: 10, Sxy: 4, Sxx: 2, DomainCases: 2),
        ];

        var e = StratifiedRatio.Estimate(strata, IndicatorStatistic.Mean);

        Assert.Equal(IndicatorStatistic.Mean, e.Statistic);
        Assert.Equal(20.0 / 7, e.Estimate, 1e-14);
        var se = Math.Sqrt(5169.0 / 12005);
        Assert.Equal(se, e.StandardError, 1e-14);
        const double t = 2.7764451051977935; // qt(0.975, 4)
        Assert.Equal((20.0 / 7) - (t * se), e.CiLow, 1e-12);
        Assert.Equal((20.0 / 7) + (t * se), e.CiHigh, 1e-12);
        Assert.Equal(3446.0 / 4235, e.DesignEffect, 1e-14);
        Assert.Equal(4, e.DegreesOfFreedom);
        Assert.Equal(5, e.UnweightedDenominator);
        Assert.DoesNotContain(StratifiedRatio.FlagDegenerateCi, e.Flags);
    }

    [Fact]
    public void Estimate_TotalOfTwoStrata_MatchesExactFractionsWithSymmetricInterval()
    {
        // The strata of the mean's test. Ŷ = 200/3. The total's residuals are the values themselves (zero for the
        // non-respondent): a: 2, 4, 6, s² = 4, 100·0.7·4/3 = 280/3; b: 1, 3, 0, mean 4/3, s² = 7/3, 400·0.85·(7/3)/3 = 2380/9.
        // V(Ŷ) = 280/3 + 2380/9 = 3220/9. deff: V_srswor = X̂²·(363/686) = 6050/21, deff = (3220/9)/(6050/21) = 2254/1815.
        StratumSums[] strata =
        [
            new("a", Universe: 10, SampleSize: 3, Sy: 12, Sx: 3, Syy: 56, Sxy: 12, Sxx: 3, DomainCases: 3),
            new("b", Universe: 20, SampleSize: 3, Sy: 4, Sx: 2, Syy: 10, Sxy: 4, Sxx: 2, DomainCases: 2),
        ];

        var e = StratifiedRatio.Estimate(strata, IndicatorStatistic.Total);

        Assert.Equal(200.0 / 3, e.Estimate, 1e-12);
        var se = Math.Sqrt(3220.0 / 9);
        Assert.Equal(se, e.StandardError, 1e-12);
        const double t = 2.7764451051977935; // qt(0.975, 4)
        Assert.Equal((200.0 / 3) - (t * se), e.CiLow, 1e-10);
        Assert.Equal((200.0 / 3) + (t * se), e.CiHigh, 1e-10);
        Assert.Equal(2254.0 / 1815, e.DesignEffect, 1e-14);
        Assert.Equal(200.0 / 3, e.WeightedNumerator, 1e-12);
        Assert.Equal(70.0 / 3, e.WeightedDenominator, 1e-12);
    }

    [Fact]
    public void Estimate_RandomDesignsMeansAndTotals_EqualPerCaseTextbookFormulas()
    {
        var random = new Random(20240607);
        for (var trial = 0; trial < 200; trial++)
        {
            var strata = Enumerable.Range(0, random.Next(2, 6)).Select(h => RandomNumericStratum(random, h)).ToList();
            var sums = strata.Select(Sums).ToList();

            var mean = StratifiedRatio.Estimate(sums, IndicatorStatistic.Mean);
            var total = StratifiedRatio.Estimate(sums, IndicatorStatistic.Total);
            var (r, se) = PerCaseReference(strata);
            var (t, seTotal) = PerCaseTotal(strata);

            Assert.Equal(r, mean.Estimate, Math.Abs(r) * 1e-9);
            Assert.Equal(se, mean.StandardError, se * 1e-9);
            Assert.Equal(t, total.Estimate, Math.Abs(t) * 1e-9);
            Assert.Equal(seTotal, total.StandardError, seTotal * 1e-9);
            Assert.Equal(PerCaseDesignEffect(strata, se * se, IndicatorStatistic.Mean), mean.DesignEffect, mean.DesignEffect * 1e-9);
            Assert.Equal(PerCaseDesignEffect(strata, seTotal * seTotal, IndicatorStatistic.Total), total.DesignEffect, total.DesignEffect * 1e-9);
        }
    }

    // The designs of Fixtures/r/boundary-proportions.R: strata a (N 400, n 8), b (N 900, n 12), c (N 50, n 3); the expected
    // bounds are that script's output (R 4.2.2, survey 4.1.1): Korn–Graubard, svyciprop(method = "beta") with the effective
    // sample size of a 0% or 100% cell set to its respondents.
    [Fact]
    public void Estimate_ZeroPercentInTwoStrata_GivesOneSidedKornGraubardIntervalEqualToR()
    {
        var e = StratifiedRatio.Estimate(
        [
            Proportion("a", 400, 8, yes: 0, respondents: 5),
            Proportion("b", 900, 12, yes: 0, respondents: 7),
            Proportion("c", 50, 3, yes: 0, respondents: 0),
        ]);

        Assert.Equal(0.0, e.Estimate);
        Assert.Equal(0.0, e.CiLow);
        Assert.Equal(0.27023914830759688, e.CiHigh, 1e-9);
        Assert.DoesNotContain(StratifiedRatio.FlagDegenerateCi, e.Flags);
    }

    [Fact]
    public void Estimate_HundredPercentInOneStratum_GivesClopperPearsonEqualToR()
    {
        var e = StratifiedRatio.Estimate(
        [
            Proportion("a", 400, 8, yes: 5, respondents: 5),
            Proportion("b", 900, 12, yes: 0, respondents: 0),
            Proportion("c", 50, 3, yes: 0, respondents: 0),
        ]);

        Assert.Equal(1.0, e.Estimate);
        Assert.Equal(0.47817624989501861, e.CiLow, 1e-9); // binom.test(5, 5): (α/2)^(1/5)
        Assert.Equal(1.0, e.CiHigh);
        Assert.DoesNotContain(StratifiedRatio.FlagDegenerateCi, e.Flags);
    }

    [Fact]
    public void Estimate_ZeroPercentOfTheWholeDesign_GivesOneSidedIntervalEqualToR()
    {
        var e = StratifiedRatio.Estimate(
        [
            Proportion("a", 400, 8, yes: 0, respondents: 8),
            Proportion("b", 900, 12, yes: 0, respondents: 12),
            Proportion("c", 50, 3, yes: 0, respondents: 3),
        ]);

        Assert.Equal(0.0, e.CiLow);
        Assert.Equal(0.14978121567641078, e.CiHigh, 1e-9);
    }

    [Fact]
    public void Estimate_SingleRespondentAtHundredPercent_GivesClopperPearsonForOneCase()
    {
        var e = StratifiedRatio.Estimate([Proportion("a", 10, 3, yes: 1, respondents: 1)]);

        Assert.Equal(1.0, e.Estimate);
        Assert.Equal(0.025, e.CiLow, 1e-12); // binom.test(1, 1)$conf.int: [0.025, 1]
        Assert.Equal(1.0, e.CiHigh);
    }

    private static StratumSums Proportion(string stratum, long universe, long sampled, long yes, long respondents) =>
        new(stratum, universe, sampled, Sy: yes, Sx: respondents, Syy: yes, Sxy: yes, Sxx: respondents, DomainCases: respondents);

    [Fact]
    public void Estimate_EmptyDenominator_ReturnsNoDataInsteadOfDividingByZero()
    {
        var e = StratifiedRatio.Estimate([new StratumSums("a", 10, 3, 0, 0, 0, 0, 0, 0)]);

        Assert.True(double.IsNaN(e.Estimate));
        Assert.Contains(StratifiedRatio.FlagNoData, e.Flags);
    }

    private static StratumSums Sums(TestStratum s) => new(
        s.Id, s.N, s.Cases.Count,
        s.Cases.Sum(c => c.Y), s.Cases.Sum(c => c.X), s.Cases.Sum(c => c.Y * c.Y), s.Cases.Sum(c => c.X * c.Y), s.Cases.Sum(c => c.X * c.X),
        s.Cases.Count(c => c.X > 0));

    /// <summary>A stratum of a numeric item (hectares, soles): real values, some non-respondents (x = 0, y = 0).</summary>
    private static TestStratum RandomNumericStratum(Random random, int h)
    {
        var n = random.Next(2, 40);
        var cases = Enumerable.Range(0, n)
            .Select(_ => random.NextDouble() < 0.8 ? new Case(Math.Round(random.NextDouble() * 1000, 2) - 100, 1) : new Case(0, 0))
            .ToList();
        cases[0] = new Case(12.5, 1);
        cases[^1] = new Case(40.25, 1); // two respondents at least, with different values
        return new TestStratum($"s{h}", n + random.Next(0, 500), cases);
    }

    /// <summary>Stratified total: Ŷ = Σ N_h ȳ_h over all n_h cases, V = Σ N_h² (1 − n_h/N_h) s²_h / n_h (Lohr §3.2).</summary>
    private static (double T, double Se) PerCaseTotal(List<TestStratum> strata)
    {
        double t = 0, v = 0;
        foreach (var s in strata)
        {
            var n = s.Cases.Count;
            var mean = s.Cases.Average(c => c.Y);
            var s2 = s.Cases.Sum(c => (c.Y - mean) * (c.Y - mean)) / (n - 1);
            t += s.N * mean;
            v += (double)s.N * s.N * (1 - ((double)n / s.N)) * s2 / n;
        }

        return (t, Math.Sqrt(v));
    }

    /// <summary>
    /// R survey's deff = TRUE among the respondents, case by case: V_srswor = (1 − n/N̂) · s²/n (× N̂² for a total) with
    /// N̂ = Σ w over respondents and s² = n/(n − 1) · Σ w (y − ȳ_w)² / N̂ (svyvar).
    /// </summary>
    private static double PerCaseDesignEffect(List<TestStratum> strata, double variance, IndicatorStatistic statistic)
    {
        var respondents = strata.SelectMany(s => s.Cases.Where(c => c.X > 0).Select(c => (W: (double)s.N / s.Cases.Count, c.Y))).ToList();
        var n = respondents.Count;
        var population = respondents.Sum(r => r.W);
        var mean = respondents.Sum(r => r.W * r.Y) / population;
        var s2 = n / (n - 1.0) * respondents.Sum(r => r.W * (r.Y - mean) * (r.Y - mean)) / population;
        var srs = (1 - (n / population)) * s2 / n * (statistic == IndicatorStatistic.Total ? population * population : 1);
        return variance / srs;
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
