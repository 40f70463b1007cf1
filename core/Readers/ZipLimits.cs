using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;

namespace Pipeline.Core.Readers;

/// <summary>The checks every zip container passes before any entry is decompressed (see <see cref="ZipBundleOptions"/>).</summary>
internal static class ZipLimits
{
    private const string Repack = "Zip the CSPro files again (a dictionary and data files, no folders outside the zip, no zip inside) and upload that.";

    /// <summary>Opens the spooled zip after checking the entry count in its end record (so a huge directory is not loaded).</summary>
    public static async Task<ZipArchive> OpenAsync(TempSpool spool, string fileName, ZipBundleOptions options, string what, CancellationToken cancellationToken)
    {
        if (spool.Length == 0)
        {
            throw new InputFileException(fileName, "the file is empty.", Repack);
        }

        var stream = new FileStream(spool.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.RandomAccess);
        try
        {
            var declared = await DeclaredEntriesAsync(stream, cancellationToken).ConfigureAwait(false);
            if (declared is null)
            {
                throw new InputFileException(fileName, $"this is not a valid {what}: the zip's central directory (its table of contents, at the end of the file) is missing, so the file is truncated or damaged.", "Upload the complete file again.");
            }

            if (declared > options.MaxEntries)
            {
                throw new InputFileException(fileName, $"the zip has {declared.Value.ToString(CultureInfo.InvariantCulture)} entries; the limit is {options.MaxEntries.ToString(CultureInfo.InvariantCulture)}.", Repack);
            }

            stream.Position = 0;
            return new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: false);
        }
        catch (InvalidDataException e)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw new InputFileException(fileName, $"this is not a valid {what}: {e.Message}", "Upload the complete file again.", inner: e);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Entry count, names, sizes and ratios, all from the central directory (nothing is decompressed).</summary>
    public static void Check(ZipArchive archive, string fileName, ZipBundleOptions options)
    {
        if (archive.Entries.Count > options.MaxEntries)
        {
            throw new InputFileException(fileName, $"the zip has {archive.Entries.Count.ToString(CultureInfo.InvariantCulture)} entries; the limit is {options.MaxEntries.ToString(CultureInfo.InvariantCulture)}.", Repack);
        }

        long total = 0;
        foreach (var entry in archive.Entries)
        {
            CheckName(entry.FullName, fileName);
            if (entry.Length > options.RatioCheckMinimumBytes && entry.Length > (long)options.MaxCompressionRatio * Math.Max(entry.CompressedLength, 1))
            {
                var ratio = entry.Length / Math.Max(entry.CompressedLength, 1);
                throw new InputFileException(fileName, $"entry '{entry.FullName}' expands {ratio.ToString(CultureInfo.InvariantCulture)} times ({entry.CompressedLength.ToString(CultureInfo.InvariantCulture)} → {entry.Length.ToString(CultureInfo.InvariantCulture)} bytes); the limit is {options.MaxCompressionRatio.ToString(CultureInfo.InvariantCulture)} times. This looks like a zip bomb.", Repack);
            }

            total += entry.Length;
            if (total > options.MaxTotalUncompressedBytes)
            {
                throw new InputFileException(fileName, $"the zip's entries add up to more than {TempSpool.Size(options.MaxTotalUncompressedBytes)} uncompressed (reached at entry '{entry.FullName}').", "Split the data into smaller uploads, or ask the data team to raise the limit.");
            }
        }
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

    /// <summary>The entry count of the end-of-central-directory record, or null when there is none (not a zip, or truncated).</summary>
    private static async Task<long?> DeclaredEntriesAsync(FileStream stream, CancellationToken cancellationToken)
    {
        const int endRecord = 22;
        var tail = (int)Math.Min(stream.Length, endRecord + 0xFFFF);
        if (tail < endRecord)
        {
            return null;
        }

        var buffer = new byte[tail];
        stream.Position = stream.Length - tail;
        await stream.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
        for (var i = tail - endRecord; i >= 0; i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(i)) == 0x06054b50)
            {
                var count = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(i + 10));
                return count == 0xFFFF ? 0 : count; // Zip64: the real count is checked after opening
            }
        }

        return null;
    }
}
