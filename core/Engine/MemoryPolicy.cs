using System.Runtime;

namespace Pipeline.Core.Engine;

/// <summary>
/// When to force a garbage collection between two phases of a long job. A streaming phase leaves its buffers and batches
/// as garbage that may still wait for a full collection when the next phase allocates its own, so the two would add up
/// in the process's peak; a job that streamed at least <see cref="CollectAfterItems"/> items collects them (and compacts
/// the large-object heap) before the next phase starts. A smaller job skips the blocking collection: its garbage is
/// small and the pause would be most of its time. Measured in docs/performance.md ("the read phase's garbage collected
/// before the rewrite").
/// </summary>
internal static class MemoryPolicy
{
    /// <summary>Items a phase must have streamed for <see cref="EndOfStreamingPhase"/> to collect.</summary>
    public const long CollectAfterItems = 1_000_000;

    /// <summary>
    /// Call when a streaming phase is done with its buffers and before the next phase allocates. Runs one blocking,
    /// compacting full collection when <paramref name="itemsStreamed"/> reaches <see cref="CollectAfterItems"/>; returns
    /// whether it did.
    /// </summary>
    public static bool EndOfStreamingPhase(long itemsStreamed)
    {
        if (itemsStreamed < CollectAfterItems)
        {
            return false;
        }

        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return true;
    }
}
