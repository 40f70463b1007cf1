namespace Pipeline.Core.Conditions;

/// <summary>
/// Counts the expressions parsed in the current async flow while a <see cref="Counter"/> is open: tests use it to show
/// that packs parse their expressions once, at load, and never per upload. Flows started inside the scope (awaits,
/// <c>Task.Run</c>) count too; other flows (tests running in parallel) do not.
/// </summary>
public static class ConditionParses
{
    private static readonly AsyncLocal<Counter?> Current = new();

    /// <summary>Starts counting in this async flow until the counter is disposed.</summary>
    public static Counter Count()
    {
        var counter = new Counter(Current.Value);
        Current.Value = counter;
        return counter;
    }

    internal static void Parsed()
    {
        for (var c = Current.Value; c is not null; c = c.Outer)
        {
            Interlocked.Increment(ref c.CountField);
        }
    }

    /// <summary>The number of expressions parsed since it was opened.</summary>
    public sealed class Counter : IDisposable
    {
        internal int CountField;

        internal Counter(Counter? outer) => Outer = outer;

        public int Parses => Volatile.Read(ref CountField);

        internal Counter? Outer { get; }

        public void Dispose() => Current.Value = Outer;
    }
}
