using System.Globalization;
using System.Net;
using System.Text;
using Pipeline.Core.Dictionary;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Core.Quality;

namespace Pipeline.Core.Reporting;

/// <summary>
/// The per-upload data-quality report a field team can act on the same day: one self-contained HTML page (no network;
/// the one script is the language switch) with the row accounting, issue counts by rule, the issues, the enumerator table, the "other (specify)"
/// answers to recode, and frequency tables. Personal items never appear: values of personal items are masked in issues
/// and surveyors are shown by pseudonym. In the pack's language (<see cref="SurveyPack.Language"/>), with the dictionary's
/// other languages behind a switch (<see cref="LanguageSwitch"/>: the page's only script; without it, the pack's language shows).
/// </summary>
public static class QualityReportPage
{
    public static async Task WriteAsync(Stream output, SurveyPack pack, UploadRecord upload, QualityStats stats, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentNullException.ThrowIfNull(upload);
        ArgumentNullException.ThrowIfNull(stats);
        var html = new StringBuilder();
        var languages = LanguageSwitch.Order(pack);
        var first = ReportTexts.For(languages[0]);
        html.Append("<!DOCTYPE html><html lang=\"").Append(E(languages[0])).Append("\"><head><meta charset=\"utf-8\"><title>").Append(E(first.Format("quality.title", upload.BlobPath))).Append("</title><style>")
            .Append("body{font-family:system-ui,Segoe UI,Arial,sans-serif;margin:2rem;color:#222;max-width:1200px}h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:2px solid #2b6cb0;padding-bottom:.2rem}")
            .Append("table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#edf2f7}")
            .Append("td.n{text-align:right}.error{color:#b00020;font-weight:600}.warning{color:#975a16;font-weight:600}.ok{color:#2f855a;font-weight:600}.marginals{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start}.note{color:#555;font-size:.85rem}")
            .Append(LanguageSwitch.Style.ReplaceLineEndings(string.Empty))
            .Append(PhoneLayout)
            .Append("</style><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head><body>");
        LanguageSwitch.AppendSwitch(html, languages, first);
        foreach (var language in languages)
        {
            var body = new StringBuilder();
            AppendBody(body, pack, upload, stats, ReportTexts.For(language), pack.Dictionary.LanguageIndex(language));
            html.Append(LanguageSwitch.MainStart(languages, language)).Append(LanguageSwitch.PrefixIds(body.ToString(), LanguageSwitch.IdPrefix(languages, language))).Append("</main>");
        }

        if (languages.Count > 1)
        {
            html.Append("<script>").Append(LanguageSwitch.Script).Append("</script>");
        }

        html.Append("</body></html>");
        var bytes = Encoding.UTF8.GetBytes(html.ToString());
        await output.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
    }

    private static void AppendBody(StringBuilder html, SurveyPack pack, UploadRecord upload, QualityStats stats, ReportTexts t, int language)
    {
        var ruleText = pack.Rules.Rules.ToDictionary(r => r.Id, r => r.Description, StringComparer.Ordinal);
        html.Append("<h1>").Append(E(t["quality.heading"])).Append("</h1><table>")
            .Append(Row(t["quality.fact.survey"], pack.TitleIn(t.Language))).Append(Row(t["quality.fact.upload"], upload.BlobPath)).Append(Row(t["quality.fact.upload_id"], upload.UploadId))
            .Append(Row(t["quality.fact.format"], upload.Format)).Append(Row(t["quality.fact.encoding"], stats.TextEncoding ?? (upload.SizeBytes == 0 || upload.Format == "empty" ? t["quality.fact.encoding_none"] : t["quality.fact.encoding_binary"])))
            .Append(Row(t["quality.fact.size"], t.Format("quality.fact.size_value", upload.SizeBytes.ToString("N0", CultureInfo.InvariantCulture)))).Append(Row("SHA-256", upload.ContentSha256))
            .Append(Row(t["quality.fact.received"], upload.ReceivedUtc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))).Append("</table>");

        Section(html, t["quality.rows.title"], t["quality.rows.note"]);
        html.Append("<table id=\"accounting\">").Append(Headers(t, "quality.rows.record", "quality.rows.read", "quality.rows.curated", "quality.rows.rejected"));
        foreach (var c in stats.Counts.Values.OrderBy(c => c.Record, StringComparer.Ordinal))
        {
            html.Append("<tr><td>").Append(E(c.Record)).Append("</td>").Append(N(c.Read)).Append(N(c.Curated)).Append(N(c.Rejected)).Append("</tr>");
        }

        html.Append("</table>");
        if (upload.RowsRead == 0)
        {
            // The catalogue's own sentences with numbers in them: markup-free, written as they are (as before the catalogue).
            html.Append("<p class=\"warning\" id=\"no-cases\">")
                .Append(t.Format("quality.no_cases", t[upload.DeletedCases > 0 || upload.ErasedLines > 0 ? "quality.no_cases.deleted" : "quality.no_cases.empty"])).Append("</p>");
        }

        if (upload.DeletedCases > 0)
        {
            html.Append("<p class=\"note\" id=\"deleted\">")
                .Append(t.Format(upload.DeletedCases == 1 ? "quality.deleted.one" : "quality.deleted.many", upload.DeletedCases.ToString("N0", CultureInfo.InvariantCulture))).Append("</p>");
        }

        if (upload.ErasedLines > 0)
        {
            html.Append("<p class=\"note\" id=\"erased\">")
                .Append(t.Format(upload.ErasedLines == 1 ? "quality.erased.one" : "quality.erased.many", upload.ErasedLines.ToString("N0", CultureInfo.InvariantCulture))).Append("</p>");
        }

        Section(html, t["quality.cleaning.title"], t["quality.cleaning.note"]);
        html.Append("<table id=\"cleaning\">").Append(Headers(t, "quality.cleaning.step", "quality.cleaning.values"));
        foreach (var (step, count) in stats.CleaningSteps)
        {
            html.Append("<tr><td>").Append(E(step)).Append("</td>").Append(N(count)).Append("</tr>");
        }

        html.Append("</table>");

        Section(html, t["quality.rules.title"], t["quality.rules.note"]);
        if (stats.IssuesByRule.Count == 0)
        {
            html.Append("<p class=\"ok\">").Append(E(t["quality.rules.none"])).Append("</p>");
        }
        else
        {
            html.Append("<table id=\"rules\">").Append(Headers(t, "quality.rules.rule", "quality.rules.severity", "quality.rules.rows", "quality.rules.checks"));
            foreach (var ((rule, severity), count) in stats.IssuesByRule.OrderByDescending(x => x.Key.Severity).ThenByDescending(x => x.Value))
            {
                html.Append("<tr><td>").Append(E(rule)).Append("</td><td class=\"").Append(Sev(severity)).Append("\">").Append(E(SevText(t, severity))).Append("</td>").Append(N(count))
                    .Append("<td>").Append(E(ruleText.GetValueOrDefault(rule, Builtin(t, rule)))).Append("</td></tr>");
            }

            html.Append("</table>");
        }

        Section(html, t["quality.issues.title"], stats.FirstIssues.Count < QualityStats.MaxListedIssues ? t["quality.issues.all"] : t.Format("quality.issues.first", QualityStats.MaxListedIssues));
        html.Append("<table id=\"issues\">").Append(Headers(t, "quality.issues.row", "quality.issues.case", "quality.issues.record", "quality.issues.item", "quality.issues.value", "quality.issues.rule", "quality.issues.severity", "quality.issues.message"));
        foreach (var i in stats.FirstIssues)
        {
            html.Append("<tr>").Append(N(i.Row)).Append("<td>").Append(E(i.CaseKey)).Append("</td><td>").Append(E(i.Record)).Append("</td><td>").Append(E(i.Item))
                .Append("</td><td>").Append(E(i.Value)).Append("</td><td>").Append(E(i.Rule)).Append("</td><td class=\"").Append(Sev(i.Severity)).Append("\">").Append(E(SevText(t, i.Severity)))
                .Append("</td><td>").Append(E(i.Message)).Append("</td></tr>");
        }

        html.Append("</table>");

        Section(html, t["quality.enumerators.title"], t["quality.enumerators.note"]);
        html.Append("<table id=\"enumerators\">").Append(Headers(t, "quality.enumerators.surveyor", "quality.enumerators.interviews", "quality.enumerators.duration", "quality.enumerators.dont_know", "quality.enumerators.errors"));
        foreach (var (id, s) in stats.Enumerators)
        {
            html.Append("<tr><td>").Append(E(id)).Append("</td>").Append(N(s.Interviews))
                .Append("<td class=\"n\">").Append(s.MedianDuration is { } m ? m.ToString("0", CultureInfo.InvariantCulture) : "–").Append("</td>")
                .Append("<td class=\"n\">").Append(EnumeratorStats.Share(s.DontKnow, s.Answers)).Append("</td><td class=\"n\">").Append(EnumeratorStats.Share(s.CasesWithErrors, s.Interviews)).Append("</td></tr>");
        }

        html.Append("</table>");

        Section(html, t["quality.specify.title"], stats.OtherSpecifyTotal > stats.OtherSpecify.Count
            ? t.Format("quality.specify.count_first", stats.OtherSpecifyTotal, stats.OtherSpecify.Count)
            : t.Format("quality.specify.count", stats.OtherSpecifyTotal));
        html.Append("<table id=\"specify\">").Append(Headers(t, "quality.specify.case", "quality.specify.item", "quality.specify.text"));
        foreach (var (caseKey, item, text) in stats.OtherSpecify)
        {
            html.Append("<tr><td>").Append(E(caseKey)).Append("</td><td>").Append(E(item)).Append("</td><td>").Append(E(text)).Append("</td></tr>");
        }

        html.Append("</table>");

        Section(html, t["quality.frequencies.title"], t["quality.frequencies.note"]);
        html.Append("<div class=\"marginals\" id=\"marginals\">");
        foreach (var (key, table) in stats.Marginals)
        {
            var item = pack.Dictionary.FindItem(key[(key.IndexOf('.', StringComparison.Ordinal) + 1)..]);
            var total = table.Values.Sum();
            html.Append("<table><tr><th colspan=\"3\">").Append(E(key)).Append("<br><span class=\"note\">").Append(E(item?.LabelIn(language) ?? string.Empty)).Append("</span></th></tr>");
            foreach (var (code, count) in table)
            {
                html.Append("<tr><td>").Append(code.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(E(item?.PrimaryValueSet?.Values.FirstOrDefault(v => v.ContainsNumber(code))?.LabelIn(language) ?? string.Empty)).Append("</td>")
                    .Append(N(count)).Append("<td class=\"n\">").Append((100.0 * count / total).ToString("0.0", CultureInfo.InvariantCulture)).Append("%</td></tr>");
            }

            html.Append("</table>");
        }

        html.Append("</div>");
    }

    /// <summary>
    /// Layout only: a wide table scrolls inside its own box instead of widening the page, long unbroken values (upload
    /// path, SHA-256, messages) wrap, and a phone gets narrower margins. The page never scrolls sideways and no text runs
    /// over other text at 390 or 1366 px (checked by QualityReportTests in headless Chromium).
    /// </summary>
    private const string PhoneLayout =
        "html{-webkit-text-size-adjust:100%;text-size-adjust:100%}body{overflow-wrap:break-word}"
        + "table{display:block;max-width:100%;overflow-x:auto}h1+table td{overflow-wrap:anywhere;min-width:8em}"
        + "[id$=issues] td:last-child,[id$=specify] td:last-child,[id$=rules] td:last-child{min-width:14em}"
        + ".marginals>table{flex:0 1 auto}"
        + "@media (max-width:640px){body{margin:1rem}h1{font-size:1.3rem}table{font-size:.8rem}}";

    private static string Headers(ReportTexts t, params string[] keys) =>
        "<tr>" + string.Concat(keys.Select(k => $"<th>{E(t[k])}</th>")) + "</tr>";

    private static string SevText(ReportTexts t, IssueSeverity s) => t[s == IssueSeverity.Error ? "quality.severity.error" : "quality.severity.warning"];

    private static void Section(StringBuilder html, string title, string note) =>
        html.Append("<h2>").Append(E(title)).Append("</h2><p class=\"note\">").Append(E(note)).Append("</p>");

    private static string Row(string name, string value) => $"<tr><th>{E(name)}</th><td>{E(value)}</td></tr>";

    private static string N(long n) => $"<td class=\"n\">{n.ToString("N0", CultureInfo.InvariantCulture)}</td>";

    private static string Sev(IssueSeverity s) => s == IssueSeverity.Error ? "error" : "warning";

    private static string E(string s) => WebUtility.HtmlEncode(s);

    /// <summary>What a built-in rule checks, from the text catalogue (<c>quality.builtin.&lt;rule&gt;</c>); empty for another rule.</summary>
    private static string Builtin(ReportTexts t, string rule) => BuiltinRules.TryGetValue(rule, out var key) ? t["quality.builtin." + key] : string.Empty;

    private static readonly Dictionary<string, string> BuiltinRules = new(StringComparer.Ordinal)
    {
        [Rules.NotANumber] = "not-a-number",
        [Rules.OutOfValueSet] = "out-of-value-set",
        [Rules.InvalidDate] = "invalid-date",
        [Rules.TooLong] = "too-long",
        [Rules.MissingId] = "missing-id",
        [Rules.DuplicateCase] = "duplicate-case",
        [Rules.FieldCount] = "field-count",
        [Rules.OrphanRecord] = "orphan-record",
        [Rules.MissingRecord] = "missing-record",
    };
}
