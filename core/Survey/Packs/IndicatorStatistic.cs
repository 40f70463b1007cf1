namespace Pipeline.Core.Packs;

/// <summary>What an indicator estimates (the catalogue's <c>statistic</c>, docs/findings-method.md).</summary>
public enum IndicatorStatistic
{
    /// <summary>The weighted share of the denominator whose answer is an outcome code: 0 to 1, logit interval.</summary>
    Proportion,

    /// <summary>The weighted mean of the item's value over the denominator, in the item's unit; symmetric t interval.</summary>
    Mean,

    /// <summary>The estimated population total of the item's value over the denominator, in the item's unit; symmetric t interval.</summary>
    Total,
}

/// <summary>The catalogue's spelling of <see cref="IndicatorStatistic"/>.</summary>
public static class IndicatorStatistics
{
    /// <summary>The values <c>statistic</c> accepts, as an analyst writes them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["proportion", "mean", "total"];

    /// <summary>Parses "proportion", "mean" or "total" (any case); false for anything else.</summary>
    public static bool TryParse(string? text, out IndicatorStatistic statistic)
    {
        var i = Names.ToList().FindIndex(n => string.Equals(n, text?.Trim(), StringComparison.OrdinalIgnoreCase));
        statistic = i < 0 ? default : (IndicatorStatistic)i;
        return i >= 0;
    }

    /// <summary>"proportion", "mean" or "total": the name written to the lake and the exports.</summary>
    public static string Name(this IndicatorStatistic statistic) => Names[(int)statistic];
}
