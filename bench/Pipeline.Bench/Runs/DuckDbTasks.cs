using System.Globalization;
using DuckDB.NET.Data;
using Pipeline.Core.Findings;
using Pipeline.Core.Packs;

namespace Pipeline.Bench.Runs;

/// <summary>
/// The reference: DuckDB (in this process, its default threads, i.e. every core) on the same files. No validation,
/// no cleaning, types guessed by read_csv's sniffer: a floor for what converting the files costs, not the same job.
/// </summary>
internal static class DuckDbTasks
{
    public static Task<Measurement> CsvToParquetAsync(MeasureRequest request, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(request.Output!);
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        long rows = 0;
        var scope = MeasureScope.Start();
        foreach (var csv in request.Inputs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var parquet = Path.Combine(request.Output!, Path.GetFileNameWithoutExtension(csv) + ".parquet");
            using var command = connection.CreateCommand();
            command.CommandText = $"COPY (SELECT * FROM read_csv({Literal(csv)})) TO {Literal(parquet)} (FORMAT parquet)";
            rows += command.ExecuteNonQuery(); // COPY reports the rows it wrote
        }

        return Task.FromResult(scope.Stop(request.Task, rows, $"{rows} rows"));
    }

    /// <summary>The catalogue's first indicator, "all" cell, weighted N_h / n_h as FindingsComputation weights it.</summary>
    public static async Task<Measurement> HeadlineAsync(MeasureRequest request, CancellationToken cancellationToken)
    {
        var pack = await BenchPack.LoadAsync(request.Survey, request.PacksFolder, cancellationToken);
        var indicator = pack.Indicators.Indicators[0];
        var parquet = request.Inputs.Single();
        var sql = HeadlineSql(pack, indicator, parquet);
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        var scope = MeasureScope.Start();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        reader.Read();
        var estimate = reader.GetDouble(0);
        var denominator = reader.GetInt64(1);
        var cases = reader.GetInt64(2);
        return scope.Stop(request.Task, cases, string.Create(CultureInfo.InvariantCulture, $"{indicator.Id} all = {estimate:0.000000} (n {denominator})"));
    }

    /// <summary>
    /// Weighted share: Σ w_h [outcome] / Σ w_h over the cases in the indicator's denominator, w_h = N_h / n_h with n_h
    /// every case of the stratum in the data (full-design domain estimation, as the findings engine does).
    /// </summary>
    public static string HeadlineSql(SurveyPack pack, IndicatorDefinition indicator, string parquet)
    {
        var strataItems = pack.Manifest.Design.StratumItems.Select(Quoted).ToList();
        var keys = string.Join(", ", strataItems);
        var strataFile = Path.Combine(pack.Folder, pack.Manifest.Design.Strata);
        var value = indicator.BlankAs is { } blank ? $"coalesce({Quoted(indicator.Item)}, {blank.ToString(CultureInfo.InvariantCulture)})" : Quoted(indicator.Item);
        var outcome = new List<string>();
        if (indicator.Outcome.Count > 0)
        {
            outcome.Add($"v IN ({Codes(indicator.Outcome)})");
        }

        if (indicator.OutcomeRange.Count == 2)
        {
            outcome.Add($"v BETWEEN {indicator.OutcomeRange[0].ToString(CultureInfo.InvariantCulture)} AND {indicator.OutcomeRange[1].ToString(CultureInfo.InvariantCulture)}");
        }

        var inDenominator = new List<string> { "v IS NOT NULL" };
        inDenominator.AddRange(indicator.Universe.Select(u => $"{Quoted(u.Item)} IN ({Codes(u.In)})"));
        if (indicator.ExcludeFromDenominator.Count > 0)
        {
            inDenominator.Add($"v NOT IN ({Codes(indicator.ExcludeFromDenominator)})");
        }

        return $"""
            WITH cases AS (SELECT *, {value} AS v FROM read_parquet({Literal(parquet)})),
            sampled AS (SELECT {keys}, count(*) AS n_h FROM cases GROUP BY {keys}),
            weights AS (SELECT {keys}, d.universe / s.n_h AS w FROM read_csv({Literal(strataFile)}) d JOIN sampled s USING ({keys}))
            SELECT sum(CASE WHEN {string.Join(" OR ", outcome)} THEN w ELSE 0 END) / sum(w) AS estimate,
                   count(*) AS denominator,
                   (SELECT sum(n_h) FROM sampled JOIN weights USING ({keys})) AS cases
            FROM cases JOIN weights USING ({keys})
            WHERE {string.Join(" AND ", inDenominator)}
            """;
    }

    private static string Codes(IEnumerable<long> codes) => string.Join(", ", codes.Select(c => c.ToString(CultureInfo.InvariantCulture)));

    private static string Quoted(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Literal(string path) => "'" + path.Replace("'", "''", StringComparison.Ordinal) + "'";
}
