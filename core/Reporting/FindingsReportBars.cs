using System.Globalization;
using System.Net;
using System.Text;
using Pipeline.Core.Findings;
using Pipeline.Core.Packs;

namespace Pipeline.Core.Reporting;

/// <summary>
/// The bar figure of one indicator, as HTML boxes: one row per cell (label with n, the bar on a shared scale with its
/// interval as a whisker and the published value as a mark, then the numbers in words), grouped by breakdown. Every
/// label is page text in its own grid cell, so it wraps instead of overlapping, and a test can measure it. Positions
/// are percentages of the plot width, so the figure needs no script and scales with the page.
/// </summary>
internal static class FindingsReportBars
{
    public static void Append(StringBuilder html, ReportIndicator indicator, IReadOnlyList<string> colors, ReportTexts texts, string ariaLabel)
    {
        var statistic = indicator.Statistic;
        var (min, max, ticks) = Scale(indicator);
        var unit = indicator.Unit;
        string Pos(double v) => Math.Clamp((v - min) / (max - min) * 100, 0, 100).ToString("0.###", CultureInfo.InvariantCulture) + "%";
        string Text(double? v) => FindingsReport.Value(statistic, v) + (unit is not null && v is not null ? " " + unit : string.Empty);

        html.Append("<figure class=\"bars\" aria-label=\"").Append(E(ariaLabel)).Append("\">\n")
            .Append("<div class=\"bar-row bar-scale\"><div class=\"bar-label\">").Append(E(unit ?? string.Empty)).Append("</div><div class=\"axis\">");
        for (var t = 0; t < ticks.Count; t++)
        {
            var edge = t == 0 ? " first" : t == ticks.Count - 1 ? " last" : string.Empty;
            html.Append("<span class=\"tick").Append(edge).Append("\" style=\"left:").Append(Pos(ticks[t])).Append("\">").Append(FindingsReport.Value(statistic, ticks[t])).Append("</span>");
        }

        html.Append("</div></div>\n");
        string? group = null;
        foreach (var c in indicator.Cells)
        {
            if (c.Breakdown.Id != FindingsReportModel.AllBreakdown && c.Breakdown.Id != group)
            {
                html.Append("<div class=\"bar-group\">").Append(E(c.Breakdown.Label)).Append("</div>\n");
            }

            group = c.Breakdown.Id;
            var color = colors[c.Breakdown.Order % colors.Count];
            html.Append("<div class=\"bar-row").Append(c.IsSmall ? " small" : string.Empty).Append(c.PublishedOutside == true ? " outside" : string.Empty)
                .Append("\" data-cell-key=\"").Append(E(c.Key)).Append("\" style=\"--bar:").Append(color).Append("\">")
                .Append("<div class=\"bar-label\">").Append(E(c.Label)).Append(" <span class=\"n\">n = ").Append(c.Respondents.ToString("N0", CultureInfo.InvariantCulture)).Append("</span></div>")
                .Append("<div class=\"plot\">");
            if (c.Estimate is { } e)
            {
                html.Append("<span class=\"bar\" style=\"left:").Append(Pos(Math.Min(0, e))).Append(";width:").Append(Width(Pos, Math.Min(0, e), Math.Max(0, e))).Append("\"></span>");
            }

            if (c.CiLow is { } low && c.CiHigh is { } high)
            {
                html.Append("<span class=\"ci\" style=\"left:").Append(Pos(low)).Append(";width:").Append(Width(Pos, low, high)).Append("\"></span>");
            }

            if (c.Published is { } p)
            {
                html.Append("<span class=\"pub\" style=\"left:").Append(Pos(p)).Append("\"></span>");
            }

            html.Append("</div><div class=\"bar-value\"><strong>").Append(E(c.Estimate is null ? FindingsReport.FlagName(StratifiedRatio.FlagNoData, texts) : Text(c.Estimate))).Append("</strong>");
            if (c.CiLow is not null)
            {
                html.Append(" <span class=\"ci-text\">").Append(E($"{FindingsReport.Value(statistic, c.CiLow)}–{FindingsReport.Value(statistic, c.CiHigh)}")).Append("</span>");
            }

            if (c.Published is not null)
            {
                html.Append(" <span class=\"pub-text\">").Append(E($"{texts["findings.mark.published_short"]} {Text(c.Published)}")).Append("</span>");
            }

            if (c.PublishedOutside == true)
            {
                html.Append(" <span class=\"outside-mark\" title=\"").Append(E(texts["findings.mark.outside"])).Append("\">").Append(E(texts["findings.mark.outside_short"])).Append("</span>");
            }

            // "No data" is already the value's text; the other flags follow in words.
            var flags = c.Estimate is null ? c.Flags.Where(f => f != StratifiedRatio.FlagNoData).ToList() : c.Flags;
            if (flags.Count > 0)
            {
                html.Append(' ');
                FindingsReport.AppendFlags(html, flags, texts);
            }

            html.Append("</div></div>\n");
        }

        html.Append("</figure>\n");
    }

    /// <summary>
    /// The scale: 0–100% for proportions (ticks every 25 points); for means and totals from min(0, lowest value) to a
    /// round number above the highest estimate, interval bound or published value, with three ticks (no crowding on a phone).
    /// </summary>
    internal static (double Min, double Max, IReadOnlyList<double> Ticks) Scale(ReportIndicator indicator)
    {
        if (indicator.Statistic == IndicatorStatistic.Proportion)
        {
            return (0, 1, [0, 0.25, 0.5, 0.75, 1]);
        }

        var values = indicator.Cells.SelectMany(c => new[] { c.Estimate, c.CiLow, c.CiHigh, c.Published }).OfType<double>().Where(double.IsFinite).ToList();
        var high = values.Count == 0 ? 1 : Math.Max(values.Max(), 0);
        var low = values.Count == 0 ? 0 : Math.Min(values.Min(), 0);
        var max = Nice(high);
        var min = low < 0 ? -Nice(-low) : 0;
        if (max <= min)
        {
            max = min + 1;
        }

        return (min, max, [min, (min + max) / 2, max]);
    }

    /// <summary>The smallest of 1, 2, 2.5, 5 times a power of ten that is at least <paramref name="v"/>.</summary>
    internal static double Nice(double v)
    {
        if (v <= 0)
        {
            return 1;
        }

        var power = Math.Pow(10, Math.Floor(Math.Log10(v)));
        foreach (var step in new[] { 1, 2, 2.5, 5, 10 })
        {
            if (step * power >= v)
            {
                return step * power;
            }
        }

        return 10 * power;
    }

    private static string Width(Func<double, string> pos, double from, double to)
    {
        // Both ends through the clamped position, so a bound off the scale cannot draw past the plot.
        var a = double.Parse(pos(from).TrimEnd('%'), CultureInfo.InvariantCulture);
        var b = double.Parse(pos(to).TrimEnd('%'), CultureInfo.InvariantCulture);
        return Math.Max(0, b - a).ToString("0.###", CultureInfo.InvariantCulture) + "%";
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
