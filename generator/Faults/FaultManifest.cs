using System.Globalization;
using System.Text;
using Pipeline.Generator.Writers;
using Sylvan.Data.Csv;

namespace Pipeline.Generator.Faults;

/// <summary>
/// <c>faults.csv</c>, next to the exports: one row per injected fault, written as the faults happen.
/// Columns: case_key, record, occurrence, item, kind, value, original, file.
/// </summary>
internal sealed class FaultManifest : IAsyncDisposable
{
    public const string FileName = "faults.csv";
    private static readonly string[] Columns = ["case_key", "record", "occurrence", "item", "kind", "value", "original", "file"];
    private readonly StreamWriter _text;
    private readonly CsvDataWriter _csv;
    private readonly List<string?[]> _pending = [];

    public FaultManifest(string folder)
    {
        Path = System.IO.Path.Combine(folder, FileName);
        _text = new StreamWriter(new FileStream(Path, FileMode.Create, FileAccess.Write, FileShare.Read), new UTF8Encoding(false));
        using (var header = new RowBatchReader(Columns, []))
        {
            CsvDataWriter.Create(_text, new CsvDataWriterOptions { NewLine = "\r\n", WriteHeaders = true }).Write(header);
        }

        _csv = CsvDataWriter.Create(_text, new CsvDataWriterOptions { NewLine = "\r\n", WriteHeaders = false });
    }

    public string Path { get; }

    public long Count { get; private set; }

    public void Add(InjectedFault fault)
    {
        _pending.Add([fault.CaseKey, fault.Record, fault.Occurrence.ToString(CultureInfo.InvariantCulture), fault.Item, FaultPlan.Name(fault.Kind), fault.Value, fault.Original, fault.File]);
        Count++;
        if (_pending.Count >= 64)
        {
            Flush();
        }
    }

    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        Flush();
        await _text.FlushAsync(cancellationToken).ConfigureAwait(false);
        await _text.DisposeAsync().ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _text.DisposeAsync();

    private void Flush()
    {
        if (_pending.Count == 0)
        {
            return;
        }

        using var rows = new RowBatchReader(Columns, _pending);
        _csv.Write(rows);
        _pending.Clear();
    }
}
