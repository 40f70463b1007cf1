using MathNet.Numerics.Distributions;
using Pipeline.Core.Packs;

namespace Pipeline.Core.Findings;

/// <summary>
/// Sums of one domain within one stratum h, enough to estimate a ratio R = Y/X and its variance for any R without keeping
/// the cases: S_y = Σ y_i, S_x = Σ x_i, S_yy = Σ y_i², S_xy = Σ x_i y_i, S_xx = Σ x_i² over the stratum's sampled cases
/// (y and x are 0 outside the domain). <see cref="SampleSize"/> n_h counts every sampled case of the stratum, in the
/// domain or not: domain estimation is done on the full design. <see cref="DomainCases"/> counts the respondents (x = 1).
/// </summary>
/// <para><see cref="WithoutFpc"/>: the stratum's variance is estimated without the finite population correction (the pack
/// chose <c>design.invalidDesign: estimate-without-fpc</c> and this stratum's n_h exceeds N_h).</para>
public sealed record StratumSums(string Stratum, long Universe, long SampleSize, double Sy, double Sx, double Syy, double Sxy, double Sxx, long DomainCases, bool WithoutFpc = false);

/// <summary>
/// A design-based estimate with its uncertainty: a proportion or a mean (a ratio Ŷ/X̂), or a total (Ŷ).
/// <see cref="WeightedNumerator"/> is Ŷ, <see cref="WeightedDenominator"/> X̂ (the estimated number of respondents in
/// the population), <see cref="UnweightedDenominator"/> the respondents in the sample. <see cref="DesignEffect"/> is
/// Kish's deff (NaN when it is not defined: fewer than two respondents, or no variance under simple random sampling).
/// </summary>
public sealed record RatioEstimate(
    IndicatorStatistic Statistic,
    double Estimate,
    double StandardError,
    double CiLow,
    double CiHigh,
    double DesignEffect,
    double WeightedNumerator,
    double WeightedDenominator,
    long UnweightedDenominator,
    int DegreesOfFreedom,
    IReadOnlyList<string> Flags);

/// <summary>
/// Estimation for a stratified simple random sample without replacement, weights w_h = N_h / n_h.
/// <list type="bullet">
/// <item>Ŷ = Σ_h w_h S_y,h and X̂ = Σ_h w_h S_x,h. A proportion or a mean is R̂ = Ŷ / X̂ (y is 0/1 for a proportion, the
/// item's value for a mean; x is 1 for a respondent); a total is Ŷ.</item>
/// <item>Taylor linearisation (Lohr, <i>Sampling: Design and Analysis</i>, 2nd ed., §4.1 and §9.1; Cochran 1977, §6.11):
/// V(R̂) = X̂⁻² Σ_h (1 − n_h/N_h) · n_h/(n_h − 1) · Σ_i (u_hi − ū_h)², u_hi = w_h (y_hi − R̂ x_hi), the sum over all n_h
/// sampled cases of the stratum (zeros outside the domain), which is what survey::svyby / Stata's subpop compute. For a
/// total, u_hi = w_h y_hi and there is no X̂⁻², the stratified total's variance (Lohr §3.2; Cochran 1977, §5.3).</item>
/// <item>95% CI, t quantile with Σ n_h − H degrees of freedom: on the logit scale for a proportion (R survey's
/// svyciprop(method = "logit")), so it stays inside [0, 1], and Korn–Graubard's one-sided interval at exactly 0% or 100%
/// (<see cref="KornGraubardAtBoundary"/>); estimate ± t·SE for a mean or a total.</item>
/// <item>Design effect (Kish 1965, p. 258), as R survey's svymean / svytotal with deff = TRUE compute it in the domain:
/// V / V_srswor with V_srswor = (1 − n/X̂) s²/n (times X̂² for a total), n the respondents and
/// s² = n/(n − 1) · Σ w x (y − R̂)² / X̂ the weighted element variance among them.</item>
/// </list>
/// </summary>
public static class StratifiedRatio
{
    public const string FlagNoData = "no-data";
    public const string FlagSingleCaseStratum = "single-case-stratum";
    public const string FlagDegenerateCi = "degenerate-ci";

    /// <summary>A proportion (y ⊆ x, both 0/1).</summary>
    public static RatioEstimate Estimate(IReadOnlyList<StratumSums> strata, double confidence = 0.95) =>
        Estimate(strata, IndicatorStatistic.Proportion, confidence);

    /// <summary>A proportion, a mean or a total of the domain the sums describe.</summary>
    public static RatioEstimate Estimate(IReadOnlyList<StratumSums> strata, IndicatorStatistic statistic, double confidence = 0.95)
    {
        ArgumentNullException.ThrowIfNull(strata);
        var flags = new List<string>();
        double y = 0, x = 0;
        long n = 0;
        int sampledStrata = 0, sampledCases = 0;
        foreach (var s in strata.Where(s => s.SampleSize > 0))
        {
            var w = (double)s.Universe / s.SampleSize;
            y += w * s.Sy;
            x += w * s.Sx;
            n += s.DomainCases;
            sampledStrata++;
            sampledCases += (int)s.SampleSize;
        }

        var df = sampledCases - sampledStrata;
        if (x <= 0)
        {
            flags.Add(FlagNoData);
            return new RatioEstimate(statistic, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, y, x, n, df, flags);
        }

        var r = y / x;
        // A ratio's residuals are centred on R̂; a total's are the values themselves.
        var centre = statistic == IndicatorStatistic.Total ? 0 : r;
        double varianceOfSum = 0, weightedSquares = 0;
        foreach (var s in strata.Where(s => s.SampleSize > 0))
        {
            double nh = s.SampleSize;
            var w = s.Universe / nh;
            weightedSquares += w * (s.Syy - (2 * r * s.Sxy) + (r * r * s.Sxx));
            if (s.SampleSize == 1)
            {
                // One case cannot estimate its stratum's variance; its term is left out and the cell says so.
                if (s.DomainCases > 0)
                {
                    flags.Add(FlagSingleCaseStratum);
                }

                continue;
            }

            var sumU = w * (s.Sy - (centre * s.Sx));
            var sumU2 = w * w * (s.Syy - (2 * centre * s.Sxy) + (centre * centre * s.Sxx));
            var fpc = s.WithoutFpc ? 1 : 1 - (nh / s.Universe);
            varianceOfSum += fpc * nh / (nh - 1) * (sumU2 - (sumU * sumU / nh));
        }

        varianceOfSum = Math.Max(varianceOfSum, 0);
        var (estimate, variance) = statistic == IndicatorStatistic.Total ? (y, varianceOfSum) : (r, varianceOfSum / (x * x));
        var se = Math.Sqrt(variance);
        var (low, high) = statistic != IndicatorStatistic.Proportion
            ? SymmetricInterval(estimate, se, df, confidence, flags)
            : r is <= 0 or >= 1
                ? KornGraubardAtBoundary(r, n, strata.Count(s => s.SampleSize > 0 && s.DomainCases > 0), confidence)
                : LogitInterval(r, se, df, confidence, flags);
        var deff = DesignEffect(statistic, variance, weightedSquares, n, x);
        return new RatioEstimate(statistic, estimate, se, low, high, deff, y, x, n, df, flags);
    }

    /// <summary>
    /// Kish's deff: the design variance over the variance of the same estimate from a simple random sample without
    /// replacement of the same <paramref name="respondents"/> out of X̂ (R survey's svymean / svytotal, deff = TRUE).
    /// </summary>
    private static double DesignEffect(IndicatorStatistic statistic, double variance, double weightedSquares, long respondents, double x)
    {
        double n = respondents;
        var samplingFraction = n / x;
        if (n < 2 || samplingFraction >= 1)
        {
            return double.NaN;
        }

        var elementVariance = n / (n - 1) * Math.Max(weightedSquares, 0) / x;
        var srs = (1 - samplingFraction) * elementVariance / n * (statistic == IndicatorStatistic.Total ? x * x : 1);
        return srs > 0 ? variance / srs : double.NaN;
    }

    private static (double Low, double High) LogitInterval(double p, double se, int df, double confidence, List<string> flags)
    {
        // 0% and 100% never reach here (KornGraubardAtBoundary); a proportion inside (0, 1) can still have no variance
        // (every respondent in a stratum taken whole) or no degrees of freedom.
        if (se <= 0 || df < 1)
        {
            flags.Add(FlagDegenerateCi);
            return (p, p);
        }

        var logit = Math.Log(p / (1 - p));
        var halfWidth = Quantile(df, confidence) * se / (p * (1 - p));
        return (Expit(logit - halfWidth), Expit(logit + halfWidth));
    }

    /// <summary>
    /// The interval of a proportion of 0% or 100%, where the logit interval is not defined (its variance is 0): Korn and
    /// Graubard's (1998) Clopper–Pearson interval on the effective sample size, as R survey's
    /// <c>svyciprop(method = "beta")</c> computes it, with the effective sample size set to the number of respondents
    /// (R's p(1 − p)/V is 0/0 there; Korn and Graubard, SAS SURVEYFREQ and NCHS's presentation standards take n) and R's
    /// degrees-of-freedom adjustment n* = n · (t(n − 1) / t(n − H_d))², H_d the strata with respondents (no adjustment
    /// when n − H_d &lt; 1). At 0% the interval is [0, 1 − (α/2)^(1/n*)]; at 100%, [(α/2)^(1/n*), 1]: the beta quantiles
    /// qbeta(1 − α/2, 1, n*) and qbeta(α/2, n*, 1) in closed form.
    /// </summary>
    private static (double Low, double High) KornGraubardAtBoundary(double p, long respondents, int strataWithRespondents, double confidence)
    {
        var halfAlpha = (1 - confidence) / 2;
        double effective = respondents;
        var domainDf = respondents - strataWithRespondents;
        if (respondents >= 2 && domainDf >= 1)
        {
            var ratio = StudentT.InvCDF(0, 1, respondents - 1, halfAlpha) / StudentT.InvCDF(0, 1, domainDf, halfAlpha);
            effective *= ratio * ratio;
        }

        var bound = Math.Pow(halfAlpha, 1 / effective);
        return p <= 0 ? (0, 1 - bound) : (bound, 1);
    }

    private static (double Low, double High) SymmetricInterval(double estimate, double se, int df, double confidence, List<string> flags)
    {
        if (se <= 0 || df < 1)
        {
            flags.Add(FlagDegenerateCi);
            return (estimate, estimate);
        }

        var halfWidth = Quantile(df, confidence) * se;
        return (estimate - halfWidth, estimate + halfWidth);
    }

    private static double Quantile(int df, double confidence) => StudentT.InvCDF(0, 1, df, 1 - ((1 - confidence) / 2));

    private static double Expit(double v) => 1 / (1 + Math.Exp(-v));
}
