using System.Text;

namespace Pipeline.Core.Lake;

/// <summary>
/// Rows of cells spilled to a temporary file in a plain binary form (a null flag, then a 7-bit varint, a double or a
/// length-prefixed UTF-8 string per cell) and read back once, in order. The ingest uses it for the tables it rewrites
/// after the last row (the level-1 record gets its case columns, a record with outlier rules its warnings): writing
/// those rows as Parquet first would encode, compress and decode them once more and keep a second Parquet footer in
/// memory (measured: docs/performance.md). Memory does not grow with the rows; disk takes about the size of the text.
/// </summary>
internal sealed class RowSpool : IDisposable
{
    private readonly ColumnKind[] _kinds;
    private readonly string _path;
    private readonly FileStream _file;
    private readonly BinaryWriter _writer;
    private bool _read;

    public RowSpool(IReadOnlyList<TableColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        _kinds = columns.Select(c => c.Kind).ToArray();
        _path = Path.Combine(Path.GetTempPath(), $"pipeline-{Guid.NewGuid():N}.spool");
        _file = new FileStream(_path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.SequentialScan);
        _writer = new BinaryWriter(_file, Encoding.UTF8, leaveOpen: true);
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

        for (var c = 0; c < row.Length; c++)
        {
            var cell = row[c];
            if (cell.IsNull || (_kinds[c] == ColumnKind.Text && cell.Text is null))
            {
                _writer.Write((byte)0);
                continue;
            }

            _writer.Write((byte)1);
            switch (_kinds[c])
            {
                case ColumnKind.Integer:
                case ColumnKind.Timestamp:
                    _writer.Write7BitEncodedInt64(cell.Integer);
                    break;
                case ColumnKind.Real:
                    _writer.Write(cell.Real);
                    break;
                default:
                    _writer.Write(cell.Text!);
                    break;
            }
        }

        RowCount++;
    }

    /// <summary>
    /// Reads every row back, once, in the order appended. The yielded array is reused for the next row: copy what must
    /// be kept.
    /// </summary>
    public IEnumerable<CellValue[]> ReadAll()
    {
        if (_read)
        {
            throw new InvalidOperationException("The spool can be read back once.");
        }

        _read = true;
        _writer.Flush();
        _file.Position = 0;
        using var reader = new BinaryReader(_file, Encoding.UTF8, leaveOpen: true);
        var row = new CellValue[_kinds.Length];
        var pool = new Readers.ShortStringPool(); // codes kept as text repeat on every row
        var bytes = new byte[256];
        var chars = new char[256];
        for (long r = 0; r < RowCount; r++)
        {
            for (var c = 0; c < row.Length; c++)
            {
                row[c] = reader.ReadByte() == 0 ? CellValue.Null : _kinds[c] switch
                {
                    ColumnKind.Integer or ColumnKind.Timestamp => CellValue.OfInteger(reader.Read7BitEncodedInt64()),
                    ColumnKind.Real => CellValue.OfReal(reader.ReadDouble()),
                    _ => CellValue.OfText(ReadText(reader, pool, ref bytes, ref chars)),
                };
            }

            yield return row;
        }
    }

    /// <summary>A string as <see cref="BinaryWriter.Write(string)"/> wrote it (length in bytes, UTF-8), shared through the pool.</summary>
    private static string ReadText(BinaryReader reader, Readers.ShortStringPool pool, ref byte[] bytes, ref char[] chars)
    {
        var length = reader.Read7BitEncodedInt();
        if (bytes.Length < length)
        {
            bytes = new byte[Math.Max(length, bytes.Length * 2)];
            chars = new char[bytes.Length];
        }

        reader.BaseStream.ReadExactly(bytes, 0, length);
        var count = Encoding.UTF8.GetChars(bytes, 0, length, chars, 0);
        return pool.GetString(chars.AsSpan(0, count));
    }

    public void Dispose()
    {
        _writer.Dispose();
        _file.Dispose();
        if (File.Exists(_path))
        {
            File.Delete(_path);
        }
    }
}
