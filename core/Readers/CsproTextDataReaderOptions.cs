using System.ComponentModel.DataAnnotations;

namespace Pipeline.Core.Readers;

/// <summary>Limits of <see cref="CsproTextDataReader"/>. Bound from the section
/// <c>Ingest:Readers:CsproText</c> (<see cref="ReaderOptions"/>) and validated at start-up.</summary>
public sealed class CsproTextDataReaderOptions
{
    /// <summary>
    /// Longest line accepted, in bytes. Default 1 MiB: CSPro records are at most 32,000 characters (up to 4 bytes each in
    /// UTF-8), so a longer line is not CSPro data (a binary file, or a file whose line breaks were lost). Raising it
    /// raises the memory one line may take; lowering it below 128 KiB may reject real wide records.
    /// </summary>
    [Range(1024, 256 * 1024 * 1024)]
    public int MaxLineBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// How many data lines are looked at before the first row is handed on. Default 100. If none of them has a record
    /// type of the dictionary, the file is rejected as written with another dictionary instead of producing one reject
    /// per line. These rows are held in memory, so keep it small; 0 turns the check off.
    /// </summary>
    [Range(0, 100_000)]
    public int WrongDictionaryProbeLines { get; set; } = 100;
}
