using System.Globalization;
using System.Text;
using Pipeline.Core.Findings;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;

namespace Pipeline.Core.Reporting;

/// <summary>
/// The findings of a run for people without Power BI: the fact table (the same columns and numbers as
/// <c>fact_findings.parquet</c>) joined with the indicator titles and the breakdown and cell labels, as CSV or as an
/// Excel workbook. A value the Parquet holds as null (no estimate, no published value) is an empty cell. Pure: no
/// storage access; the output stream stays open. Headers, titles and labels are in the pack's language
/// (<see cref="SurveyPack.Language"/>): column names from the text catalogue (<see cref="ReportTexts"/>, e.g.
/// <c>titulo_indicador</c> in Spanish; the English names are the Parquet's), labels from the dictionary and the
/// catalogues. Codes stay codes in every language: <c>statistic</c>, <c>cell_key</c>, <c>flags</c>.
/// </summary>
public static class FindingsExport
{
    /// <summary>Column names, in order. The fact table's columns keep their Parquet names.</summary>
    public static IReadOnlyList<string> Columns { get; } =
    [
        "run_id", "indicator_id", "indicator_title", "question", "reference", "statistic", "breakdown_id", "breakdown_label", "cell_key", "cell_code", "cell_label",
        "estimate", "standard_error", "ci_low", "ci_high", "deff", "weighted_numerator", "weighted_denominator", "unweighted_n", "degrees_of_freedom", "published", "flags",
    ];

    /// <summary>The column names in <paramref name="language"/> (the text catalogue's <c>export.column.*</c>), in the order of <see cref="Columns"/>.</summary>
    public static IReadOnlyList<string> ColumnsIn(string language) => Translate(Columns, ReportTexts.For(language));

    /// <summary>The comparison table's columns (<c>comparison.parquet</c>, <see cref="FindingsComparison"/>), in order.</summary>
    public static IReadOnlyList<string> ComparisonColumns { get; } = FindingsTables.ComparisonColumns.Select(c => c.Name).ToList();

    /// <summary>
    /// RFC 4180 CSV, UTF-8 with a byte-order mark (so Excel reads accents right), comma-separated, invariant culture;
    /// reals in round-trip form, so parsing them gives back the Parquet's doubles exactly.
    /// </summary>
    public static Task WriteCsvAsync(SurveyPack pack, FindingsRunRecord run, IReadOnlyList<FindingRow> rows, Stream output, CancellationToken cancellationToken = default) =>
        WriteCsvAsync(ColumnsIn(LanguageOf(pack)), Rows(pack, run, rows), output, cancellationToken);

    /// <summary>
    /// The comparison table (one row per published figure value: published, recomputed estimate, interval, n, whether
    /// the published value is inside the interval, difference) as CSV, formatted as <see cref="WriteCsvAsync(SurveyPack, FindingsRunRecord, IReadOnlyList{FindingRow}, Stream, CancellationToken)"/>.
    /// </summary>
    public static Task WriteComparisonCsvAsync(SurveyPack pack, FindingsRunRecord run, IReadOnlyList<FindingRow> rows, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        var labels = new ReportLabels(pack, LanguageOf(pack));
        var indicators = pack.Indicators.Indicators.ToDictionary(i => i.Id, StringComparer.OrdinalIgnoreCase);
        var byKey = rows.ToLookup(r => (r.IndicatorId, r.CellKey));
        return WriteCsvAsync(Translate(ComparisonColumns, labels.Texts), FindingsComparison.Rows(pack, rows).Select(c => new object?[]
        {
            run.RunId, c.IndicatorId, indicators.TryGetValue(c.IndicatorId, out var i) ? labels.Title(i) : c.Title, c.Reference, c.Source, c.Statistic.Name(), c.BreakdownId, c.CellKey,
            byKey[(c.IndicatorId, c.CellKey)].FirstOrDefault() is { } row ? labels.Cell(row) : c.CellLabel, c.Published,
            Real(c.Estimate), Real(c.StandardError), Real(c.CiLow), Real(c.CiHigh), c.UnweightedN, c.PublishedInCi is { } inside ? labels.Texts[inside ? "export.yes" : "export.no"] : null,
            Real(c.Difference), string.Join(',', c.Flags),
        }), output, cancellationToken);
    }

    private static async Task WriteCsvAsync(IReadOnlyList<string> columns, IEnumerable<object?[]> rows, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), bufferSize: 1 << 16, leaveOpen: true) { NewLine = "\r\n" };
        await writer.WriteLineAsync(string.Join(',', columns.Select(Quote))).ConfigureAwait(false);
        foreach (var row in rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await writer.WriteLineAsync(string.Join(',', row.Select(Format))).ConfigureAwait(false);
        }

        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// An .xlsx workbook: sheet "findings" (the joined fact table, header row frozen, filter on), sheet "run" (the run's
    /// date and inputs) and sheet "about" (what the columns mean). Numbers are stored as the Parquet's doubles;
    /// proportions are shown as percentages, means and totals as plain numbers.
    /// </summary>
    public static async Task WriteXlsxAsync(SurveyPack pack, FindingsRunRecord run, IReadOnlyList<FindingRow> rows, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentNullException.ThrowIfNull(run);
        var texts = ReportTexts.For(LanguageOf(pack));
        var percent = new HashSet<string>(["estimate", "standard_error", "ci_low", "ci_high", "published"], StringComparer.Ordinal);
        var statistic = IndexOf("statistic");
        // Lazy: the workbook enumerates the rows twice (column widths, then cells) and never holds them all.
        var table = Rows(pack, run, rows);
        var findings = new XlsxSheet(texts["export.sheet.findings"], ColumnsIn(texts.Language), Columns.Select(c => percent.Contains(c) ? XlsxFormat.Percent : XlsxFormat.General).ToArray(), table)
        {
            // A mean or a total in hectares or soles is no percentage: only proportions' rows keep the percent format.
            CellFormat = (row, column) => percent.Contains(Columns[column]) && !Equals(row[statistic], IndicatorStatistic.Proportion.Name()) ? XlsxFormat.General : null,
        };
        var runSheet = new XlsxSheet(texts["export.sheet.run"], [texts["export.column.field"], texts["export.column.value"]], [XlsxFormat.General, XlsxFormat.General],
        [
            [texts["export.run.survey"], pack.Id],
            [texts["export.run.survey_title"], pack.TitleIn(texts.Language)],
            [texts["export.run.run_id"], run.RunId],
            [texts["export.run.status"], run.Status.ToString()],
            [texts["export.run.started_utc"], run.StartedUtc.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)],
            [texts["export.run.uploads"], (long)run.Uploads],
            [texts["export.run.cases"], run.Cases],
            [texts["export.run.cells"], (long)rows.Count],
            [texts["export.run.inputs_fingerprint"], run.InputsFingerprint],
            [texts["export.run.pack_content_hash"], pack.ContentHash],
            [texts["export.run.coverage_note"], run.Message],
        ]);
        var about = new XlsxSheet(texts["export.sheet.about"], [texts["export.column.column"], texts["export.column.meaning"]], [XlsxFormat.General, XlsxFormat.General],
            About.Select(a => new object?[] { string.Join(", ", a.Columns.Select(c => texts["export.column." + c])), texts[a.Meaning] }).ToList());
        await XlsxWorkbook.WriteAsync(output, [findings, runSheet, about], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One row per fact row, in the run's order, cells typed: string, long?, double? (null for NaN).</summary>
    internal static IEnumerable<object?[]> Rows(SurveyPack pack, FindingsRunRecord run, IReadOnlyList<FindingRow> rows)
    {
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(rows);
        var labels = new ReportLabels(pack, LanguageOf(pack));
        var indicators = pack.Indicators.Indicators.ToDictionary(i => i.Id, StringComparer.OrdinalIgnoreCase);
        foreach (var r in rows)
        {
            var indicator = indicators.GetValueOrDefault(r.IndicatorId);
            var e = r.Estimate;
            // The "all" cell's breakdown is "All" here, as in fact_findings.parquet (the report says "All respondents").
            var breakdown = string.Equals(r.BreakdownId, FindingsReportModel.AllBreakdown, StringComparison.OrdinalIgnoreCase) ? labels.Texts["findings.cell.all"] : labels.Breakdown(r.BreakdownId);
            yield return
            [
                run.RunId, r.IndicatorId, indicator is null ? string.Empty : labels.Title(indicator), indicator?.Question ?? string.Empty, indicator?.Reference ?? string.Empty, e.Statistic.Name(),
                r.BreakdownId, breakdown, r.CellKey, r.CellCode, labels.Cell(r),
                Real(e.Estimate), Real(e.StandardError), Real(e.CiLow), Real(e.CiHigh), Real(e.DesignEffect), Real(e.WeightedNumerator), Real(e.WeightedDenominator),
                e.UnweightedDenominator, (long)e.DegreesOfFreedom, r.Published, string.Join(',', r.Flags),
            ];
        }
    }

    private static int IndexOf(string column) => Columns.ToList().IndexOf(column);

    private static string LanguageOf(SurveyPack pack)
    {
        ArgumentNullException.ThrowIfNull(pack);
        return pack.Language;
    }

    private static List<string> Translate(IEnumerable<string> columns, ReportTexts texts) => columns.Select(c => texts["export.column." + c]).ToList();

    /// <summary>The "about" sheet: which columns (their catalogue keys) and what they mean (a catalogue key).</summary>
    private static readonly (string[] Columns, string Meaning)[] About =
    [
        (["run_id"], "export.about.run_id"),
        (["indicator_id", "indicator_title", "question", "reference"], "export.about.indicator"),
        (["breakdown_id", "breakdown_label", "cell_key", "cell_code", "cell_label"], "export.about.cell"),
        (["statistic"], "export.about.statistic"),
        (["estimate"], "export.about.estimate"),
        (["standard_error"], "export.about.standard_error"),
        (["ci_low", "ci_high"], "export.about.ci"),
        (["deff"], "export.about.deff"),
        (["weighted_numerator", "weighted_denominator"], "export.about.weighted"),
        (["unweighted_n"], "export.about.unweighted_n"),
        (["degrees_of_freedom"], "export.about.degrees_of_freedom"),
        (["published"], "export.about.published"),
        (["flags"], "export.about.flags"),
    ];

    private static double? Real(double v) => double.IsNaN(v) || double.IsInfinity(v) ? null : v;

    private static string Format(object? value) => value switch
    {
        null => string.Empty,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        string s => Quote(s),
        _ => Quote(Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty),
    };

    private static string Quote(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") >= 0 || text.StartsWith(' ') || text.EndsWith(' ')
            ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : text;
}
