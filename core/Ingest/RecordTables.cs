using Pipeline.Core.Dictionary;
using Pipeline.Core.Engine;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Core.Readers;
using Pipeline.Core.Values;

namespace Pipeline.Core.Ingest;

/// <summary>The two tables one record of one upload writes: curated rows and rejected rows. Columns come from the layout.</summary>
internal sealed class RecordTables : IAsyncDisposable
{
    public const string CaseKey = LakeColumns.CaseKey;
    public const string UploadId = LakeColumns.UploadId;
    public const string SourceRow = LakeColumns.SourceRow;
    public const string IngestedUtc = LakeColumns.IngestedUtc;
    public const string Reasons = LakeColumns.Reasons;
    public const string Warnings = LakeColumns.Warnings;

    private readonly int[] _kept;
    private readonly int _derived;
    private readonly int _caseColumns;
    private readonly IReadOnlyDictionary<string, string> _curatedMetadata;
    private readonly ParquetTableOptions _options;
    private readonly CellValue[] _curatedRow;
    private readonly CellValue[] _rejectedRow;
    private ParquetTableWriter? _curated;
    private RowSpool? _spool;

    private RecordTables(RecordLayout layout, int[] kept, int derived, int caseColumns, IReadOnlyList<TableColumn> curatedColumns, IReadOnlyDictionary<string, string> curatedMetadata, ParquetTableOptions options, ParquetTableWriter? curated, RowSpool? spool, ParquetTableWriter rejected)
    {
        Layout = layout;
        _kept = kept;
        _derived = derived;
        _caseColumns = caseColumns;
        CuratedColumns = curatedColumns;
        _curatedMetadata = curatedMetadata;
        _options = options;
        _curated = curated;
        _spool = spool;
        Rejected = rejected;
        _curatedRow = new CellValue[curatedColumns.Count];
        _rejectedRow = new CellValue[rejected.Columns.Count];
    }

    public RecordLayout Layout { get; }

    /// <summary>The curated table's columns.</summary>
    public IReadOnlyList<TableColumn> CuratedColumns { get; }

    /// <summary>
    /// The curated table. A spooled table (see <see cref="CreateAsync(RecordLayout, IReadOnlyList{TableColumn}, IReadOnlyList{TableColumn}, IReadOnlyDictionary{string, string}, ParquetTableOptions, bool, CancellationToken)"/>)
    /// has none until <see cref="RewriteAsync"/> or <see cref="CompleteCuratedAsync"/>.
    /// </summary>
    public ParquetTableWriter Curated => _curated ?? throw new InvalidOperationException($"The curated rows of {Layout.Record.Name} are still spooled; rewrite them first.");

    /// <summary>Position of the first case column in a curated row (they come right before <c>_warnings</c>).</summary>
    public int CaseColumnsStart => CuratedColumns.Count - 4 - _caseColumns;

    /// <summary>Position of <c>_warnings</c> in a curated row.</summary>
    public int WarningsIndex => CuratedColumns.Count - 4;

    /// <summary>Position of <c>_source_row</c> in a curated row.</summary>
    public int SourceRowIndex => CuratedColumns.Count - 2;

    public ParquetTableWriter Rejected { get; }

    private long CuratedRows => _spool?.RowCount ?? _curated!.RowCount;

    /// <summary>Row accounting of this record: read = curated + rejected.</summary>
    public RecordCount Count => new(Layout.Record.Name, CuratedRows + Rejected.RowCount, CuratedRows, Rejected.RowCount);

    /// <summary>The tables of <paramref name="layout"/>'s record with the columns the pack's cleaning and case checks add.</summary>
    public static Task<RecordTables> CreateAsync(Packs.SurveyPack pack, RecordLayout layout, IReadOnlyDictionary<string, string> metadata, ParquetTableOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentNullException.ThrowIfNull(layout);
        var derived = Cleaning.RecordCleaner.DerivedColumnsOf(pack.Cleaning, layout.Record.Name);
        return CreateAsync(layout, derived, UploadChecks.CaseColumnsOf(pack, layout.Record.Name), metadata, options, UploadChecks.RewritesAlways(pack, layout.Record.Name), cancellationToken);
    }

    /// <summary>
    /// Curated columns: <c>_case_key</c>, the layout's kept columns, <paramref name="derived"/> (from cleaning),
    /// <c>_nulled</c>, <paramref name="caseColumns"/> (filled in by <see cref="RewriteAsync"/>), then <c>_warnings</c>,
    /// <c>_upload_id</c>, <c>_source_row</c>, <c>_ingested_utc</c>. When <paramref name="spool"/> is set (the end-of-upload
    /// checks rewrite the table anyway), curated rows go to a <see cref="RowSpool"/> and become Parquet only in
    /// <see cref="RewriteAsync"/>: encoded once, not twice.
    /// </summary>
    public static async Task<RecordTables> CreateAsync(RecordLayout layout, IReadOnlyList<TableColumn> derived, IReadOnlyList<TableColumn> caseColumns, IReadOnlyDictionary<string, string> metadata, ParquetTableOptions options, bool spool, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(derived);
        ArgumentNullException.ThrowIfNull(caseColumns);
        // Dropped personal items never get a column, in any table.
        var kept = Enumerable.Range(0, layout.Columns.Count).Where(i => layout.Columns[i].Privacy != PersonalData.Drop).ToArray();
        var curatedColumns = new List<TableColumn> { new(CaseKey, ColumnKind.Text) };
        curatedColumns.AddRange(kept.Select(i => new TableColumn(layout.Columns[i].Name, layout.Columns[i].Kind)));
        curatedColumns.AddRange(derived);
        curatedColumns.Add(new(CleaningCatalogue.NulledColumn, ColumnKind.Text));
        curatedColumns.AddRange(caseColumns);
        curatedColumns.AddRange([new(Warnings, ColumnKind.Text), new(UploadId, ColumnKind.Text), new(SourceRow, ColumnKind.Integer), new(IngestedUtc, ColumnKind.Timestamp)]);
        var rejectedColumns = new List<TableColumn> { new(SourceRow, ColumnKind.Integer), new(CaseKey, ColumnKind.Text), new(Reasons, ColumnKind.Text) };
        rejectedColumns.AddRange(kept.Select(i => new TableColumn(layout.Columns[i].Name, ColumnKind.Text)));
        var curatedMetadata = WithValueLabels(metadata, layout, kept);
        var curated = spool ? null : await ParquetTableWriter.CreateAsync(curatedColumns, curatedMetadata, options, cancellationToken).ConfigureAwait(false);
        var rejected = await ParquetTableWriter.CreateAsync(rejectedColumns, metadata, options, cancellationToken).ConfigureAwait(false);
        return new RecordTables(layout, kept, derived.Count, caseColumns.Count, curatedColumns, curatedMetadata, options, curated, spool ? new RowSpool(curatedColumns) : null, rejected);
    }

    /// <summary>
    /// Writes the footer of a curated table that is not spooled, so that its buffers and row-group metadata are freed
    /// before the end-of-upload checks (a .dat upload holds every record's table at once). A later rewrite or
    /// <see cref="CompleteCuratedAsync"/> reads the finished file.
    /// </summary>
    public async Task CompleteWrittenAsync(CancellationToken cancellationToken)
    {
        if (_spool is null)
        {
            await Curated.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The finished curated table: a spooled table is written out first, every row kept as it is.</summary>
    public async Task<ParquetTableWriter> CompleteCuratedAsync(CancellationToken cancellationToken)
    {
        if (_spool is not null)
        {
            await RewriteAsync(_ => null, cancellationToken).ConfigureAwait(false);
        }

        return Curated;
    }

    /// <summary>
    /// Reads the curated rows written so far back from their temporary file and writes them again: a row for which
    /// <paramref name="decide"/> returns null stays (with the changes <paramref name="decide"/> made to its cells, e.g.
    /// case columns, warnings); a row for which it returns a reason moves to the rejected table. Streams row group by
    /// row group. The end-of-upload checks use it when a case is rejected after some of its rows were written.
    /// </summary>
    public async Task RewriteAsync(Func<CellValue[], string?> decide, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decide);
        // The rewrite leaves a core idle: row groups are encoded on it while the next one fills.
        var next = await ParquetTableWriter.CreateAsync(CuratedColumns, _curatedMetadata, _options, backgroundFlush: true, cancellationToken).ConfigureAwait(false);
        try
        {
            if (_spool is { } spool)
            {
                // Decoding the spool runs a few batches ahead on another thread; each row array is reused only after
                // more rows than can be in flight.
                var rows = ReadAhead.Of(spool.ReadAll(ReadAhead.MaxInFlight + ReadAhead.BatchRows).ToAsyncEnumerable(), cancellationToken);
                await foreach (var row in rows.ConfigureAwait(false))
                {
                    await RouteAsync(row).ConfigureAwait(false);
                }
            }
            else
            {
                foreach (var part in await Curated.CompleteAsync(cancellationToken).ConfigureAwait(false))
                {
                    await foreach (var row in ParquetTableReader.ReadAsync(part, CuratedColumns, cancellationToken).ConfigureAwait(false))
                    {
                        await RouteAsync(row).ConfigureAwait(false);
                    }
                }
            }
        }
        catch
        {
            await next.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        _spool?.Dispose();
        _spool = null;
        if (_curated is not null)
        {
            await _curated.DisposeAsync().ConfigureAwait(false);
        }

        _curated = next;

        ValueTask RouteAsync(CellValue[] row) =>
            decide(row) is { } reason ? AddRejectedAsync(row, reason, cancellationToken) : next.AppendAsync(row, cancellationToken);
    }

    /// <summary>A curated row moved to the rejected table: its kept values as text, with the reason.</summary>
    private ValueTask AddRejectedAsync(CellValue[] curatedRow, string reasons, CancellationToken cancellationToken)
    {
        var n = 0;
        _rejectedRow[n++] = curatedRow[SourceRowIndex];
        _rejectedRow[n++] = curatedRow[0];
        _rejectedRow[n++] = CellValue.OfText(reasons);
        for (var k = 0; k < _kept.Length; k++)
        {
            var cell = curatedRow[1 + k];
            _rejectedRow[n++] = cell.IsNull ? CellValue.Null : CellValue.OfText(RowValues.Show(cell, CuratedColumns[1 + k].Kind));
        }

        return Rejected.AppendAsync(_rejectedRow, cancellationToken);
    }

    /// <summary>
    /// Adds <c>value_labels</c> to the file's key-value metadata: JSON {item: {code: label}} from each item's first value
    /// set, so that a reader with only the file can show labels (Power BI joins the labels table instead).
    /// </summary>
    private static Dictionary<string, string> WithValueLabels(IReadOnlyDictionary<string, string> metadata, RecordLayout layout, int[] kept)
    {
        var labels = new SortedDictionary<string, SortedDictionary<string, string>>(StringComparer.Ordinal);
        // A date column's values are dates, not codes: its value set (a range of YYYYMMDD numbers) labels none of them.
        foreach (var column in kept.Select(i => layout.Columns[i]).Where(c => c.Privacy == PersonalData.None && c.Date is null && c.Item.PrimaryValueSet is not null))
        {
            var codes = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var value in column.Item.PrimaryValueSet!.Values.Where(v => v.Label.Length > 0))
            {
                foreach (var pair in value.Pairs)
                {
                    // An alpha code keeps its leading blanks (" k" and "k" are two answers), as the curated values do.
                    var from = column.Item.DataType == ItemDataType.Alpha ? pair.From.TrimEnd() : pair.From.Trim();
                    codes[pair.To is null ? from : $"{from}:{pair.To.Trim()}"] = value.Label;
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
    public ValueTask AddCuratedAsync(string caseKey, CellValue[] cells, string? nulled, string? warnings, string uploadId, long sourceRow, DateTimeOffset ingested, Func<string, string> pseudonym, CancellationToken cancellationToken)
    {
        var n = 0;
        _curatedRow[n++] = CellValue.OfText(caseKey);
        foreach (var i in _kept)
        {
            _curatedRow[n++] = Protect(i, cells[i], pseudonym);
        }

        for (var d = 0; d < _derived; d++)
        {
            _curatedRow[n++] = cells[Layout.Columns.Count + d];
        }

        _curatedRow[n++] = CellValue.OfText(nulled);
        for (var c = 0; c < _caseColumns; c++)
        {
            _curatedRow[n++] = CellValue.Null;
        }

        _curatedRow[n++] = CellValue.OfText(warnings);
        _curatedRow[n++] = CellValue.OfText(uploadId);
        _curatedRow[n++] = CellValue.OfInteger(sourceRow);
        _curatedRow[n] = CellValue.OfTimestamp(ingested);
        if (_spool is { } spool)
        {
            spool.Append(_curatedRow);
            return ValueTask.CompletedTask;
        }

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
        _spool?.Dispose();
        if (_curated is not null)
        {
            await _curated.DisposeAsync().ConfigureAwait(false);
        }

        await Rejected.DisposeAsync().ConfigureAwait(false);
    }
}
