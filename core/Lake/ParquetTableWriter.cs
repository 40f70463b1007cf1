using System.ComponentModel.DataAnnotations;
using Parquet;
using Parquet.Schema;
using Pipeline.Core.Engine;
using Pipeline.Core.Values;

namespace Pipeline.Core.Lake;

/// <summary>
/// Writes rows to Parquet through per-column buffers, one row group every <see cref="ParquetTableOptions.RowGroupRows"/>
/// rows and a new part file every <see cref="ParquetTableOptions.RowGroupsPerFile"/> row groups, so memory depends on the
/// row-group size and the part size, never on the table size: neither this writer nor a later reader holds more than
/// one part's footer. Output goes to temporary files that the caller uploads (see <see cref="CompleteAsync"/>).
/// </summary>
public sealed class ParquetTableWriter : IAsyncDisposable
{
    private readonly IReadOnlyList<TableColumn> _columns;
    private readonly DataField[] _fields;
    private readonly ParquetSchema _schema;
    private readonly Dictionary<string, string>? _metadata;
    private readonly ParquetOptions _parquetOptions;
    private readonly int _rowsPerGroup;
    private readonly long _maxTextBytes;
    private readonly int _groupsPerFile;
    private readonly bool _backgroundFlush;

    // Finished part files, oldest first; each deletes itself when closed (by DisposeAsync).
    private readonly List<FileStream> _parts = [];

    // The part being written, started with its first row group. Parquet.Net keeps every row group's metadata until the
    // footer (tens of MB for a wide table of a million rows in one file), hence parts.
    private FileStream? _file;
    private ParquetWriter? _writer;
    private int _groupsInPart;

    // With background flush, rows fill one buffer set while the previous one is encoded on another thread: encoding
    // and compression, the largest share of writing, leave the critical path. Both are allocated on first need, so a table
    // that stays empty (the rejected rows of a clean upload) costs nothing.
    private ColumnBuffers? _filling;
    private ColumnBuffers? _spare;
    private Task _pending = Task.CompletedTask;
    private bool _completed;

    private ParquetTableWriter(IReadOnlyList<TableColumn> columns, IReadOnlyDictionary<string, string>? metadata, ParquetTableOptions options, bool backgroundFlush)
    {
        _columns = columns;
        _fields = columns.Select(FieldOf).ToArray();
        _schema = new ParquetSchema(_fields);
        _metadata = metadata?.ToDictionary(k => k.Key, k => k.Value);
        _parquetOptions = new ParquetOptions
        {
            CompressionMethod = options.Compression,
            MaximumLargePoolFreeBytes = options.EncoderPoolFreeBytes,
            MaximumSmallPoolFreeBytes = options.EncoderPoolFreeBytes / 4,
        };
        _rowsPerGroup = options.RowsPerGroup(columns.Count);
        _maxTextBytes = options.MaxBufferedTextBytes;
        // Settings are validated at start-up; a caller building options in code gets an error, not a silent 1.
        ArgumentOutOfRangeException.ThrowIfLessThan(options.RowGroupsPerFile, 1, nameof(options));
        _groupsPerFile = options.RowGroupsPerFile;
        _backgroundFlush = backgroundFlush;
    }

    public IReadOnlyList<TableColumn> Columns => _columns;

    /// <summary>Rows appended so far.</summary>
    public long RowCount { get; private set; }

    /// <summary>Starts a table with the given columns, each row group written in the caller's thread.</summary>
    public static Task<ParquetTableWriter> CreateAsync(IReadOnlyList<TableColumn> columns, IReadOnlyDictionary<string, string>? metadata, ParquetTableOptions? options = null, CancellationToken cancellationToken = default) =>
        CreateAsync(columns, metadata, options, backgroundFlush: false, cancellationToken);

    /// <summary>
    /// Starts a table with the given columns; <paramref name="metadata"/> goes to every part's key-value metadata. With
    /// <paramref name="backgroundFlush"/>, a full row group is encoded and compressed on another thread while the next
    /// one fills: worth a second set of buffers (see <see cref="ParquetTableOptions.MaxBufferedCells"/>) when the caller
    /// leaves a core idle, as the end-of-upload rewrite does; the per-row phase keeps both cores busy without it.
    /// </summary>
    public static Task<ParquetTableWriter> CreateAsync(IReadOnlyList<TableColumn> columns, IReadOnlyDictionary<string, string>? metadata, ParquetTableOptions? options, bool backgroundFlush, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(columns);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(new ParquetTableWriter(columns, metadata, options ?? new ParquetTableOptions(), backgroundFlush));
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
        if (buffers.Count == _rowsPerGroup || buffers.TextBytes >= _maxTextBytes)
        {
            await HandOverAsync(buffers, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes the last row group and footer and returns one stream per part file, in row order, each positioned at 0: at
    /// least one (an empty table is one file with the schema and no rows). The temporary files are deleted when this
    /// writer is disposed; disposing the streams does not close them. Calling it again returns the same files: a caller
    /// may complete a table early to free its buffers and upload it later.
    /// </summary>
    public async Task<IReadOnlyList<Stream>> CompleteAsync(CancellationToken cancellationToken = default)
    {
        if (!_completed)
        {
            await _pending.ConfigureAwait(false);
            if (_filling is { Count: > 0 } || RowCount == 0)
            {
                await WriteGroupAsync(_filling ?? new ColumnBuffers(_columns, 0), cancellationToken).ConfigureAwait(false);
            }

            await FinishPartAsync(cancellationToken).ConfigureAwait(false);
            _completed = true;
            _filling = _spare = null;
        }

        return _parts.Select(part =>
        {
            part.Position = 0;
            return (Stream)new NonClosingStream(part);
        }).ToList();
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
        if (_writer is null)
        {
            _file = new FileStream(PipelineTemp.NewPath(".parquet"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
            _writer = await ParquetWriter.CreateAsync(_schema, _file, _parquetOptions, append: false, cancellationToken).ConfigureAwait(false);
            if (_metadata is not null)
            {
                _writer.CustomMetadata = _metadata;
            }
        }

        using (var group = _writer.CreateRowGroup())
        {
            for (var c = 0; c < _columns.Count; c++)
            {
                await buffers.WriteColumnAsync(group, _fields[c], c, cancellationToken).ConfigureAwait(false);
            }

            group.CompleteValidate();
        }

        buffers.Clear();
        if (++_groupsInPart == _groupsPerFile)
        {
            await FinishPartAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes the open part's footer, which frees its row-group metadata, and keeps the file for upload.</summary>
    private async Task FinishPartAsync(CancellationToken cancellationToken)
    {
        if (_writer is null || _file is null)
        {
            return;
        }

        await _writer.DisposeAsync().ConfigureAwait(false);
        await _file.FlushAsync(cancellationToken).ConfigureAwait(false);
        _parts.Add(_file);
        _writer = null;
        _file = null;
        _groupsInPart = 0;
    }

    /// <summary>
    /// One row group's values, column by column, as Parquet stores them: the non-null values packed, and a definition
    /// level per row (1 value, 0 null). Handed to Parquet.Net as they are (<c>WriteAllPartsAsync</c>), so it makes no
    /// converted copy of each column (its nullable-array path rents two arrays per text column, which the shared array
    /// pools keep afterwards; docs/performance.md has the heap dump); a number takes 12 bytes a cell instead of
    /// 16, a text 12 instead of 8 (plus one 16-byte entry per row, reused, while a column is written).
    /// </summary>
    private sealed class ColumnBuffers
    {
        private readonly ColumnKind[] _kinds;
        private readonly long[][] _integers;
        private readonly double[][] _reals;
        private readonly string[][] _texts;
        private readonly int[][] _defined;
        private readonly int[] _present;

        // Conversions at write time, one array per buffer set reused by every column and group.
        private DateTime[] _times = [];
        private DateOnly[] _dates = [];
        private ReadOnlyMemory<char>[] _chars = [];

        public ColumnBuffers(IReadOnlyList<TableColumn> columns, int rows)
        {
            _kinds = columns.Select(c => c.Kind).ToArray();
            _integers = _kinds.Select(k => k is ColumnKind.Integer or ColumnKind.Timestamp or ColumnKind.Date ? new long[rows] : []).ToArray();
            _reals = _kinds.Select(k => k == ColumnKind.Real ? new double[rows] : []).ToArray();
            _texts = _kinds.Select(k => k == ColumnKind.Text ? new string[rows] : []).ToArray();
            _defined = _kinds.Select(_ => new int[rows]).ToArray();
            _present = new int[_kinds.Length];
        }

        public int Count { get; private set; }

        /// <summary>
        /// Estimated heap bytes of the texts held (two bytes a character plus the string's own 26): what the cell count
        /// does not see, as a text may be a 200-character message. A string held by many cells (an upload id) is counted
        /// each time: an overestimate that only makes row groups smaller.
        /// </summary>
        public long TextBytes { get; private set; }

        public void Add(ReadOnlySpan<CellValue> cells)
        {
            var r = Count;
            for (var c = 0; c < cells.Length; c++)
            {
                var cell = cells[c];
                if (cell.IsNull)
                {
                    _defined[c][r] = 0;
                    continue;
                }

                _defined[c][r] = 1;
                var at = _present[c]++;
                switch (_kinds[c])
                {
                    case ColumnKind.Integer:
                    case ColumnKind.Timestamp:
                    case ColumnKind.Date:
                        _integers[c][at] = cell.Integer;
                        break;
                    case ColumnKind.Real:
                        _reals[c][at] = cell.Real;
                        break;
                    default:
                        _texts[c][at] = cell.Text!;
                        TextBytes += 26 + (2L * cell.Text!.Length);
                        break;
                }
            }

            Count++;
        }

        public async Task WriteColumnAsync(ParquetRowGroupWriter group, DataField field, int c, CancellationToken cancellationToken)
        {
            var present = _present[c];
            ReadOnlyMemory<int> defined = _defined[c].AsMemory(0, Count);
            switch (_kinds[c])
            {
                case ColumnKind.Integer:
                    await group.WriteAllPartsAsync<long>(field, _integers[c].AsMemory(0, present), defined, null, cancellationToken).ConfigureAwait(false);
                    break;
                case ColumnKind.Timestamp:
                    // Buffered as Unix milliseconds.
                    _times = _times.Length >= present ? _times : new DateTime[_integers[c].Length];
                    for (var i = 0; i < present; i++)
                    {
                        _times[i] = DateTimeOffset.FromUnixTimeMilliseconds(_integers[c][i]).UtcDateTime;
                    }

                    await group.WriteAllPartsAsync<DateTime>(field, _times.AsMemory(0, present), defined, null, cancellationToken).ConfigureAwait(false);
                    break;
                case ColumnKind.Date:
                    // Buffered as the number YYYYMMDD; the validator lets only real dates into a date column.
                    _dates = _dates.Length >= present ? _dates : new DateOnly[_integers[c].Length];
                    for (var i = 0; i < present; i++)
                    {
                        _dates[i] = CellValue.DateOf(_integers[c][i]) ?? throw new InvalidOperationException($"Column {field.Name} holds {_integers[c][i]}, which is no date YYYYMMDD: a date column takes only dates (the validator rejects the others and cleaning nulls special codes).");
                    }

                    await group.WriteAllPartsAsync<DateOnly>(field, _dates.AsMemory(0, present), defined, null, cancellationToken).ConfigureAwait(false);
                    break;
                case ColumnKind.Real:
                    await group.WriteAllPartsAsync<double>(field, _reals[c].AsMemory(0, present), defined, null, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    _chars = _chars.Length >= present ? _chars : new ReadOnlyMemory<char>[_texts[c].Length];
                    for (var i = 0; i < present; i++)
                    {
                        _chars[i] = _texts[c][i].AsMemory();
                    }

                    await group.WriteAllPartsAsync<ReadOnlyMemory<char>>(field, _chars.AsMemory(0, present), defined, null, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }

        /// <summary>Empties the set for the next group; texts are cleared so the strings can be collected.</summary>
        public void Clear()
        {
            for (var c = 0; c < _kinds.Length; c++)
            {
                if (_texts[c].Length > 0)
                {
                    Array.Clear(_texts[c], 0, _present[c]);
                }

                _present[c] = 0;
            }

            Array.Clear(_chars);
            Count = 0;
            TextBytes = 0;
        }
    }

    private static DataField FieldOf(TableColumn column) => column.Kind switch
    {
        ColumnKind.Integer => new DataField<long?>(column.Name),
        ColumnKind.Real => new DataField<double?>(column.Name),
        ColumnKind.Text => new DataField<string>(column.Name, true),
        ColumnKind.Timestamp => new DateTimeDataField(column.Name, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Millis, isNullable: true),
        ColumnKind.Date => new DataField<DateOnly?>(column.Name),
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

        if (_writer is not null)
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

        // Part files were opened with DeleteOnClose: closing them removes them.
        if (_file is not null)
        {
            await _file.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var part in _parts)
        {
            await part.DisposeAsync().ConfigureAwait(false);
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
    /// Must be at least 1; a bad value fails at start-up (<see cref="ValidateParquetTableOptions"/>).
    /// </summary>
    [Range(1, int.MaxValue)]
    public int RowGroupRows { get; set; } = 100_000;

    /// <summary>
    /// Most cells (rows × columns) a table buffers before it writes a row group. Default 1,000,000, about 16 MB of
    /// buffers: a 300-column record gets row groups of about 3,300 rows, a 20-column one of 50,000. Raising it makes
    /// bigger row groups of wide tables and more memory per open table (an upload has two per record type); lowering
    /// it makes more row groups, whose metadata the writer keeps until the footer (measured: docs/performance.md).
    /// Must be at least 1,000.
    /// </summary>
    [Range(1_000, int.MaxValue)]
    public int MaxBufferedCells { get; set; } = 1_000_000;

    /// <summary>
    /// Most bytes of text (estimated: two a character plus 26 a string) a table buffers before it writes a row group,
    /// whatever <see cref="MaxBufferedCells"/> allows. Default 4 MiB. Cells are 12 bytes each in the buffers, but a text
    /// cell also holds its string: without this bound a table of long texts (the issues and quarantine tables, whose
    /// messages run to 200 characters) buffered 1,000,000 cells of strings, and an upload of 2 million rejected lines
    /// peaked at 440 MB and took 35 s. Buffered strings outlive the young generation and are collected late and
    /// expensively, so the bound also saves time: on that upload 8 MiB gave 242 MB and 20 s, 4 MiB 209 MB and 16 s, 2 MiB
    /// 177 MB and 15 s (docs/hostile-input.md). A table of long texts gets smaller row groups; one of numbers is not
    /// affected. At least 64 KiB.
    /// </summary>
    [Range(64L * 1024, long.MaxValue)]
    public long MaxBufferedTextBytes { get; set; } = 4L << 20;

    /// <summary>The rows per row group for a table of <paramref name="columns"/> columns: at least 1,000 (or <see cref="RowGroupRows"/> if less).</summary>
    public int RowsPerGroup(int columns) => Math.Min(RowGroupRows, Math.Max(Math.Min(1_000, RowGroupRows), MaxBufferedCells / Math.Max(columns, 1)));

    /// <summary>
    /// Most row groups per file; a table with more is written as several part files (curated tables:
    /// <c>part-00000.parquet</c>, <c>part-00001.parquet</c>, ...; the others <c>name.parquet</c>, <c>name.part-00001.parquet</c>, ...: see LakePaths). Default 32: a reader opening a file loads its whole footer, row groups × columns
    /// column-chunk entries, so this bounds the memory of writing and of reading a table whatever its size (a
    /// 250-column record: about 127,000 rows and 30 MB per part, an 8,000-entry footer). Raising it makes fewer, larger
    /// files and footers that grow with the rows; lowering it makes more files. Must be at least 1.
    /// </summary>
    [Range(1, int.MaxValue)]
    public int RowGroupsPerFile { get; set; } = 32;

    /// <summary>
    /// Defaults, except one file whatever the row groups: for tables read by a fixed path whose size does not grow with
    /// the cases (findings tables, value labels).
    /// </summary>
    public static ParquetTableOptions OneFile() => new() { RowGroupsPerFile = int.MaxValue };

    /// <summary>
    /// Most free bytes Parquet.Net's shared stream pool keeps for reuse between column chunks (its large-buffer pool; the
    /// small-block pool gets a quarter). Default 8 MB. Parquet.Net's own defaults, 64 + 16 MB, are held for the life of
    /// the process, a quarter of a 300 MB budget; below the default, more buffers are allocated afresh (measured:
    /// docs/performance.md). The pool is process-wide: the last writer to start a column sets it. Must be 0 or more.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int EncoderPoolFreeBytes { get; set; } = 8 << 20;

    /// <summary>Default Snappy: what Spark, DuckDB and Power BI read fastest; Zstd gives smaller files for more CPU.</summary>
    [EnumDataType(typeof(CompressionMethod))]
    public CompressionMethod Compression { get; set; } = CompressionMethod.Snappy;
}
