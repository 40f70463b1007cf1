using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Parquet;
using Parquet.Schema;
using Pipeline.Core.Engine;
using Pipeline.Core.Lake;

namespace Pipeline.Core.Findings;

/// <summary>
/// The current view of one curated record: the rows of every upload published in the current-view manifest, where a
/// case loaded again by a later upload replaces the earlier version (latest upload wins per case key). Streams row
/// group by row group. To apply "latest wins" it keeps the 64-bit XxHash of each case key seen (about 24 bytes per case
/// in a hash set; two keys colliding, about 3 in 10^8 at a million cases, would hide one case) — but only when more
/// than one upload holds the record: a view of one upload needs no set, and its memory does not grow with the cases.
/// </summary>
public sealed class CuratedView(ILakeStore lake)
{
    /// <summary>
    /// Yields, for each current case, the values of <paramref name="items"/> (numeric items; null when blank or absent),
    /// both as codes and as numbers (<see cref="CuratedRow"/>). The manifest lists uploads oldest first; they are read
    /// newest first so the first version of a case seen wins. The yielded row is reused for the next case: read it
    /// before moving on, copy what must be kept.
    /// </summary>
    public async IAsyncEnumerable<CuratedRow> ReadAsync(CurrentViewManifest manifest, string record, IReadOnlyList<string> items, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(items);
        var holders = manifest.Uploads.Count(upload => upload.Records.ContainsKey(record));
        HashSet<ulong>? seen = holders > 1 ? [] : null;
        // One row object and one value array for the whole view (allocation per case was most of the findings' GC work).
        var numbers = new double?[items.Count];
        var row = new CuratedRow(numbers);
        var buffers = new Buffers();
        for (var u = manifest.Uploads.Count - 1; u >= 0; u--)
        {
            if (!manifest.Uploads[u].Records.TryGetValue(record, out var parts))
            {
                continue; // the upload held other records only
            }

            // One part file open at a time: a reader loads its file's whole footer, which part files keep small.
            foreach (var path in parts)
            {
                await using var stream = await lake.OpenReadAsync(LakeZone.Curated, path, cancellationToken).ConfigureAwait(false);
                await using var buffered = await SeekableAsync(stream, cancellationToken).ConfigureAwait(false);
                await using var reader = await ParquetReader.CreateAsync(buffered, null, leaveStreamOpen: true, cancellationToken).ConfigureAwait(false);
                var keyField = reader.Schema.FindDataField(LakeColumns.CaseKey);
                var fields = items.Select(i => reader.Schema.DataFields.FirstOrDefault(f => string.Equals(f.Name, i, StringComparison.OrdinalIgnoreCase))).ToArray();
                for (var g = 0; g < reader.RowGroupCount; g++)
                {
                    using var group = reader.OpenRowGroupReader(g);
                    var rows = (int)group.RowCount;
                    buffers.Ensure(rows, fields.Length);
                    if (seen is not null)
                    {
                        await group.ReadAsync(keyField, buffers.Keys.AsMemory(0, rows), null, cancellationToken).ConfigureAwait(false);
                    }

                    for (var f = 0; f < fields.Length; f++)
                    {
                        if (fields[f] is { } field)
                        {
                            await ReadNumberColumnAsync(group, field, buffers.Columns[f].AsMemory(0, rows), buffers.Integers.AsMemory(0, rows), cancellationToken).ConfigureAwait(false);
                        }
                        else
                        {
                            Array.Clear(buffers.Columns[f]);
                        }
                    }

                    for (var r = 0; r < rows; r++)
                    {
                        if (seen is not null && !seen.Add(XxHash64.HashToUInt64(MemoryMarshal.AsBytes((buffers.Keys[r] ?? string.Empty).AsSpan()))))
                        {
                            continue;
                        }

                        for (var f = 0; f < fields.Length; f++)
                        {
                            numbers[f] = buffers.Columns[f][r];
                        }

                        yield return row;
                    }
                }
            }
        }
    }

    /// <summary>Column buffers reused from row group to row group, grown to the largest.</summary>
    private sealed class Buffers
    {
        public string?[] Keys { get; private set; } = [];

        public long?[] Integers { get; private set; } = [];

        public double?[][] Columns { get; private set; } = [];

        public void Ensure(int rows, int fields)
        {
            if (Integers.Length >= rows && Columns.Length == fields)
            {
                return;
            }

            Keys = new string?[rows];
            Integers = new long?[rows];
            Columns = Enumerable.Range(0, fields).Select(_ => new double?[rows]).ToArray();
        }
    }

    /// <summary>
    /// Reads a real column as it is and an integer column as doubles: CSPro numeric items have at most 15 digits, which a
    /// double holds exactly, so <see cref="CuratedRow.Code"/> gives the integers back unchanged.
    /// </summary>
    private static async Task ReadNumberColumnAsync(ParquetRowGroupReader group, DataField field, Memory<double?> target, Memory<long?> integers, CancellationToken cancellationToken)
    {
        if (field.ClrType == typeof(double))
        {
            await group.ReadAsync<double>(field, target, null, cancellationToken).ConfigureAwait(false);
        }
        else if (field.ClrType == typeof(long))
        {
            await group.ReadAsync<long>(field, integers, null, cancellationToken).ConfigureAwait(false);
            var from = integers.Span;
            var to = target.Span;
            for (var i = 0; i < from.Length; i++)
            {
                to[i] = from[i];
            }
        }
        else
        {
            target.Span.Clear();
        }
    }

    /// <summary>Parquet needs to seek to the footer; a blob download stream cannot, so it is spooled to a temp file.</summary>
    private static async Task<Stream> SeekableAsync(Stream stream, CancellationToken cancellationToken)
    {
        if (stream.CanSeek)
        {
            return stream;
        }

        var temp = new FileStream(PipelineTemp.NewPath(".parquet"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        await stream.CopyToAsync(temp, cancellationToken).ConfigureAwait(false);
        temp.Position = 0;
        return temp;
    }
}

/// <summary>
/// One current case's values of the requested items, in the order asked: <see cref="Number"/> as stored (a real item
/// keeps its decimals), <see cref="Code"/> rounded to an integer (codes, strata, breakdowns, universes).
/// </summary>
public sealed class CuratedRow(double?[] numbers)
{
    public int Count => numbers.Length;

    /// <summary>The value of item <paramref name="index"/>; null when blank, absent or not numeric.</summary>
    public double? Number(int index) => numbers[index];

    /// <summary>The value of item <paramref name="index"/> as a code; a real is rounded to the nearest integer.</summary>
    public long? Code(int index) => numbers[index] is { } v ? (long)Math.Round(v) : null;
}
