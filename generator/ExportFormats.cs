namespace Pipeline.Generator;

/// <summary>The export formats the generator writes; combine them with '|'.</summary>
[Flags]
public enum ExportFormats
{
    None = 0,

    /// <summary>CSPro text data (<c>.dat</c>): fixed columns, one line per record, UTF-8 with a BOM, CRLF.</summary>
    Dat = 1,

    /// <summary>CSPro 8's delimited export: one <c>&lt;RECORD&gt;.csv</c> per record, header of item names, UTF-8, CRLF.</summary>
    Csv = 2,

    /// <summary>CSPro DB (<c>.csdb</c>), SQLite schema version 3 (relational), the dictionary in <c>meta.dictionary</c>.</summary>
    Csdb = 4,

    /// <summary>
    /// CSPro 8's Excel export (<c>.xlsx</c>): a worksheet per record, a bold header of item names, a row per record
    /// occurrence, numbers as numbers. A worksheet holds at most <see cref="XlsxLimits.MaxDataRows"/> rows.
    /// </summary>
    Xlsx = 8,

    /// <summary>Every format. Large runs should name theirs: .csdb is slow and .xlsx is limited to Excel's rows.</summary>
    All = Dat | Csv | Csdb | Xlsx,
}
