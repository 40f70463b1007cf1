using Pipeline.Core.Findings;
using Pipeline.Core.Packs;

namespace Pipeline.Core.Reporting;

/// <summary>
/// What the findings report shows, in catalogue order: each indicator of the pack with its cells (the run's rows),
/// labels resolved from the pack. Built once, then rendered as HTML tables and as the JSON the page's charts read.
/// </summary>
internal sealed record FindingsReportModel(IReadOnlyList<ReportIndicator> Indicators, IReadOnlyList<ReportBreakdown> Breakdowns)
{
    public const string AllBreakdown = "all";

    /// <summary>The model with titles and labels in the language of <paramref name="labels"/>.</summary>
    public static FindingsReportModel From(SurveyPack pack, IReadOnlyList<FindingRow> rows, ReportLabels labels)
    {
        var catalogue = pack.Indicators;
        var breakdowns = new List<ReportBreakdown> { new(AllBreakdown, labels.Breakdown(AllBreakdown), 0) };
        breakdowns.AddRange(catalogue.Breakdowns.Select((b, i) => new ReportBreakdown(b.Id, labels.Breakdown(b.Id), i + 1)));
        var byId = breakdowns.ToDictionary(b => b.Id, StringComparer.OrdinalIgnoreCase);
        var threshold = pack.Manifest.Design.SmallCellThreshold;
        var indicators = catalogue.Indicators.Select((definition, slot) =>
        {
            var cells = rows
                .Where(r => string.Equals(r.IndicatorId, definition.Id, StringComparison.OrdinalIgnoreCase))
                .Select(r => ReportCell.From(r, byId.GetValueOrDefault(r.BreakdownId) ?? new ReportBreakdown(r.BreakdownId, r.BreakdownId, breakdowns.Count)) with { Label = labels.Cell(r) })
                .ToList();
            return new ReportIndicator(slot, definition, labels.Title(definition), Describe(labels, definition), cells, threshold);
        }).ToList();
        return new FindingsReportModel(indicators, breakdowns);
    }

    /// <summary>"Q12_MEMBER in 1 (Yes)", the universe and the excluded codes, in words an analyst can check against the questionnaire.</summary>
    private static string Describe(ReportLabels labels, IndicatorDefinition indicator)
    {
        var t = labels.Texts;
        var universe = indicator.Universe.Count == 0
            ? t["findings.describe.all_answered"]
            : t.Format("findings.describe.respondents_with", string.Join(t["findings.describe.and"], indicator.Universe.Select(u => $"{u.Item} = {Codes(labels, u.Item, u.In)}")));
        var excluded = indicator.ExcludeFromDenominator.Count == 0
            ? string.Empty
            : t.Format("findings.describe.excluded", Codes(labels, indicator.Item, indicator.ExcludeFromDenominator));
        var what = indicator.Kind switch
        {
            IndicatorStatistic.Mean => t.Format("findings.describe.mean", indicator.Item),
            IndicatorStatistic.Total => t.Format("findings.describe.total", indicator.Item),
            _ => t.Format("findings.describe.outcome", indicator.Item, Codes(labels, indicator.Item, indicator.Outcome)),
        };
        return t.Format("findings.describe.sentence", what, universe, excluded);
    }

    private static string Codes(ReportLabels labels, string item, IEnumerable<long> codes) =>
        string.Join(labels.Texts["findings.describe.or"], codes.Select(c => labels.CodeWithLabel(item, c)));
}

/// <summary>A breakdown as the report groups bars: "all" first, then the catalogue's breakdowns in order.</summary>
internal sealed record ReportBreakdown(string Id, string Label, int Order);

internal sealed record ReportIndicator(int Slot, IndicatorDefinition Definition, string Title, string Description, IReadOnlyList<ReportCell> Cells, int SmallCellThreshold)
{
    public IndicatorStatistic Statistic => Definition.Kind;

    /// <summary>The unit of a mean's or a total's values (the pack's <c>unit:</c>), or null (proportions, or none given).</summary>
    public string? Unit => Statistic == IndicatorStatistic.Proportion || string.IsNullOrWhiteSpace(Definition.Unit) ? null : Definition.Unit.Trim();

    /// <summary>Cells with a published value and an interval to compare it with.</summary>
    public int PublishedCompared => Cells.Count(c => c.PublishedOutside is not null);

    /// <summary>Cells whose published value lies outside the interval.</summary>
    public int PublishedOutside => Cells.Count(c => c.PublishedOutside == true);

    /// <summary>Cells with a published value but no interval (no estimate, or an interval the run could not compute).</summary>
    public int PublishedNotCompared => Cells.Count(c => c.Published is not null && c.PublishedOutside is null);
}

/// <summary>One bar: a breakdown cell's estimate, interval, respondents, published value and flags. NaN becomes null.</summary>
internal sealed record ReportCell(
    string Key,
    ReportBreakdown Breakdown,
    string Label,
    double? Estimate,
    double? CiLow,
    double? CiHigh,
    double? StandardError,
    double? DesignEffect,
    long Respondents,
    double? Published,
    IReadOnlyList<string> Flags)
{
    public const string SmallCell = "small-cell";
    public const string UncoveredStrata = "uncovered-strata";

    public bool IsSmall => Flags.Contains(SmallCell);

    /// <summary>
    /// True when the published value lies outside [<see cref="CiLow"/>, <see cref="CiHigh"/>], false when inside, null
    /// when there is nothing to compare (no published value, no interval, or the point "interval" of an estimate without
    /// variance, flagged degenerate-ci). The interval is taken as the run wrote it, one-sided or not; a value on a bound
    /// is inside.
    /// </summary>
    public bool? PublishedOutside => Published is { } p && CiLow is { } low && CiHigh is { } high && !Flags.Contains(StratifiedRatio.FlagDegenerateCi)
        ? p < low || p > high
        : null;

    public static ReportCell From(FindingRow row, ReportBreakdown breakdown)
    {
        var e = row.Estimate;
        return new ReportCell(row.CellKey, breakdown, row.CellLabel, Value(e.Estimate), Value(e.CiLow), Value(e.CiHigh), Value(e.StandardError), Value(e.DesignEffect), e.UnweightedDenominator, row.Published, row.Flags);
    }

    private static double? Value(double v) => double.IsNaN(v) || double.IsInfinity(v) ? null : v;
}
