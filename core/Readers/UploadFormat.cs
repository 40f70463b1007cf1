namespace Pipeline.Core.Readers;

/// <summary>What an upload's first bytes say it is.</summary>
public enum UploadFormat
{
    Unknown,

    /// <summary>CSV, semicolon or tab separated text: CSPro's delimited export, one file per record.</summary>
    Delimited,

    /// <summary>A SQLite file: CSPro DB (.csdb).</summary>
    CsproDb,

    /// <summary>A zip container: an Excel workbook or a bundle of files.</summary>
    Zip,

    /// <summary>A CSPro dictionary rather than data.</summary>
    Dictionary,

    /// <summary>An empty file, or one of only blank lines (with or without a BOM): an export of no case.</summary>
    Empty,
}
