using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Pipeline.Core.Engine;

/// <summary>
/// A growable array in chunks of 65,536 items: growing never copies (a <see cref="List{T}"/> of a million items would
/// double into a new array, holding both for a moment), and a chunk nobody wrote to is never allocated (an array that is
/// grown but never written costs nothing). Reading an unwritten item gives <c>fill</c>.
/// <para>
/// With a <c>residentBytes</c> budget, chunks beyond it are spilled to a temporary file, least recently used first, and
/// read back when touched again: for a caller that reads and writes in index order, memory stays at the budget whatever
/// the number of items, for a few sequential passes over a small file. If the access turns out to be random (chunks read
/// back soon after they were spilled, more than <see cref="ThrashFactor"/> times the budget's chunks), spilling stops and
/// the array grows in memory as it would without a budget: unordered access costs memory, never pathological I/O.
/// </para>
/// <para>Not thread-safe, reads included (they move chunks): one thread at a time per array.</para>
/// </summary>
internal sealed class ChunkedArray<T>(T fill, long residentBytes = long.MaxValue) : IDisposable
    where T : unmanaged
{
    /// <summary>
    /// Early reloads (a chunk read back before half the other chunks were spilled after it), in multiples of the
    /// budget's chunks, above which the access is taken as random and spilling stops.
    /// </summary>
    public const int ThrashFactor = 2;

    private const int Shift = 16;
    private const int Mask = (1 << Shift) - 1;
    private static readonly int ChunkBytes = (1 << Shift) * Unsafe.SizeOf<T>();

    private readonly List<T[]?> _chunks = [];
    private readonly List<long> _spilledAt = []; // eviction number when the chunk went to disk; -1: never

    private readonly LinkedList<int> _resident = new(); // most recently used first
    private readonly List<LinkedListNode<int>?> _nodes = [];
    private int _maxResident = (int)Math.Clamp(residentBytes / ChunkBytes, 2L, int.MaxValue);
    private FileStream? _spill;
    private long _evictions;
    private long _reloads;
    private long _earlyReloads;

    // The chunk touched last: nearly every access is to it, and then costs no lookup.
    private int _lastChunk = -1;
    private T[]? _lastItems;

    public long Count { get; private set; }

    /// <summary>Chunks read back from the spill file so far.</summary>
    public long Reloads => _reloads;

    /// <summary>Chunks in memory now.</summary>
    public int ResidentChunks => _resident.Count;

    /// <summary>False once the access was found random and the array stopped spilling.</summary>
    public bool Spilling => _maxResident != int.MaxValue;

    /// <summary>Makes room for items up to <paramref name="count"/> (they read as <c>fill</c> until written).</summary>
    public void Grow(long count) => Count = Math.Max(Count, count);

    public T this[long index]
    {
        get
        {
            var chunk = (int)(index >> Shift);
            if (chunk == _lastChunk)
            {
                return _lastItems![index & Mask];
            }

            return chunk < _chunks.Count && (_chunks[chunk] is not null || _spilledAt[chunk] >= 0) ? Chunk(chunk)[index & Mask] : fill;
        }

        set
        {
            var chunk = (int)(index >> Shift);
            (chunk == _lastChunk ? _lastItems! : Chunk(chunk))[index & Mask] = value;
        }
    }

    private T[] Chunk(int chunk)
    {
        while (_chunks.Count <= chunk)
        {
            _chunks.Add(null);
            _spilledAt.Add(-1);
            _nodes.Add(null);
        }

        if (_chunks[chunk] is { } items)
        {
            Touch(chunk);
        }
        else
        {
            items = _resident.Count >= _maxResident ? Evict() : new T[1 << Shift];
            if (_spilledAt[chunk] >= 0)
            {
                Load(chunk, items);
            }
            else
            {
                Array.Fill(items, fill);
            }

            _chunks[chunk] = items;
            _nodes[chunk] = _resident.AddFirst(chunk);
        }

        _lastChunk = chunk;
        _lastItems = items;
        return items;
    }

    private void Touch(int chunk)
    {
        var node = _nodes[chunk]!;
        if (node != _resident.First)
        {
            _resident.Remove(node);
            _resident.AddFirst(node);
        }
    }

    /// <summary>Writes the least recently used chunk to the spill file and hands its array over for reuse.</summary>
    private T[] Evict()
    {
        var victim = _resident.Last!.Value;
        _resident.RemoveLast();
        var items = _chunks[victim]!;
        _spill ??= new FileStream(PipelineTemp.NewPath(".chunks"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 12, FileOptions.DeleteOnClose);
        _spill.Position = (long)victim * ChunkBytes;
        _spill.Write(MemoryMarshal.AsBytes(items.AsSpan()));
        _chunks[victim] = null;
        _nodes[victim] = null;
        _spilledAt[victim] = _evictions++;
        if (victim == _lastChunk)
        {
            _lastChunk = -1;
            _lastItems = null;
        }

        return items;
    }

    private void Load(int chunk, T[] items)
    {
        _spill!.Position = (long)chunk * ChunkBytes;
        _spill.ReadExactly(MemoryMarshal.AsBytes(items.AsSpan()));
        _reloads++;
        // In order, a spilled chunk comes back a whole pass later, after nearly every other chunk went out; back within
        // half a pass means the access jumps around.
        // A pass restarted from the first case also brings chunks back early, but few of them: early reloads must also be
        // most of all reloads.
        if (_evictions - _spilledAt[chunk] < _chunks.Count / 2 && ++_earlyReloads > ThrashFactor * (long)_maxResident && _earlyReloads * 2 > _reloads)
        {
            _maxResident = int.MaxValue; // random access: keep everything in memory from now on
        }
    }

    public void Dispose() => _spill?.Dispose();
}
