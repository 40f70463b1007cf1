using Parquet;
using Parquet.Schema;

namespace Pipeline.Core.Lake;

/// <summary>
/// Writes rows to a Parquet file through per-column buffers, one row group every <see cref="ParquetTableOptions.RowGroupRows"/>
/// rows, so memory depends on the row-group size, never on the file size. Output goes to a temporary file that the caller
/// uploads (see <see cref="CompleteAsync"/>).
/// </summary>
public sealed class ParquetTableWriter : IAsyncDisposable
{
    private readonly IReadOnlyList<TableColumn> _columns;
    private readonly DataField[] _fields;
    private readonly ParquetTableOptions _options;
    private readonly string _tempPath;
    private readonly FileStream _file;
    // Dropped once the footer is written: Parquet.Net keeps every row group's metadata until then (tens of MB for a
    // wide table of a million rows), and the finished file may be read long after.
    private ParquetWriter? _writer;
    private readonly long?[][] _integers;
    private readonly double?[][] _reals;
    private readonly string?[][] _texts;
    private readonly int _rowsPerGroup;
    private DateTime?[] _times = []; // reused by every flush: timestamps are buffered as Unix milliseconds
    private bool _allocated;
    private int _buffered;
    private bool _completed;

    private ParquetTableWriter(IReadOnlyList<TableColumn> columns, DataField[] fields, ParquetTableOptions options, string tempPath, FileStream file, ParquetWriter writer)
    {
        _columns = columns;
        _fields = fields;
        _options = options;
        _tempPath = tempPath;
        _file = file;
        _writer = writer;
        // The buffers are allocated on the first row: a table that stays empty (the rejected rows of a clean upload)
        // costs nothing.
        _rowsPerGroup = options.RowsPerGroup(columns.Count);
        _integers = new long?[columns.Count][];
        _reals = new double?[columns.Count][];
        _texts = new string?[columns.Count][];
    }

    public IReadOnlyList<TableColumn> Columns => _columns;

    /// <summary>Rows appended so far.</summary>
    public long RowCount { get; private set; }

    /// <summary>Starts a file with the given columns; <paramref name="metadata"/> goes to the file's key-value metadata.</summary>
    public static async Task<ParquetTableWriter> CreateAsync(IReadOnlyList<TableColumn> columns, IReadOnlyDictionary<string, string>? metadata, ParquetTableOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(columns);
        options ??= new ParquetTableOptions();
        var fields = columns.Select(FieldOf).ToArray();
        var tempPath = Path.Combine(Path.GetTempPath(), $"pipeline-{Guid.NewGuid():N}.parquet");
        var file = new FileStream(tempPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        var parquetOptions = new ParquetOptions { CompressionMethod = options.Compression };
        var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), file, parquetOptions, append: false, cancellationToken).ConfigureAwait(false);
        if (metadata is not null)
        {
            writer.CustomMetadata = metadata.ToDictionary(k => k.Key, k => k.Value);
        }

        return new ParquetTableWriter(columns, fields, options, tempPath, file, writer);
    }

    /// <summary>Appends one row; <paramref name="row"/> holds one cell per column, in column order.</summary>
    public async ValueTask AppendAsync(ReadOnlyMemory<CellValue> row, CancellationToken cancellationToken = default)
    {
        if (row.Length != _columns.Count)
        {
            throw new ArgumentException($"Row has {row.Length} cells; the table has {_columns.Count} columns.", nameof(row));
        }

        ObjectDisposedException.ThrowIf(_completed, this);

        if (!_allocated)
        {
            Allocate(_rowsPerGroup);
        }

        var cells = row.Span;
        for (var c = 0; c < cells.Length; c++)
        {
            var cell = cells[c];
            switch (_columns[c].Kind)
            {
                case ColumnKind.Integer:
                case ColumnKind.Timestamp:
                    _integers[c][_buffered] = cell.IsNull ? null : cell.Integer;
                    break;
                case ColumnKind.Real:
                    _reals[c][_buffered] = cell.IsNull ? null : cell.Real;
                    break;
                default:
                    _texts[c][_buffered] = cell.IsNull ? null : cell.Text;
                    break;
            }
        }

        _buffered++;
        RowCount++;
        if (_buffered == _rowsPerGroup)
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes the last row group and the footer and returns a stream over the finished file, positioned at 0.
    /// The temporary file is deleted when the stream (or this writer) is disposed.
    /// </summary>
    public async Task<Stream> CompleteAsync(CancellationToken cancellationToken = default)
    {
        if (_buffered > 0 || RowCount == 0)
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        await _writer!.DisposeAsync().ConfigureAwait(false);
        _writer = null;
        _completed = true;
        Release();
        await _file.FlushAsync(cancellationToken).ConfigureAwait(false);
        _file.Position = 0;
        return new NonClosingStream(_file);
    }

    /// <summary>Lets the column buffers go once the file is complete.</summary>
    private void Release()
    {
        Array.Fill(_integers, []);
        Array.Fill(_reals, []);
        Array.Fill(_texts, []);
        _times = [];
    }

    private void Allocate(int rows)
    {
        for (var c = 0; c < _columns.Count; c++)
        {
            _integers[c] = _columns[c].Kind is ColumnKind.Integer or ColumnKind.Timestamp ? new long?[rows] : [];
            _reals[c] = _columns[c].Kind == ColumnKind.Real ? new double?[rows] : [];
            _texts[c] = _columns[c].Kind == ColumnKind.Text ? new string?[rows] : [];
        }

        _allocated = rows > 0;
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (!_allocated)
        {
            Allocate(0); // an empty table: zero-length buffers for its one empty row group
        }

        using var group = _writer!.CreateRowGroup();
        for (var c = 0; c < _columns.Count; c++)
        {
            var field = _fields[c];
            switch (_columns[c].Kind)
            {
                case ColumnKind.Integer:
                    await group.WriteAsync<long>(field, _integers[c].AsMemory(0, _buffered), null, null, cancellationToken).ConfigureAwait(false);
                    break;
                case ColumnKind.Timestamp:
                    _times = _times.Length >= _buffered ? _times : new DateTime?[_buffered];
                    for (var i = 0; i < _buffered; i++)
                    {
                        _times[i] = _integers[c][i] is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime : null;
                    }

                    await group.WriteAsync<DateTime>(field, _times.AsMemory(0, _buffered), null, null, cancellationToken).ConfigureAwait(false);
                    break;
                case ColumnKind.Real:
                    await group.WriteAsync<double>(field, _reals[c].AsMemory(0, _buffered), null, null, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    await group.WriteAsync(field, new ArraySegment<string>(_texts[c]!, 0, _buffered), null).ConfigureAwait(false);
                    break;
            }
        }

        group.CompleteValidate();
        Array.ForEach(_texts, t => Array.Clear(t));
        _buffered = 0;
    }

    private static DataField FieldOf(TableColumn column) => column.Kind switch
    {
        ColumnKind.Integer => new DataField<long?>(column.Name),
        ColumnKind.Real => new DataField<double?>(column.Name),
        ColumnKind.Text => new DataField<string>(column.Name, true),
        ColumnKind.Timestamp => new DateTimeDataField(column.Name, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Millis, isNullable: true),
        _ => throw new ArgumentOutOfRangeException(nameof(column), column.Kind, null),
    };

    public async ValueTask DisposeAsync()
    {
        if (!_completed && _writer is not null)
        {
            try
            {
                await _writer.DisposeAsync().ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Dispose must not throw: an abandoned file is deleted below anyway.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }

        await _file.DisposeAsync().ConfigureAwait(false);
        if (File.Exists(_tempPath))
        {
            File.Delete(_tempPath);
        }
    }

    /// <summary>Lets the caller read the finished file without closing it: the writer owns the file's lifetime.</summary>
    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>How lake tables are written.</summary>
public sealed class ParquetTableOptions
{
    /// <summary>
    /// Most rows per row group. Default 100,000: large enough for efficient column chunks in Power BI, Spark and DuckDB.
    /// A wide table gets fewer rows per group (see <see cref="MaxBufferedCells"/>). Memory grows linearly with it.
    /// </summary>
    public int RowGroupRows { get; set; } = 100_000;

    /// <summary>
    /// Most cells (rows × columns) a table buffers before it writes a row group. Default 1,000,000, about 16 MB of
    /// buffers: a 300-column record gets row groups of about 3,300 rows, a 20-column one of 50,000. Raising it makes
    /// bigger row groups of wide tables and more memory per open table (an upload has two per record type); lowering
    /// it makes more row groups, whose metadata the writer keeps until the footer (measured: docs/performance.md).
    /// </summary>
    public int MaxBufferedCells { get; set; } = 1_000_000;

    /// <summary>The rows per row group for a table of <paramref name="columns"/> columns: at least 1,000 (or <see cref="RowGroupRows"/> if less).</summary>
    public int RowsPerGroup(int columns) => Math.Min(RowGroupRows, Math.Max(Math.Min(1_000, RowGroupRows), MaxBufferedCells / Math.Max(columns, 1)));

    /// <summary>Default Snappy: what Spark, DuckDB and Power BI read fastest; Zstd gives smaller files for more CPU.</summary>
    public CompressionMethod Compression { get; set; } = CompressionMethod.Snappy;
}
