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
    private readonly int _rowsPerGroup;
    private readonly bool _backgroundFlush;

    // Dropped once the footer is written: Parquet.Net keeps every row group's metadata until then (tens of MB for a
    // wide table of a million rows), and the finished file may be read long after.
    private ParquetWriter? _writer;

    // With background flush, rows fill one buffer set while the previous one is encoded on another thread: encoding
    // and compression, the largest share of writing, leave the critical path. Both are allocated on first need, so a table
    // that stays empty (the rejected rows of a clean upload) costs nothing.
    private ColumnBuffers? _filling;
    private ColumnBuffers? _spare;
    private Task _pending = Task.CompletedTask;
    private bool _completed;

    private ParquetTableWriter(IReadOnlyList<TableColumn> columns, DataField[] fields, ParquetTableOptions options, string tempPath, FileStream file, ParquetWriter writer, bool backgroundFlush)
    {
        _backgroundFlush = backgroundFlush;
        _columns = columns;
        _fields = fields;
        _options = options;
        _tempPath = tempPath;
        _file = file;
        _writer = writer;
        _rowsPerGroup = options.RowsPerGroup(columns.Count);
    }

    public IReadOnlyList<TableColumn> Columns => _columns;

    /// <summary>Rows appended so far.</summary>
    public long RowCount { get; private set; }

    /// <summary>Starts a file with the given columns, each row group written in the caller's thread.</summary>
    public static Task<ParquetTableWriter> CreateAsync(IReadOnlyList<TableColumn> columns, IReadOnlyDictionary<string, string>? metadata, ParquetTableOptions? options = null, CancellationToken cancellationToken = default) =>
        CreateAsync(columns, metadata, options, backgroundFlush: false, cancellationToken);

    /// <summary>
    /// Starts a file with the given columns; <paramref name="metadata"/> goes to the file's key-value metadata. With
    /// <paramref name="backgroundFlush"/>, a full row group is encoded and compressed on another thread while the next
    /// one fills: worth a second set of buffers (see <see cref="ParquetTableOptions.MaxBufferedCells"/>) when the caller
    /// leaves a core idle, as the end-of-upload rewrite does; the per-row phase keeps both cores busy without it.
    /// </summary>
    public static async Task<ParquetTableWriter> CreateAsync(IReadOnlyList<TableColumn> columns, IReadOnlyDictionary<string, string>? metadata, ParquetTableOptions? options, bool backgroundFlush, CancellationToken cancellationToken)
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

        return new ParquetTableWriter(columns, fields, options, tempPath, file, writer, backgroundFlush);
    }

    /// <summary>Appends one row; <paramref name="row"/> holds one cell per column, in column order.</summary>
    public async ValueTask AppendAsync(ReadOnlyMemory<CellValue> row, CancellationToken cancellationToken = default)
    {
        if (row.Length != _columns.Count)
        {
            throw new ArgumentException($"Row has {row.Length} cells; the table has {_columns.Count} columns.", nameof(row));
        }

        ObjectDisposedException.ThrowIf(_completed, this);
        var buffers = _filling ??= new ColumnBuffers(_columns, _rowsPerGroup);
        buffers.Add(row.Span);
        RowCount++;
        if (buffers.Count == _rowsPerGroup)
        {
            await HandOverAsync(buffers, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes the last row group and the footer and returns a stream over the finished file, positioned at 0.
    /// The temporary file is deleted when the stream (or this writer) is disposed. Calling it again returns the same
    /// file: a caller may complete a table early to free its buffers and upload it later.
    /// </summary>
    public async Task<Stream> CompleteAsync(CancellationToken cancellationToken = default)
    {
        if (_completed)
        {
            _file.Position = 0; // completed before (to free the buffers early): the same file again
            return new NonClosingStream(_file);
        }

        await _pending.ConfigureAwait(false);
        if (_filling is { Count: > 0 } || RowCount == 0)
        {
            await WriteGroupAsync(_filling ?? new ColumnBuffers(_columns, 0), cancellationToken).ConfigureAwait(false);
        }

        await _writer!.DisposeAsync().ConfigureAwait(false);
        _writer = null;
        _completed = true;
        _filling = _spare = null;
        await _file.FlushAsync(cancellationToken).ConfigureAwait(false);
        _file.Position = 0;
        return new NonClosingStream(_file);
    }

    /// <summary>A full buffer set becomes a row group: on another thread (after the previous one), or right here.</summary>
    private async Task HandOverAsync(ColumnBuffers full, CancellationToken cancellationToken)
    {
        await _pending.ConfigureAwait(false);
        if (!_backgroundFlush)
        {
            await WriteGroupAsync(full, cancellationToken).ConfigureAwait(false);
            return;
        }

        _filling = _spare ?? new ColumnBuffers(_columns, _rowsPerGroup);
        _spare = null;
        _pending = Task.Run(
            async () =>
            {
                await WriteGroupAsync(full, cancellationToken).ConfigureAwait(false);
                _spare = full; // read only after _pending is awaited
            },
            cancellationToken);
    }

    private async Task WriteGroupAsync(ColumnBuffers buffers, CancellationToken cancellationToken)
    {
        using var group = _writer!.CreateRowGroup();
        for (var c = 0; c < _columns.Count; c++)
        {
            await buffers.WriteColumnAsync(group, _fields[c], c, cancellationToken).ConfigureAwait(false);
        }

        group.CompleteValidate();
        buffers.Clear();
    }

    /// <summary>One row group's values, column by column.</summary>
    private sealed class ColumnBuffers
    {
        private readonly ColumnKind[] _kinds;
        private readonly long?[][] _integers;
        private readonly double?[][] _reals;
        private readonly string?[][] _texts;
        private DateTime?[] _times = [];

        public ColumnBuffers(IReadOnlyList<TableColumn> columns, int rows)
        {
            _kinds = columns.Select(c => c.Kind).ToArray();
            _integers = _kinds.Select(k => k is ColumnKind.Integer or ColumnKind.Timestamp ? new long?[rows] : []).ToArray();
            _reals = _kinds.Select(k => k == ColumnKind.Real ? new double?[rows] : []).ToArray();
            _texts = _kinds.Select(k => k == ColumnKind.Text ? new string?[rows] : []).ToArray();
        }

        public int Count { get; private set; }

        public void Add(ReadOnlySpan<CellValue> cells)
        {
            var r = Count;
            for (var c = 0; c < cells.Length; c++)
            {
                var cell = cells[c];
                switch (_kinds[c])
                {
                    case ColumnKind.Integer:
                    case ColumnKind.Timestamp:
                        _integers[c][r] = cell.IsNull ? null : cell.Integer;
                        break;
                    case ColumnKind.Real:
                        _reals[c][r] = cell.IsNull ? null : cell.Real;
                        break;
                    default:
                        _texts[c][r] = cell.IsNull ? null : cell.Text;
                        break;
                }
            }

            Count++;
        }

        public async Task WriteColumnAsync(ParquetRowGroupWriter group, DataField field, int c, CancellationToken cancellationToken)
        {
            switch (_kinds[c])
            {
                case ColumnKind.Integer:
                    await group.WriteAsync<long>(field, _integers[c].AsMemory(0, Count), null, null, cancellationToken).ConfigureAwait(false);
                    break;
                case ColumnKind.Timestamp:
                    // Buffered as Unix milliseconds; the array for the DateTimes is reused from group to group.
                    _times = _times.Length >= Count ? _times : new DateTime?[Count];
                    for (var i = 0; i < Count; i++)
                    {
                        _times[i] = _integers[c][i] is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime : null;
                    }

                    await group.WriteAsync<DateTime>(field, _times.AsMemory(0, Count), null, null, cancellationToken).ConfigureAwait(false);
                    break;
                case ColumnKind.Real:
                    await group.WriteAsync<double>(field, _reals[c].AsMemory(0, Count), null, null, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    await group.WriteAsync(field, new ArraySegment<string>(_texts[c]!, 0, Count), null).ConfigureAwait(false);
                    break;
            }
        }

        /// <summary>Empties the set for the next group; texts are cleared so the strings can be collected.</summary>
        public void Clear()
        {
            foreach (var texts in _texts)
            {
                if (texts.Length > 0)
                {
                    Array.Clear(texts, 0, Count);
                }
            }

            Count = 0;
        }
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
        try
        {
            await _pending.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Dispose must not throw: the failure was (or will be) reported by AppendAsync or CompleteAsync.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

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
