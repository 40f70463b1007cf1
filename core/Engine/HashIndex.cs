namespace Pipeline.Core.Engine;

/// <summary>
/// 64-bit key hash → int, for millions of keys in little memory: open addressing with linear probing over two parallel
/// arrays (12 bytes a slot, at most 3/4 full, so 16–32 bytes a key), where a <see cref="Dictionary{TKey, TValue}"/>
/// of the same takes 28 bytes an entry plus its growth slack. The hash 0 is stored as 1 (0 marks an empty slot): a
/// collision chance the callers already accept for 64-bit hashes.
/// </summary>
internal sealed class HashIndex
{
    private ulong[] _keys = new ulong[1024];
    private int[] _values = new int[1024];

    public int Count { get; private set; }

    /// <summary>The value stored for <paramref name="hash"/>, or false.</summary>
    public bool TryGetValue(ulong hash, out int value)
    {
        hash = hash == 0 ? 1 : hash;
        var mask = _keys.Length - 1;
        for (var i = (int)(hash & (ulong)mask); ; i = (i + 1) & mask)
        {
            if (_keys[i] == hash)
            {
                value = _values[i];
                return true;
            }

            if (_keys[i] == 0)
            {
                value = 0;
                return false;
            }
        }
    }

    /// <summary>Stores <paramref name="value"/> for <paramref name="hash"/> unless it is there; returns the value stored.</summary>
    public int GetOrAdd(ulong hash, int value, out bool added)
    {
        hash = hash == 0 ? 1 : hash;
        if ((Count + 1) * 4 > _keys.Length * 3)
        {
            Grow();
        }

        var mask = _keys.Length - 1;
        for (var i = (int)(hash & (ulong)mask); ; i = (i + 1) & mask)
        {
            if (_keys[i] == hash)
            {
                added = false;
                return _values[i];
            }

            if (_keys[i] == 0)
            {
                _keys[i] = hash;
                _values[i] = value;
                Count++;
                added = true;
                return value;
            }
        }
    }

    private void Grow()
    {
        var (keys, values) = (_keys, _values);
        _keys = new ulong[keys.Length * 2];
        _values = new int[keys.Length * 2];
        var mask = _keys.Length - 1;
        for (var j = 0; j < keys.Length; j++)
        {
            if (keys[j] == 0)
            {
                continue;
            }

            var i = (int)(keys[j] & (ulong)mask);
            while (_keys[i] != 0)
            {
                i = (i + 1) & mask;
            }

            _keys[i] = keys[j];
            _values[i] = values[j];
        }
    }
}
