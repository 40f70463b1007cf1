using CsCheck;

namespace Pipeline.Readers.Tests.Fuzz;

/// <summary>One byte-level change of a seed file. Positions and lengths are taken modulo the input's length.</summary>
public sealed record Mutation(int Kind, int Position, int Length, byte Value)
{
    // Bytes that mean something to some reader: NUL, high bit, quote, delimiters, line ends, XML, digits, SQLite varints.
    private static readonly byte[] Meaningful = [0x00, 0xFF, 0x80, (byte)'"', (byte)',', (byte)';', (byte)'\t', (byte)'\r', (byte)'\n', (byte)'<', (byte)'>', (byte)'&', (byte)'9', (byte)'-', (byte)'~', 0x7F];

    public static readonly Gen<Mutation> Gen = CsCheck.Gen.Select(CsCheck.Gen.Int[0, 6], CsCheck.Gen.Int[0, int.MaxValue], CsCheck.Gen.Int[1, 512], CsCheck.Gen.Byte, (k, p, l, v) => new Mutation(k, p, l, v));

    /// <summary>Flip, insert, delete, splice, truncate, set a meaningful byte, or duplicate a block.</summary>
    public byte[] Apply(byte[] input)
    {
        if (input.Length == 0)
        {
            return [Value];
        }

        var at = Position % input.Length;
        var length = Math.Min(Length, input.Length - at);
        return Kind switch
        {
            0 => Set(input, at, (byte)(input[at] ^ (1 << (Value % 8)))),
            1 => [.. input[..at], .. Enumerable.Repeat(Value, Length), .. input[at..]],
            2 => [.. input[..at], .. input[(at + length)..]],
            3 => Splice(input, at, length),
            4 => input[..at],
            5 => Set(input, at, Meaningful[Value % Meaningful.Length]),
            _ => [.. input[..(at + length)], .. input[at..]],
        };
    }

    private static byte[] Set(byte[] input, int at, byte value)
    {
        var copy = (byte[])input.Clone();
        copy[at] = value;
        return copy;
    }

    private byte[] Splice(byte[] input, int at, int length)
    {
        var from = (int)((uint)(Position * 7919) % (uint)input.Length);
        var copy = (byte[])input.Clone();
        Array.Copy(input, from, copy, at, Math.Min(length, input.Length - from));
        return copy;
    }

    public override string ToString() => $"{"FIDXTSR"[Kind % 7]}@{Position}+{Length}:{Value:X2}";
}

/// <summary>A seed and the mutations applied to it, in order.</summary>
public sealed record FuzzInput(string Seed, byte[] SeedBytes, Mutation[] Mutations)
{
    public byte[] Bytes() => Mutations.Aggregate(SeedBytes, (bytes, m) => m.Apply(bytes));

    public override string ToString() => $"{Seed} {string.Join(' ', Mutations.Select(m => m.ToString()))}";
}
