using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Pipeline.Tests.Hostile;

/// <summary>What the child process measured for one input (or what the watchdog saw when it had to stop it).</summary>
public sealed record ProbeResult(string Name, string Outcome, string Message, long RowsRead, long RowsCurated, long RowsRejected, double PeakMB, double Seconds);

/// <summary>
/// Runs the inputs in the HostileProbe child process. A watchdog stops the child when an input passes
/// <see cref="KillAfter"/> or <see cref="KillAboveMB"/> of resident memory (far above the budgets the tests assert, only
/// so that a bomb cannot take the machine down), and when the child dies, the next input goes to a new child.
/// </summary>
public sealed class ProbeRunner(string inputs, string lake, string packs, string survey, string logFile)
{
    public static readonly TimeSpan KillAfter = TimeSpan.FromSeconds(35);
    public const double KillAboveMB = 1500;

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static string ProbeAssembly => Path.Combine(Support.RepoPaths.Root, "tests", "HostileProbe", "bin", Support.RepoPaths.Configuration, "net10.0", "HostileProbe.dll");

    /// <summary>Runs the files of the inputs folder; the results are keyed by file name without extension (the case name).</summary>
    public async Task<IReadOnlyDictionary<string, ProbeResult>> RunAsync(IReadOnlyList<string> files)
    {
        var results = new Dictionary<string, ProbeResult>(StringComparer.Ordinal);
        var names = files.OrderBy(n => n, StringComparer.Ordinal).ToList();
        var next = names.FirstOrDefault();
        while (next is not null)
        {
            var stopped = await RunChildAsync(next, results);
            if (stopped is not null)
            {
                results[stopped.Name] = stopped;
            }

            next = names.FirstOrDefault(n => !results.ContainsKey(Path.GetFileNameWithoutExtension(n)));
        }

        return results;
    }

    /// <summary>Runs a child from <paramref name="first"/> on; returns what stopped it early (a crash, a kill), or null.</summary>
    private async Task<ProbeResult?> RunChildAsync(string first, Dictionary<string, ProbeResult> results)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { ProbeAssembly, inputs, lake, packs, survey, logFile, first })
        {
            start.ArgumentList.Add(argument);
        }

        using var child = Process.Start(start)!;
        var stderr = child.StandardError.ReadToEndAsync();
        string? current = null;
        var clock = Stopwatch.StartNew();
        double peak = 0;
        using var watchdog = new CancellationTokenSource();
        string? killedFor = null;
        var watching = Task.Run(async () =>
        {
            while (!watchdog.IsCancelled())
            {
                await Task.Delay(100);
                peak = Math.Max(peak, ResidentMB(child));
                if (current is not null && (clock.Elapsed > KillAfter || peak > KillAboveMB))
                {
                    killedFor = clock.Elapsed > KillAfter ? $"stopped after {KillAfter.TotalSeconds} s" : $"stopped at {peak:F0} MB resident";
                    child.Kill(entireProcessTree: true);
                    return;
                }
            }
        });

        while (await child.StandardOutput.ReadLineAsync() is { } line)
        {
            using var json = JsonDocument.Parse(line);
            var name = json.RootElement.GetProperty("name").GetString()!;
            if (json.RootElement.GetProperty("event").GetString() == "start")
            {
                current = Path.GetFileNameWithoutExtension(name);
                clock.Restart();
                peak = 0;
            }
            else
            {
                var result = json.RootElement.Deserialize<ProbeResult>(Web)!;
                results[current!] = result with { Name = current! };
                current = null;
            }
        }

        await child.WaitForExitAsync();
        await watchdog.CancelAsync();
        await watching;
        if (current is null)
        {
            return null;
        }

        var why = killedFor ?? $"the child process died (exit code {child.ExitCode.ToString(CultureInfo.InvariantCulture)}): {LastLines(await stderr)}";
        return new ProbeResult(current, killedFor is null ? "crash" : "killed", why, 0, 0, 0, peak, clock.Elapsed.TotalSeconds);
    }

    private static double ResidentMB(Process process)
    {
        try
        {
            var line = File.ReadLines($"/proc/{process.Id.ToString(CultureInfo.InvariantCulture)}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
        }
        catch (IOException)
        {
            return 0; // the child just exited
        }
    }

    private static string LastLines(string text) => string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(3));
}

internal static class CancellationExtensions
{
    public static bool IsCancelled(this CancellationTokenSource source) => source.IsCancellationRequested;
}
