using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace Pipeline.Core.Engine;

/// <summary>
/// Case key → case number (0, 1, 2, … in order of first appearance) for the whole-upload checks, sized for millions of
/// cases: the index holds 64-bit hashes of the keys (XxHash64), the keys themselves sit in one chunked byte array at the
/// width of the first key, a byte a character (a key of another width, which CSPro does not write, or with a character
/// past Latin-1, is kept aside as a string).
/// About 30 bytes a case (the index 16–32, the key 1 a character) instead of a string and a dictionary entry of about 90. Two keys with the same 64-bit hash
/// would be taken for one case: with a million cases the chance is about 1 in 30 million million.
/// </summary>
#pragma warning disable CA1001 // its ChunkedArray has no memory budget, so it never opens a spill file: nothing to dispose
internal sealed class CaseKeys
{
    private readonly HashIndex _index = new();
    private readonly ChunkedArray<byte> _chars = new((byte)' ');
    private readonly Dictionary<int, string> _otherWidths = [];
    private int _width = -1;

    public int Count => _index.Count;

    /// <summary>The case number of <paramref name="key"/>, or -1.</summary>
    public int IndexOf(string key) => _index.TryGetValue(Hash(key), out var index) ? index : -1;

    /// <summary>The case number of <paramref name="key"/>, added (as <see cref="Count"/>) when new.</summary>
    public int GetOrAdd(string key, out bool added)
    {
        ArgumentNullException.ThrowIfNull(key);
        var index = _index.GetOrAdd(Hash(key), _index.Count, out added);
        if (!added)
        {
            return index;
        }

        if (_width < 0)
        {
            _width = key.Length;
        }

        if (key.Length == _width && !key.AsSpan().ContainsAnyExceptInRange('\0', '\u00FF'))
        {
            var start = (long)index * _width;
            _chars.Grow(start + _width);
            for (var i = 0; i < key.Length; i++)
            {
                _chars[start + i] = (byte)key[i]; // Latin-1: one byte a character
            }
        }
        else
        {
            _otherWidths[index] = key;
        }

        return index;
    }

    /// <summary>The key of case number <paramref name="index"/>.</summary>
    public string KeyAt(int index)
    {
        if (_otherWidths.TryGetValue(index, out var key))
        {
            return key;
        }

        var start = (long)index * _width;
        return string.Create(_width, (this, start), static (span, state) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = (char)state.Item1._chars[state.start + i];
            }
        });
    }

    private static ulong Hash(string key) => XxHash64.HashToUInt64(MemoryMarshal.AsBytes(key.AsSpan()));
}
#pragma warning restore CA1001
