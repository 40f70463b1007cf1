using System.Globalization;
using System.Net;
using System.Text;
using Pipeline.Core.Findings;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;

namespace Pipeline.Core.Reporting;

/// <summary>
/// Writes a survey's findings run as one self-contained HTML page: a table of contents, a summary of the published
/// values that lie outside the recomputed confidence intervals, then for each indicator of the catalogue horizontal bars
/// by breakdown cell (recomputed estimate with its confidence interval as a whisker, the published value as a mark,
/// small cells hatched, flags in words) and the same numbers as a table; at the top, the run's date and inputs. The
/// bars are HTML boxes and every label is page text that wraps, so nothing overlaps at any width and the layout test
/// can measure every string. No script, and a Content-Security-Policy forbids any network request, so the page can be
/// mailed or opened from a file share. Pure: no storage access.
/// </summary>
public sealed class FindingsReport
{
    private static readonly string[] Colors = ["#1b4965", "#2a9d8f", "#8e5ea2", "#e07a5f", "#3d5a80", "#6a994e"];
    private const string PublishedColor = "#b07d00";

    private static readonly Dictionary<string, string> FlagMeaning = new(StringComparer.Ordinal)
    {
        [ReportCell.SmallCell] = "fewer respondents in the denominator than the pack's small-cell threshold ({0}): read with caution.",
        [ReportCell.UncoveredStrata] = "the cell could include strata that have a universe but no sample; the estimate covers the sampled strata only (see the coverage note).",
        [StratifiedRatio.FlagSingleCaseStratum] = "a stratum has a single case in this cell; it adds no variance, so the interval may be too narrow.",
        [StratifiedRatio.FlagDegenerateCi] = "the estimate has no variance (a mean or a total of equal values): the interval is not defined.",
        [StratifiedRatio.FlagNoData] = "nobody in the denominator: no estimate.",
    };

    private readonly TimeProvider _time;

    private FindingsReport(TimeProvider time) => _time = time;

    /// <summary><paramref name="time"/> stamps the "generated" line. Kept asynchronous so that callers need not change if the page ever needs I/O to build.</summary>
    public static Task<FindingsReport> CreateAsync(TimeProvider time, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(time);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(new FindingsReport(time));
    }

    /// <summary>
    /// Writes the page (UTF-8) to <paramref name="output"/>, which stays open. <paramref name="rows"/> are the run's
    /// fact rows (<see cref="FindingsRun.Rows"/>); an indicator with no row still gets its section, saying so.
    /// <paramref name="confidence"/> is the level the run used (<see cref="FindingsOptions.Confidence"/>).
    /// </summary>
    public async Task WriteHtmlAsync(SurveyPack pack, FindingsRunRecord run, IReadOnlyList<FindingRow> rows, Stream output, double confidence = 0.95, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(output);
        var model = FindingsReportModel.From(pack, rows);
        var confidenceLabel = (confidence * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";
        var html = new StringBuilder(capacity: 300_000);
        AppendHead(html, pack);
        AppendHeader(html, pack, run, confidenceLabel, model);
        AppendContents(html, model);
        AppendSummary(html, model, confidenceLabel);
        AppendLegend(html, pack, confidenceLabel);
        foreach (var indicator in model.Indicators)
        {
            AppendIndicator(html, indicator, confidenceLabel);
        }

        AppendNotes(html, pack, confidenceLabel);
        html.Append("</main>\n</body>\n</html>\n");

        await using var writer = new StreamWriter(output, new UTF8Encoding(false), bufferSize: 1 << 16, leaveOpen: true);
        await writer.WriteAsync(html, cancellationToken).ConfigureAwait(false);
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void AppendHead(StringBuilder html, SurveyPack pack)
    {
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            // Nothing may be fetched: the page must read the same on a laptop without network.
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n")
            .Append("<title>Findings — ").Append(Encode(pack.Manifest.Title)).Append("</title>\n")
            .Append("<style>\n").Append(FindingsReportPage.Style).Append("</style>\n</head>\n");
    }

    private void AppendHeader(StringBuilder html, SurveyPack pack, FindingsRunRecord run, string confidenceLabel, FindingsReportModel model)
    {
        html.Append("<body data-survey=\"").Append(Encode(pack.Id)).Append("\" data-run-id=\"").Append(Encode(run.RunId))
            .Append("\" data-indicators=\"").Append(model.Indicators.Count.ToString(CultureInfo.InvariantCulture)).Append("\">\n<main>\n")
            .Append("<h1>Findings — ").Append(Encode(pack.Manifest.Title)).Append("</h1>\n")
            .Append("<p class=\"subtitle\">Design-weighted estimates (proportions, means, totals) recomputed from the current curated data, with ").Append(confidenceLabel)
            .Append(" confidence intervals, beside the values published in the report.</p>\n<dl class=\"facts\">\n");
        Fact(html, "Run date", run.StartedUtc.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture));
        Fact(html, "Run", $"<code>{Encode(run.RunId)}</code> ({Encode(run.Status.ToString())})", encoded: true);
        Fact(html, "Survey pack", $"<code>{Encode(pack.Id)}</code>, content <code>{Encode(Short(pack.ContentHash))}</code>", encoded: true);
        Fact(html, "Inputs", $"{run.Uploads.ToString("N0", CultureInfo.InvariantCulture)} uploads in the current view; {run.Cases.ToString("N0", CultureInfo.InvariantCulture)} cases in the design; fingerprint <code>{Encode(Short(run.InputsFingerprint))}</code>", encoded: true);
        Fact(html, "Coverage", string.IsNullOrWhiteSpace(run.Message) ? "—" : run.Message);
        Fact(html, "Indicators", $"{model.Indicators.Count} in the catalogue, {model.Indicators.Sum(i => i.Cells.Count)} cells");
        Fact(html, "Generated", _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture));
        html.Append("</dl>\n");
    }

    /// <summary>The table of contents: the summary, every indicator (with its count of published values outside the interval), the notes.</summary>
    private static void AppendContents(StringBuilder html, FindingsReportModel model)
    {
        html.Append("<nav class=\"toc\" id=\"contents\" aria-labelledby=\"contents-title\">\n<h2 id=\"contents-title\">").Append(Encode(FindingsReportTexts.Contents)).Append("</h2>\n<ol>\n")
            .Append("<li><a href=\"#summary\">").Append(Encode(FindingsReportTexts.SummaryLink)).Append("</a></li>\n");
        foreach (var indicator in model.Indicators)
        {
            var d = indicator.Definition;
            html.Append("<li><a href=\"#indicator-").Append(Encode(d.Id)).Append("\">");
            if (!string.IsNullOrWhiteSpace(d.Reference))
            {
                html.Append("<span class=\"ref\">").Append(Encode(d.Reference)).Append("</span> ");
            }

            html.Append(Encode(d.Title)).Append("</a>");
            if (indicator.PublishedOutside > 0)
            {
                html.Append(" <span class=\"outside-count\">").Append(Encode(Format(FindingsReportTexts.ContentsOutside, indicator.PublishedOutside, indicator.PublishedCompared))).Append("</span>");
            }

            html.Append("</li>\n");
        }

        html.Append("<li><a href=\"#notes\">").Append(Encode(FindingsReportTexts.NotesLink)).Append("</a></li>\n</ol>\n</nav>\n");
    }

    /// <summary>How many published values lie outside the recomputed interval, overall and per indicator.</summary>
    private static void AppendSummary(StringBuilder html, FindingsReportModel model, string confidenceLabel)
    {
        var compared = model.Indicators.Sum(i => i.PublishedCompared);
        var outside = model.Indicators.Sum(i => i.PublishedOutside);
        var notCompared = model.Indicators.Sum(i => i.PublishedNotCompared);
        html.Append("<section class=\"summary\" id=\"summary\" data-published-compared=\"").Append(compared.ToString(CultureInfo.InvariantCulture))
            .Append("\" data-published-outside=\"").Append(outside.ToString(CultureInfo.InvariantCulture)).Append("\">\n<h2>").Append(Encode(FindingsReportTexts.SummaryTitle)).Append("</h2>\n");
        if (compared + notCompared == 0)
        {
            html.Append("<p>").Append(Encode(FindingsReportTexts.SummaryNone)).Append("</p>\n</section>\n");
            return;
        }

        html.Append("<p class=\"overall\">").Append(Encode(Format(FindingsReportTexts.SummaryOverall, outside, compared, confidenceLabel))).Append("</p>\n");
        if (notCompared > 0)
        {
            html.Append("<p class=\"note\">").Append(Encode(Format(FindingsReportTexts.SummaryNotCompared, notCompared))).Append("</p>\n");
        }

        html.Append("<div class=\"table-scroll\"><table class=\"summary-table\">\n<thead><tr><th>").Append(Encode(FindingsReportTexts.SummaryIndicator)).Append("</th><th>")
            .Append(Encode(FindingsReportTexts.SummaryPublished)).Append("</th><th>").Append(Encode(FindingsReportTexts.SummaryOutside)).Append("</th></tr></thead>\n<tbody>\n");
        foreach (var indicator in model.Indicators.Where(i => i.PublishedCompared + i.PublishedNotCompared > 0))
        {
            var d = indicator.Definition;
            html.Append("<tr data-indicator-id=\"").Append(Encode(d.Id)).Append('"').Append(indicator.PublishedOutside > 0 ? " class=\"has-outside\"" : string.Empty)
                .Append("><td><a href=\"#indicator-").Append(Encode(d.Id)).Append("\">").Append(Encode(string.IsNullOrWhiteSpace(d.Reference) ? d.Title : $"{d.Reference} · {d.Title}")).Append("</a></td><td>")
                .Append(indicator.PublishedCompared.ToString(CultureInfo.InvariantCulture)).Append("</td><td>")
                .Append(indicator.PublishedOutside.ToString(CultureInfo.InvariantCulture)).Append("</td></tr>\n");
        }

        html.Append("</tbody>\n</table></div>\n</section>\n");
    }

    /// <summary>The key to the bars, and the colour of each breakdown.</summary>
    private static void AppendLegend(StringBuilder html, SurveyPack pack, string confidenceLabel)
    {
        html.Append("<section class=\"legend\" aria-labelledby=\"legend-title\">\n<h2 id=\"legend-title\">").Append(Encode(FindingsReportTexts.LegendTitle)).Append("</h2>\n<ul>\n")
            .Append("<li><span class=\"key key-bar\"></span>").Append(Encode(FindingsReportTexts.LegendBar)).Append("</li>\n")
            .Append("<li><span class=\"key key-ci\"></span>").Append(Encode(Format(FindingsReportTexts.LegendInterval, confidenceLabel))).Append("</li>\n")
            .Append("<li><span class=\"key key-pub\"></span>").Append(Encode(FindingsReportTexts.LegendPublished)).Append("</li>\n")
            .Append("<li><span class=\"key key-pub outside\"></span>").Append(Encode(FindingsReportTexts.LegendOutside)).Append("</li>\n")
            .Append("<li><span class=\"key key-bar small\"></span>").Append(Encode(Format(FindingsReportTexts.LegendSmall, pack.Manifest.Design.SmallCellThreshold))).Append("</li>\n")
            .Append("</ul>\n</section>\n");
    }

    private static void AppendIndicator(StringBuilder html, ReportIndicator indicator, string confidenceLabel)
    {
        var d = indicator.Definition;
        html.Append("<section class=\"indicator\" id=\"indicator-").Append(Encode(d.Id)).Append("\" data-indicator-id=\"").Append(Encode(d.Id)).Append("\">\n<h2>");
        var reference = string.Join(" · ", new[] { d.Reference, d.Question }.Where(s => !string.IsNullOrWhiteSpace(s)));
        if (reference.Length > 0)
        {
            html.Append("<span class=\"ref\">").Append(Encode(reference)).Append("</span> ");
        }

        html.Append(Encode(d.Title)).Append("</h2>\n<p class=\"definition\">Indicator <code>").Append(Encode(d.Id)).Append("</code>, record <code>")
            .Append(Encode(d.Record)).Append("</code>. ").Append(Encode(indicator.Description));
        if (indicator.Unit is { } unit)
        {
            html.Append(' ').Append(Encode(FindingsReportTexts.Unit)).Append(": ").Append(Encode(unit)).Append('.');
        }

        html.Append("</p>\n");
        if (indicator.Cells.Count == 0)
        {
            html.Append("<p class=\"empty\">This run has no result for this indicator.</p>\n</section>\n");
            return;
        }

        if (indicator.PublishedOutside > 0)
        {
            html.Append("<p class=\"outside-count\">").Append(Encode(Format(FindingsReportTexts.IndicatorOutside, indicator.PublishedOutside, indicator.PublishedCompared))).Append("</p>\n");
        }

        FindingsReportBars.Append(html, indicator, Colors, Format(FindingsReportTexts.FigureLabel, confidenceLabel));
        var unitSuffix = indicator.Unit is { } u ? $" ({Encode(u)})" : string.Empty;
        html.Append("<div class=\"table-scroll\"><table>\n<thead><tr><th>Cell</th><th>Recomputed").Append(unitSuffix).Append("</th><th>").Append(confidenceLabel).Append(" CI</th><th>Std. error</th><th>Deff</th><th>n</th><th>Published</th><th>Difference</th><th>Flags</th></tr></thead>\n<tbody>\n");
        var statistic = indicator.Statistic;
        foreach (var c in indicator.Cells)
        {
            var label = c.Breakdown.Id == FindingsReportModel.AllBreakdown ? c.Label : $"{c.Breakdown.Label}: {c.Label}";
            var difference = c.Estimate is { } e && c.Published is { } p ? Difference(statistic, e - p) : "–";
            html.Append("<tr data-cell-key=\"").Append(Encode(c.Key)).Append('"').Append(c.PublishedOutside == true ? " class=\"outside\"" : string.Empty)
                .Append("><td>").Append(Encode(label)).Append("</td><td>").Append(Value(statistic, c.Estimate))
                .Append("</td><td>").Append(c.CiLow is null ? "–" : $"{Value(statistic, c.CiLow)}–{Value(statistic, c.CiHigh)}").Append("</td><td>")
                .Append(c.StandardError is { } se ? Spread(statistic, se) : "–")
                .Append("</td><td>").Append(c.DesignEffect is { } deff ? deff.ToString("0.00", CultureInfo.InvariantCulture) : "–")
                .Append("</td><td>").Append(c.Respondents.ToString("N0", CultureInfo.InvariantCulture)).Append("</td><td>").Append(Value(statistic, c.Published));
            if (c.PublishedOutside == true)
            {
                html.Append(" <span class=\"outside-mark\" title=\"").Append(Encode(FindingsReportTexts.OutsideMark)).Append("\">").Append(Encode(FindingsReportTexts.OutsideShort)).Append("</span>");
            }

            html.Append("</td><td>").Append(difference).Append("</td><td class=\"flags\">");
            AppendFlags(html, c.Flags);
            html.Append("</td></tr>\n");
        }

        html.Append("</tbody>\n</table></div>\n</section>\n");
    }

    /// <summary>Each flag as a badge in words; its id stays in the class and the title, for scripts and for whoever searches the exports.</summary>
    internal static void AppendFlags(StringBuilder html, IEnumerable<string> flags)
    {
        foreach (var flag in flags)
        {
            html.Append("<span class=\"flag ").Append(Encode(flag)).Append("\" title=\"").Append(Encode(flag)).Append("\">").Append(Encode(FindingsReportTexts.FlagName(flag))).Append("</span>");
        }
    }

    private static void AppendNotes(StringBuilder html, SurveyPack pack, string confidenceLabel)
    {
        html.Append("<dl class=\"notes\" id=\"notes\">\n<dt>Method</dt><dd>Each case weighs N<sub>h</sub>/n<sub>h</sub> in its stratum (")
            .Append(Encode(string.Join(" × ", pack.Manifest.Design.StratumItems)))
            .Append("). Proportions and means are ratio estimates, totals weighted sums; standard errors by Taylor linearisation with the finite population correction; ")
            .Append(confidenceLabel).Append(" intervals on the logit scale for proportions, estimate ± t·SE for means and totals. Breakdown cells are domains of the full design. ")
            .Append("Deff: the design effect, the variance under this design over the variance under simple random sampling of as many respondents.</dd>\n");
        foreach (var (flag, meaning) in FlagMeaning)
        {
            html.Append("<dt>");
            AppendFlags(html, [flag]);
            html.Append("</dt><dd>")
                .Append(Encode(string.Format(CultureInfo.InvariantCulture, meaning, pack.Manifest.Design.SmallCellThreshold))).Append("</dd>\n");
        }

        html.Append("</dl>\n");
    }

    private static void Fact(StringBuilder html, string term, string value, bool encoded = false) =>
        html.Append("<dt>").Append(Encode(term)).Append("</dt><dd>").Append(encoded ? value : Encode(value)).Append("</dd>\n");

    /// <summary>A proportion as a percentage; a mean with two decimals; a total as a whole number with thousands separators.</summary>
    internal static string Value(IndicatorStatistic statistic, double? v) => v is not { } x ? "–" : statistic switch
    {
        IndicatorStatistic.Mean => x.ToString("#,0.00", CultureInfo.InvariantCulture),
        IndicatorStatistic.Total => x.ToString("#,0", CultureInfo.InvariantCulture),
        _ => (x * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%",
    };

    /// <summary>A standard error in the estimate's unit: percentage points for a proportion.</summary>
    private static string Spread(IndicatorStatistic statistic, double se) =>
        statistic == IndicatorStatistic.Proportion ? (se * 100).ToString("0.0", CultureInfo.InvariantCulture) + " pp" : Value(statistic, se);

    private static string Difference(IndicatorStatistic statistic, double d) => statistic switch
    {
        IndicatorStatistic.Mean => d.ToString("+#,0.00;−#,0.00;0.00", CultureInfo.InvariantCulture),
        IndicatorStatistic.Total => d.ToString("+#,0;−#,0;0", CultureInfo.InvariantCulture),
        _ => (d * 100).ToString("+0.0;−0.0;0.0", CultureInfo.InvariantCulture) + " pp",
    };

    private static string Format(string text, params object[] values) => string.Format(CultureInfo.InvariantCulture, text, values);

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] : hash;

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
