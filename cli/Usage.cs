using Pipeline.Core.Packs;

namespace Pipeline.Cli;

/// <summary>
/// The checks of the command line's arguments, made before any host starts or any folder is created: each problem is one
/// line (what, which path, what to do) and exit code <see cref="ExitCodes.Usage"/>.
/// </summary>
internal static class Usage
{
    /// <summary>Writes one error line to standard error; returns <see cref="ExitCodes.Usage"/>.</summary>
    public static async Task<int> FailAsync(string problem)
    {
        await Console.Error.WriteLineAsync($"error: {OneLine(problem)}");
        return ExitCodes.Usage;
    }

    /// <summary>
    /// A survey pack id is a folder name under incoming/ and in the lake: letters, digits, '-', '_' and '.', never a path
    /// ('/', '\', '..'), which would let an argument point outside the lake.
    /// </summary>
    public static string? SurveyId(string survey) =>
        survey.Length > 0 && survey.Length <= 100 && !survey.Contains("..", StringComparison.Ordinal) && survey.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? null
            : $"--survey '{Printable(survey)}' is not a survey pack id (letters, digits, '-', '_' and '.'; no path separator, no '..'); give the id of a pack, e.g. peru-coffee-cacao.";

    /// <summary>An export file that exists; a folder there is named as such, with the command that takes a folder.</summary>
    public static string? ExportFile(FileInfo file, string survey) =>
        file.Exists ? null
        : Directory.Exists(file.FullName) ? $"{file.FullName} is a folder, not a file; use 'run {file.FullName} --survey {survey}' to ingest every export in it."
        : $"{file.FullName}: no such file; give the path of an export file (.dat, .csv, .csdb, .xlsx or .zip).";

    /// <summary>A folder of exports that exists; a file there is named as such, with the command that takes a file.</summary>
    public static string? ExportFolder(DirectoryInfo folder, string survey) =>
        folder.Exists ? null
        : File.Exists(folder.FullName) ? $"{folder.FullName} is a file, not a folder; use 'ingest {folder.FullName} --survey {survey}' for one file."
        : $"{folder.FullName}: no such folder; give the folder that holds the exports.";

    /// <summary>The lake folder may be missing (it is created) but not a file.</summary>
    public static string? LakeFolder(DirectoryInfo lake) =>
        File.Exists(lake.FullName) ? $"--lake {lake.FullName} is a file, not a folder; give a folder for the lake (it is created if missing)." : null;

    /// <summary>The packs folder, when given, must exist.</summary>
    public static string? PacksFolder(DirectoryInfo? packs) =>
        packs is null || packs.Exists ? null
        : File.Exists(packs.FullName) ? $"--packs {packs.FullName} is a file, not a folder; give the folder that holds the survey packs."
        : $"--packs {packs.FullName}: no such folder; give the folder that holds the survey packs (default: the bundled survey-packs).";

    /// <summary>The survey must be a loaded pack; a broken one says so and how to see why.</summary>
    public static string? KnownSurvey(SurveyPackCatalog catalog, string survey, string packsFolder) =>
        catalog.Find(survey) is not null ? null
        : catalog.FindBroken(survey) is { } broken ? $"survey pack '{survey}' ({broken.Folder}) is broken; run 'pack check {broken.Folder}' for its problems and fix them."
        : $"no survey pack '{survey}' in {packsFolder}; known: {string.Join(", ", catalog.Packs.Select(p => p.Id))}. Give one of these, or --packs with the folder that holds it.";

    /// <summary>The first problem found, or null.</summary>
    public static string? First(params string?[] problems) => problems.FirstOrDefault(p => p is not null);

    // An argument is echoed back; control characters in it must not break the one-line promise.
    private static string Printable(string text) => new(text.Select(c => char.IsControl(c) ? '?' : c).ToArray());

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
