using Pipeline.Generator.Spec;

namespace Pipeline.Generator.Cases;

/// <summary>
/// The clean cases of a run, one at a time: case k is drawn with its own random generator, seeded from the run's seed
/// and k, in the stratum the allocation gives case k. Nothing is kept between cases except the allocation counters.
/// </summary>
public sealed class CaseSource
{
    private readonly GeneratorSpec _spec;
    private readonly int _seed;
    private readonly StratumSequence _strata;
    private long _next = 1;

    public CaseSource(GeneratorSpec spec, int seed)
    {
        ArgumentNullException.ThrowIfNull(spec);
        _spec = spec;
        _seed = seed;
        _strata = new StratumSequence(spec.Pack.Strata);
    }

    /// <summary>The number of the case <see cref="Next"/> returns next (1-based).</summary>
    public long NextNumber => _next;

    /// <summary>Draws the next case.</summary>
    public GeneratedCase Next()
    {
        var number = _next++;
        var stratum = _strata.Next();
        var random = new CaseRandom(_seed, number, CaseSeeds.Values);
        return new CaseBuilder(_spec, number, stratum, random).Build();
    }
}
