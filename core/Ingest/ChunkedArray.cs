namespace Pipeline.Core.Ingest;

/// <summary>
/// A growable array in chunks of 65,536 items: growing never copies (a <see cref="List{T}"/> of a million cases would
/// double into a new array, holding both for a moment), and a chunk nobody wrote to is never allocated (the roster sums
/// of an upload that has no roster rows cost nothing). Reading an unwritten item gives <c>fill</c>.
/// </summary>
internal sealed class ChunkedArray<T>(T fill)
    where T : struct
{
    private const int Shift = 16;
    private const int Mask = (1 << Shift) - 1;
    private readonly List<T[]?> _chunks = [];

    public long Count { get; private set; }

    /// <summary>Makes room for items up to <paramref name="count"/> (they read as <c>fill</c> until written).</summary>
    public void Grow(long count) => Count = Math.Max(Count, count);

    public T this[long index]
    {
        get
        {
            var chunk = (int)(index >> Shift);
            return chunk < _chunks.Count && _chunks[chunk] is { } items ? items[index & Mask] : fill;
        }

        set => Chunk(index)[index & Mask] = value;
    }

    private T[] Chunk(long index)
    {
        var chunk = (int)(index >> Shift);
        while (_chunks.Count <= chunk)
        {
            _chunks.Add(null);
        }

        if (_chunks[chunk] is not { } items)
        {
            items = new T[1 << Shift];
            Array.Fill(items, fill);
            _chunks[chunk] = items;
        }

        return items;
    }
}
