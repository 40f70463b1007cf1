using MathNet.Numerics.Distributions;

namespace Pipeline.Core.Findings;

/// <summary>
/// Sums of one domain within one stratum h, enough to estimate a ratio R = Y/X and its variance for any R without keeping
/// the cases: S_y = Σ y_i, S_x = Σ x_i, S_yy = Σ y_i², S_xy = Σ x_i y_i, S_xx = Σ x_i² over the stratum's sampled cases
/// (y and x are 0 outside the domain). <see cref="SampleSize"/> n_h counts every sampled case of the stratum, in the
/// domain or not: domain estimation is done on the full design.
/// </summary>
public sealed record StratumSums(string Stratum, long Universe, long SampleSize, double Sy, double Sx, double Syy, double Sxy, double Sxx, long DomainCases);

/// <summary>A design-based estimate of a ratio (a proportion when y ⊆ x are 0/1), with its uncertainty.</summary>
public sealed record RatioEstimate(
    double Estimate,
    double StandardError,
    double CiLow,
    double CiHigh,
    double WeightedNumerator,
    double WeightedDenominator,
    long UnweightedDenominator,
    int DegreesOfFreedom,
    IReadOnlyList<string> Flags);

/// <summary>
/// Estimation for a stratified simple random sample without replacement, weights w_h = N_h / n_h.
/// <list type="bullet">
/// <item>R̂ = Ŷ / X̂ with Ŷ = Σ_h w_h S_y,h and X̂ = Σ_h w_h S_x,h.</item>
/// <item>Taylor linearisation (Lohr, <i>Sampling: Design and Analysis</i>, 2nd ed., §4.1 and §9.1; Cochran 1977, §6.11):
/// V(R̂) = X̂⁻² Σ_h (1 − n_h/N_h) · n_h/(n_h − 1) · Σ_i (u_hi − ū_h)², u_hi = w_h (y_hi − R̂ x_hi), the sum over all n_h
/// sampled cases of the stratum (zeros outside the domain), which is what survey::svyby / Stata's subpop compute.</item>
/// <item>95% CI on the logit scale, t quantile with Σ n_h − H degrees of freedom (R survey's svyciprop(method = "logit")):
/// it stays inside [0, 1].</item>
/// </list>
/// </summary>
public static class StratifiedRatio
{
    public const string FlagNoData = "no-data";
    public const string FlagSingleCaseStratum = "single-case-stratum";
    public const string FlagDegenerateCi = "degenerate-ci";

    public static RatioEstimate Estimate(IReadOnlyList<StratumSums> strata, double confidence = 0.95)
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
            return new RatioEstimate(double.NaN, double.NaN, double.NaN, double.NaN, y, x, n, df, flags);
        }

        var r = y / x;
        double variance = 0;
        foreach (var s in strata.Where(s => s.SampleSize > 0))
        {
            if (s.SampleSize == 1)
            {
                // One case cannot estimate its stratum's variance; its term is left out and the cell says so.
                if (s.DomainCases > 0)
                {
                    flags.Add(FlagSingleCaseStratum);
                }

                continue;
            }

            double nh = s.SampleSize;
            var w = s.Universe / nh;
            var sumU = w * (s.Sy - (r * s.Sx));
            var sumU2 = w * w * (s.Syy - (2 * r * s.Sxy) + (r * r * s.Sxx));
            var fpc = 1 - (nh / s.Universe);
            variance += fpc * nh / (nh - 1) * (sumU2 - (sumU * sumU / nh));
        }

        var se = Math.Sqrt(Math.Max(variance, 0)) / x;
        var (low, high) = LogitInterval(r, se, df, confidence, flags);
        return new RatioEstimate(r, se, low, high, y, x, n, df, flags);
    }

    private static (double Low, double High) LogitInterval(double p, double se, int df, double confidence, List<string> flags)
    {
        if (p <= 0 || p >= 1 || se <= 0 || df < 1)
        {
            flags.Add(FlagDegenerateCi);
            return (p, p);
        }

        var t = StudentT.InvCDF(0, 1, df, 1 - ((1 - confidence) / 2));
        var logit = Math.Log(p / (1 - p));
        var halfWidth = t * se / (p * (1 - p));
        return (Expit(logit - halfWidth), Expit(logit + halfWidth));
    }

    private static double Expit(double v) => 1 / (1 + Math.Exp(-v));
}
