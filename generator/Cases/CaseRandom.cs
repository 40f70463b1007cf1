namespace Pipeline.Generator.Cases;

/// <summary>
/// The random numbers of one case: a <see cref="Random"/> whose state (xoshiro256**) is seeded with 64 bits mixed from
/// the run's seed, the case number and a stream. <c>new Random(int)</c> would give only 2^31 streams: at a million cases
/// some would share a seed and repeat a whole interview. Being our own algorithm, the sequence is also the same on every
/// .NET version, which the determinism promise (same seed, same bytes) needs.
/// </summary>
internal sealed class CaseRandom : Random
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    public CaseRandom(int seed, long caseNumber, ulong stream)
    {
        var x = unchecked(((ulong)(uint)seed << 32) ^ (stream * 0x9E3779B97F4A7C15UL) ^ ((ulong)caseNumber * 0xD1B54A32D192ED03UL));
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    public override int Next() => (int)(NextUInt64() >> 33);

    public override int Next(int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxValue);
        return (int)(((NextUInt64() >> 32) * (ulong)maxValue) >> 32);
    }

    public override int Next(int minValue, int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        return (int)(minValue + NextInt64((long)maxValue - minValue));
    }

    public override long NextInt64() => (long)(NextUInt64() >> 1);

    public override long NextInt64(long maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxValue);
        return (long)Math.BigMul(NextUInt64(), (ulong)maxValue, out _);
    }

    public override long NextInt64(long minValue, long maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        return minValue + (long)Math.BigMul(NextUInt64(), (ulong)(maxValue - minValue), out _);
    }

    public override double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public override float NextSingle() => (NextUInt64() >> 40) * (1.0f / (1U << 24));

    public override void NextBytes(byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        NextBytes(buffer.AsSpan());
    }

    public override void NextBytes(Span<byte> buffer)
    {
        for (var i = 0; i < buffer.Length; i++)
        {
            buffer[i] = (byte)(NextUInt64() >> 56);
        }
    }

    protected override double Sample() => NextDouble();

    private ulong NextUInt64()
    {
        var result = unchecked(RotateLeft(_s1 * 5, 7) * 9);
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix(ref ulong x)
    {
        x = unchecked(x + 0x9E3779B97F4A7C15UL);
        var z = x;
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}

/// <summary>The streams of random numbers of a case (see <see cref="CaseRandom"/>): one per use, so that they never interfere.</summary>
internal static class CaseSeeds
{
    /// <summary>The stream of draws of the case's values.</summary>
    public const ulong Values = 0x5EED_0001;

    /// <summary>The stream of the fault injector, separate so that a fault never changes the clean values of a case.</summary>
    public const ulong Faults = 0x5EED_0002;

    /// <summary>The stream of a case's UUID in a CSPro DB.</summary>
    public const ulong CaseId = 0x5EED_0003;
}
