using System.ComponentModel.DataAnnotations;

namespace Pipeline.Core.Readers;

/// <summary>Limits of <see cref="DelimitedExportReader"/>. Bound from the section
/// <c>Ingest:Readers:Delimited</c> (<see cref="ReaderOptions"/>) and validated at start-up.</summary>
public sealed class DelimitedExportReaderOptions
{
    /// <summary>
    /// Longest record (one row, quoted line breaks included) accepted, in characters. Default 1 Mi (1,048,576): a CSPro
    /// header of item labels is some tens of KiB, a data row less, so a longer record is a quote that was never closed or
    /// not delimited data. The CSV parser holds one record in a buffer of this size, so raising it raises the memory one
    /// upload may take; a longer record rejects the file naming its line.
    /// </summary>
    [Range(4096, 256 * 1024 * 1024)]
    public int MaxRecordLength { get; set; } = 1024 * 1024;

    /// <summary>
    /// Longest physical line accepted, in bytes. Default 16 MiB: far beyond any CSPro export row, short of memory
    /// trouble. A longer line rejects the file naming it. Lowering it below <see cref="MaxRecordLength"/> (times up to 4
    /// bytes a character) rejects records the parser would accept.
    /// </summary>
    [Range(4096, 256 * 1024 * 1024)]
    public int MaxLineBytes { get; set; } = 1 << 24;
}
