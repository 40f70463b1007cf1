using Pipeline.Core.Lake;

namespace Pipeline.Core.Ingest;

/// <summary>The three tables one upload writes: curated rows, rejected rows, issues. Columns are derived from the layout.</summary>
internal sealed class UploadTables : IAsyncDisposable
{
    public const string CaseKey = "_case_key";
    public const string UploadId = "_upload_id";
    public const string SourceRow = "_source_row";
    public const string IngestedUtc = "_ingested_utc";
    public const string Reasons = "_reasons";

    private static readonly TableColumn[] IssueColumns =
    [
        new("upload_id", ColumnKind.Text), new("row", ColumnKind.Integer), new("case_key", ColumnKind.Text), new("record", ColumnKind.Text),
        new("item", ColumnKind.Text), new("value", ColumnKind.Text), new("rule", ColumnKind.Text), new("severity", ColumnKind.Text), new("message", ColumnKind.Text),
    ];

    private readonly int[] _kept;
    private readonly CellValue[] _curatedRow;
    private readonly CellValue[] _rejectedRow;
    private readonly CellValue[] _issueRow = new CellValue[IssueColumns.Length];

    private UploadTables(RecordLayout layout, int[] kept, ParquetTableWriter curated, ParquetTableWriter rejected, ParquetTableWriter issues)
    {
        Layout = layout;
        _kept = kept;
        Curated = curated;
        Rejected = rejected;
        Issues = issues;
        _curatedRow = new CellValue[curated.Columns.Count];
        _rejectedRow = new CellValue[rejected.Columns.Count];
    }

    public RecordLayout Layout { get; }

    public ParquetTableWriter Curated { get; }

    public ParquetTableWriter Rejected { get; }

    public ParquetTableWriter Issues { get; }

    public static async Task<UploadTables> CreateAsync(RecordLayout layout, IReadOnlyDictionary<string, string> metadata, ParquetTableOptions options, CancellationToken cancellationToken)
    {
        // Dropped personal items never get a column, in any table.
        var kept = Enumerable.Range(0, layout.Columns.Count).Where(i => layout.Columns[i].Privacy != PersonalData.Drop).ToArray();
        var curatedColumns = new List<TableColumn> { new(CaseKey, ColumnKind.Text) };
        curatedColumns.AddRange(kept.Select(i => new TableColumn(layout.Columns[i].Name, layout.Columns[i].Kind)));
        curatedColumns.AddRange([new(UploadId, ColumnKind.Text), new(SourceRow, ColumnKind.Integer), new(IngestedUtc, ColumnKind.Timestamp)]);
        var rejectedColumns = new List<TableColumn> { new(SourceRow, ColumnKind.Integer), new(CaseKey, ColumnKind.Text), new(Reasons, ColumnKind.Text) };
        rejectedColumns.AddRange(kept.Select(i => new TableColumn(layout.Columns[i].Name, ColumnKind.Text)));
        var curated = await ParquetTableWriter.CreateAsync(curatedColumns, metadata, options, cancellationToken).ConfigureAwait(false);
        var rejected = await ParquetTableWriter.CreateAsync(rejectedColumns, metadata, options, cancellationToken).ConfigureAwait(false);
        var issues = await ParquetTableWriter.CreateAsync(IssueColumns, metadata, options, cancellationToken).ConfigureAwait(false);
        return new UploadTables(layout, kept, curated, rejected, issues);
    }

    /// <summary>Appends a valid row; pseudonymised items are replaced here, before anything is buffered.</summary>
    public ValueTask AddCuratedAsync(string caseKey, CellValue[] cells, string uploadId, long sourceRow, DateTimeOffset ingested, Func<string, string> pseudonym, CancellationToken cancellationToken)
    {
        var n = 0;
        _curatedRow[n++] = CellValue.OfText(caseKey);
        foreach (var i in _kept)
        {
            _curatedRow[n++] = Protect(i, cells[i], pseudonym);
        }

        _curatedRow[n++] = CellValue.OfText(uploadId);
        _curatedRow[n++] = CellValue.OfInteger(sourceRow);
        _curatedRow[n] = CellValue.OfTimestamp(ingested);
        return Curated.AppendAsync(_curatedRow, cancellationToken);
    }

    /// <summary>Appends a rejected row as text, as it came (personal items protected), with the reasons.</summary>
    public ValueTask AddRejectedAsync(SourceRow row, string caseKey, string reasons, Func<string, string> pseudonym, CancellationToken cancellationToken)
    {
        var n = 0;
        _rejectedRow[n++] = CellValue.OfInteger(row.Row);
        _rejectedRow[n++] = CellValue.OfText(caseKey);
        _rejectedRow[n++] = CellValue.OfText(reasons);
        foreach (var i in _kept)
        {
            var text = row.Fields[i];
            _rejectedRow[n++] = Layout.Columns[i].Privacy == PersonalData.Pseudonymise && !string.IsNullOrWhiteSpace(text) ? CellValue.OfText(pseudonym(text)) : CellValue.OfText(text);
        }

        return Rejected.AppendAsync(_rejectedRow, cancellationToken);
    }

    public async ValueTask AddIssuesAsync(string uploadId, IEnumerable<RowIssue> issues, CancellationToken cancellationToken)
    {
        foreach (var issue in issues)
        {
            _issueRow[0] = CellValue.OfText(uploadId);
            _issueRow[1] = CellValue.OfInteger(issue.Row);
            _issueRow[2] = CellValue.OfText(issue.CaseKey);
            _issueRow[3] = CellValue.OfText(issue.Record);
            _issueRow[4] = CellValue.OfText(issue.Item);
            _issueRow[5] = CellValue.OfText(issue.Value);
            _issueRow[6] = CellValue.OfText(issue.Rule);
            _issueRow[7] = CellValue.OfText(issue.Severity == IssueSeverity.Error ? "error" : "warning");
            _issueRow[8] = CellValue.OfText(issue.Message);
            await Issues.AppendAsync(_issueRow, cancellationToken).ConfigureAwait(false);
        }
    }

    private CellValue Protect(int column, CellValue cell, Func<string, string> pseudonym) =>
        Layout.Columns[column].Privacy == PersonalData.Pseudonymise && !cell.IsNull ? CellValue.OfText(pseudonym(cell.Text!)) : cell;

    public async ValueTask DisposeAsync()
    {
        await Curated.DisposeAsync().ConfigureAwait(false);
        await Rejected.DisposeAsync().ConfigureAwait(false);
        await Issues.DisposeAsync().ConfigureAwait(false);
    }
}
