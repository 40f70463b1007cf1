using Pipeline.Core.Lake;

namespace Pipeline.Core.Ingest;

/// <summary>The two tables one record of one upload writes: curated rows and rejected rows. Columns come from the layout.</summary>
internal sealed class RecordTables : IAsyncDisposable
{
    public const string CaseKey = "_case_key";
    public const string UploadId = "_upload_id";
    public const string SourceRow = "_source_row";
    public const string IngestedUtc = "_ingested_utc";
    public const string Reasons = "_reasons";
    public const string Warnings = "_warnings";

    private readonly int[] _kept;
    private readonly CellValue[] _curatedRow;
    private readonly CellValue[] _rejectedRow;

    private RecordTables(RecordLayout layout, int[] kept, ParquetTableWriter curated, ParquetTableWriter rejected)
    {
        Layout = layout;
        _kept = kept;
        Curated = curated;
        Rejected = rejected;
        _curatedRow = new CellValue[curated.Columns.Count];
        _rejectedRow = new CellValue[rejected.Columns.Count];
    }

    public RecordLayout Layout { get; }

    public ParquetTableWriter Curated { get; }

    public ParquetTableWriter Rejected { get; }

    /// <summary>Row accounting of this record: read = curated + rejected.</summary>
    public RecordCount Count => new(Layout.Record.Name, Curated.RowCount + Rejected.RowCount, Curated.RowCount, Rejected.RowCount);

    public static async Task<RecordTables> CreateAsync(RecordLayout layout, IReadOnlyDictionary<string, string> metadata, ParquetTableOptions options, CancellationToken cancellationToken)
    {
        // Dropped personal items never get a column, in any table.
        var kept = Enumerable.Range(0, layout.Columns.Count).Where(i => layout.Columns[i].Privacy != PersonalData.Drop).ToArray();
        var curatedColumns = new List<TableColumn> { new(CaseKey, ColumnKind.Text) };
        curatedColumns.AddRange(kept.Select(i => new TableColumn(layout.Columns[i].Name, layout.Columns[i].Kind)));
        curatedColumns.AddRange([new(Warnings, ColumnKind.Text), new(UploadId, ColumnKind.Text), new(SourceRow, ColumnKind.Integer), new(IngestedUtc, ColumnKind.Timestamp)]);
        var rejectedColumns = new List<TableColumn> { new(SourceRow, ColumnKind.Integer), new(CaseKey, ColumnKind.Text), new(Reasons, ColumnKind.Text) };
        rejectedColumns.AddRange(kept.Select(i => new TableColumn(layout.Columns[i].Name, ColumnKind.Text)));
        var curated = await ParquetTableWriter.CreateAsync(curatedColumns, WithValueLabels(metadata, layout, kept), options, cancellationToken).ConfigureAwait(false);
        var rejected = await ParquetTableWriter.CreateAsync(rejectedColumns, metadata, options, cancellationToken).ConfigureAwait(false);
        return new RecordTables(layout, kept, curated, rejected);
    }

    /// <summary>
    /// Adds <c>value_labels</c> to the file's key-value metadata: JSON {item: {code: label}} from each item's first value
    /// set, so that a reader with only the file can show labels (Power BI joins the labels table instead).
    /// </summary>
    private static Dictionary<string, string> WithValueLabels(IReadOnlyDictionary<string, string> metadata, RecordLayout layout, int[] kept)
    {
        var labels = new SortedDictionary<string, SortedDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var column in kept.Select(i => layout.Columns[i]).Where(c => c.Privacy == PersonalData.None && c.Item.PrimaryValueSet is not null))
        {
            var codes = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var value in column.Item.PrimaryValueSet!.Values.Where(v => v.Label.Length > 0))
            {
                foreach (var pair in value.Pairs)
                {
                    codes[pair.To is null ? pair.From.Trim() : $"{pair.From.Trim()}:{pair.To.Trim()}"] = value.Label;
                }
            }

            labels[column.Name] = codes;
        }

        return new Dictionary<string, string>(metadata) { ["value_labels"] = System.Text.Json.JsonSerializer.Serialize(labels) };
    }

    /// <summary>
    /// Appends a valid row; pseudonymised items are replaced here, before anything is buffered. <paramref name="warnings"/>
    /// lists the warning rules the row breaks (null when none): the <c>_warnings</c> flag column.
    /// </summary>
    public ValueTask AddCuratedAsync(string caseKey, CellValue[] cells, string? warnings, string uploadId, long sourceRow, DateTimeOffset ingested, Func<string, string> pseudonym, CancellationToken cancellationToken)
    {
        var n = 0;
        _curatedRow[n++] = CellValue.OfText(caseKey);
        foreach (var i in _kept)
        {
            _curatedRow[n++] = Protect(i, cells[i], pseudonym);
        }

        _curatedRow[n++] = CellValue.OfText(warnings);
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

    private CellValue Protect(int column, CellValue cell, Func<string, string> pseudonym) =>
        Layout.Columns[column].Privacy == PersonalData.Pseudonymise && !cell.IsNull ? CellValue.OfText(pseudonym(cell.Text!)) : cell;

    public async ValueTask DisposeAsync()
    {
        await Curated.DisposeAsync().ConfigureAwait(false);
        await Rejected.DisposeAsync().ConfigureAwait(false);
    }
}
