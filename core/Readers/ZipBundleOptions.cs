using System.ComponentModel.DataAnnotations;

namespace Pipeline.Core.Readers;

/// <summary>
/// Limits for zip containers: a zip bundle (<see cref="ZipBundle"/>) and an Excel workbook (<see cref="ExcelExportReader"/>,
/// which is a zip too). They protect the pipeline from zip bombs and hostile entry names. Bound from the section
/// <c>Ingest:Readers:Zip</c> (<see cref="ReaderOptions"/>) and validated at start-up.
/// </summary>
public sealed class ZipBundleOptions
{
    /// <summary>
    /// Total uncompressed size of all entries, as declared by the zip and enforced while reading. Default 2 GiB. It is
    /// also the most the upload itself may take in the temporary file. Raising it lets larger bundles through and raises
    /// the disk and time one upload may use.
    /// </summary>
    [Range(1024L, long.MaxValue)]
    public long MaxTotalUncompressedBytes { get; set; } = 2L << 30;

    /// <summary>
    /// Highest compression ratio (uncompressed ÷ compressed) of one entry. Default 100. CSPro fixed-width data with
    /// many blanks compresses 10-50 times; a zip bomb compresses 1,000 times or more. Lowering it below 50 may reject
    /// real sparse data; raising it weakens the bomb check.
    /// </summary>
    [Range(2, 100_000)]
    public int MaxCompressionRatio { get; set; } = 100;

    /// <summary>
    /// Entries of at most this size (uncompressed) are not held to <see cref="MaxCompressionRatio"/> one by one: a
    /// small CSPro DB with few cases is mostly empty pages and compresses over 100 times (ThreeLevelTest.csdb: 104
    /// times, 864 KiB), and is harmless. Default 1 MiB. The whole zip (all entries together) is held to the ratio as
    /// soon as its total is over this size, so many small entries cannot add up to a bomb: a zip never expands to more
    /// than the larger of this size and <see cref="MaxCompressionRatio"/> times its own size. 0 checks every entry.
    /// </summary>
    [Range(0L, long.MaxValue)]
    public long RatioCheckMinimumBytes { get; set; } = 1L << 20;

    /// <summary>
    /// Most entries (files and folders) a zip may have. Default 1,000; a bundle holds a dictionary and a few data files.
    /// Counted from the end record (the Zip64 one for large zips) and by walking the central directory header by header
    /// before it is loaded, so a zip over the limit costs no memory.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxEntries { get; set; } = 1000;

    /// <summary>
    /// Zip levels allowed. Default 1: the upload may be a zip, but no entry may be a zip again. An Excel workbook inside
    /// a bundle is a data file, not a nested bundle: it is accepted and held to these same limits when it is read.
    /// 0 refuses zip bundles altogether.
    /// </summary>
    [Range(0, 1)]
    public int MaxNestingDepth { get; set; } = 1;
}
