using System.Runtime.CompilerServices;
using Parquet;
using Parquet.Schema;

namespace Pipeline.Core.Lake;

/// <summary>
/// Reads back a Parquet file written by <see cref="ParquetTableWriter"/>, row group by row group, as rows of
/// <see cref="CellValue"/>: memory depends on the row-group size, not on the file size.
/// </summary>
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
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var rows = (int)group.RowCount;
            var data = new CellValue[columns.Count][];
            for (var c = 0; c < columns.Count; c++)
            {
                data[c] = await ReadColumnAsync(group, fields[c], columns[c].Kind, rows, cancellationToken).ConfigureAwait(false);
            }

            for (var r = 0; r < rows; r++)
            {
                for (var c = 0; c < row.Length; c++)
                {
                    row[c] = data[c][r];
                }

                yield return row;
            }
        }
    }

    private static async Task<CellValue[]> ReadColumnAsync(ParquetRowGroupReader group, DataField field, ColumnKind kind, int rows, CancellationToken cancellationToken)
    {
        var cells = new CellValue[rows];
        switch (kind)
        {
            case ColumnKind.Integer:
                var integers = new long?[rows];
                await group.ReadAsync<long>(field, integers, null, cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < rows; i++)
                {
                    cells[i] = integers[i] is { } v ? CellValue.OfInteger(v) : CellValue.Null;
                }

                break;
            case ColumnKind.Real:
                var reals = new double?[rows];
                await group.ReadAsync<double>(field, reals, null, cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < rows; i++)
                {
                    cells[i] = reals[i] is { } v ? CellValue.OfReal(v) : CellValue.Null;
                }

                break;
            case ColumnKind.Timestamp:
                var times = new DateTime?[rows];
                await group.ReadAsync<DateTime>(field, times, null, cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < rows; i++)
                {
                    cells[i] = times[i] is { } v ? CellValue.OfTimestamp(new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc))) : CellValue.Null;
                }

                break;
            default:
                var texts = new string?[rows];
                await group.ReadAsync(field, texts, null, cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < rows; i++)
                {
                    cells[i] = CellValue.OfText(texts[i]);
                }

                break;
        }

        return cells;
    }
}
