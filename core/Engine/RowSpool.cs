using System.Buffers.Binary;
using System.Text;
using Pipeline.Core.Values;

namespace Pipeline.Core.Engine;

/// <summary>
/// Rows of cells spilled to a temporary file in a plain binary form and read back once, in order. The ingest uses it
/// for the tables it rewrites after the last row (the level-1 record gets its case columns, a record with outlier rules
/// its warnings): writing those rows as Parquet first would encode, compress and decode them once more and keep a second
/// Parquet footer in memory (measured: docs/performance.md). Memory does not grow with the rows; disk takes about the
/// size of the text.
/// </summary>
/// <remarks>
/// Format, per row: its length in bytes (4, little-endian), then per cell a null flag (0 or 1) and the value: a 7-bit
/// varint (integers, timestamps as Unix milliseconds, zigzag-encoded), 8 bytes (reals), or a varint byte count and the
/// UTF-8 bytes (texts). Rows are encoded and decoded in a block buffer (a measured hot path: docs/performance.md).
/// </remarks>
internal sealed class RowSpool : IDisposable
{
    private const int BlockBytes = 1 << 16;
    private readonly ColumnKind[] _kinds;
    private readonly string _path;
    private readonly FileStream _file;
    private byte[] _buffer = new byte[BlockBytes];
    private int _used;
    private bool _read;

    public RowSpool(IReadOnlyList<TableColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        _kinds = columns.Select(c => c.Kind).ToArray();
        _path = PipelineTemp.NewPath(".spool");
        _file = new FileStream(_path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose | FileOptions.SequentialScan);
    }

    /// <summary>Rows appended so far.</summary>
    public long RowCount { get; private set; }

    /// <summary>Appends one row: one cell per column, in column order.</summary>
    public void Append(ReadOnlySpan<CellValue> row)
    {
        if (row.Length != _kinds.Length)
        {
            throw new ArgumentException($"Row has {row.Length} cells; the spool has {_kinds.Length} columns.", nameof(row));
        }

        if (_read)
        {
            throw new InvalidOperationException("The spool was already read back; it takes no more rows.");
        }

        // The row's largest possible size: flag + 10-byte varint or 8 bytes per cell, plus its texts.
        var room = 4 + (row.Length * 11);
        for (var c = 0; c < row.Length; c++)
        {
            if (_kinds[c] == ColumnKind.Text && row[c].Text is { } text)
            {
                room += 5 + Encoding.UTF8.GetMaxByteCount(text.Length);
            }
        }

        if (_buffer.Length - _used < room)
        {
            Flush();
            if (_buffer.Length < room)
            {
                _buffer = new byte[room];
            }
        }

        var start = _used;
        var at = start + 4;
        var span = _buffer.AsSpan();
        for (var c = 0; c < row.Length; c++)
        {
            var cell = row[c];
            if (cell.IsNull || (_kinds[c] == ColumnKind.Text && cell.Text is null))
            {
                span[at++] = 0;
                continue;
            }

            span[at++] = 1;
            switch (_kinds[c])
            {
                case ColumnKind.Integer:
                case ColumnKind.Timestamp:
                case ColumnKind.Date:
                    at += WriteVarint(span[at..], (ulong)((cell.Integer << 1) ^ (cell.Integer >> 63)));
                    break;
                case ColumnKind.Real:
                    BinaryPrimitives.WriteDoubleLittleEndian(span[at..], cell.Real);
                    at += 8;
                    break;
                default:
                    var bytes = Encoding.UTF8.GetBytes(cell.Text, span[(at + 5)..]);
                    var lengthBytes = WriteVarint(span[at..], (ulong)bytes);
                    span.Slice(at + 5, bytes).CopyTo(span[(at + lengthBytes)..]);
                    at += lengthBytes + bytes;
                    break;
            }
        }

        BinaryPrimitives.WriteInt32LittleEndian(span[start..], at - start - 4);
        _used = at;
        RowCount++;
    }

    /// <summary>
    /// Reads every row back, once, in the order appended. The yielded arrays are reused: each one again after
    /// <paramref name="reuseAfter"/> more rows (1 by default: copy what must be kept before asking for the next row; more
    /// lets a consumer on another thread lag behind, see <see cref="ReadAhead"/>).
    /// </summary>
    public IEnumerable<CellValue[]> ReadAll(int reuseAfter = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(reuseAfter, 1);
        if (_read)
        {
            throw new InvalidOperationException("The spool can be read back once.");
        }

        _read = true;
        Flush();
        _file.Position = 0;
        var ring = Enumerable.Range(0, reuseAfter).Select(_ => new CellValue[_kinds.Length]).ToArray();
        var pool = new ShortStringPool(); // codes kept as text repeat on every row
        var chars = new char[256];
        int available = 0, at = 0;
        for (long r = 0; r < RowCount; r++)
        {
            if (available - at < 4 || available - at < 4 + BinaryPrimitives.ReadInt32LittleEndian(_buffer.AsSpan(at)))
            {
                (available, at) = Refill(available, at);
            }

            var length = BinaryPrimitives.ReadInt32LittleEndian(_buffer.AsSpan(at));
            at += 4;
            var row = ring[r % reuseAfter];
            Decode(_buffer.AsSpan(at, length), row, pool, ref chars);
            at += length;
            yield return row;
        }
    }

    private void Decode(ReadOnlySpan<byte> span, CellValue[] row, ShortStringPool pool, ref char[] chars)
    {
        var at = 0;
        for (var c = 0; c < row.Length; c++)
        {
            if (span[at++] == 0)
            {
                row[c] = CellValue.Null;
                continue;
            }

            switch (_kinds[c])
            {
                case ColumnKind.Integer:
                case ColumnKind.Timestamp:
                case ColumnKind.Date:
                    var zigzag = ReadVarint(span, ref at);
                    row[c] = CellValue.OfInteger((long)(zigzag >> 1) ^ -(long)(zigzag & 1));
                    break;
                case ColumnKind.Real:
                    row[c] = CellValue.OfReal(BinaryPrimitives.ReadDoubleLittleEndian(span[at..]));
                    at += 8;
                    break;
                default:
                    var bytes = (int)ReadVarint(span, ref at);
                    if (chars.Length < bytes)
                    {
                        chars = new char[Math.Max(bytes, chars.Length * 2)];
                    }

                    var count = Encoding.UTF8.GetChars(span.Slice(at, bytes), chars);
                    row[c] = CellValue.OfText(pool.GetString(chars.AsSpan(0, count)));
                    at += bytes;
                    break;
            }
        }
    }

    /// <summary>Moves the unread bytes to the front and reads the file until the next row is whole in the buffer.</summary>
    private (int Available, int At) Refill(int available, int at)
    {
        var rest = available - at;
        _buffer.AsSpan(at, rest).CopyTo(_buffer);
        available = rest;
        while (true)
        {
            var need = available >= 4 ? 4 + BinaryPrimitives.ReadInt32LittleEndian(_buffer) : 4;
            if (available >= need)
            {
                return (available, 0);
            }

            if (_buffer.Length < need)
            {
                Array.Resize(ref _buffer, need);
            }

            var read = _file.Read(_buffer, available, _buffer.Length - available);
            if (read == 0)
            {
                throw new InvalidDataException($"The row spool {_path} ends inside a row.");
            }

            available += read;
        }
    }

    private void Flush()
    {
        _file.Write(_buffer, 0, _used);
        _used = 0;
    }

    private static int WriteVarint(Span<byte> target, ulong value)
    {
        var n = 0;
        while (value >= 0x80)
        {
            target[n++] = (byte)(value | 0x80);
            value >>= 7;
        }

        target[n++] = (byte)value;
        return n;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> span, ref int at)
    {
        ulong value = 0;
        var shift = 0;
        byte b;
        do
        {
            b = span[at++];
            value |= (ulong)(b & 0x7F) << shift;
            shift += 7;
        }
        while ((b & 0x80) != 0);

        return value;
    }

    public void Dispose()
    {
        _file.Dispose();
        if (File.Exists(_path))
        {
            File.Delete(_path);
        }
    }
}
