using System.ComponentModel.DataAnnotations;

namespace Pipeline.Core.Readers;

/// <summary>Limits of <see cref="CsproDbReader"/>. Bound from the section
/// <c>Ingest:Readers:CsproDb</c> (<see cref="ReaderOptions"/>) and validated at start-up.</summary>
public sealed class CsproDbReaderOptions
{
    /// <summary>
    /// Largest .csdb accepted, in bytes. Default 4 GiB. The file is copied to a temporary file (SQLite needs random
    /// access), so this is also the temporary disk space one upload may take.
    /// </summary>
    [Range(1024L, long.MaxValue)]
    public long MaxFileBytes { get; set; } = 4L << 30;

    /// <summary>
    /// Largest dictionary stored in the file (<c>meta.dictionary</c>), in bytes. Default 16 MiB, the limit of a
    /// dictionary file (<see cref="Pipeline.Core.Dictionary.DictionaryReader.MaxDictionaryBytes"/>); a real one is a few hundred KiB.
    /// The dictionary is read into memory whole, so a larger one is refused before it is read.
    /// </summary>
    [Range(1, int.MaxValue)]
    public int MaxDictionaryBytes { get; set; } = Pipeline.Core.Dictionary.DictionaryReader.MaxDictionaryBytes;

    /// <summary>
    /// Most bytes one case may hold, in bytes as SQLite stores them: the <c>questionnaire</c> text of a schema ≤ 2 file
    /// (measured in SQL before it is fetched), or the values of all rows of a schema-3 case (counted as they are read).
    /// Default 16 MiB; a real household case is a few KiB. A case is held in memory whole, so this bounds the memory one
    /// upload takes; it is also the longest single value SQLite will hand back. A case over the limit rejects the file
    /// naming the case's position in file order.
    /// </summary>
    [Range(1024, int.MaxValue)]
    public int MaxCaseBytes { get; set; } = 16 << 20;

    /// <summary>
    /// Most rows (records, or questionnaire lines) one case may have. Default 10,000; a real case has tens to a few
    /// hundred (one per person, per plot, …). A case is held in memory whole, so a case over the limit rejects the file
    /// naming the case's position in file order. Raise it only for dictionaries with very large rosters.
    /// </summary>
    [Range(1, int.MaxValue)]
    public int MaxRowsPerCase { get; set; } = 10_000;

    /// <summary>
    /// Most SQLite page-cache memory for one upload, in KiB (<c>PRAGMA cache_size</c>). Default 8,192 KiB (8 MiB).
    /// Lower makes large files slower to read; it does not change what is accepted.
    /// </summary>
    [Range(64, 1 << 20)]
    public int CacheKibibytes { get; set; } = 8192;
}
