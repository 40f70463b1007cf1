using System.Globalization;
using Pipeline.Core.Conditions;
using Pipeline.Core.Packs;
using Pipeline.Core.Values;

namespace Pipeline.Core.Validation;

/// <summary>
/// One outlier rule over one upload: collects the checked value per group while rows stream in, then flags values
/// whose robust z-score |x − median| / (1.4826 · MAD) exceeds the threshold (Iglewicz and Hoaglin, 1993). When a
/// group's MAD is 0 (more than half the values equal), the mean absolute deviation scaled by 1.2533 stands in, as in
/// Iglewicz and Hoaglin; a group with no spread at all is not checked.
/// Memory is bounded: a group keeps every value up to <see cref="MaxValuesPerGroup"/>, then a uniform random sample of
/// that many (reservoir sampling, Vitter's algorithm R, with a fixed seed so that the same upload gives the same issues).
/// Median and MAD then come from the sample: with 100,000 values their sampling error is a fraction of a percent of
/// the spread, far below any threshold that flags an outlier (docs/performance.md).
/// </summary>
internal sealed class OutlierCheckState
{
    private const double MadToSigma = 1.4826;
    private const double MeanAdToSigma = 1.2533;
    private readonly RuleExpression _value;
    private readonly OutlierCheck _check;
    /// <summary>Values kept per group (800 KB): exact median and MAD below it, a uniform sample's above it.</summary>
    public const int MaxValuesPerGroup = 100_000;

    private readonly Dictionary<GroupKey, List<double>> _groups = [];
    private readonly Dictionary<GroupKey, long> _seen = [];
    private readonly Random _sampler = new(20261128);
    private readonly Dictionary<GroupKey, (double Median, double Sigma, int Count)> _stats = [];

    /// <param name="rule">An outlier rule.</param>
    /// <param name="expressions">Its catalogue's expressions, parsed when the pack loaded.</param>
    public OutlierCheckState(RuleDefinition rule, CompiledExpressions expressions)
    {
        ArgumentNullException.ThrowIfNull(expressions);
        Rule = rule ?? throw new ArgumentNullException(nameof(rule));
        _check = rule.Outlier ?? throw new ArgumentException("not an outlier rule", nameof(rule));
        _value = RuleExpression.Of(expressions.Value(_check.Value));
        Items = string.Join('+', _value.Items);
    }

    public RuleDefinition Rule { get; }

    /// <summary>The items the checked value reads, for the issue's item column.</summary>
    public string Items { get; }

    public void Observe(RowValues values, CellValue[] cells)
    {
        if (Transformed(values, cells) is not { } x)
        {
            return;
        }

        var key = GroupOf(values, cells);
        if (!_groups.TryGetValue(key, out var list))
        {
            _groups[key] = list = [];
        }

        // Reservoir sampling: the n-th value replaces a random kept one with probability MaxValuesPerGroup / n.
        var n = _seen[key] = _seen.GetValueOrDefault(key) + 1;
        if (list.Count < MaxValuesPerGroup)
        {
            list.Add(x);
        }
        else if (_sampler.NextInt64(n) is var slot && slot < MaxValuesPerGroup)
        {
            list[(int)slot] = x;
        }
    }

    /// <summary>Computes each group's median and robust scale; the collected values are dropped.</summary>
    public void Finish()
    {
        foreach (var (key, list) in _groups)
        {
            if (list.Count < _check.MinGroup)
            {
                continue;
            }

            var median = Median(list);
            var deviations = list.Select(x => Math.Abs(x - median)).ToList();
            var sigma = MadToSigma * Median(deviations);
            if (sigma == 0)
            {
                sigma = MeanAdToSigma * deviations.Average();
            }

            if (sigma > 0)
            {
                _stats[key] = (median, sigma, (int)Math.Min(int.MaxValue, _seen[key]));
            }
        }

        _groups.Clear();
        _seen.Clear();
    }

    /// <summary>The issue message when the row's value is an outlier in its group, else null.</summary>
    public string? Check(RowValues values, CellValue[] row)
    {
        if (Transformed(values, row) is not { } x || !_stats.TryGetValue(GroupOf(values, row), out var stats))
        {
            return null;
        }

        var z = (x - stats.Median) / stats.Sigma;
        if (Math.Abs(z) <= _check.Threshold)
        {
            return null;
        }

        var typical = _check.ScaleKind == OutlierScale.Log ? Math.Exp(stats.Median) : stats.Median;
        var group = _check.By.Count == 0 ? "all rows" : string.Join(", ", _check.By.Select(b => $"{b}={Format(values.Value(row, b))}"));
        return string.Create(CultureInfo.InvariantCulture, $"{_check.Value} = {Format(_value.Compute(values, row))} is far from the median {typical:0.###} of its group ({group}; {stats.Count} values): robust z = {z:0.0}, threshold {_check.Threshold}{(_check.ScaleKind == OutlierScale.Log ? " on the log scale" : string.Empty)}. Check it with the field team. {Rule.Description}");
    }

    /// <summary>The checked value, for the issue's value column.</summary>
    public string Shown(RowValues values, CellValue[] row) => Format(_value.Compute(values, row));

    private double? Transformed(RowValues values, CellValue[] cells)
    {
        var v = _value.Compute(values, cells);
        return v is not { } x || !double.IsFinite(x) ? null
            : _check.ScaleKind == OutlierScale.Log ? (x > 0 ? Math.Log(x) : null)
            : x;
    }

    /// <summary>The values of the by-items (NaN for blank): a key without a string per row (measured hot path).</summary>
    private GroupKey GroupOf(RowValues values, CellValue[] cells)
    {
        var by = _check.By;
        double Part(int i) => i < by.Count && values.Value(cells, by[i]) is { } v ? v : double.NaN;
        return new GroupKey(Part(0), Part(1), Part(2), Part(3));
    }

    /// <summary>Up to <see cref="OutlierCheck.MaxBy"/> group values; NaN equals NaN here, so blanks form a group.</summary>
    private readonly record struct GroupKey(double A, double B, double C, double D);

    private static string Format(double? value) => value is { } v ? v.ToString("0.####", CultureInfo.InvariantCulture) : "blank";

    private static double Median(List<double> values)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
