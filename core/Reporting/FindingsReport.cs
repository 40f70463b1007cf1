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
/// can measure every string. The only script is the language switch (<see cref="LanguageSwitch"/>, when the dictionary
/// has more than one language), and a Content-Security-Policy forbids any network request, so the page can be mailed or
/// opened from a file share. Pure: no storage access.
/// </summary>
public sealed class FindingsReport
{
    private static readonly string[] Colors = ["#1b4965", "#2a9d8f", "#8e5ea2", "#e07a5f", "#3d5a80", "#6a994e"];

    /// <summary>The flags the notes explain, in order; each one's meaning is the text <c>findings.flag.&lt;flag&gt;</c>, its name <c>findings.flag_name.&lt;flag&gt;</c>.</summary>
    private static readonly string[] Flags =
        [ReportCell.SmallCell, ReportCell.UncoveredStrata, StratifiedRatio.FlagSingleCaseStratum, StratifiedRatio.FlagDegenerateCi, StratifiedRatio.FlagNoData];

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
        var confidenceLabel = (confidence * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";
        var languages = LanguageSwitch.Order(pack);
        var html = new StringBuilder(capacity: 300_000);
        var first = new ReportLabels(pack, languages[0]);
        AppendHead(html, first, languages.Count > 1);
        var firstModel = FindingsReportModel.From(pack, rows, first);
        html.Append("<body data-survey=\"").Append(Encode(pack.Id)).Append("\" data-run-id=\"").Append(Encode(run.RunId))
            .Append("\" data-indicators=\"").Append(firstModel.Indicators.Count.ToString(CultureInfo.InvariantCulture)).Append("\">\n");
        LanguageSwitch.AppendSwitch(html, languages, first.Texts);
        foreach (var language in languages)
        {
            // Each language is the same page body; the ones not shown first prefix their ids ("es-indicator-x"), so ids stay unique.
            var labels = language == languages[0] ? first : new ReportLabels(pack, language);
            var model = language == languages[0] ? firstModel : FindingsReportModel.From(pack, rows, labels);
            var t = labels.Texts;
            var body = new StringBuilder(capacity: 150_000);
            AppendHeader(body, pack, run, confidenceLabel, model, labels);
            AppendContents(body, model, t);
            AppendSummary(body, model, confidenceLabel, t);
            AppendLegend(body, pack, confidenceLabel, t);
            foreach (var indicator in model.Indicators)
            {
                AppendIndicator(body, indicator, confidenceLabel, t);
            }

            AppendNotes(body, pack, confidenceLabel, t);
            html.Append(LanguageSwitch.MainStart(languages, language)).Append(LanguageSwitch.PrefixIds(body.ToString(), LanguageSwitch.IdPrefix(languages, language)))
                .Append("</main>\n");
        }

        if (languages.Count > 1)
        {
            html.Append("<script>\n").Append(LanguageSwitch.Script).Append("\n</script>\n");
        }

        html.Append("</body>\n</html>\n");

        await using var writer = new StreamWriter(output, new UTF8Encoding(false), bufferSize: 1 << 16, leaveOpen: true);
        await writer.WriteAsync(html, cancellationToken).ConfigureAwait(false);
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The head; the only script a page may run is the language switch's, and only when there is more than one language.</summary>
    private static void AppendHead(StringBuilder html, ReportLabels labels, bool withSwitch)
    {
        html.Append("<!DOCTYPE html>\n<html lang=\"").Append(Encode(labels.Language)).Append("\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            // Nothing may be fetched: the page must read the same on a laptop without network.
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; ").Append(withSwitch ? "script-src 'unsafe-inline'; " : string.Empty).Append("style-src 'unsafe-inline'; img-src data:\">\n")
            .Append("<title>").Append(Encode(labels.Texts.Format("findings.title", labels.SurveyTitle))).Append("</title>\n")
            .Append("<style>\n").Append(FindingsReportPage.Style).Append(withSwitch ? LanguageSwitch.Style : string.Empty).Append("</style>\n</head>\n");
    }

    private void AppendHeader(StringBuilder html, SurveyPack pack, FindingsRunRecord run, string confidenceLabel, FindingsReportModel model, ReportLabels labels)
    {
        var t = labels.Texts;
        html.Append("<h1>").Append(Encode(t.Format("findings.title", labels.SurveyTitle))).Append("</h1>\n")
            .Append("<p class=\"subtitle\">").Append(Encode(t.Format("findings.subtitle", confidenceLabel))).Append("</p>\n<dl class=\"facts\">\n");
        Fact(html, t["findings.fact.run_date"], run.StartedUtc.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture));
        Fact(html, t["findings.fact.run"], $"<code>{Encode(run.RunId)}</code> ({Encode(run.Status.ToString())})", encoded: true);
        Fact(html, t["findings.fact.pack"], Html(t, "findings.fact.pack_value", $"<code>{Encode(pack.Id)}</code>", $"<code>{Encode(Short(pack.ContentHash))}</code>"), encoded: true);
        Fact(html, t["findings.fact.inputs"], Html(t, "findings.fact.inputs_value", run.Uploads.ToString("N0", CultureInfo.InvariantCulture), run.Cases.ToString("N0", CultureInfo.InvariantCulture), $"<code>{Encode(Short(run.InputsFingerprint))}</code>"), encoded: true);
        Fact(html, t["findings.fact.coverage"], string.IsNullOrWhiteSpace(run.Message) ? "—" : run.Message);
        Fact(html, t["findings.fact.indicators"], t.Format("findings.fact.indicators_value", model.Indicators.Count, model.Indicators.Sum(i => i.Cells.Count)));
        Fact(html, t["findings.fact.generated"], _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture));
        html.Append("</dl>\n");
    }

    /// <summary>The table of contents: the summary, every indicator (with its count of published values outside the interval), the notes.</summary>
    private static void AppendContents(StringBuilder html, FindingsReportModel model, ReportTexts t)
    {
        html.Append("<nav class=\"toc\" id=\"contents\" aria-labelledby=\"contents-title\">\n<h2 id=\"contents-title\">").Append(Encode(t["findings.contents"])).Append("</h2>\n<ol>\n")
            .Append("<li><a href=\"#summary\">").Append(Encode(t["findings.summary.link"])).Append("</a></li>\n");
        foreach (var indicator in model.Indicators)
        {
            var d = indicator.Definition;
            html.Append("<li><a href=\"#indicator-").Append(Encode(d.Id)).Append("\">");
            if (!string.IsNullOrWhiteSpace(d.Reference))
            {
                html.Append("<span class=\"ref\">").Append(Encode(d.Reference)).Append("</span> ");
            }

            html.Append(Encode(indicator.Title)).Append("</a>");
            if (indicator.PublishedOutside > 0)
            {
                html.Append(" <span class=\"outside-count\">").Append(Encode(t.Format("findings.contents.outside", indicator.PublishedOutside, indicator.PublishedCompared))).Append("</span>");
            }

            html.Append("</li>\n");
        }

        html.Append("<li><a href=\"#notes\">").Append(Encode(t["findings.notes.link"])).Append("</a></li>\n</ol>\n</nav>\n");
    }

    /// <summary>How many published values lie outside the recomputed interval, overall and per indicator.</summary>
    private static void AppendSummary(StringBuilder html, FindingsReportModel model, string confidenceLabel, ReportTexts t)
    {
        var compared = model.Indicators.Sum(i => i.PublishedCompared);
        var outside = model.Indicators.Sum(i => i.PublishedOutside);
        var notCompared = model.Indicators.Sum(i => i.PublishedNotCompared);
        html.Append("<section class=\"summary\" id=\"summary\" data-published-compared=\"").Append(compared.ToString(CultureInfo.InvariantCulture))
            .Append("\" data-published-outside=\"").Append(outside.ToString(CultureInfo.InvariantCulture)).Append("\">\n<h2>").Append(Encode(t["findings.summary.title"])).Append("</h2>\n");
        if (compared + notCompared == 0)
        {
            html.Append("<p>").Append(Encode(t["findings.summary.none"])).Append("</p>\n</section>\n");
            return;
        }

        html.Append("<p class=\"overall\">").Append(Encode(t.Format("findings.summary.overall", outside, compared, confidenceLabel))).Append("</p>\n");
        if (notCompared > 0)
        {
            html.Append("<p class=\"note\">").Append(Encode(t.Format("findings.summary.not_compared", notCompared))).Append("</p>\n");
        }

        html.Append("<div class=\"table-scroll\"><table class=\"summary-table\">\n<thead><tr><th>").Append(Encode(t["findings.summary.indicator"])).Append("</th><th>")
            .Append(Encode(t["findings.summary.published"])).Append("</th><th>").Append(Encode(t["findings.summary.outside"])).Append("</th></tr></thead>\n<tbody>\n");
        foreach (var indicator in model.Indicators.Where(i => i.PublishedCompared + i.PublishedNotCompared > 0))
        {
            var d = indicator.Definition;
            html.Append("<tr data-indicator-id=\"").Append(Encode(d.Id)).Append('"').Append(indicator.PublishedOutside > 0 ? " class=\"has-outside\"" : string.Empty)
                .Append("><td><a href=\"#indicator-").Append(Encode(d.Id)).Append("\">").Append(Encode(string.IsNullOrWhiteSpace(d.Reference) ? indicator.Title : $"{d.Reference} · {indicator.Title}")).Append("</a></td><td>")
                .Append(indicator.PublishedCompared.ToString(CultureInfo.InvariantCulture)).Append("</td><td>")
                .Append(indicator.PublishedOutside.ToString(CultureInfo.InvariantCulture)).Append("</td></tr>\n");
        }

        html.Append("</tbody>\n</table></div>\n</section>\n");
    }

    /// <summary>The key to the bars: estimate, interval, published value (inside and outside), small cell.</summary>
    private static void AppendLegend(StringBuilder html, SurveyPack pack, string confidenceLabel, ReportTexts t)
    {
        html.Append("<section class=\"legend\" aria-labelledby=\"legend-title\">\n<h2 id=\"legend-title\">").Append(Encode(t["findings.legend.title"])).Append("</h2>\n<ul>\n")
            .Append("<li><span class=\"key key-bar\"></span>").Append(Encode(t["findings.legend.bar"])).Append("</li>\n")
            .Append("<li><span class=\"key key-ci\"></span>").Append(Encode(t.Format("findings.legend.interval", confidenceLabel))).Append("</li>\n")
            .Append("<li><span class=\"key key-pub\"></span>").Append(Encode(t["findings.legend.published"])).Append("</li>\n")
            .Append("<li><span class=\"key key-pub outside\"></span>").Append(Encode(t["findings.legend.outside"])).Append("</li>\n")
            .Append("<li><span class=\"key key-bar small\"></span>").Append(Encode(t.Format("findings.legend.small_hatched", pack.Manifest.Design.SmallCellThreshold))).Append("</li>\n")
            .Append("</ul>\n</section>\n");
    }

    private static void AppendIndicator(StringBuilder html, ReportIndicator indicator, string confidenceLabel, ReportTexts t)
    {
        var d = indicator.Definition;
        html.Append("<section class=\"indicator\" id=\"indicator-").Append(Encode(d.Id)).Append("\" data-indicator-id=\"").Append(Encode(d.Id)).Append("\">\n<h2>");
        var reference = string.Join(" · ", new[] { d.Reference, d.Question }.Where(s => !string.IsNullOrWhiteSpace(s)));
        if (reference.Length > 0)
        {
            html.Append("<span class=\"ref\">").Append(Encode(reference)).Append("</span> ");
        }

        html.Append(Encode(indicator.Title)).Append("</h2>\n<p class=\"definition\">").Append(Html(t, "findings.indicator.definition", $"<code>{Encode(d.Id)}</code>", $"<code>{Encode(d.Record)}</code>"))
            .Append(' ').Append(Encode(indicator.Description));
        if (indicator.Unit is { } unit)
        {
            html.Append(' ').Append(Encode(t["findings.indicator.unit"])).Append(": ").Append(Encode(unit)).Append('.');
        }

        html.Append("</p>\n");
        if (indicator.Cells.Count == 0)
        {
            html.Append("<p class=\"empty\">").Append(Encode(t["findings.indicator.empty"])).Append("</p>\n</section>\n");
            return;
        }

        if (indicator.PublishedOutside > 0)
        {
            html.Append("<p class=\"outside-count\">").Append(Encode(t.Format("findings.indicator.outside", indicator.PublishedOutside, indicator.PublishedCompared))).Append("</p>\n");
        }

        FindingsReportBars.Append(html, indicator, Colors, t, t.Format("findings.bars.figure_label", confidenceLabel));
        var unitSuffix = indicator.Unit is { } u ? $" ({u})" : string.Empty;
        html.Append("<div class=\"table-scroll\"><table>\n<thead><tr>");
        foreach (var header in new[] { t["findings.table.cell"], t["findings.table.recomputed"] + unitSuffix, t.Format("findings.table.ci", confidenceLabel), t["findings.table.se"], t["findings.table.deff"], t["findings.table.n"], t["findings.table.published"], t["findings.table.difference"], t["findings.table.flags"] })
        {
            html.Append("<th>").Append(Encode(header)).Append("</th>");
        }

        html.Append("</tr></thead>\n<tbody>\n");
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
                html.Append(" <span class=\"outside-mark\" title=\"").Append(Encode(t["findings.mark.outside"])).Append("\">").Append(Encode(t["findings.mark.outside_short"])).Append("</span>");
            }

            html.Append("</td><td>").Append(difference).Append("</td><td class=\"flags\">");
            AppendFlags(html, c.Flags, t);
            html.Append("</td></tr>\n");
        }

        html.Append("</tbody>\n</table></div>\n</section>\n");
    }

    /// <summary>Each flag as a badge in words; its id stays in the class and the title, for scripts and for whoever searches the exports.</summary>
    internal static void AppendFlags(StringBuilder html, IEnumerable<string> flags, ReportTexts t)
    {
        foreach (var flag in flags)
        {
            html.Append("<span class=\"flag ").Append(Encode(flag)).Append("\" title=\"").Append(Encode(flag)).Append("\">").Append(Encode(FlagName(flag, t))).Append("</span>");
        }
    }

    private static void AppendNotes(StringBuilder html, SurveyPack pack, string confidenceLabel, ReportTexts t)
    {
        html.Append("<dl class=\"notes\" id=\"notes\">\n<dt>").Append(Encode(t["findings.notes.method"])).Append("</dt><dd>")
            .Append(t.Format("findings.notes.method_html", Encode(string.Join(" × ", pack.Manifest.Design.StratumItems)), confidenceLabel)).Append("</dd>\n");
        foreach (var flag in Flags)
        {
            html.Append("<dt>");
            AppendFlags(html, [flag], t);
            html.Append("</dt><dd>").Append(Encode(t.Format("findings.flag." + flag, pack.Manifest.Design.SmallCellThreshold))).Append("</dd>\n");
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

    /// <summary>A flag in words (<c>findings.flag_name.&lt;flag&gt;</c>); an id the catalogue does not know is shown as it is.</summary>
    internal static string FlagName(string flag, ReportTexts t) => t.Has("findings.flag_name." + flag) ? t["findings.flag_name." + flag] : flag;

    /// <summary>A catalogue text with HTML arguments: the text is encoded, the arguments (already markup) are not.</summary>
    private static string Html(ReportTexts t, string key, params object?[] args) =>
        string.Format(CultureInfo.InvariantCulture, Encode(t[key]), args);

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] : hash;

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
