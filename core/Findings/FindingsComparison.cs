using Pipeline.Core.Packs;

namespace Pipeline.Core.Findings;

/// <summary>
/// One published figure value (<see cref="Source"/> "report", or an external benchmark such as "ENA 2019") next to its
/// recomputed estimate: <see cref="PublishedInCi"/> says whether the printed
/// value lies inside the confidence interval (null when there is no estimate), <see cref="Difference"/> is estimate −
/// published in the statistic's unit (a proportion's difference is a fraction: 0.05 = 5 points).
/// </summary>
public sealed record ComparisonRow(
    string IndicatorId,
    string Title,
    string Reference,
    string Source,
    IndicatorStatistic Statistic,
    string BreakdownId,
    string CellKey,
    string CellLabel,
    double Published,
    double Estimate,
    double StandardError,
    double CiLow,
    double CiHigh,
    long UnweightedN,
    IReadOnlyList<string> Flags)
{
    /// <summary>The flag of a published cell key that names no cell of the indicator (a typo in the catalogue).</summary>
    public const string FlagUnknownCell = "unknown-cell";

    /// <summary>Null when there is no interval to compare with: none, or the point of an estimate without variance (degenerate-ci).</summary>
    public bool? PublishedInCi => double.IsNaN(CiLow) || double.IsNaN(CiHigh) || Flags.Contains(StratifiedRatio.FlagDegenerateCi)
        ? null
        : Published >= CiLow && Published <= CiHigh;

    public double Difference => Estimate - Published;
}

/// <summary>
/// The comparison table of a run: one row per published value of the catalogue (indicator × cell), in catalogue order,
/// beside the recomputed estimate and its interval. A published cell the run has no row for still gets its row, with no
/// estimate and the flag <see cref="ComparisonRow.FlagUnknownCell"/>, so that no printed figure silently drops out.
/// </summary>
public static class FindingsComparison
{
    /// <summary>The source of the values the report itself printed.</summary>
    public const string ReportSource = "report";

    public static IReadOnlyList<ComparisonRow> Rows(SurveyPack pack, IReadOnlyList<FindingRow> rows)
    {
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentNullException.ThrowIfNull(rows);
        var byCell = rows.ToDictionary(r => (r.IndicatorId.ToUpperInvariant(), r.CellKey.ToUpperInvariant()));
        var comparison = new List<ComparisonRow>();
        foreach (var indicator in pack.Indicators.Indicators)
        {
            var values = indicator.Published.Select(p => (Source: ReportSource, Cell: p.Key, Value: p.Value))
                .Concat(indicator.Benchmarks.SelectMany(b => b.Value.Select(v => (Source: b.Key, Cell: v.Key, Value: v.Value))));
            foreach (var (source, cell, published) in values)
            {
                if (byCell.TryGetValue((indicator.Id.ToUpperInvariant(), cell.Trim().ToUpperInvariant()), out var row))
                {
                    var e = row.Estimate;
                    comparison.Add(new ComparisonRow(
                        indicator.Id, SurveyPack.TitleOf(indicator, pack.Language), indicator.Reference, source, e.Statistic, row.BreakdownId, row.CellKey, row.CellLabel, published,
                        e.Estimate, e.StandardError, e.CiLow, e.CiHigh, e.UnweightedDenominator, row.Flags));
                }
                else
                {
                    comparison.Add(new ComparisonRow(
                        indicator.Id, SurveyPack.TitleOf(indicator, pack.Language), indicator.Reference, source, indicator.Kind, cell.Split('=')[0].Trim(), cell.Trim(), cell.Trim(), published,
                        double.NaN, double.NaN, double.NaN, double.NaN, 0, [ComparisonRow.FlagUnknownCell]));
                }
            }
        }

        return comparison;
    }
}
