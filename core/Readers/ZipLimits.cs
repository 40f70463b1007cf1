using System.Globalization;
using System.IO.Compression;

namespace Pipeline.Core.Readers;

/// <summary>The checks every zip container passes before any entry is decompressed (see <see cref="ZipBundleOptions"/>).</summary>
internal static class ZipLimits
{
    internal const string Repack = "Zip the CSPro files again (a dictionary and data files, no folders outside the zip, no zip inside) and upload that.";

    /// <summary>
    /// Opens the spooled zip after reading its end record (Zip64 too) and walking its central directory without loading
    /// it (<see cref="ZipDirectory"/>): the real entry count, an end record that disagrees with the directory, and
    /// password protection are all refused before .NET builds an entry list. Then runs <see cref="Check(ZipArchive, string, ZipBundleOptions, long)"/>.
    /// </summary>
    public static async Task<ZipArchive> OpenAsync(TempSpool spool, string fileName, ZipBundleOptions options, string what, CancellationToken cancellationToken)
    {
        if (spool.Length == 0)
        {
            throw new InputFileException(fileName, "the file is empty.", Repack);
        }

        var stream = new FileStream(spool.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.RandomAccess);
        ZipArchive? archive = null;
        try
        {
            await ZipDirectory.CheckAsync(stream, fileName, options, what, cancellationToken).ConfigureAwait(false);
            stream.Position = 0;
            archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: false);
            _ = archive.Entries.Count; // .NET reads the directory lazily: read it here, where its errors are caught
            Check(archive, fileName, options, spool.Length);
            return archive;
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or ArgumentOutOfRangeException or OverflowException)
        {
            Dispose(archive, stream);
            throw new InputFileException(fileName, $"this is not a valid {what}: {e.Message}", "Upload the complete file again.", inner: e);
        }
        catch
        {
            Dispose(archive, stream);
            throw;
        }
    }

    /// <summary>
    /// Entry count, names, sizes and ratios, all from the central directory (nothing is decompressed). A compressed size
    /// is never taken as more than <paramref name="archiveBytes"/>: entries that claim, or share, more compressed bytes
    /// than the file has would otherwise slip past the ratio check.
    /// </summary>
    public static void Check(ZipArchive archive, string fileName, ZipBundleOptions options, long archiveBytes)
    {
        if (archive.Entries.Count > options.MaxEntries)
        {
            throw new InputFileException(fileName, $"the zip has {archive.Entries.Count.ToString(CultureInfo.InvariantCulture)} entries; the limit is {options.MaxEntries.ToString(CultureInfo.InvariantCulture)}.", Repack);
        }

        long total = 0;
        long compressed = 0;
        foreach (var entry in archive.Entries)
        {
            CheckName(entry.FullName, fileName);
            var entryCompressed = Math.Clamp(entry.CompressedLength, 1, archiveBytes);
            CheckRatio(entry.Length, entryCompressed, $"entry '{entry.FullName}' expands", fileName, options);
            total += entry.Length;
            compressed = Math.Min(compressed + entryCompressed, archiveBytes);
            if (total > options.MaxTotalUncompressedBytes)
            {
                throw new InputFileException(fileName, $"the zip's entries add up to more than {TempSpool.Size(options.MaxTotalUncompressedBytes)} uncompressed (reached at entry '{entry.FullName}').", "Split the data into smaller uploads, or ask the data team to raise the limit.");
            }
        }

        // Many small entries, each under RatioCheckMinimumBytes, still add up: the whole zip is held to the ratio too.
        CheckRatio(total, Math.Max(compressed, 1), "the zip's entries together expand", fileName, options);
    }

    private static void CheckRatio(long length, long compressed, string what, string fileName, ZipBundleOptions options)
    {
        if (length > options.RatioCheckMinimumBytes && length > (long)options.MaxCompressionRatio * compressed)
        {
            var ratio = length / compressed;
            throw new InputFileException(fileName, $"{what} {ratio.ToString(CultureInfo.InvariantCulture)} times ({compressed.ToString(CultureInfo.InvariantCulture)} → {length.ToString(CultureInfo.InvariantCulture)} bytes); the limit is {options.MaxCompressionRatio.ToString(CultureInfo.InvariantCulture)} times. This looks like a zip bomb.", Repack);
        }
    }

    private static void Dispose(ZipArchive? archive, FileStream stream)
    {
        archive?.Dispose();
        stream.Dispose();
    }

    /// <summary>Rejects names that would leave the extraction folder if anyone extracted them: <c>../x</c>, <c>/x</c>, <c>C:\x</c>.</summary>
    public static void CheckName(string name, string fileName)
    {
        var problem = name.Length == 0 ? "has an empty name"
            : name.Contains('\0', StringComparison.Ordinal) ? "has a NUL character in its name"
            : name[0] is '/' or '\\' ? "has an absolute path"
            : name.Length >= 2 && name[1] == ':' && char.IsAsciiLetter(name[0]) ? "has a drive letter (an absolute Windows path)"
            : name.Split('/', '\\').Any(s => s == "..") ? "climbs out of the zip with '..'"
            : null;
        if (problem is not null)
        {
            throw new InputFileException(fileName, $"entry '{name.Replace("\0", "\\0", StringComparison.Ordinal)}' {problem}; entry names must stay inside the zip.", Repack);
        }
    }
}
