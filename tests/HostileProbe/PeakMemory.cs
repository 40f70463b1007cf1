namespace Pipeline.HostileProbe;

/// <summary>
/// The process's peak resident memory (VmHWM), reset before each input. Measured by the kernel, so native memory
/// (SQLite's page cache, zlib) counts as much as the managed heap does.
/// </summary>
internal static class PeakMemory
{
    /// <summary>Writing "5" to clear_refs resets VmHWM to the current resident size (Linux 4.0 and later).</summary>
    public static void Reset()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        File.WriteAllText("/proc/self/clear_refs", "5");
    }

    public static double ReadMegabytes()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        var kb = long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        return Math.Round(kb / 1024.0, 1);
    }
}
