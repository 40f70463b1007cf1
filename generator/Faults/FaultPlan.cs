using System.Globalization;

namespace Pipeline.Generator.Faults;

/// <summary>
/// Which faults to inject and how often: <c>kind=rate,...</c> (rate per case, 0–1), a bare kind for its default rate,
/// <c>all</c> or <c>all=rate</c> for every kind. File faults (<c>latin1</c>, <c>truncated</c>) are on or off: any rate
/// above 0 turns them on. A case gets at most one fault: the kinds are tried in a fixed order.
/// </summary>
public sealed class FaultPlan
{
    /// <summary>The rate of a case fault named without a rate (or with <c>all</c>): 1 case in 100.</summary>
    public const double DefaultRate = 0.01;

    private static readonly Dictionary<string, FaultKind> ByName = Enum.GetValues<FaultKind>().ToDictionary(Name, k => k, StringComparer.OrdinalIgnoreCase);

    private FaultPlan(IReadOnlyDictionary<FaultKind, double> rates) => Rates = rates;

    /// <summary>No faults: every case is clean.</summary>
    public static FaultPlan None { get; } = new(new Dictionary<FaultKind, double>());

    /// <summary>Rate per fault kind (only kinds that are on).</summary>
    public IReadOnlyDictionary<FaultKind, double> Rates { get; }

    public bool IsEmpty => Rates.Count == 0;

    public static bool IsFileFault(FaultKind kind) => kind is FaultKind.Latin1 or FaultKind.Truncated;

    /// <summary>The kebab-case name of a kind (<c>bad-code</c>).</summary>
    public static string Name(FaultKind kind) => kind switch
    {
        FaultKind.BadCode => "bad-code",
        FaultKind.OutOfRange => "out-of-range",
        FaultKind.NonNumeric => "non-numeric",
        FaultKind.OtherSpecify => "other-specify",
        FaultKind.DuplicateId => "duplicate-id",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>Every kind at <paramref name="rate"/> (file faults on).</summary>
    public static FaultPlan All(double rate = DefaultRate) => new(Enum.GetValues<FaultKind>().ToDictionary(k => k, _ => rate));

    /// <summary>Parses <c>kind=rate,...</c>; throws <see cref="FormatException"/> naming the part that is wrong and the kinds there are.</summary>
    public static FaultPlan Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Trim().Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return None;
        }

        var rates = new Dictionary<FaultKind, double>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? part : part[..equals].Trim();
            var rate = DefaultRate;
            if (equals >= 0 && (!double.TryParse(part[(equals + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out rate) || rate is < 0 or > 1))
            {
                throw new FormatException($"Faults '{text}': '{part}' needs a rate between 0 and 1, such as {name}=0.02.");
            }

            if (name.Equals("all", StringComparison.OrdinalIgnoreCase))
            {
                foreach (var kind in Enum.GetValues<FaultKind>())
                {
                    rates[kind] = rate;
                }
            }
            else if (ByName.TryGetValue(name, out var kind))
            {
                rates[kind] = rate;
            }
            else
            {
                throw new FormatException($"Faults '{text}': '{name}' is not a fault kind; use all, or some of: {string.Join(", ", ByName.Keys)}.");
            }
        }

        return new FaultPlan(rates.Where(r => r.Value > 0).ToDictionary(r => r.Key, r => r.Value));
    }

    public override string ToString() => IsEmpty ? "none" : string.Join(",", Rates.Select(r => $"{Name(r.Key)}={r.Value.ToString(CultureInfo.InvariantCulture)}"));
}
