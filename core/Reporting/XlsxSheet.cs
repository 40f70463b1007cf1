using System.Globalization;

namespace Pipeline.Core.Reporting;

/// <summary>How a column's numbers are shown; the stored value is never changed.</summary>
internal enum XlsxFormat
{
    General,
    Percent,
}

/// <summary>
/// One worksheet for <see cref="XlsxWorkbook"/>: a header row, then rows of string, long, int, double or null cells
/// (null: no cell). <see cref="Rows"/> is enumerated twice, once to size the columns and the filter and once to write,
/// and must give the same rows both times; it is never held whole, so a lazy sequence keeps memory flat.
/// </summary>
internal sealed record XlsxSheet(string Name, IReadOnlyList<string> Header, IReadOnlyList<XlsxFormat> Formats, IEnumerable<object?[]> Rows)
{
    /// <summary>A cell's own format (given the row's cells and the column), or null for its column's <see cref="Formats"/>.</summary>
    public Func<object?[], int, XlsxFormat?>? CellFormat { get; init; }

    public XlsxFormat FormatOf(object?[] row, int column) => CellFormat?.Invoke(row, column) ?? Formats[column];

    /// <summary>The cell as Excel shows it in the column's format: what the column's width is made for.</summary>
    internal static string Display(object? value, XlsxFormat format) => value switch
    {
        null => string.Empty,
        double d when format == XlsxFormat.Percent => d.ToString("0.00%", CultureInfo.InvariantCulture),
        double d => d.ToString("0.######", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };
}
