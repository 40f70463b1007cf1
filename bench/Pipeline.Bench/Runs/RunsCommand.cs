using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Generator;
using Pipeline.Storage.LocalFolder;

namespace Pipeline.Bench.Runs;

/// <summary>Settings of one <c>runs</c> invocation.</summary>
internal sealed record RunsSettings(IReadOnlyList<long> Cases, bool Csv, bool Dat, DirectoryInfo Work, DirectoryInfo Results, bool Gigabyte, bool Stages, int Seed, string Survey, string CommandLine);

/// <summary>
/// The <c>runs</c> command: for each size, the export is generated once (not timed as ingest), uploaded to fresh local
/// lakes, then every run is a fresh child process: our ingest from CSV and from .dat, DuckDB's CSV → Parquet of the same
/// CSV files, our findings over the curated lake, DuckDB's headline aggregate over its Parquet; with
/// <c>--stages</c> (default) also the reader alone, reader + validator, and the findings' read stage, as a breakdown.
/// </summary>
internal static class RunsCommand
{
    /// <summary>About 1 GB (10^9 bytes) of export for <c>--gigabyte</c>.</summary>
    private const long Gigabyte = 1_000_000_000;

    public static async Task<int> ParseAndRunAsync(string[] args)
    {
        var cases = new Option<string>("--cases") { Description = "Comma-separated case counts.", DefaultValueFactory = _ => "10000,100000" };
        var formats = new Option<string>("--formats") { Description = "Comma-separated: dat, csv.", DefaultValueFactory = _ => "dat,csv" };
        var work = new Option<DirectoryInfo>("--work") { Description = "Folder for exports and lakes (several GB at 1M cases); exports are reused when present.", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("out", "bench")) };
        var results = new Option<DirectoryInfo>("--results") { Description = "Where the markdown table and the raw JSON go.", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("bench", "results")) };
        var gigabyte = new Option<bool>("--gigabyte") { Description = "Instead of --cases: a ~1 GB .dat and a ~1 GB CSV export (case counts measured from a probe), reader-only pass and full ingest." };
        var noStages = new Option<bool>("--no-stages") { Description = "Skip the stage breakdown (reader alone, reader + validator, findings read stage)." };
        var seed = new Option<int>("--seed") { Description = "Generator seed.", DefaultValueFactory = _ => new GeneratorOptions().Seed };
        var survey = new Option<string>("--survey") { Description = "Survey pack id.", DefaultValueFactory = _ => BenchPack.DefaultSurvey };
        var runs = new Command("runs", "Time whole runs (ingest, findings) in child processes beside DuckDB; write a markdown table.") { cases, formats, work, results, gigabyte, noStages, seed, survey };
        runs.SetAction((parse, ct) =>
        {
            var chosen = parse.GetValue(formats)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(f => f.ToLowerInvariant()).ToHashSet();
            var unknown = chosen.Except(["dat", "csv"]).ToList();
            if (unknown.Count > 0)
            {
                throw new ArgumentException($"Unknown format(s) {string.Join(", ", unknown)}; use dat, csv.");
            }

            var settings = new RunsSettings(
                parse.GetValue(cases)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(c => long.Parse(c, NumberStyles.AllowThousands, CultureInfo.InvariantCulture)).ToList(),
                chosen.Contains("csv"),
                chosen.Contains("dat"),
                parse.GetValue(work)!,
                parse.GetValue(results)!,
                parse.GetValue(gigabyte),
                !parse.GetValue(noStages),
                parse.GetValue(seed),
                parse.GetValue(survey)!,
                "dotnet run -c Release --project bench/Pipeline.Bench -- " + string.Join(' ', args));
            return RunAsync(settings, ct);
        });
        var root = new RootCommand("pipeline-bench: `kernels [BenchmarkDotNet args]` or `runs [options]`; see docs/performance.md.") { runs };
        return await root.Parse(args).InvokeAsync();
    }

    private static async Task<int> RunAsync(RunsSettings settings, CancellationToken cancellationToken)
    {
        var pack = await BenchPack.LoadAsync(settings.Survey, cancellationToken: cancellationToken);
        var child = new ChildProcess(Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)));
        var report = new RunsReport(settings);
        settings.Work.Create();
        if (settings.Gigabyte)
        {
            await GigabyteAsync(settings, pack, child, report, cancellationToken);
        }
        else
        {
            foreach (var cases in settings.Cases)
            {
                var export = await ExportAsync(settings, pack, $"cases-{cases}", cases, Formats(settings.Csv, settings.Dat), report, cancellationToken);
                await SizeAsync(settings, pack, child, report, export, gigabyte: false, cancellationToken);
            }
        }

        var (markdown, json) = await report.WriteAsync(cancellationToken);
        Console.WriteLine();
        Console.WriteLine(await File.ReadAllTextAsync(markdown, cancellationToken));
        Console.WriteLine($"Written: {markdown} and {json}");
        return 0;
    }

    /// <summary>The reader alone (always for the gigabyte exports), and reader + the per-row checks (with --stages).</summary>
    private static async Task ReaderStagesAsync(RunsSettings settings, ChildProcess child, RunsReport report, Export export, MeasureRequest request, string format, List<ExportFile> files, bool gigabyte, CancellationToken cancellationToken)
    {
        var paths = files.Select(f => f.Path).ToList();
        if (settings.Stages || gigabyte)
        {
            await report.RunAsync(child, export, $"read {format} (reader only)", RunKind.Stage, SizeOf(files), request with { Task = MeasureTasks.Read, Inputs = paths }, cancellationToken);
        }

        if (settings.Stages && !gigabyte)
        {
            await report.RunAsync(child, export, $"read + validate {format}", RunKind.Stage, SizeOf(files), request with { Task = MeasureTasks.Validate, Inputs = paths }, cancellationToken);
        }
    }

    /// <summary>One export size: every run, each in its own child process.</summary>
    private static async Task SizeAsync(RunsSettings settings, SurveyPack pack, ChildProcess child, RunsReport report, Export export, bool gigabyte, CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(export.Folder)!;
        var csv = export.Files.Where(f => f.Format == ExportFormats.Csv).ToList();
        var dat = export.Files.Where(f => f.Format == ExportFormats.Dat).ToList();
        var request = new MeasureRequest(string.Empty, settings.Survey, export.PacksFolder, null, [], null);
        string? findingsLake = null;
        if (csv.Count > 0)
        {
            var lake = await FreshLakeAsync(Path.Combine(folder, "lake-csv"), settings.Survey, csv, cancellationToken);
            var csvPaths = csv.Select(f => f.Path).ToList();
            await ReaderStagesAsync(settings, child, report, export, request, "CSV", csv, gigabyte, cancellationToken);

            await report.RunAsync(child, export, "ingest CSV", RunKind.OursIngest, SizeOf(csv), request with { Task = MeasureTasks.Ingest, Lake = lake, Inputs = csv.Select(f => Incoming(settings.Survey, f.Path)).ToList() }, cancellationToken);
            var duckOut = Path.Combine(folder, "duckdb");
            ResetFolder(duckOut);
            await report.RunAsync(child, export, "DuckDB CSV → Parquet", RunKind.DuckDbIngest, SizeOf(csv), request with { Task = MeasureTasks.DuckDbCsv, Inputs = csvPaths, Output = duckOut }, cancellationToken);
            findingsLake = lake;
            var record = pack.Indicators.Indicators[0].Record;
            var duckParquet = Path.Combine(duckOut, record + ".parquet");
            if (File.Exists(duckParquet))
            {
                await FindingsAsync(settings, pack, child, report, export, request, lake, gigabyte, cancellationToken);
                await report.RunAsync(child, export, "DuckDB headline SQL", RunKind.DuckDbFindings, new FileInfo(duckParquet).Length, request with { Task = MeasureTasks.DuckDbHeadline, Inputs = [duckParquet] }, cancellationToken);
            }
        }

        if (dat.Count > 0)
        {
            var lake = await FreshLakeAsync(Path.Combine(folder, "lake-dat"), settings.Survey, dat, cancellationToken);
            await ReaderStagesAsync(settings, child, report, export, request, ".dat", dat, gigabyte, cancellationToken);

            await report.RunAsync(child, export, "ingest .dat", RunKind.OursIngest, SizeOf(dat), request with { Task = MeasureTasks.Ingest, Lake = lake, Inputs = dat.Select(f => Incoming(settings.Survey, f.Path)).ToList() }, cancellationToken);
            if (findingsLake is null)
            {
                await FindingsAsync(settings, pack, child, report, export, request, lake, gigabyte, cancellationToken);
            }
        }
    }

    private static async Task FindingsAsync(RunsSettings settings, SurveyPack pack, ChildProcess child, RunsReport report, Export export, MeasureRequest request, string lake, bool gigabyte, CancellationToken cancellationToken)
    {
        var curated = CuratedBytes(lake, pack);
        if (settings.Stages && !gigabyte)
        {
            await report.RunAsync(child, export, "findings read stage (CuratedView)", RunKind.Stage, curated, request with { Task = MeasureTasks.Scan, Lake = lake }, cancellationToken);
        }

        await report.RunAsync(child, export, "findings (whole catalogue)", RunKind.OursFindings, curated, request with { Task = MeasureTasks.Findings, Lake = lake }, cancellationToken);
    }

    /// <summary>
    /// ~1 GB exports: a 1,000-case probe gives the bytes per case of each format, then a .dat-only and a CSV-only export
    /// of about 10^9 bytes each; reader-only pass and full ingest of each, DuckDB on the CSV, findings over the CSV lake.
    /// </summary>
    private static async Task GigabyteAsync(RunsSettings settings, SurveyPack pack, ChildProcess child, RunsReport report, CancellationToken cancellationToken)
    {
        var probe = await ExportAsync(settings, pack, "probe-1000", 1_000, ExportFormats.Dat | ExportFormats.Csv, report: null, cancellationToken);
        foreach (var format in new[] { ExportFormats.Csv, ExportFormats.Dat }.Where(f => f == ExportFormats.Csv ? settings.Csv : settings.Dat))
        {
            var perCase = probe.Files.Where(f => f.Format == format).Sum(f => f.Bytes) / 1_000.0;
            var cases = (long)Math.Round(Gigabyte / perCase / 1_000) * 1_000;
            var export = await ExportAsync(settings, pack, $"gigabyte-{format.ToString().ToLowerInvariant()}-{cases}", cases, format, report, cancellationToken);
            await SizeAsync(settings, pack, child, report, export, gigabyte: true, cancellationToken);
        }
    }

    private static ExportFormats Formats(bool csv, bool dat) => (csv ? ExportFormats.Csv : ExportFormats.None) | (dat ? ExportFormats.Dat : ExportFormats.None);

    /// <summary>The export of one size, generated once; a later invocation with the same cases, seed and formats reuses it.</summary>
    private static async Task<Export> ExportAsync(RunsSettings settings, SurveyPack pack, string name, long cases, ExportFormats formats, RunsReport? report, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(settings.Work.FullName, name, "export");
        var marker = Path.Combine(folder, "bench-export.json");
        if (File.Exists(marker) && System.Text.Json.JsonSerializer.Deserialize<Export>(await File.ReadAllTextAsync(marker, cancellationToken)) is { } existing
            && existing.Cases == cases && existing.Seed == settings.Seed && existing.Formats == formats
            && existing.Files.All(f => File.Exists(f.Path) && new FileInfo(f.Path).Length == f.Bytes))
        {
            Console.WriteLine($"[{cases:N0}] reusing the export in {folder}");
            report?.AddExport(existing, reused: true);
            return existing;
        }

        ResetFolder(folder);
        Console.WriteLine($"[{cases:N0}] generating {formats} into {folder} …");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        // A valid design at every size: past the pack's universes (about 15,100 cases) they are scaled, and every run of
        // this size reads the pack copy the generator wrote with them.
        var result = await new ExportGenerator().GenerateAsync(pack, new GeneratorOptions { Cases = cases, Seed = settings.Seed, Formats = formats, OutputFolder = folder, ScaleUniverses = true }, cancellationToken);
        var packs = result.ScaledPackFolder.Length > 0 ? Path.GetDirectoryName(result.ScaledPackFolder) : null;
        var export = new Export(folder, cases, settings.Seed, formats, result.Files.Select(f => new ExportFile(f.Path, f.Format, f.Bytes, f.Rows)).ToList(), clock.Elapsed.TotalSeconds, packs);
        await File.WriteAllTextAsync(marker, System.Text.Json.JsonSerializer.Serialize(export), cancellationToken);
        report?.AddExport(export, reused: false);
        return export;
    }

    /// <summary>A new local lake with the files uploaded to its incoming zone through the lake store (not timed: the field team's upload).</summary>
    private static async Task<string> FreshLakeAsync(string lake, string survey, IEnumerable<ExportFile> files, CancellationToken cancellationToken)
    {
        ResetFolder(lake);
        var store = new LocalFolderLakeStore(lake, new LakeOptions());
        foreach (var file in files)
        {
            await using var content = File.OpenRead(file.Path);
            await store.WriteAsync(LakeZone.Incoming, Incoming(survey, file.Path), content, ifMatch: null, cancellationToken);
        }

        return lake;
    }

    private static string Incoming(string survey, string file) => $"{survey}/{Path.GetFileName(file)}";

    private static long SizeOf(IEnumerable<ExportFile> files) => files.Sum(f => f.Bytes);

    /// <summary>Bytes of curated Parquet the findings read: the files of the indicators' records.</summary>
    private static long CuratedBytes(string lake, SurveyPack pack)
    {
        var records = pack.Indicators.Indicators.Select(i => i.Record).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var survey = Path.Combine(lake, new LakeOptions().ContainerOf(LakeZone.Curated), pack.Id);
        return Directory.EnumerateDirectories(survey)
            .Where(folder => records.Contains(Path.GetFileName(folder))) // the lake's record folders are lower case
            .Sum(folder => Directory.EnumerateFiles(folder, "*.parquet", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length));
    }

    private static void ResetFolder(string folder)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(folder);
    }
}

/// <summary>One generated export: where, how many cases, which files.</summary>
// PacksFolder: the packs folder of the runs of this export: the generator's copy with scaled universes when the cases
// outgrew the pack's (issue #19: the findings refuse n_h > N_h), else null (the bundled packs).
internal sealed record Export(string Folder, long Cases, int Seed, ExportFormats Formats, IReadOnlyList<ExportFile> Files, double GenerateSeconds, string? PacksFolder = null);

internal sealed record ExportFile(string Path, ExportFormats Format, long Bytes, long Rows);
