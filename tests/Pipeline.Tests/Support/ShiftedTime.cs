namespace Pipeline.Tests.Support;

/// <summary>The system clock, moved forward on demand: a lease expires without the test waiting for it.</summary>
public sealed class ShiftedTime(TimeSpan offset = default) : TimeProvider
{
    private long _offsetTicks = offset.Ticks;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}
