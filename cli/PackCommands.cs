using Pipeline.Core.Packs;
using Pipeline.Generator;
using Pipeline.Generator.Spec;

namespace Pipeline.Cli;

/// <summary>The <c>pack init</c> and <c>pack check</c> commands: onboarding a survey from its dictionary.</summary>
internal static class PackCommands
{
    /// <summary>Writes a pack from a dictionary, then checks it. Exit code 0, or 2 with one error line.</summary>
    public static async Task<int> InitAsync(FileInfo dictionary, DirectoryInfo? output, CancellationToken cancellationToken)
    {
        try
        {
            var result = await PackScaffold.WriteAsync(dictionary.FullName, output?.FullName, cancellationToken);
            Console.WriteLine($"Wrote survey pack '{result.Id}' to {result.Folder}:");
            foreach (var file in result.Files)
            {
                Console.WriteLine($"  {file}");
            }

            Console.WriteLine(result.Plan.StratumItem is null
                ? "Strata: one stratum, 'all' (no ID item with a short value set)."
                : $"Strata: one per code of {result.Plan.StratumItem} ({result.Plan.StratumCodes.Count}).");
            Console.WriteLine("Fill in before real data arrives: universe and planned_sample in design/strata.csv (1 and 1 for now),");
            Console.WriteLine($"and personalData in pack.yaml{(result.Plan.SuggestedPersonal.Count > 0 ? $" (suggested there: {string.Join(", ", result.Plan.SuggestedPersonal)})" : string.Empty)}.");
            Console.WriteLine($"Then: survey-pipeline pack check {result.Folder}   (walk-through: docs/adding-a-survey.md)");
            return await CheckAsync(new DirectoryInfo(result.Folder), cancellationToken) == 0 ? 0 : 2;
        }
        catch (Exception e) when (e is SurveyPackException or IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return 2;
        }
    }

    /// <summary>Checks a pack folder (and its generator.yaml): every problem with file and line; 0 when clean, 1 when not.</summary>
    public static async Task<int> CheckAsync(DirectoryInfo folder, CancellationToken cancellationToken)
    {
        if (!folder.Exists)
        {
            await Console.Error.WriteLineAsync($"error: {folder.FullName}: no such folder; give the survey pack's folder (the one holding pack.yaml).");
            return 2;
        }

        PackCheckResult result;
        try
        {
            result = await SurveyPack.CheckAsync(folder.FullName, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Console.WriteLine($"Survey pack in {folder.FullName}: 1 problem:");
            Console.WriteLine($"- {SurveyPackCatalog.Unexpected(folder.FullName, e)}");
            return 1;
        }

        var problems = result.Problems.ToList();
        if (result.Pack is { } pack && File.Exists(Path.Combine(pack.Folder, "generator.yaml")))
        {
            try
            {
                _ = await GeneratorSpec.LoadAsync(pack, Path.Combine(pack.Folder, "generator.yaml"), cancellationToken);
            }
            catch (GeneratorSpecException e)
            {
                problems.Add(e.Message);
            }
        }

        if (problems.Count == 0)
        {
            Console.WriteLine($"Survey pack '{result.Id}' in {result.Folder}: no problem found.");
            return 0;
        }

        Console.WriteLine($"Survey pack '{result.Id}' in {result.Folder}: {problems.Count} problem{(problems.Count == 1 ? string.Empty : "s")}:");
        foreach (var problem in problems)
        {
            Console.WriteLine($"- {problem}");
        }

        return 1;
    }

    /// <summary>Says once, on standard error, which packs are broken and skipped.</summary>
    public static void ReportBroken(SurveyPackCatalog catalog)
    {
        foreach (var broken in catalog.Broken)
        {
            Console.Error.WriteLine($"warning: survey pack '{broken.Id}' ({broken.Folder}) is broken and skipped; uploads to it are rejected. Run 'pack check {broken.Folder}' for the details. First problem: {broken.Problems[0].ReplaceLineEndings(" ")}");
        }
    }
}
