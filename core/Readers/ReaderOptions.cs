using Microsoft.Extensions.Options;

namespace Pipeline.Core.Readers;

/// <summary>
/// The limits of every reader in one place, bound from the section <c>Ingest:Readers</c> (app settings such as
/// <c>Ingest__Readers__CsproDb__MaxCaseBytes</c>) and validated at start-up with the rest of <c>Ingest</c>. Every default
/// is the one documented on the reader's own options class and in docs/cspro-support.md; the format detector hands each
/// reader its part, and a zip bundle hands them on to the files inside it.
/// </summary>
public sealed class ReaderOptions
{
    /// <summary>CSPro text data (.dat): line length, the wrong-dictionary probe.</summary>
    [ValidateObjectMembers(typeof(ValidateCsproTextDataReaderOptions))]
    public CsproTextDataReaderOptions CsproText { get; set; } = new();

    /// <summary>CSV, tab and semicolon exports: record and line length.</summary>
    [ValidateObjectMembers(typeof(ValidateDelimitedExportReaderOptions))]
    public DelimitedExportReaderOptions Delimited { get; set; } = new();

    /// <summary>Excel workbooks: columns, rows, shared strings, cells, error cells.</summary>
    [ValidateObjectMembers(typeof(ValidateExcelExportReaderOptions))]
    public ExcelExportReaderOptions Excel { get; set; } = new();

    /// <summary>CSPro DB (.csdb): bytes and rows per case, SQLite cache and page count.</summary>
    [ValidateObjectMembers(typeof(ValidateCsproDbReaderOptions))]
    public CsproDbReaderOptions CsproDb { get; set; } = new();

    /// <summary>Zip containers, bundles and workbooks alike: entries, sizes, ratio, nesting.</summary>
    [ValidateObjectMembers(typeof(ValidateZipBundleOptions))]
    public ZipBundleOptions Zip { get; set; } = new();
}
