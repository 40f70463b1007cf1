using System.Diagnostics;
using System.Globalization;

namespace Pipeline.Bench.Runs;

/// <summary>What the parent asks one child process to do; passed as JSON on the child's command line.</summary>
internal sealed record MeasureRequest(string Task, string Survey, string? PacksFolder, string? Lake, IReadOnlyList<string> Inputs, string? Output);

/// <summary>
/// What one child process measured. <see cref="Seconds"/> covers the work only (not the runtime's start, the host or the
/// pack load); <see cref="PeakWorkingSetBytes"/> is the kernel's high-water mark of the whole process (VmHWM), which
/// includes native memory (DuckDB) and the start-up.
/// </summary>
internal sealed record Measurement(
    string Task,
    double Seconds,
    double CpuSeconds,
    long Rows,
    long PeakWorkingSetBytes,
    long WorkingSetAtStartBytes,
    long AllocatedBytes,
    int Gen0,
    int Gen1,
    int Gen2,
    double GcPauseSeconds,
    string Detail);

/// <summary>Counters around one measured piece of work, read from the process itself.</summary>
internal sealed class MeasureScope
{
    private readonly Stopwatch _clock;
    private readonly TimeSpan _cpu;
    private readonly long _allocated;
    private readonly int _gen0;
    private readonly int _gen1;
    private readonly int _gen2;
    private readonly TimeSpan _pause;
    private readonly long _startRss;

    private MeasureScope()
    {
        _startRss = ProcStatus.Read("VmRSS");
        _allocated = GC.GetTotalAllocatedBytes(precise: true);
        (_gen0, _gen1, _gen2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        _pause = GC.GetTotalPauseDuration();
        using var self = Process.GetCurrentProcess();
        _cpu = self.TotalProcessorTime;
        _clock = Stopwatch.StartNew();
    }

    public static MeasureScope Start() => new();

    public Measurement Stop(string task, long rows, string detail)
    {
        _clock.Stop();
        using var self = Process.GetCurrentProcess();
        return new Measurement(
            task,
            _clock.Elapsed.TotalSeconds,
            (self.TotalProcessorTime - _cpu).TotalSeconds,
            rows,
            ProcStatus.Read("VmHWM"),
            _startRss,
            GC.GetTotalAllocatedBytes(precise: true) - _allocated,
            GC.CollectionCount(0) - _gen0,
            GC.CollectionCount(1) - _gen1,
            GC.CollectionCount(2) - _gen2,
            (GC.GetTotalPauseDuration() - _pause).TotalSeconds,
            detail);
    }
}

/// <summary>Reads the kernel's memory figures of a process from /proc (Linux), in bytes; 0 elsewhere.</summary>
internal static class ProcStatus
{
    public static long Read(string field, int? pid = null)
    {
        var path = pid is null ? "/proc/self/status" : $"/proc/{pid.Value.ToString(CultureInfo.InvariantCulture)}/status";
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                if (line.StartsWith(field + ":", StringComparison.Ordinal))
                {
                    var kb = line[(field.Length + 1)..].Trim().Split(' ')[0];
                    return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The process has exited (or this is not Linux): no figure.
        }

        return 0;
    }
}
