using System.Diagnostics;
using System.Reflection;

namespace Pipeline.Infra.Tests.Support;

/// <summary>Output of one Bicep CLI run.</summary>
public sealed record BicepRun(string Arguments, int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Everything the CLI printed, trimmed; empty when a build or lint is clean.</summary>
    public string Output => (StandardOutput + StandardError).Trim();
}

/// <summary>Runs the Bicep CLI restored from the NuGet package Azure.Bicep.CommandLine.linux-x64.</summary>
public static class BicepCli
{
    private const string PackageId = "azure.bicep.commandline.linux-x64";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private static readonly Lazy<string> LazyExecutable = new(Locate);

    public static string Executable => LazyExecutable.Value;

    public static Task<BicepRun> RunAsync(params string[] arguments) =>
        RunAsync(new Dictionary<string, string>(), arguments);

    /// <summary>Runs the CLI with extra environment variables (read by readEnvironmentVariable in .bicepparam files).</summary>
    public static async Task<BicepRun> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoLayout.Root,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Could not start '{Executable}'.");
        using var timeout = new CancellationTokenSource(Timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish within {Timeout}.");
        }

        return new BicepRun(string.Join(' ', arguments), process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Compiles a .bicep file to an ARM template file and fails with the CLI's output on any diagnostic.</summary>
    public static async Task<string> BuildAsync(string bicepFile, string outputDirectory)
    {
        var outFile = Path.Combine(outputDirectory, Path.GetFileNameWithoutExtension(bicepFile) + ".json");
        var run = await RunAsync("build", bicepFile, "--outfile", outFile);
        if (run.ExitCode != 0 || run.Output.Length > 0)
        {
            throw new InvalidOperationException(
                $"bicep {run.Arguments} exited {run.ExitCode} with diagnostics:{Environment.NewLine}{run.Output}");
        }

        return outFile;
    }

    /// <summary>Compiles a .bicepparam file to a deployment parameters file and fails with the CLI's output on any diagnostic.</summary>
    public static async Task<string> BuildParamsAsync(string bicepParamFile, string outputDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var outFile = Path.Combine(outputDirectory, Path.GetFileNameWithoutExtension(bicepParamFile) + ".parameters.json");
        var run = await RunAsync(environment, "build-params", bicepParamFile, "--outfile", outFile);
        if (run.ExitCode != 0 || run.Output.Length > 0)
        {
            throw new InvalidOperationException(
                $"bicep {run.Arguments} exited {run.ExitCode} with diagnostics:{Environment.NewLine}{run.Output}");
        }

        return outFile;
    }

    private static string Locate()
    {
        var candidates = new List<string>();
        var fromBuild = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "BicepPath")?.Value;
        if (!string.IsNullOrEmpty(fromBuild))
        {
            // The package's props write a Windows-style separator; normalise it for Linux.
            candidates.Add(Path.GetFullPath(fromBuild.Replace('\\', Path.DirectorySeparatorChar)));
        }

        var packagesRoot = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var packageDir = Path.Combine(packagesRoot, PackageId);
        if (Directory.Exists(packageDir))
        {
            candidates.AddRange(Directory.GetDirectories(packageDir)
                .OrderDescending(StringComparer.Ordinal)
                .Select(version => Path.Combine(version, "tools", "bicep")));
        }

        return candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException(
                "Bicep CLI not found. Restore this project (dotnet restore tests/Pipeline.Infra.Tests) so NuGet fetches " +
                $"Azure.Bicep.CommandLine.linux-x64. Looked in: {string.Join(", ", candidates.DefaultIfEmpty(packageDir))}");
    }
}
