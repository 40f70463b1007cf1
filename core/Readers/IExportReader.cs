using Pipeline.Core.Engine;

namespace Pipeline.Core.Readers;

/// <summary>
/// A reader of one upload in one export format. Streams <see cref="SourceRow"/>s of any record of the dictionary
/// (each row says its layout); a file that cannot be read throws <see cref="InputFileException"/> with its coordinates.
/// </summary>
public interface IExportReader : IAsyncDisposable
{
    /// <summary>Short format name recorded in the ledger, e.g. "delimited", "cspro-text", "cspro-db".</summary>
    string Format { get; }

    IAsyncEnumerable<SourceRow> ReadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// How the text was decoded, once read: "utf-8", "windows-1252" (some lines were not UTF-8 and were read as ANSI,
    /// as CSPro reads them), or null for binary formats (.csdb, .xlsx).
    /// </summary>
    string? TextEncoding => null;

    /// <summary>
    /// The records this upload can hold, when the format says so before the first row (a delimited export is one
    /// record), or null when any record may come. The whole-upload checks skip what cannot apply: roster sums for the
    /// level-1 record's case columns are not kept for an upload without level-1 rows.
    /// </summary>
    IReadOnlyCollection<string>? Records => null;

    /// <summary>
    /// Cases a CSPro DB file (.csdb) marks deleted (<c>deleted=1</c>), once read: they stay in the file but are not
    /// read, as CSPro does not read them. 0 for other formats.
    /// </summary>
    long DeletedCases => 0;

    /// <summary>
    /// Lines of a CSPro text data file (.dat) erased with <c>~</c> in column 1 (CSPro's deleted records), once read:
    /// skipped, as CSPro skips them. 0 for other formats.
    /// </summary>
    long ErasedLines => 0;

    /// <summary>
    /// Lets the reader reuse a row's <see cref="SourceRow.Fields"/> array once <paramref name="afterRows"/> more rows of
    /// the same record were read, instead of allocating one per row. Only for a caller that is done with every row by
    /// then, as the ingest is (<c>RowChecks.RingSize</c>); a caller that keeps rows must not call it. Only the
    /// delimited reader acts on it; the others allocate per row, where that measured better (<see cref="FieldArrayRing"/>).
    /// </summary>
    void ReuseFieldArrays(int afterRows)
    {
    }
}
