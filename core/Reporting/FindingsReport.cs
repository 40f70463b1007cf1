using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Pipeline.Core.Findings;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;

namespace Pipeline.Core.Reporting;

/// <summary>
/// Writes a survey's findings run as one self-contained HTML page: for each indicator of the catalogue, a bar chart
/// by breakdown cell (recomputed estimate with its confidence interval, the published value beside it, small cells
/// hatched, coverage flags marked) and the same numbers as a table; at the top, the run's date and inputs. Chart.js and
/// its error-bar plugin are inlined (<see cref="ReportAssets"/>), and a Content-Security-Policy forbids any network
/// request, so the page can be mailed or opened from a file share. Pure: no storage access.
/// </summary>
public sealed class FindingsReport
{
    private static readonly string[] Colors = ["#1b4965", "#2a9d8f", "#8e5ea2", "#e07a5f", "#3d5a80", "#6a994e"];
    private const string PublishedColor = "#e9c46a";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>The flags the notes explain, in order; each one's meaning is the text <c>findings.flag.&lt;flag&gt;</c>.</summary>
    private static readonly string[] Flags =
        [ReportCell.SmallCell, ReportCell.UncoveredStrata, StratifiedRatio.FlagSingleCaseStratum, StratifiedRatio.FlagDegenerateCi, StratifiedRatio.FlagNoData];

    private readonly ReportAssets _assets;
    private readonly TimeProvider _time;

    private FindingsReport(ReportAssets assets, TimeProvider time)
    {
        _assets = assets;
        _time = time;
    }

    /// <summary>
    /// Loads the inlined scripts once (see <see cref="ReportAssets.LoadAsync"/>; <paramref name="assetsFolder"/> is
    /// only needed when core was built without them as embedded resources). <paramref name="time"/> stamps the
    /// "generated" line.
    /// </summary>
    public static async Task<FindingsReport> CreateAsync(TimeProvider time, string? assetsFolder = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(time);
        return new FindingsReport(await ReportAssets.LoadAsync(assetsFolder, cancellationToken).ConfigureAwait(false), time);
    }

    /// <summary>
    /// Writes the page (UTF-8) to <paramref name="output"/>, which stays open. <paramref name="rows"/> are the run's
    /// fact rows (<see cref="FindingsRun.Rows"/>); an indicator with no row still gets its section, saying so.
    /// <paramref name="confidence"/> is the level the run used (<see cref="FindingsOptions.Confidence"/>). The page is in
    /// the pack's language (<see cref="SurveyPack.Language"/>); when the dictionary has others, the page carries each of
    /// them too and a switch at the top shows one (<see cref="LanguageSwitch"/>).
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
        AppendHead(html, pack, first);
        var firstModel = FindingsReportModel.From(pack, rows, first);
        html.Append("<body data-survey=\"").Append(Encode(pack.Id)).Append("\" data-run-id=\"").Append(Encode(run.RunId))
            .Append("\" data-indicators=\"").Append(firstModel.Indicators.Count.ToString(CultureInfo.InvariantCulture)).Append("\">\n");
        LanguageSwitch.AppendSwitch(html, languages, first.Texts);
        foreach (var language in languages)
        {
            // Each language is the same page body; the ones not shown first prefix their ids ("es-chart-3"), so ids stay unique.
            var labels = language == languages[0] ? first : new ReportLabels(pack, language);
            var model = language == languages[0] ? firstModel : FindingsReportModel.From(pack, rows, labels);
            var body = new StringBuilder(capacity: 100_000);
            AppendHeader(body, pack, run, confidenceLabel, model, labels);
            foreach (var indicator in model.Indicators)
            {
                AppendIndicator(body, indicator, confidenceLabel, labels.Texts);
            }

            AppendNotes(body, pack, confidenceLabel, labels.Texts);
            var prefix = LanguageSwitch.IdPrefix(languages, language);
            html.Append(LanguageSwitch.MainStart(languages, language)).Append(LanguageSwitch.PrefixIds(body.ToString(), prefix))
                .Append("</main>\n<script type=\"application/json\" id=\"").Append(prefix).Append("findings-data\">")
                .Append(ChartData(model, confidenceLabel, labels))
                .Append("</script>\n");
        }

        html.Append("<script>\n").Append(_assets.ChartJs)
            .Append("\n</script>\n<script>\n").Append(_assets.ErrorBars)
            .Append("\n</script>\n<script>\n").Append(FindingsReportPage.Script)
            .Append("\n</script>\n<script>\n").Append(LanguageSwitch.Script)
            .Append("\n</script>\n</body>\n</html>\n");

        await using var writer = new StreamWriter(output, new UTF8Encoding(false), bufferSize: 1 << 16, leaveOpen: true);
        await writer.WriteAsync(html, cancellationToken).ConfigureAwait(false);
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void AppendHead(StringBuilder html, SurveyPack pack, ReportLabels labels)
    {
        html.Append("<!DOCTYPE html>\n<html lang=\"").Append(Encode(labels.Language)).Append("\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            // Nothing may be fetched: the page must read the same on a laptop without network.
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">\n")
            .Append("<title>").Append(Encode(labels.Texts.Format("findings.title", labels.SurveyTitle))).Append("</title>\n")
            .Append("<style>\n").Append(FindingsReportPage.Style).Append(LanguageSwitch.Style).Append("</style>\n</head>\n");
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
        html.Append("</dl>\n<div class=\"legend\">");
        foreach (var breakdown in model.Breakdowns)
        {
            html.Append("<span><span class=\"swatch\" style=\"background:").Append(Colors[breakdown.Order % Colors.Length]).Append("\"></span>")
                .Append(Encode(breakdown.Label)).Append("</span>");
        }

        html.Append("<span><span class=\"swatch\" style=\"background:").Append(PublishedColor).Append("\"></span>").Append(Encode(t["findings.legend.published"])).Append("</span>")
            .Append("<span><span class=\"swatch\" style=\"background:repeating-linear-gradient(45deg,#1b4965 0 2px,#fff 2px 5px);border:1px solid #1b4965\"></span>")
            .Append(Encode(t.Format("findings.legend.small_cell", pack.Manifest.Design.SmallCellThreshold))).Append("</span>")
            .Append("<span>").Append(Encode(t.Format("findings.legend.whiskers", confidenceLabel))).Append("</span>")
            .Append("<span>").Append(Encode(t["findings.legend.uncovered"])).Append("</span></div>\n");
    }

    private static void AppendIndicator(StringBuilder html, ReportIndicator indicator, string confidenceLabel, ReportTexts t)
    {
        var d = indicator.Definition;
        html.Append("<section class=\"indicator\" id=\"indicator-").Append(Encode(d.Id)).Append("\" data-indicator-id=\"").Append(Encode(d.Id)).Append("\">\n<h2>");
        var reference = string.Join(" · ", new[] { d.Reference, d.Question }.Where(s => !string.IsNullOrWhiteSpace(s)));
        if (reference.Length > 0)
        {
            html.Append("<span class=\"ref\">").Append(Encode(reference)).Append("</span>");
        }

        html.Append(Encode(indicator.Title)).Append("</h2>\n<p class=\"definition\">").Append(Html(t, "findings.indicator.definition", $"<code>{Encode(d.Id)}</code>", $"<code>{Encode(d.Record)}</code>"))
            .Append(' ').Append(Encode(indicator.Description)).Append("</p>\n");
        if (indicator.Cells.Count == 0)
        {
            html.Append("<p class=\"empty\">").Append(Encode(t["findings.indicator.empty"])).Append("</p>\n</section>\n");
            return;
        }

        html.Append("<div class=\"chart\"><canvas id=\"chart-").Append(indicator.Slot.ToString(CultureInfo.InvariantCulture))
            .Append("\" role=\"img\" aria-label=\"").Append(Encode(t.Format("findings.indicator.chart_label", indicator.Title, confidenceLabel))).Append("\"></canvas></div>\n")
            .Append("<table>\n<thead><tr>");
        foreach (var header in new[] { t["findings.table.cell"], t["findings.table.recomputed"], t.Format("findings.table.ci", confidenceLabel), t["findings.table.se"], t["findings.table.deff"], t["findings.table.n"], t["findings.table.published"], t["findings.table.difference"], t["findings.table.flags"] })
        {
            html.Append("<th>").Append(Encode(header)).Append("</th>");
        }

        html.Append("</tr></thead>\n<tbody>\n");
        var statistic = indicator.Statistic;
        foreach (var c in indicator.Cells)
        {
            var label = c.Breakdown.Id == FindingsReportModel.AllBreakdown ? c.Label : $"{c.Breakdown.Label}: {c.Label}";
            var difference = c.Estimate is { } e && c.Published is { } p ? Difference(statistic, e - p) : "–";
            html.Append("<tr data-cell-key=\"").Append(Encode(c.Key)).Append("\"><td>").Append(Encode(label)).Append("</td><td>").Append(Value(statistic, c.Estimate))
                .Append("</td><td>").Append(c.CiLow is null ? "–" : $"{Value(statistic, c.CiLow)}–{Value(statistic, c.CiHigh)}").Append("</td><td>")
                .Append(c.StandardError is { } se ? Spread(statistic, se) : "–")
                .Append("</td><td>").Append(c.DesignEffect is { } deff ? deff.ToString("0.00", CultureInfo.InvariantCulture) : "–")
                .Append("</td><td>").Append(c.Respondents.ToString("N0", CultureInfo.InvariantCulture)).Append("</td><td>").Append(Value(statistic, c.Published))
                .Append("</td><td>").Append(difference).Append("</td><td class=\"flags\">");
            foreach (var flag in c.Flags)
            {
                html.Append("<span class=\"flag ").Append(Encode(flag)).Append("\">").Append(Encode(flag)).Append("</span>");
            }

            html.Append("</td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n</section>\n");
    }

    private static void AppendNotes(StringBuilder html, SurveyPack pack, string confidenceLabel, ReportTexts t)
    {
        html.Append("<dl class=\"notes\">\n<dt>").Append(Encode(t["findings.notes.method"])).Append("</dt><dd>")
            .Append(t.Format("findings.notes.method_html", Encode(string.Join(" × ", pack.Manifest.Design.StratumItems)), confidenceLabel)).Append("</dd>\n");
        foreach (var flag in Flags)
        {
            html.Append("<dt><span class=\"flag ").Append(flag).Append("\">").Append(flag).Append("</span></dt><dd>")
                .Append(Encode(t.Format("findings.flag." + flag, pack.Manifest.Design.SmallCellThreshold))).Append("</dd>\n");
        }

        html.Append("</dl>\n");
    }

    /// <summary>The data island the page script reads; System.Text.Json escapes &lt; &gt; &amp;, so it cannot close the script element.</summary>
    private static string ChartData(FindingsReportModel model, string confidenceLabel, ReportLabels labels) => JsonSerializer.Serialize(
        new
        {
            confidenceLabel,
            // The chart's words in the page's language. Numbers read as in the tables (1,234.56, invariant) in every
            // language: Peru writes them so too (es-PE), and one page must not mix two number formats.
            locale = "en",
            texts = new
            {
                share = labels.Texts["findings.chart.share"],
                mean = labels.Texts["findings.chart.mean"],
                total = labels.Texts["findings.chart.total"],
                recomputed = labels.Texts.Format("findings.chart.recomputed", confidenceLabel),
                published = labels.Texts["findings.legend.published"],
                noValue = labels.Texts["findings.chart.no_value"],
            },
            colors = Colors,
            publishedColor = PublishedColor,
            indicators = model.Indicators.Select(i => new
            {
                slot = i.Slot,
                id = i.Definition.Id,
                statistic = i.Statistic.Name(),
                cells = i.Cells.Select(c => new
                {
                    key = c.Key,
                    label = c.Label,
                    group = c.Breakdown.Order,
                    estimate = c.Estimate,
                    ciLow = c.CiLow,
                    ciHigh = c.CiHigh,
                    n = c.Respondents,
                    published = c.Published,
                    small = c.IsSmall,
                    marks = Marks(c, labels.Texts),
                }),
            }),
        },
        Json);

    private static string Marks(ReportCell cell, ReportTexts t)
    {
        var marks = new List<string>();
        if (cell.Estimate is null)
        {
            marks.Add(t["findings.mark.no_data"]);
        }

        if (cell.IsSmall)
        {
            marks.Add(t["findings.mark.small_cell"]);
        }

        if (cell.Flags.Contains(ReportCell.UncoveredStrata))
        {
            marks.Add("†");
        }

        return string.Join(" ", marks);
    }

    private static void Fact(StringBuilder html, string term, string value, bool encoded = false) =>
        html.Append("<dt>").Append(Encode(term)).Append("</dt><dd>").Append(encoded ? value : Encode(value)).Append("</dd>\n");

    /// <summary>A proportion as a percentage; a mean with two decimals; a total as a whole number with thousands separators.</summary>
    private static string Value(IndicatorStatistic statistic, double? v) => v is not { } x ? "–" : statistic switch
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

    /// <summary>A catalogue text with HTML arguments: the text is encoded, the arguments (already markup) are not.</summary>
    private static string Html(ReportTexts t, string key, params object?[] args) =>
        string.Format(CultureInfo.InvariantCulture, Encode(t[key]), args);

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] : hash;

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
