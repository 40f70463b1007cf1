using System.ComponentModel.DataAnnotations;

namespace Pipeline.Core.Readers;

/// <summary>
/// Limits of <see cref="ExcelExportReader"/>, checked on the workbook's XML before ExcelDataReader reads it (a cell
/// reference or a row number is otherwise trusted as an index). Bound from the section
/// <c>Ingest:Readers:Excel</c> (<see cref="ReaderOptions"/>) and validated at start-up.
/// The zip limits of <see cref="ZipBundleOptions"/> apply first.
/// </summary>
public sealed class ExcelExportReaderOptions
{
    /// <summary>
    /// Columns a sheet may use: no cell reference beyond this column, no row with more cells. Default 16,384 (column XFD,
    /// Excel's own maximum), so every workbook Excel or CSPro can write passes. A cell beyond it rejects the workbook
    /// naming the sheet and the cell. Lowering it bounds the memory per row (one slot per column).
    /// </summary>
    [Range(1, 16_384)]
    public int MaxColumns { get; set; } = 16_384;

    /// <summary>
    /// Highest row number a sheet may use. Default 1,048,576 (Excel's own maximum). A row or cell beyond it rejects the
    /// workbook naming the sheet and the row; without it, <c>&lt;row r="2000000000"&gt;</c> makes the reader walk two
    /// billion empty rows. Lowering it rejects larger exports.
    /// </summary>
    [Range(1, 1_048_576)]
    public int MaxRows { get; set; } = 1_048_576;

    /// <summary>
    /// Strings in the shared-string table (ExcelDataReader holds them all in memory). Default 2,000,000: CSPro writes
    /// texts inline, so a real export has few. More rejects the workbook.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int MaxSharedStrings { get; set; } = 2_000_000;

    /// <summary>
    /// Characters of all shared strings together, held in memory as .NET strings (2 bytes each). Default 64 Mi
    /// (67,108,864, about 128 MB in memory). More rejects the workbook; raising it raises the memory one upload may take.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int MaxSharedStringChars { get; set; } = 64 * 1024 * 1024;

    /// <summary>
    /// Characters in one cell (a value or a shared string). Default 32,767 (Excel's own maximum per cell); CSPro items
    /// are at most 32,000 characters wide. A longer cell rejects the workbook naming the sheet and the cell.
    /// </summary>
    [Range(1, int.MaxValue)]
    public int MaxCellChars { get; set; } = 32_767;

    /// <summary>
    /// Error cells (<c>#DIV/0!</c>, <c>#N/A</c>, <c>t="e"</c>) a workbook may hold; each makes its row a rejected row naming
    /// the cell, and each is kept in memory until the end of the read. Default 100,000. More rejects the workbook: CSPro
    /// writes no formulas, so so many failed formulas are not an export.
    /// </summary>
    [Range(0, 10_000_000)]
    public int MaxErrorCells { get; set; } = 100_000;

    /// <summary>
    /// Cells of a sheet's used range: its last row times its last column, as declared (<c>&lt;dimension&gt;</c>) or used.
    /// ExcelDataReader walks every row up to the last one, each as wide as the range, so one cell at <c>XFD1048576</c> costs
    /// 17 billion slots. Default 250,000,000 (a million rows of 250 columns); a larger range rejects the workbook naming
    /// the sheet. Raising it raises the time a hostile workbook may take.
    /// </summary>
    [Range(1, long.MaxValue)]
    public long MaxSheetCells { get; set; } = 250_000_000;
}
