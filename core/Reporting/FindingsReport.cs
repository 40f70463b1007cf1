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

    private static readonly Dictionary<string, string> FlagMeaning = new(StringComparer.Ordinal)
    {
        [ReportCell.SmallCell] = "fewer respondents in the denominator than the pack's small-cell threshold ({0}): read with caution.",
        [ReportCell.UncoveredStrata] = "the cell could include strata that have a universe but no sample; the estimate covers the sampled strata only (see the coverage note).",
        [StratifiedRatio.FlagSingleCaseStratum] = "a stratum has a single case in this cell; it adds no variance, so the interval may be too narrow.",
        [StratifiedRatio.FlagDegenerateCi] = "the estimate has no variance (a mean or a total of equal values): the interval is not defined.",
        [StratifiedRatio.FlagNoData] = "nobody in the denominator: no estimate.",
    };

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
        foreach (var indicator in model.Indicators)
        {
            AppendIndicator(html, indicator, confidenceLabel);
        }

        AppendNotes(html, pack, confidenceLabel);
        html.Append("</main>\n<script type=\"application/json\" id=\"findings-data\">")
            .Append(ChartData(model, confidenceLabel))
            .Append("</script>\n<script>\n").Append(_assets.ChartJs)
            .Append("\n</script>\n<script>\n").Append(_assets.ErrorBars)
            .Append("\n</script>\n<script>\n").Append(FindingsReportPage.Script)
            .Append("\n</script>\n</body>\n</html>\n");

        await using var writer = new StreamWriter(output, new UTF8Encoding(false), bufferSize: 1 << 16, leaveOpen: true);
        await writer.WriteAsync(html, cancellationToken).ConfigureAwait(false);
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void AppendHead(StringBuilder html, SurveyPack pack)
    {
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            // Nothing may be fetched: the page must read the same on a laptop without network.
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">\n")
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
        html.Append("</dl>\n<div class=\"legend\">");
        foreach (var breakdown in model.Breakdowns)
        {
            html.Append("<span><span class=\"swatch\" style=\"background:").Append(Colors[breakdown.Order % Colors.Length]).Append("\"></span>")
                .Append(Encode(breakdown.Label)).Append("</span>");
        }

        html.Append("<span><span class=\"swatch\" style=\"background:").Append(PublishedColor).Append("\"></span>Published in the report</span>")
            .Append("<span><span class=\"swatch\" style=\"background:repeating-linear-gradient(45deg,#1b4965 0 2px,#fff 2px 5px);border:1px solid #1b4965\"></span>Small cell (n &lt; ")
            .Append(pack.Manifest.Design.SmallCellThreshold.ToString(CultureInfo.InvariantCulture)).Append(")</span>")
            .Append("<span>Whiskers: ").Append(confidenceLabel).Append(" confidence interval</span>")
            .Append("<span>† uncovered strata</span></div>\n");
    }

    private static void AppendIndicator(StringBuilder html, ReportIndicator indicator, string confidenceLabel)
    {
        var d = indicator.Definition;
        html.Append("<section class=\"indicator\" id=\"indicator-").Append(Encode(d.Id)).Append("\" data-indicator-id=\"").Append(Encode(d.Id)).Append("\">\n<h2>");
        var reference = string.Join(" · ", new[] { d.Reference, d.Question }.Where(s => !string.IsNullOrWhiteSpace(s)));
        if (reference.Length > 0)
        {
            html.Append("<span class=\"ref\">").Append(Encode(reference)).Append("</span>");
        }

        html.Append(Encode(d.Title)).Append("</h2>\n<p class=\"definition\">Indicator <code>").Append(Encode(d.Id)).Append("</code>, record <code>")
            .Append(Encode(d.Record)).Append("</code>. ").Append(Encode(indicator.Description)).Append("</p>\n");
        if (indicator.Cells.Count == 0)
        {
            html.Append("<p class=\"empty\">This run has no result for this indicator.</p>\n</section>\n");
            return;
        }

        html.Append("<div class=\"chart\"><canvas id=\"chart-").Append(indicator.Slot.ToString(CultureInfo.InvariantCulture))
            .Append("\" role=\"img\" aria-label=\"").Append(Encode($"Bar chart of {d.Title} by cell, with {confidenceLabel} confidence intervals")).Append("\"></canvas></div>\n")
            .Append("<table>\n<thead><tr><th>Cell</th><th>Recomputed</th><th>").Append(confidenceLabel).Append(" CI</th><th>Std. error</th><th>Deff</th><th>n</th><th>Published</th><th>Difference</th><th>Flags</th></tr></thead>\n<tbody>\n");
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

    private static void AppendNotes(StringBuilder html, SurveyPack pack, string confidenceLabel)
    {
        html.Append("<dl class=\"notes\">\n<dt>Method</dt><dd>Each case weighs N<sub>h</sub>/n<sub>h</sub> in its stratum (")
            .Append(Encode(string.Join(" × ", pack.Manifest.Design.StratumItems)))
            .Append("). Proportions and means are ratio estimates, totals weighted sums; standard errors by Taylor linearisation with the finite population correction; ")
            .Append(confidenceLabel).Append(" intervals on the logit scale for proportions, estimate ± t·SE for means and totals. Breakdown cells are domains of the full design. ")
            .Append("Deff: the design effect, the variance under this design over the variance under simple random sampling of as many respondents.</dd>\n");
        foreach (var (flag, meaning) in FlagMeaning)
        {
            html.Append("<dt><span class=\"flag ").Append(flag).Append("\">").Append(flag).Append("</span></dt><dd>")
                .Append(Encode(string.Format(CultureInfo.InvariantCulture, meaning, pack.Manifest.Design.SmallCellThreshold))).Append("</dd>\n");
        }

        html.Append("</dl>\n");
    }

    /// <summary>The data island the page script reads; System.Text.Json escapes &lt; &gt; &amp;, so it cannot close the script element.</summary>
    private static string ChartData(FindingsReportModel model, string confidenceLabel) => JsonSerializer.Serialize(
        new
        {
            confidenceLabel,
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
                    marks = Marks(c),
                }),
            }),
        },
        Json);

    private static string Marks(ReportCell cell)
    {
        var marks = new List<string>();
        if (cell.Estimate is null)
        {
            marks.Add("no data");
        }

        if (cell.IsSmall)
        {
            marks.Add("small cell");
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

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] : hash;

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
