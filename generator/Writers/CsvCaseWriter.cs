using System.Text;
using Pipeline.Core.Readers;
using Pipeline.Generator.Cases;
using Sylvan.Data.Csv;

namespace Pipeline.Generator.Writers;

/// <summary>
/// CSPro 8's delimited export, one file per record (<c>&lt;RECORD&gt;.csv</c>): a header of item names laid out as
/// <see cref="RecordLayout"/> lays them out (IDs, then items, occurrences as NAME_k), one row per record occurrence,
/// codes, a blank field for blank, numbers with the item's decimals and a '.', texts right-trimmed; RFC 4180 quoting by
/// Sylvan's <c>CsvDataWriter</c>; UTF-8 without a BOM, CRLF. Rows are handed to Sylvan in small batches.
/// </summary>
internal sealed class CsvCaseWriter : ICaseWriter
{
    private const int BatchRows = 128;
    private readonly Dictionary<string, RecordFile> _files;

    public CsvCaseWriter(string folder, IEnumerable<RecordLayout> layouts, Encoding encoding)
    {
        _files = layouts.ToDictionary(l => l.Record.Name, l => new RecordFile(Path.Combine(folder, l.Record.Name + ".csv"), l, encoding), StringComparer.Ordinal);
    }

    public ValueTask WriteAsync(GeneratedCase generated, CancellationToken cancellationToken)
    {
        foreach (var record in generated.Records)
        {
            _files[record.Record.Name].Add(record.Values);
        }

        return ValueTask.CompletedTask;
    }

    public async Task<IReadOnlyList<GeneratedFile>> CompleteAsync(CancellationToken cancellationToken)
    {
        var files = new List<GeneratedFile>();
        foreach (var file in _files.Values)
        {
            files.Add(await file.CompleteAsync(cancellationToken).ConfigureAwait(false));
        }

        return files;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var file in _files.Values)
        {
            await file.DisposeAsync().ConfigureAwait(false);
        }
    }

    private sealed class RecordFile : IAsyncDisposable
    {
        private static readonly CsvDataWriterOptions DataOptions = new() { NewLine = "\r\n", WriteHeaders = false };
        private static readonly CsvDataWriterOptions HeaderOptions = new() { NewLine = "\r\n", WriteHeaders = true };
        private readonly string _path;
        private readonly RecordLayout _layout;
        private readonly string[] _names;
        private readonly StreamWriter _text;
        private readonly CsvDataWriter _csv;
        private readonly List<string?[]> _batch = new(BatchRows);
        private long _rows;

        public RecordFile(string path, RecordLayout layout, Encoding encoding)
        {
            _path = path;
            _layout = layout;
            _names = layout.Columns.Select(c => c.Name).ToArray();
            var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
            _text = new StreamWriter(stream, encoding, 1 << 16);

            // Sylvan writes the header with each Write call when asked to; one writer writes it once, another the rows.
            using (var reader = new RowBatchReader(_names, []))
            {
                CsvDataWriter.Create(_text, HeaderOptions).Write(reader);
            }

            _csv = CsvDataWriter.Create(_text, DataOptions);
        }

        public void Add(GeneratedValue[] values)
        {
            var row = new string?[values.Length];
            for (var c = 0; c < values.Length; c++)
            {
                row[c] = values[c].ToExportText(_layout.Columns[c].Item);
            }

            _batch.Add(row);
            _rows++;
            if (_batch.Count == BatchRows)
            {
                Flush();
            }
        }

        public async Task<GeneratedFile> CompleteAsync(CancellationToken cancellationToken)
        {
            Flush();
            await _text.FlushAsync(cancellationToken).ConfigureAwait(false);
            await _text.DisposeAsync().ConfigureAwait(false);
            return new GeneratedFile(_path, ExportFormats.Csv, new FileInfo(_path).Length, _rows, _layout.Record.Name);
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await _text.DisposeAsync().ConfigureAwait(false);
            }
            catch (IOException)
            {
                // Disposal after a failed run: the run's own exception says what went wrong.
            }
        }

        private void Flush()
        {
            if (_batch.Count == 0)
            {
                return;
            }

            using var reader = new RowBatchReader(_names, _batch);
            _csv.Write(reader);
            _batch.Clear();
        }
    }
}
