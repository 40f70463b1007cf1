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
/// storage access; the output stream stays open.
/// </summary>
public static class FindingsExport
{
    /// <summary>Column names, in order. The fact table's columns keep their Parquet names.</summary>
    public static IReadOnlyList<string> Columns { get; } =
    [
        "run_id", "indicator_id", "indicator_title", "question", "reference", "statistic", "breakdown_id", "breakdown_label", "cell_key", "cell_code", "cell_label",
        "estimate", "standard_error", "ci_low", "ci_high", "deff", "weighted_numerator", "weighted_denominator", "unweighted_n", "degrees_of_freedom", "published", "flags",
    ];

    /// <summary>The comparison table's columns (<c>comparison.parquet</c>, <see cref="FindingsComparison"/>), in order.</summary>
    public static IReadOnlyList<string> ComparisonColumns { get; } = FindingsTables.ComparisonColumns.Select(c => c.Name).ToList();

    /// <summary>
    /// RFC 4180 CSV, UTF-8 with a byte-order mark (so Excel reads accents right), comma-separated, invariant culture;
    /// reals in round-trip form, so parsing them gives back the Parquet's doubles exactly.
    /// </summary>
    public static Task WriteCsvAsync(SurveyPack pack, FindingsRunRecord run, IReadOnlyList<FindingRow> rows, Stream output, CancellationToken cancellationToken = default) =>
        WriteCsvAsync(Columns, Rows(pack, run, rows), output, cancellationToken);

    /// <summary>
    /// The comparison table (one row per published figure value: published, recomputed estimate, interval, n, whether
    /// the published value is inside the interval, difference) as CSV, formatted as <see cref="WriteCsvAsync(SurveyPack, FindingsRunRecord, IReadOnlyList{FindingRow}, Stream, CancellationToken)"/>.
    /// </summary>
    public static Task WriteComparisonCsvAsync(SurveyPack pack, FindingsRunRecord run, IReadOnlyList<FindingRow> rows, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        return WriteCsvAsync(ComparisonColumns, FindingsComparison.Rows(pack, rows).Select(c => new object?[]
        {
            run.RunId, c.IndicatorId, c.Title, c.Reference, c.Source, c.Statistic.Name(), c.BreakdownId, c.CellKey, c.CellLabel, c.Published,
            Real(c.Estimate), Real(c.StandardError), Real(c.CiLow), Real(c.CiHigh), c.UnweightedN, c.PublishedInCi is { } inside ? (inside ? "yes" : "no") : null,
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
        var percent = new HashSet<string>(["estimate", "standard_error", "ci_low", "ci_high", "published"], StringComparer.Ordinal);
        var statistic = IndexOf("statistic");
        // Lazy: the workbook enumerates the rows twice (column widths, then cells) and never holds them all.
        var table = Rows(pack, run, rows);
        var findings = new XlsxSheet("findings", Columns, Columns.Select(c => percent.Contains(c) ? XlsxFormat.Percent : XlsxFormat.General).ToArray(), table)
        {
            // A mean or a total in hectares or soles is no percentage: only proportions' rows keep the percent format.
            CellFormat = (row, column) => percent.Contains(Columns[column]) && !Equals(row[statistic], IndicatorStatistic.Proportion.Name()) ? XlsxFormat.General : null,
        };
        var runSheet = new XlsxSheet("run", ["field", "value"], [XlsxFormat.General, XlsxFormat.General],
        [
            ["survey", pack.Id],
            ["survey_title", pack.Manifest.Title],
            ["run_id", run.RunId],
            ["status", run.Status.ToString()],
            ["started_utc", run.StartedUtc.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)],
            ["uploads", (long)run.Uploads],
            ["cases", run.Cases],
            ["cells", (long)rows.Count],
            ["inputs_fingerprint", run.InputsFingerprint],
            ["pack_content_hash", pack.ContentHash],
            ["coverage_note", run.Message],
        ]);
        var about = new XlsxSheet("about", ["column", "meaning"], [XlsxFormat.General, XlsxFormat.General], About.Select(a => new object?[] { a.Key, a.Value }).ToList());
        await XlsxWorkbook.WriteAsync(output, [findings, runSheet, about], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One row per fact row, in the run's order, cells typed: string, long?, double? (null for NaN).</summary>
    internal static IEnumerable<object?[]> Rows(SurveyPack pack, FindingsRunRecord run, IReadOnlyList<FindingRow> rows)
    {
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(rows);
        var indicators = pack.Indicators.Indicators.ToDictionary(i => i.Id, StringComparer.OrdinalIgnoreCase);
        var breakdowns = pack.Indicators.Breakdowns.ToDictionary(b => b.Id, b => b.Label, StringComparer.OrdinalIgnoreCase);
        foreach (var r in rows)
        {
            var indicator = indicators.GetValueOrDefault(r.IndicatorId);
            var e = r.Estimate;
            yield return
            [
                run.RunId, r.IndicatorId, indicator?.Title ?? string.Empty, indicator?.Question ?? string.Empty, indicator?.Reference ?? string.Empty, e.Statistic.Name(),
                r.BreakdownId, breakdowns.GetValueOrDefault(r.BreakdownId, "All"), r.CellKey, r.CellCode, r.CellLabel,
                Real(e.Estimate), Real(e.StandardError), Real(e.CiLow), Real(e.CiHigh), Real(e.DesignEffect), Real(e.WeightedNumerator), Real(e.WeightedDenominator),
                e.UnweightedDenominator, (long)e.DegreesOfFreedom, r.Published, string.Join(',', r.Flags),
            ];
        }
    }

    private static int IndexOf(string column) => Columns.ToList().IndexOf(column);

    private static readonly KeyValuePair<string, string>[] About =
    [
        new("run_id", "The findings run (folder findings/<survey>/runs/run_id=<run_id>/ in the lake)."),
        new("indicator_id, indicator_title, question, reference", "The indicator of the survey pack's catalogue; reference is where the report prints it."),
        new("breakdown_id, breakdown_label, cell_key, cell_code, cell_label", "The breakdown cell: 'all', or one code of the breakdown's item (e.g. alliance=1)."),
        new("statistic", "proportion (0 to 1, shown as a percentage), mean or total (in the unit of the indicator's item)."),
        new("estimate", "Design-weighted proportion, mean or total (see statistic). Empty when the denominator is empty."),
        new("standard_error", "Taylor-linearised standard error of the estimate, with finite population correction; in the estimate's unit."),
        new("ci_low, ci_high", "Confidence interval, t with degrees_of_freedom: logit scale for proportions, estimate ± t·SE for means and totals; equal to the estimate when degenerate."),
        new("deff", "Design effect (Kish): the estimate's variance under this design divided by its variance under simple random sampling of the same number of respondents. Empty when undefined."),
        new("weighted_numerator, weighted_denominator", "Estimated population totals of the outcome (or of the item's value) and of the denominator."),
        new("unweighted_n", "Respondents in the denominator of the cell."),
        new("degrees_of_freedom", "Sampled cases minus sampled strata."),
        new("published", "The value printed in the report, when the catalogue gives one."),
        new("flags", "small-cell, uncovered-strata, single-case-stratum, degenerate-ci, no-data: see docs/findings-method.md."),
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
