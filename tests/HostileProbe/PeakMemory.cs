namespace Pipeline.HostileProbe;

/// <summary>
/// The process's peak resident memory (VmHWM), reset before each input. Measured by the kernel, so native memory
/// (SQLite's page cache, zlib) counts as much as the managed heap does.
/// </summary>
internal static class PeakMemory
{
    /// <summary>
    /// A child whose resident memory stays above this after a full collection gives way to a fresh one (the parent starts
    /// it at the same input): what an earlier input left mapped would otherwise count in the next one's peak.
    /// </summary>
    public const double MaxBaselineMB = 150;

    /// <summary>
    /// Returns the resident memory left after an aggressive (decommitting) collection, then resets VmHWM to it: writing
    /// "5" to clear_refs does that (Linux 4.0 and later).
    /// </summary>
    public static double Reset()
    {
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        File.WriteAllText("/proc/self/clear_refs", "5");
        return Read("VmRSS:");
    }

    public static double ReadMegabytes() => Read("VmHWM:");

    private static double Read(string field)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        var kb = long.Parse(line[field.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        return Math.Round(kb / 1024.0, 1);
    }
}
