using System.Diagnostics;

namespace Pipeline.Cli.Tests;

/// <summary>What one run of the CLI gave: its exit code and its output lines.</summary>
public sealed record CliResult(int ExitCode, IReadOnlyList<string> Output, IReadOnlyList<string> Errors)
{
    public override string ToString() => $"exit {ExitCode}; stdout:\n{string.Join('\n', Output)}\nstderr:\n{string.Join('\n', Errors)}";
}

/// <summary>Runs the built <c>survey-pipeline</c> (dotnet survey-pipeline.dll) as a child process, as a user or a script would.</summary>
public static class CliProcess
{
    public static string Root { get; } = FindRoot();

    public static string Dll => Path.Combine(Root, "cli", "bin", Configuration, "net10.0", "survey-pipeline.dll");

    /// <summary>The hand-made CSV slice of the Peru pack: small, accepted.</summary>
    public static string PeruSlice => Path.Combine(Root, "survey-packs", "peru-coffee-cacao", "sample", "participant-slice", "PARTICIPANT_REC.csv");

    private static string Configuration =>
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string>(), args);

    public static async Task<CliResult> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // The tests choose the lake and the key themselves; a developer's environment must not leak in.
        start.Environment.Remove("LakeStorage");
        start.Environment.Remove("Pseudonymisation__Key");
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        // A guard against a hung child only, not a timing assertion.
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(guard.Token);
        return new CliResult(process.ExitCode, Lines(await output), Lines(await errors));
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pipeline.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Pipeline.sln above {AppContext.BaseDirectory}.");
    }
}

/// <summary>A temporary folder deleted after the test.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("cli-tests-").FullName;

    public string Lake => System.IO.Path.Combine(Path, "lake");

    public string File(string name, string content)
    {
        var file = System.IO.Path.Combine(Path, name);
        System.IO.File.WriteAllText(file, content);
        return file;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a temp folder left behind is harmless
        }
    }
}
