using System.Globalization;
using System.Net;
using System.Text;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Core.Quality;

namespace Pipeline.Core.Reporting;

/// <summary>
/// The per-upload data-quality report a field team can act on the same day: one self-contained HTML page (no scripts,
/// no network) with the row accounting, issue counts by rule, the issues, the enumerator table, the "other (specify)"
/// answers to recode, and frequency tables. Personal items never appear: values of personal items are masked in issues
/// and surveyors are shown by pseudonym.
/// </summary>
public static class QualityReportPage
{
    public static async Task WriteAsync(Stream output, SurveyPack pack, UploadRecord upload, QualityStats stats, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentNullException.ThrowIfNull(upload);
        ArgumentNullException.ThrowIfNull(stats);
        var html = new StringBuilder();
        var ruleText = pack.Rules.Rules.ToDictionary(r => r.Id, r => r.Description, StringComparer.Ordinal);
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Data quality — ").Append(E(upload.BlobPath)).Append("</title><style>")
            .Append("body{font-family:system-ui,Segoe UI,Arial,sans-serif;margin:2rem;color:#222;max-width:1200px}h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:2px solid #2b6cb0;padding-bottom:.2rem}")
            .Append("table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#edf2f7}")
            .Append("td.n{text-align:right}.error{color:#b00020;font-weight:600}.warning{color:#975a16;font-weight:600}.ok{color:#2f855a;font-weight:600}.marginals{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start}.note{color:#555;font-size:.85rem}")
            .Append(PhoneLayout)
            .Append("</style><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head><body>");
        html.Append("<h1>Data quality report</h1><table>")
            .Append(Row("Survey", pack.Manifest.Title)).Append(Row("Upload", upload.BlobPath)).Append(Row("Upload id", upload.UploadId))
            .Append(Row("Format", upload.Format)).Append(Row("Text encoding", stats.TextEncoding ?? (upload.SizeBytes == 0 || upload.Format == "empty" ? "none (no data)" : "binary format"))).Append(Row("Size", $"{upload.SizeBytes:N0} bytes")).Append(Row("SHA-256", upload.ContentSha256))
            .Append(Row("Received (UTC)", upload.ReceivedUtc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))).Append("</table>");

        Section(html, "Rows", "Every row read is either curated or sent to quarantine with its reasons.");
        html.Append("<table id=\"accounting\"><tr><th>Record</th><th>Read</th><th>Curated</th><th>Rejected</th></tr>");
        foreach (var c in stats.Counts.Values.OrderBy(c => c.Record, StringComparer.Ordinal))
        {
            html.Append("<tr><td>").Append(E(c.Record)).Append("</td>").Append(N(c.Read)).Append(N(c.Curated)).Append(N(c.Rejected)).Append("</tr>");
        }

        html.Append("</table>");
        if (upload.RowsRead == 0)
        {
            html.Append("<p class=\"warning\" id=\"no-cases\">This upload holds no case: ")
                .Append(upload.DeletedCases > 0 || upload.ErasedLines > 0 ? "every case in it is deleted" : "the export is empty")
                .Append(". Nothing was added to the survey's data. If cases were expected, check that the right file was exported.</p>");
        }

        if (upload.DeletedCases > 0)
        {
            html.Append("<p class=\"note\" id=\"deleted\">").Append(upload.DeletedCases.ToString("N0", CultureInfo.InvariantCulture))
                .Append(upload.DeletedCases == 1 ? " case is" : " cases are").Append(" marked deleted in the CSPro DB file: not read (CSPro does not read deleted cases either) and not counted above.</p>");
        }

        if (upload.ErasedLines > 0)
        {
            html.Append("<p class=\"note\" id=\"erased\">").Append(upload.ErasedLines.ToString("N0", CultureInfo.InvariantCulture))
                .Append(upload.ErasedLines == 1 ? " line is" : " lines are").Append(" erased with '~' in the CSPro data file (deleted records): skipped, as CSPro skips them, and not counted above.</p>");
        }

        Section(html, "Cleaning", "What each cleaning step of the pack (cleaning.yaml) changed or computed. Values set to null keep their code and reason in the row's _nulled column.");
        html.Append("<table id=\"cleaning\"><tr><th>Step</th><th>Values</th></tr>");
        foreach (var (step, count) in stats.CleaningSteps)
        {
            html.Append("<tr><td>").Append(E(step)).Append("</td>").Append(N(count)).Append("</tr>");
        }

        html.Append("</table>");

        Section(html, "Issues by rule", "An error sends the whole case (all its records) to quarantine; a warning keeps it and lists the rule in the row's _warnings column.");
        if (stats.IssuesByRule.Count == 0)
        {
            html.Append("<p class=\"ok\">No issue found.</p>");
        }
        else
        {
            html.Append("<table id=\"rules\"><tr><th>Rule</th><th>Severity</th><th>Rows</th><th>What it checks</th></tr>");
            foreach (var ((rule, severity), count) in stats.IssuesByRule.OrderByDescending(x => x.Key.Severity).ThenByDescending(x => x.Value))
            {
                html.Append("<tr><td>").Append(E(rule)).Append("</td><td class=\"").Append(Sev(severity)).Append("\">").Append(Sev(severity)).Append("</td>").Append(N(count))
                    .Append("<td>").Append(E(ruleText.GetValueOrDefault(rule, Builtin(rule)))).Append("</td></tr>");
            }

            html.Append("</table>");
        }

        Section(html, "Issues", stats.FirstIssues.Count < QualityStats.MaxListedIssues ? "All issues." : $"The first {QualityStats.MaxListedIssues}; the full list is issues.parquet next to this report.");
        html.Append("<table id=\"issues\"><tr><th>Row</th><th>Case</th><th>Record</th><th>Item</th><th>Value</th><th>Rule</th><th>Severity</th><th>Message</th></tr>");
        foreach (var i in stats.FirstIssues)
        {
            html.Append("<tr>").Append(N(i.Row)).Append("<td>").Append(E(i.CaseKey)).Append("</td><td>").Append(E(i.Record)).Append("</td><td>").Append(E(i.Item))
                .Append("</td><td>").Append(E(i.Value)).Append("</td><td>").Append(E(i.Rule)).Append("</td><td class=\"").Append(Sev(i.Severity)).Append("\">").Append(Sev(i.Severity))
                .Append("</td><td>").Append(E(i.Message)).Append("</td></tr>");
        }

        html.Append("</table>");

        Section(html, "Enumerators", "Surveyors are shown by pseudonym. Duration from the interview's start and end times; don't-know share over coded answers.");
        html.Append("<table id=\"enumerators\"><tr><th>Surveyor</th><th>Interviews</th><th>Median duration (min)</th><th>Don't know</th><th>Cases with errors</th></tr>");
        foreach (var (id, s) in stats.Enumerators)
        {
            html.Append("<tr><td>").Append(E(id)).Append("</td>").Append(N(s.Interviews))
                .Append("<td class=\"n\">").Append(s.MedianDuration is { } m ? m.ToString("0", CultureInfo.InvariantCulture) : "–").Append("</td>")
                .Append("<td class=\"n\">").Append(EnumeratorStats.Share(s.DontKnow, s.Answers)).Append("</td><td class=\"n\">").Append(EnumeratorStats.Share(s.CasesWithErrors, s.Interviews)).Append("</td></tr>");
        }

        html.Append("</table>");

        Section(html, "\"Other (specify)\" answers to recode", $"{stats.OtherSpecifyTotal} answers" + (stats.OtherSpecifyTotal > stats.OtherSpecify.Count ? $"; the first {stats.OtherSpecify.Count} are listed." : "."));
        html.Append("<table id=\"specify\"><tr><th>Case</th><th>Item</th><th>Text</th></tr>");
        foreach (var (caseKey, item, text) in stats.OtherSpecify)
        {
            html.Append("<tr><td>").Append(E(caseKey)).Append("</td><td>").Append(E(item)).Append("</td><td>").Append(E(text)).Append("</td></tr>");
        }

        html.Append("</table>");

        Section(html, "Frequencies", "Curated rows; items with small value sets.");
        html.Append("<div class=\"marginals\" id=\"marginals\">");
        foreach (var (key, table) in stats.Marginals)
        {
            var item = pack.Dictionary.FindItem(key[(key.IndexOf('.', StringComparison.Ordinal) + 1)..]);
            var total = table.Values.Sum();
            html.Append("<table><tr><th colspan=\"3\">").Append(E(key)).Append("<br><span class=\"note\">").Append(E(item?.Label ?? string.Empty)).Append("</span></th></tr>");
            foreach (var (code, count) in table)
            {
                html.Append("<tr><td>").Append(code.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(E(item?.PrimaryValueSet?.LabelOf(code) ?? string.Empty)).Append("</td>")
                    .Append(N(count)).Append("<td class=\"n\">").Append((100.0 * count / total).ToString("0.0", CultureInfo.InvariantCulture)).Append("%</td></tr>");
            }

            html.Append("</table>");
        }

        html.Append("</div></body></html>");
        var bytes = Encoding.UTF8.GetBytes(html.ToString());
        await output.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Layout only: a wide table scrolls inside its own box instead of widening the page, long unbroken values (upload
    /// path, SHA-256, messages) wrap, and a phone gets narrower margins. The page never scrolls sideways and no text runs
    /// over other text at 390 or 1366 px (checked by QualityReportTests in headless Chromium).
    /// </summary>
    private const string PhoneLayout =
        "html{-webkit-text-size-adjust:100%;text-size-adjust:100%}body{overflow-wrap:break-word}"
        + "table{display:block;max-width:100%;overflow-x:auto}h1+table td{overflow-wrap:anywhere;min-width:8em}"
        + "#issues td:last-child,#specify td:last-child,#rules td:last-child{min-width:14em}"
        + ".marginals>table{flex:0 1 auto}"
        + "@media (max-width:640px){body{margin:1rem}h1{font-size:1.3rem}table{font-size:.8rem}}";

    private static void Section(StringBuilder html, string title, string note) =>
        html.Append("<h2>").Append(E(title)).Append("</h2><p class=\"note\">").Append(E(note)).Append("</p>");

    private static string Row(string name, string value) => $"<tr><th>{E(name)}</th><td>{E(value)}</td></tr>";

    private static string N(long n) => $"<td class=\"n\">{n.ToString("N0", CultureInfo.InvariantCulture)}</td>";

    private static string Sev(IssueSeverity s) => s == IssueSeverity.Error ? "error" : "warning";

    private static string E(string s) => WebUtility.HtmlEncode(s);

    private static string Builtin(string rule) => rule switch
    {
        Rules.NotANumber => "a numeric item holds text (or decimals it has none of)",
        Rules.OutOfValueSet => "a code outside the item's value set",
        Rules.TooLong => "a value longer than the item",
        Rules.MissingId => "a blank ID item",
        Rules.DuplicateCase => "the same case (or unit) twice for a single record",
        Rules.FieldCount => "a row with the wrong number of fields, or an unknown record type",
        Rules.OrphanRecord => "rows of a case whose required case record (the level-1 record with the case ID) is missing",
        Rules.MissingRecord => "a case without a record the dictionary requires",
        _ => string.Empty,
    };
}
