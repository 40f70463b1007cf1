using System.Text.Json;
using Pipeline.Core.Findings;
using Pipeline.Core.Ingest;
using Pipeline.Core.Readers;

namespace Pipeline.Bench.Runs;

/// <summary>
/// The hidden <c>measure</c> command: one measured run in this (fresh) process, so that its peak working set is its own.
/// Prints the <see cref="Measurement"/> as one JSON line after <see cref="ResultPrefix"/>; exit code 0 on success.
/// </summary>
internal static class MeasureCommand
{
    public const string Name = "measure";
    public const string ResultPrefix = "@@measurement ";

    public static async Task<int> RunAsync(string[] args)
    {
        // "@file" reads the request from a file: profilers (dotnet-trace collect -- ...) do not pass JSON arguments intact.
        var json = args.Length == 1 && args[0].StartsWith('@') ? await File.ReadAllTextAsync(args[0][1..]) : args.Length == 1 ? args[0] : null;
        if (json is null || JsonSerializer.Deserialize<MeasureRequest>(json) is not { } request)
        {
            await Console.Error.WriteLineAsync("usage: measure <request JSON> | @<file with the request JSON> (called by `runs`)");
            return 2;
        }

        var measurement = request.Task switch
        {
            MeasureTasks.Ingest => await PipelineTasks.IngestAsync(request, CancellationToken.None),
            MeasureTasks.Read => await PipelineTasks.ReadAsync(request, validate: false, CancellationToken.None),
            MeasureTasks.Validate => await PipelineTasks.ReadAsync(request, validate: true, CancellationToken.None),
            MeasureTasks.Findings => await PipelineTasks.FindingsAsync(request, CancellationToken.None),
            MeasureTasks.Scan => await PipelineTasks.ScanAsync(request, CancellationToken.None),
            MeasureTasks.DuckDbCsv => await DuckDbTasks.CsvToParquetAsync(request, CancellationToken.None),
            MeasureTasks.DuckDbHeadline => await DuckDbTasks.HeadlineAsync(request, CancellationToken.None),
            _ => throw new ArgumentException($"Unknown task '{request.Task}'."),
        };
        Console.WriteLine(ResultPrefix + JsonSerializer.Serialize(measurement));
        return 0;
    }
}

/// <summary>The child tasks.</summary>
internal static class MeasureTasks
{
    /// <summary>Our ingest (IngestService) of uploads already in the lake's incoming zone: read, validate, clean, write, publish.</summary>
    public const string Ingest = "ingest";

    /// <summary>The export reader alone: every row through CsproTextDataReader or DelimitedExportReader, nothing written.</summary>
    public const string Read = "read";

    /// <summary>Reader and the ingest's per-row checks (RowChecks: dictionary, duplicates, cleaning, rules) on one thread, nothing written.</summary>
    public const string Validate = "validate";

    /// <summary>Our findings (FindingsService.RecomputeAsync, forced) over the lake's current curated view.</summary>
    public const string Findings = "findings";

    /// <summary>The findings' read stage alone: CuratedView over the indicator record, the columns the catalogue needs.</summary>
    public const string Scan = "scan";

    /// <summary>DuckDB: COPY (SELECT * FROM read_csv(...)) TO ... (FORMAT parquet) per CSV, no validation.</summary>
    public const string DuckDbCsv = "duckdb-csv";

    /// <summary>DuckDB: the catalogue's first indicator, all cases, as one weighted SQL aggregate over DuckDB's Parquet.</summary>
    public const string DuckDbHeadline = "duckdb-headline";
}
