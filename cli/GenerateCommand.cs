using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using Pipeline.Core.Packs;
using Pipeline.Generator;
using Pipeline.Generator.Spec;

namespace Pipeline.Cli;

/// <summary>The <c>generate</c> command: synthetic exports from a pack's generator.yaml, with time and peak memory.</summary>
internal static class GenerateCommand
{
    public static async Task<int> RunAsync(DirectoryInfo? packsFolder, string survey, long cases, int seed, string formats, string faults, DirectoryInfo output, bool scaleUniverses, CancellationToken cancellationToken)
    {
        try
        {
            var catalog = await SurveyPackCatalog.LoadAsync(packsFolder?.FullName ?? Runner.DefaultPacksFolder(), cancellationToken);
            PackCommands.ReportBroken(catalog);
            var pack = catalog.Find(survey) ?? throw new SurveyPackException(catalog.FindBroken(survey) is { } broken
                ? $"Survey pack '{survey}' is broken: {broken.Summary} Run 'pack check {broken.Folder}' and fix it."
                : $"No survey pack '{survey}'; known: {string.Join(", ", catalog.Packs.Select(p => p.Id))}.");
            var options = new GeneratorOptions { Cases = cases, Seed = seed, Formats = ParseFormats(formats), Faults = faults, OutputFolder = output.FullName, ScaleUniverses = scaleUniverses };
            var clock = Stopwatch.StartNew();
            var result = await new ExportGenerator().GenerateAsync(pack, options, cancellationToken);
            clock.Stop();
            using var self = Process.GetCurrentProcess();
            Console.WriteLine($"Generated {result.Cases:N0} cases of {pack.Id} (seed {seed}) into {output.FullName} in {clock.Elapsed.TotalSeconds:0.0} s, peak working set {self.PeakWorkingSet64 / 1048576.0:0.0} MiB:");
            foreach (var file in result.Files)
            {
                Console.WriteLine($"  {file.Path} ({file.Format}, {file.Rows:N0} rows, {file.Bytes:N0} bytes)");
            }

            if (result.ScaledPackFolder.Length > 0)
            {
                Console.WriteLine($"Universes scaled x{result.UniverseFactor} so the sample fits the design: the pack with those universes is in {result.ScaledPackFolder}; ingest and estimate with --packs {Path.GetDirectoryName(result.ScaledPackFolder)}");
            }

            if (result.FaultsByKind.Count > 0)
            {
                Console.WriteLine($"Faults: {string.Join(", ", result.FaultsByKind.Select(f => $"{f.Key} {f.Value}"))}; listed in {result.FaultManifestPath}");
            }

            return 0;
        }
        catch (Exception e) when (e is SurveyPackException or GeneratorSpecException or ValidationException or ArgumentException)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return 2;
        }
    }

    private static ExportFormats ParseFormats(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Aggregate(ExportFormats.None, (all, f) => all | f.ToLowerInvariant() switch
        {
            "dat" => ExportFormats.Dat,
            "csv" => ExportFormats.Csv,
            "csdb" => ExportFormats.Csdb,
            "xlsx" => ExportFormats.Xlsx,
            "all" => ExportFormats.All,
            _ => throw new ArgumentException($"Unknown format '{f}'; use dat, csv, csdb, xlsx or all."),
        });
}
