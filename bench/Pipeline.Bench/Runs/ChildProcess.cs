using System.Diagnostics;
using System.Text.Json;

namespace Pipeline.Bench.Runs;

/// <summary>
/// Runs one <see cref="MeasureRequest"/> in a fresh process of this same executable (the hidden <c>measure</c>
/// command), so each run's peak working set is its own and no JIT, cache or heap state carries over from another run.
/// </summary>
internal sealed class ChildProcess(string pseudonymisationKey)
{
    /// <summary>What the parent saw of the child besides the child's own measurement.</summary>
    public sealed record Observed(Measurement Measurement, double ProcessSeconds, long SampledPeakBytes);

    public async Task<Observed> RunAsync(MeasureRequest request, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("No process path: cannot start a child of this executable.");
        start.FileName = self;
        if (Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(typeof(ChildProcess).Assembly.Location); // started as `dotnet pipeline-bench.dll`
        }

        start.ArgumentList.Add(MeasureCommand.Name);
        start.ArgumentList.Add(JsonSerializer.Serialize(request));
        start.Environment["Pseudonymisation__Key"] = pseudonymisationKey;

        var output = new List<string>();
        var errors = new List<string>();
        var clock = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.Add(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (errors) { errors.Add(e.Data); } } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // A cross-check of the child's own VmHWM: the parent samples it while the child runs (it misses only the last
        // ~100 ms, so it can be lower, never higher).
        long sampled = 0;
        while (!process.HasExited)
        {
            sampled = Math.Max(sampled, ProcStatus.Read("VmHWM", process.Id));
            await Task.WhenAny(process.WaitForExitAsync(cancellationToken), Task.Delay(100, cancellationToken));
        }

        await process.WaitForExitAsync(cancellationToken);
        clock.Stop();
        var line = output.LastOrDefault(l => l.StartsWith(MeasureCommand.ResultPrefix, StringComparison.Ordinal));
        if (process.ExitCode != 0 || line is null)
        {
            throw new InvalidOperationException($"Child run {request.Task} failed (exit {process.ExitCode}):{Environment.NewLine}{string.Join(Environment.NewLine, errors.Concat(output).TakeLast(30))}");
        }

        var measurement = JsonSerializer.Deserialize<Measurement>(line[MeasureCommand.ResultPrefix.Length..])!;
        return new Observed(measurement, clock.Elapsed.TotalSeconds, sampled);
    }
}
