using System.Runtime.CompilerServices;
using Parquet;
using Parquet.Schema;
using Pipeline.Core.Values;

namespace Pipeline.Core.Lake;

/// <summary>
/// Reads back a Parquet file written by <see cref="ParquetTableWriter"/>, row group by row group, as rows of
/// <see cref="CellValue"/>: memory depends on the row-group size, not on the file size.
/// </summary>
/// <remarks>
/// Measured hot path (the end-of-upload rewrite reads every curated row of the main record once more): the typed column
/// buffers are allocated for the largest row group and reused for the next ones, so a long file allocates nothing per
/// row group but what Parquet.Net itself needs. Fresh arrays per group were large-object-heap churn that cost gen2
/// collections (docs/performance.md).
/// </remarks>
public static class ParquetTableReader
{
    /// <summary>
    /// Yields each row of <paramref name="file"/> (which must be seekable) with one cell per column of
    /// <paramref name="columns"/>. The yielded array is reused for the next row: copy what must be kept.
    /// </summary>
    public static async IAsyncEnumerable<CellValue[]> ReadAsync(Stream file, IReadOnlyList<TableColumn> columns, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(columns);
        await using var reader = await ParquetReader.CreateAsync(file, null, leaveStreamOpen: true, cancellationToken).ConfigureAwait(false);
        var fields = columns.Select(c => reader.Schema.FindDataField(c.Name)).ToArray();
        var row = new CellValue[columns.Count];
        var buffers = new ColumnBuffers(columns);
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var rows = (int)group.RowCount;
            buffers.EnsureCapacity(rows);
            for (var c = 0; c < columns.Count; c++)
            {
                await buffers.ReadAsync(group, fields[c], c, rows, cancellationToken).ConfigureAwait(false);
            }

            for (var r = 0; r < rows; r++)
            {
                buffers.FillRow(row, r);
                yield return row;
            }
        }
    }

    /// <summary>One typed buffer per column, grown to the largest row group seen.</summary>
    private sealed class ColumnBuffers(IReadOnlyList<TableColumn> columns)
    {
        private readonly ColumnKind[] _kinds = columns.Select(c => c.Kind).ToArray();
        private readonly long?[][] _integers = new long?[columns.Count][];
        private readonly double?[][] _reals = new double?[columns.Count][];
        private readonly DateTime?[][] _times = new DateTime?[columns.Count][];
        private readonly string?[][] _texts = new string?[columns.Count][];
        private int _capacity = -1;

        public void EnsureCapacity(int rows)
        {
            if (rows <= _capacity)
            {
                return;
            }

            for (var c = 0; c < _kinds.Length; c++)
            {
                _integers[c] = _kinds[c] == ColumnKind.Integer ? new long?[rows] : [];
                _reals[c] = _kinds[c] == ColumnKind.Real ? new double?[rows] : [];
                _times[c] = _kinds[c] is ColumnKind.Timestamp or ColumnKind.Date ? new DateTime?[rows] : [];
                _texts[c] = _kinds[c] == ColumnKind.Text ? new string?[rows] : [];
            }

            _capacity = rows;
        }

        public async Task ReadAsync(ParquetRowGroupReader group, DataField field, int c, int rows, CancellationToken cancellationToken)
        {
            switch (_kinds[c])
            {
                case ColumnKind.Integer:
                    await group.ReadAsync<long>(field, _integers[c].AsMemory(0, rows), null, cancellationToken).ConfigureAwait(false);
                    break;
                case ColumnKind.Real:
                    await group.ReadAsync<double>(field, _reals[c].AsMemory(0, rows), null, cancellationToken).ConfigureAwait(false);
                    break;
                case ColumnKind.Timestamp:
                case ColumnKind.Date: // Parquet.Net reads the logical type DATE as a DateTime at midnight
                    await group.ReadAsync<DateTime>(field, _times[c].AsMemory(0, rows), null, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    await group.ReadAsync(field, _texts[c].AsMemory(0, rows), null, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }

        public void FillRow(CellValue[] row, int r)
        {
            for (var c = 0; c < row.Length; c++)
            {
                row[c] = _kinds[c] switch
                {
                    ColumnKind.Integer => _integers[c][r] is { } i ? CellValue.OfInteger(i) : CellValue.Null,
                    ColumnKind.Real => _reals[c][r] is { } d ? CellValue.OfReal(d) : CellValue.Null,
                    ColumnKind.Timestamp => _times[c][r] is { } t ? CellValue.OfTimestamp(new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc))) : CellValue.Null,
                    ColumnKind.Date => _times[c][r] is { } d ? CellValue.OfDate(DateOnly.FromDateTime(d)) : CellValue.Null,
                    _ => CellValue.OfText(_texts[c][r]),
                };
            }
        }
    }
}
