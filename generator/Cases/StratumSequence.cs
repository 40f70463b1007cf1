using Pipeline.Core.Packs;

namespace Pipeline.Generator.Cases;

/// <summary>
/// Assigns case k to a stratum so that, for every k, each stratum has within one case of its share of the planned
/// sample (k × n_h / n): case k goes to the stratum furthest below its share. The sequence depends on k only, so case k
/// is in the same stratum whatever the number of cases; with n cases (565 here) every stratum gets exactly n_h.
/// </summary>
internal sealed class StratumSequence
{
    private readonly Stratum[] _strata;
    private readonly long[] _assigned;
    private readonly long _total;
    private long _k;

    public StratumSequence(IReadOnlyList<Stratum> strata)
    {
        _strata = strata.Where(s => s.PlannedSample > 0).ToArray();
        _total = _strata.Sum(s => s.PlannedSample);
        if (_strata.Length == 0)
        {
            throw new InvalidOperationException("The survey pack's strata have no planned sample; the generator allocates cases by planned_sample.");
        }

        _assigned = new long[_strata.Length];
    }

    /// <summary>The stratum of the next case.</summary>
    public Stratum Next()
    {
        _k++;
        var best = 0;
        var bestDeficit = long.MinValue;
        for (var h = 0; h < _strata.Length; h++)
        {
            // Deficit k·n_h/n − a_h, scaled by n to stay in integers; ties go to the first stratum of the file.
            var deficit = (_k * _strata[h].PlannedSample) - (_assigned[h] * _total);
            if (deficit > bestDeficit)
            {
                (best, bestDeficit) = (h, deficit);
            }
        }

        _assigned[best]++;
        return _strata[best];
    }
}
