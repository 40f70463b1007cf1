using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Core.Values;

namespace Pipeline.Core.Findings;

/// <summary>
/// Writes a run's star schema to its run folder: <c>fact_findings</c> (grain: run × indicator × cell) and the
/// dimensions <c>dim_indicator</c>, <c>dim_cell</c> and <c>dim_run</c>; Power BI relates them on indicator_id, cell_key,
/// run_id. Beside them, <c>comparison</c>: one row per published figure value with the recomputed estimate
/// (<see cref="FindingsComparison"/>). Call it last before switching the pointer: it writes fact_findings last.
/// </summary>
internal sealed class FindingsTables(ILakeStore lake)
{
    private static readonly TableColumn[] FactColumns =
    [
        new("run_id", ColumnKind.Text), new("indicator_id", ColumnKind.Text), new("breakdown_id", ColumnKind.Text), new("cell_key", ColumnKind.Text),
        new("estimate", ColumnKind.Real), new("standard_error", ColumnKind.Real), new("ci_low", ColumnKind.Real), new("ci_high", ColumnKind.Real), new("deff", ColumnKind.Real),
        new("weighted_numerator", ColumnKind.Real), new("weighted_denominator", ColumnKind.Real), new("unweighted_n", ColumnKind.Integer),
        new("degrees_of_freedom", ColumnKind.Integer), new("published", ColumnKind.Real), new("flags", ColumnKind.Text),
    ];

    private static readonly TableColumn[] IndicatorColumns =
    [
        new("indicator_id", ColumnKind.Text), new("title", ColumnKind.Text), new("question", ColumnKind.Text), new("record", ColumnKind.Text),
        new("item", ColumnKind.Text), new("statistic", ColumnKind.Text), new("outcome_codes", ColumnKind.Text), new("excluded_codes", ColumnKind.Text), new("universe", ColumnKind.Text), new("reference", ColumnKind.Text),
    ];

    private static readonly TableColumn[] CellColumns =
    [
        new("cell_key", ColumnKind.Text), new("breakdown_id", ColumnKind.Text), new("breakdown_label", ColumnKind.Text), new("cell_code", ColumnKind.Integer), new("cell_label", ColumnKind.Text),
    ];

    /// <summary>The comparison table's columns: what the report printed, what the run recomputed, whether they agree.</summary>
    public static IReadOnlyList<TableColumn> ComparisonColumns { get; } =
    [
        new("run_id", ColumnKind.Text), new("indicator_id", ColumnKind.Text), new("title", ColumnKind.Text), new("reference", ColumnKind.Text), new("source", ColumnKind.Text), new("statistic", ColumnKind.Text),
        new("breakdown_id", ColumnKind.Text), new("cell_key", ColumnKind.Text), new("cell_label", ColumnKind.Text), new("published", ColumnKind.Real),
        new("estimate", ColumnKind.Real), new("standard_error", ColumnKind.Real), new("ci_low", ColumnKind.Real), new("ci_high", ColumnKind.Real),
        new("unweighted_n", ColumnKind.Integer), new("published_in_ci", ColumnKind.Text), new("difference", ColumnKind.Real), new("flags", ColumnKind.Text),
    ];

    private static readonly TableColumn[] RunColumns =
    [
        new("run_id", ColumnKind.Text), new("survey", ColumnKind.Text), new("started_utc", ColumnKind.Timestamp), new("inputs_fingerprint", ColumnKind.Text),
        new("uploads", ColumnKind.Integer), new("cases", ColumnKind.Integer), new("coverage_note", ColumnKind.Text),
    ];

    public async Task WriteAsync(SurveyPack pack, FindingsRunRecord run, IReadOnlyList<FindingRow> rows, CancellationToken cancellationToken)
    {
        var metadata = new Dictionary<string, string> { ["survey"] = pack.Id, ["run_id"] = run.RunId };
        await WriteTableAsync(pack.Id, run.RunId, "dim_indicator", IndicatorColumns, metadata, pack.Indicators.Indicators.Select(i => new[]
        {
            Text(i.Id), Text(SurveyPack.TitleOf(i, pack.Language)), Text(i.Question), Text(i.Record), Text(i.Item), Text(i.Kind.Name()), Text(string.Join(',', i.Outcome) + (i.OutcomeRange.Count == 2 ? $"{(i.Outcome.Count > 0 ? "," : string.Empty)}{i.OutcomeRange[0]}-{i.OutcomeRange[1]}" : string.Empty)), Text(string.Join(',', i.ExcludeFromDenominator)),
            Text(string.Join(" and ", i.Universe.Select(u => $"{u.Item} in ({string.Join(',', u.In)})"))), Text(i.Reference),
        }), cancellationToken).ConfigureAwait(false);

        // The tables speak the pack's language, as the cell labels do (FindingsComputation); "All" stays a code-like word.
        var labels = pack.Indicators.Breakdowns.ToDictionary(b => b.Id, b => SurveyPack.LabelOf(b, pack.Language), StringComparer.OrdinalIgnoreCase);
        await WriteTableAsync(pack.Id, run.RunId, "dim_cell", CellColumns, metadata, rows.DistinctBy(r => r.CellKey).Select(r => new[]
        {
            Text(r.CellKey), Text(r.BreakdownId), Text(labels.GetValueOrDefault(r.BreakdownId, "All")), r.CellCode is { } c ? CellValue.OfInteger(c) : CellValue.Null, Text(r.CellLabel),
        }), cancellationToken).ConfigureAwait(false);

        await WriteTableAsync(pack.Id, run.RunId, "comparison", ComparisonColumns, metadata, FindingsComparison.Rows(pack, rows).Select(c => new[]
        {
            Text(run.RunId), Text(c.IndicatorId), Text(c.Title), Text(c.Reference), Text(c.Source), Text(c.Statistic.Name()), Text(c.BreakdownId), Text(c.CellKey), Text(c.CellLabel),
            CellValue.OfReal(c.Published), Real(c.Estimate), Real(c.StandardError), Real(c.CiLow), Real(c.CiHigh), CellValue.OfInteger(c.UnweightedN),
            c.PublishedInCi is { } inside ? Text(inside ? "yes" : "no") : CellValue.Null, Real(c.Difference), Text(string.Join(',', c.Flags)),
        }), cancellationToken).ConfigureAwait(false);

        await WriteTableAsync(pack.Id, run.RunId, "dim_run", RunColumns, metadata, [[
            Text(run.RunId), Text(pack.Id), CellValue.OfTimestamp(run.StartedUtc), Text(run.InputsFingerprint),
            CellValue.OfInteger(run.Uploads), CellValue.OfInteger(run.Cases), Text(run.Message),
        ]], cancellationToken).ConfigureAwait(false);

        // The fact table last: a run folder that has fact_findings.parquet has every table, which the history query
        // (powerbi/findings/fact_findings_history.pq, reading every run folder) relies on when a run crashed half-way.
        await WriteTableAsync(pack.Id, run.RunId, "fact_findings", FactColumns, metadata, rows.Select(r => new[]
        {
            Text(run.RunId), Text(r.IndicatorId), Text(r.BreakdownId), Text(r.CellKey),
            Real(r.Estimate.Estimate), Real(r.Estimate.StandardError), Real(r.Estimate.CiLow), Real(r.Estimate.CiHigh), Real(r.Estimate.DesignEffect),
            Real(r.Estimate.WeightedNumerator), Real(r.Estimate.WeightedDenominator), CellValue.OfInteger(r.Estimate.UnweightedDenominator),
            CellValue.OfInteger(r.Estimate.DegreesOfFreedom), r.Published is { } p ? CellValue.OfReal(p) : CellValue.Null, Text(string.Join(',', r.Flags)),
        }), cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteTableAsync(string survey, string runId, string table, IReadOnlyList<TableColumn> columns, Dictionary<string, string> metadata, IEnumerable<CellValue[]> rows, CancellationToken cancellationToken)
    {
        await using var writer = await ParquetTableWriter.CreateAsync(columns, metadata, ParquetTableOptions.OneFile(), cancellationToken).ConfigureAwait(false);
        foreach (var row in rows)
        {
            await writer.AppendAsync(row, cancellationToken).ConfigureAwait(false);
        }

        var content = (await writer.CompleteAsync(cancellationToken).ConfigureAwait(false))[0];
        await lake.WriteAsync(LakeZone.Findings, FindingsPaths.Table(survey, runId, table), content, ifMatch: null, cancellationToken).ConfigureAwait(false);
    }

    private static CellValue Text(string value) => CellValue.OfText(value);

    private static CellValue Real(double value) => double.IsNaN(value) || double.IsInfinity(value) ? CellValue.Null : CellValue.OfReal(value);
}
