using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Core.Validation;
using Pipeline.Core.Values;

namespace Pipeline.Core.Ingest;

/// <summary>Every issue of one upload, all records together: reports/&lt;survey&gt;/&lt;upload&gt;/issues.parquet.</summary>
internal sealed class IssuesTable : IAsyncDisposable
{
    private static readonly TableColumn[] Columns =
    [
        new("upload_id", ColumnKind.Text), new("row", ColumnKind.Integer), new("case_key", ColumnKind.Text), new("record", ColumnKind.Text),
        new("item", ColumnKind.Text), new("value", ColumnKind.Text), new("rule", ColumnKind.Text), new("severity", ColumnKind.Text), new("message", ColumnKind.Text),
    ];

    private readonly CellValue[] _row = new CellValue[Columns.Length];
    private readonly string _uploadId;

    private IssuesTable(ParquetTableWriter writer, string uploadId)
    {
        Writer = writer;
        _uploadId = uploadId;
    }

    public ParquetTableWriter Writer { get; }

    /// <summary>Issue counts by rule id.</summary>
    public Dictionary<string, long> CountsByRule { get; } = new(StringComparer.Ordinal);

    public static async Task<IssuesTable> CreateAsync(string uploadId, IReadOnlyDictionary<string, string> metadata, ParquetTableOptions options, CancellationToken cancellationToken) =>
        new(await ParquetTableWriter.CreateAsync(Columns, metadata, options, cancellationToken).ConfigureAwait(false), uploadId);

    public async ValueTask AddAsync(IEnumerable<RowIssue> issues, CancellationToken cancellationToken)
    {
        foreach (var issue in issues)
        {
            CountsByRule[issue.Rule] = CountsByRule.GetValueOrDefault(issue.Rule) + 1;
            _row[0] = CellValue.OfText(_uploadId);
            _row[1] = CellValue.OfInteger(issue.Row);
            _row[2] = CellValue.OfText(issue.CaseKey);
            _row[3] = CellValue.OfText(issue.Record);
            _row[4] = CellValue.OfText(issue.Item);
            _row[5] = CellValue.OfText(issue.Value);
            _row[6] = CellValue.OfText(issue.Rule);
            _row[7] = CellValue.OfText(issue.Severity == IssueSeverity.Error ? "error" : "warning");
            _row[8] = CellValue.OfText(issue.Message);
            await Writer.AppendAsync(_row, cancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => Writer.DisposeAsync();
}
