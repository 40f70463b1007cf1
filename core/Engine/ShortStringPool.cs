namespace Pipeline.Core.Engine;

/// <summary>
/// Shares the strings of short, repeated field values (codes, small numbers, the same village typed a thousand times),
/// so that a million rows of "1" and "2" do not make two million strings. A fixed table of
/// <see cref="Slots"/> entries, the last string per slot wins: memory is bounded (at most 4,096 strings of up to
/// <see cref="MaxLength"/> characters), a miss costs one string as before. Not thread-safe: one per reader.
/// </summary>
internal sealed class ShortStringPool
{
    /// <summary>Values longer than this are not pooled: long texts rarely repeat.</summary>
    public const int MaxLength = 24;

    /// <summary>Entries in the table (a power of two).</summary>
    public const int Slots = 4096;

    private readonly string?[] _slots = new string?[Slots];

    /// <summary>The string of <paramref name="length"/> characters at <paramref name="offset"/> of <paramref name="buffer"/>.</summary>
    public string GetString(char[] buffer, int offset, int length) => GetString(buffer.AsSpan(offset, length));

    /// <summary>The string of <paramref name="chars"/>, shared with an earlier equal value when the table still has it.</summary>
    public string GetString(ReadOnlySpan<char> chars)
    {
        if (chars.Length == 0)
        {
            return string.Empty;
        }

        if (chars.Length > MaxLength)
        {
            return new string(chars);
        }

        var slot = string.GetHashCode(chars) & (Slots - 1);
        var pooled = _slots[slot];
        if (pooled is not null && chars.SequenceEqual(pooled))
        {
            return pooled;
        }

        pooled = new string(chars);
        _slots[slot] = pooled;
        return pooled;
    }
}
