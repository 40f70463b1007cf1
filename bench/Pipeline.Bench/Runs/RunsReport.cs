using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using DuckDB.NET.Data;

namespace Pipeline.Bench.Runs;

/// <summary>What a run is, for the tables and the ratios.</summary>
internal enum RunKind
{
    OursIngest,
    DuckDbIngest,
    OursFindings,
    DuckDbFindings,
    Stage,
}

/// <summary>One measured run of one export.</summary>
internal sealed record RunRow(Export Export, string Label, RunKind Kind, long InputBytes, ChildProcess.Observed Result);

/// <summary>Collects the runs, prints each as it ends, and writes the markdown table and the raw JSON.</summary>
internal sealed class RunsReport(RunsSettings settings)
{
    private const double MiB = 1024 * 1024;
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private readonly List<RunRow> _rows = [];
    private readonly List<(Export Export, bool Reused)> _exports = [];
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
    private readonly string _loadAtStart = LoadAverage();

    public void AddExport(Export export, bool reused) => _exports.Add((export, reused));

    public async Task RunAsync(ChildProcess child, Export export, string label, RunKind kind, long inputBytes, MeasureRequest request, CancellationToken cancellationToken)
    {
        Console.Write($"[{export.Cases:N0}] {label} … ");
        var result = await child.RunAsync(request, cancellationToken);
        var m = result.Measurement;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{m.Seconds:0.00} s, peak {m.PeakWorkingSetBytes / MiB:0} MiB, {m.Detail}"));
        _rows.Add(new RunRow(export, label, kind, inputBytes, result));
    }

    public async Task<(string Markdown, string Json)> WriteAsync(CancellationToken cancellationToken)
    {
        settings.Results.Create();
        var name = $"{_started:yyyy-MM-dd-HHmm}-runs{(settings.Gigabyte ? "-gigabyte" : string.Empty)}";
        var markdown = Path.Combine(settings.Results.FullName, name + ".md");
        var json = Path.Combine(settings.Results.FullName, name + ".json");
        await File.WriteAllTextAsync(markdown, Markdown(), cancellationToken);
        await File.WriteAllTextAsync(json, JsonSerializer.Serialize(new { Machine = Machine(), settings.CommandLine, Exports = _exports, Runs = _rows }, Indented), cancellationToken);
        return (markdown, json);
    }

    private string Markdown()
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Benchmark runs, {_started:yyyy-MM-dd HH:mm} UTC");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"- Command: `{settings.CommandLine}`");
        foreach (var line in Machine())
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- {line}");
        }

        md.AppendLine(CultureInfo.InvariantCulture, $"- Load average (1, 5, 15 min) at start: {_loadAtStart}; at end: {LoadAverage()}");
        md.AppendLine();
        md.AppendLine("| Export | Cases | Files | Bytes | Rows (record lines) | Generated in |");
        md.AppendLine("|---|---|---|---|---|---|");
        foreach (var (export, reused) in _exports)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {Path.GetFileName(Path.GetDirectoryName(export.Folder))} | {export.Cases:N0} | {export.Files.Count} ({export.Formats}) | {export.Files.Sum(f => f.Bytes) / 1e6:N1} MB | {export.Files.Sum(f => f.Rows):N0} | {(reused ? "reused" : $"{export.GenerateSeconds:0.0} s")} |");
        }

        Table(md, "Whole runs", _rows.Where(r => r.Kind != RunKind.Stage));
        Table(md, "Stage breakdown (same exports, each stage alone in its own process)", _rows.Where(r => r.Kind == RunKind.Stage));
        md.AppendLine();
        md.AppendLine("- **Wall s** is the work inside the child (not the runtime start, the host or the pack load); **MB/s** is input MB");
        md.AppendLine("  (10^6 bytes of the export, or of the Parquet read) per wall second; **cases/s** counts questionnaires, not record lines.");
        md.AppendLine("- **Peak WS** is the child process's VmHWM (kernel high-water mark of resident memory, native memory included).");
        md.AppendLine("- **CPU/wall** > 1 means more than one core busy. **Alloc/row** is managed bytes allocated per row read.");
        md.AppendLine("- **Ours / DuckDB** divides our wall time by DuckDB's on the same export (ingest: CSV → Parquet of the same cases;");
        md.AppendLine("  findings: the whole catalogue vs one SQL aggregate).");
        foreach (var group in _rows.GroupBy(r => r.Export.Folder))
        {
            var ours = group.FirstOrDefault(r => r.Kind == RunKind.OursFindings)?.Result.Measurement.Detail;
            var duck = group.FirstOrDefault(r => r.Kind == RunKind.DuckDbFindings)?.Result.Measurement.Detail;
            if (ours is not null && duck is not null)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- Headline cross-check, {group.First().Export.Cases:N0} cases: ours {ours}; DuckDB {duck}.");
            }
        }

        return md.ToString();
    }

    private static void Table(StringBuilder md, string title, IEnumerable<RunRow> rows)
    {
        var list = rows.ToList();
        if (list.Count == 0)
        {
            return;
        }

        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"## {title}");
        md.AppendLine();
        md.AppendLine("| Cases | Run | Input MB | Rows | Wall s | MB/s | Cases/s | Peak WS MiB | CPU/wall | GC pause s | Alloc/row | Ours / DuckDB | Result |");
        md.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var row in list)
        {
            var m = row.Result.Measurement;
            var ratio = Ratio(row, list);
            md.AppendLine(CultureInfo.InvariantCulture, $"| {row.Export.Cases:N0} | {row.Label} | {row.InputBytes / 1e6:N1} | {m.Rows:N0} | {m.Seconds:N2} | {row.InputBytes / 1e6 / m.Seconds:N1} | {row.Export.Cases / m.Seconds:N0} | {m.PeakWorkingSetBytes / MiB:N0} | {m.CpuSeconds / m.Seconds:0.00} | {m.GcPauseSeconds:N2} | {(m.Rows > 0 ? $"{m.AllocatedBytes / (double)m.Rows:N0} B" : "—")} | {ratio} | {m.Detail} |");
        }
    }

    private static string Ratio(RunRow row, List<RunRow> rows)
    {
        var reference = row.Kind switch
        {
            RunKind.OursIngest => rows.FirstOrDefault(r => r.Kind == RunKind.DuckDbIngest && r.Export.Folder == row.Export.Folder),
            RunKind.OursFindings => rows.FirstOrDefault(r => r.Kind == RunKind.DuckDbFindings && r.Export.Folder == row.Export.Folder),
            _ => null,
        };
        return reference is null ? "—" : (row.Result.Measurement.Seconds / reference.Result.Measurement.Seconds).ToString("0.0", CultureInfo.InvariantCulture) + "×";
    }

    private static List<string> Machine()
    {
        var cpu = ReadField("/proc/cpuinfo", "model name", ':') ?? RuntimeInformation.ProcessArchitecture.ToString();
        var memory = ReadField("/proc/meminfo", "MemTotal", ':') ?? "?";
        var os = ReadField("/etc/os-release", "PRETTY_NAME", '=')?.Trim('"') ?? RuntimeInformation.OSDescription;
        return
        [
            $"Machine: {Environment.ProcessorCount} logical cores ({cpu}), {memory} RAM, {os}, kernel {Kernel()}",
            $"Runtime: {RuntimeInformation.FrameworkDescription}, {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC, Release; DuckDB {DuckDbVersion()} (DuckDB.NET.Data.Full)",
        ];
    }

    private static string Kernel() => File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : RuntimeInformation.OSDescription;

    private static string DuckDbVersion()
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version()";
        return command.ExecuteScalar()?.ToString() ?? "?";
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    private static string? ReadField(string path, string key, char separator)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        return File.ReadLines(path).Where(l => l.StartsWith(key, StringComparison.Ordinal)).Select(l => l[(l.IndexOf(separator, StringComparison.Ordinal) + 1)..].Trim()).FirstOrDefault();
    }
}
