using System.Runtime.CompilerServices;
using Parquet;
using Parquet.Schema;
using Pipeline.Core.Ingest;
using Pipeline.Core.Lake;

namespace Pipeline.Core.Findings;

/// <summary>
/// The current view of one curated record: the rows of every upload published in the current-view manifest, where a
/// case loaded again by a later upload replaces the earlier version (latest upload wins per case key). Streams row
/// group by row group; holds the set of case keys seen (about 50 bytes per case), not the rows.
/// </summary>
public sealed class CuratedView(ILakeStore lake)
{
    /// <summary>
    /// Yields, for each current case, the values of <paramref name="items"/> (integer items; null when blank or absent).
    /// The manifest lists uploads oldest first; they are read newest first so the first version of a case seen wins.
    /// </summary>
    public async IAsyncEnumerable<long?[]> ReadAsync(CurrentViewManifest manifest, string record, IReadOnlyList<string> items, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(items);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var u = manifest.Uploads.Count - 1; u >= 0; u--)
        {
            if (!manifest.Uploads[u].Records.TryGetValue(record, out var path))
            {
                continue; // the upload held other records only
            }

            await using var stream = await lake.OpenReadAsync(LakeZone.Curated, path, cancellationToken).ConfigureAwait(false);
            await using var buffered = await SeekableAsync(stream, cancellationToken).ConfigureAwait(false);
            await using var reader = await ParquetReader.CreateAsync(buffered, null, leaveStreamOpen: true, cancellationToken).ConfigureAwait(false);
            var keyField = reader.Schema.FindDataField(RecordTables.CaseKey);
            var fields = items.Select(i => reader.Schema.DataFields.FirstOrDefault(f => string.Equals(f.Name, i, StringComparison.OrdinalIgnoreCase))).ToArray();
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                var rows = (int)group.RowCount;
                var keys = new string[rows];
                await group.ReadAsync(keyField, keys, null, cancellationToken).ConfigureAwait(false);
                var columns = new long?[fields.Length][];
                for (var f = 0; f < fields.Length; f++)
                {
                    columns[f] = new long?[rows];
                    if (fields[f] is { } field)
                    {
                        await ReadIntegerColumnAsync(group, field, columns[f], cancellationToken).ConfigureAwait(false);
                    }
                }

                for (var r = 0; r < rows; r++)
                {
                    if (!seen.Add(keys[r]))
                    {
                        continue;
                    }

                    var values = new long?[fields.Length];
                    for (var f = 0; f < fields.Length; f++)
                    {
                        values[f] = columns[f][r];
                    }

                    yield return values;
                }
            }
        }
    }

    private static async Task ReadIntegerColumnAsync(ParquetRowGroupReader group, DataField field, long?[] target, CancellationToken cancellationToken)
    {
        if (field.ClrType == typeof(double))
        {
            var reals = new double?[target.Length];
            await group.ReadAsync<double>(field, reals, null, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < reals.Length; i++)
            {
                target[i] = reals[i] is { } v ? (long)Math.Round(v) : null;
            }
        }
        else if (field.ClrType == typeof(long))
        {
            await group.ReadAsync<long>(field, target, null, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Parquet needs to seek to the footer; a blob download stream cannot, so it is spooled to a temp file.</summary>
    private static async Task<Stream> SeekableAsync(Stream stream, CancellationToken cancellationToken)
    {
        if (stream.CanSeek)
        {
            return stream;
        }

        var temp = new FileStream(Path.Combine(Path.GetTempPath(), $"pipeline-{Guid.NewGuid():N}.parquet"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        await stream.CopyToAsync(temp, cancellationToken).ConfigureAwait(false);
        temp.Position = 0;
        return temp;
    }
}
