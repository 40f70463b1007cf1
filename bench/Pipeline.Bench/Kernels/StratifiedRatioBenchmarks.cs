using BenchmarkDotNet.Attributes;
using Pipeline.Core.Findings;

namespace Pipeline.Bench.Kernels;

/// <summary>
/// One cell's estimate from its per-stratum sums (<c>StratifiedRatio.Estimate</c>): ratio, linearised variance,
/// logit CI with a Student t quantile. A findings run calls it once per indicator × cell, whatever the number of cases.
/// </summary>
public class StratifiedRatioBenchmarks
{
    private StratumSums[] _strata = [];

    [GlobalSetup]
    public void Setup()
    {
        var pack = KernelInputs.Get().Pack;
        var random = new Random(20221119);
        _strata = pack.Strata.Select(s =>
        {
            var n = Math.Max(s.PlannedSample, 0) * 100;
            var x = n * 0.9;
            var y = x * (0.3 + (random.NextDouble() * 0.4));
            return new StratumSums(s.Id, s.Universe * 100, n, y, x, y, y, x, (long)x);
        }).ToArray();
    }

    [Benchmark]
    public RatioEstimate Estimate() => StratifiedRatio.Estimate(_strata);
}
