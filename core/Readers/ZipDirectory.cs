using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Pipeline.Core.Readers;

/// <summary>
/// Reads a zip's end record (and its Zip64 end record when the classic one says 0xFFFF or 0xFFFFFFFF) and walks the
/// central directory one header at a time, before <see cref="System.IO.Compression.ZipArchive"/> loads it whole. So a
/// directory of millions of entries is refused after <see cref="ZipBundleOptions.MaxEntries"/> + 1 headers, an end
/// record that disagrees with its directory is refused as damaged, and a password-protected entry is named.
/// Layout: APPNOTE.TXT 4.3.12 (central header), 4.3.14-4.3.16 (Zip64 end record, locator, end record).
/// </summary>
internal static class ZipDirectory
{
    private const uint EndSignature = 0x06054b50;
    private const uint Zip64EndSignature = 0x06064b50;
    private const uint Zip64LocatorSignature = 0x07064b50;
    private const uint CentralHeaderSignature = 0x02014b50;
    private const int EndLength = 22;
    private const int Zip64LocatorLength = 20;
    private const int Zip64EndLength = 56;
    private const int CentralHeaderLength = 46;
    private const string Damaged = "The zip is damaged: zip the CSPro files again with an ordinary zip tool and upload the complete zip.";

    /// <summary>Throws <see cref="InputFileException"/> when the directory cannot be trusted or crosses a limit.</summary>
    public static async Task CheckAsync(FileStream stream, string fileName, ZipBundleOptions options, string what, CancellationToken cancellationToken)
    {
        var end = await EndAsync(stream, fileName, what, cancellationToken).ConfigureAwait(false);
        if (end.Entries > options.MaxEntries)
        {
            throw new InputFileException(fileName, $"the zip has {end.Entries.ToString(CultureInfo.InvariantCulture)} entries; the limit is {options.MaxEntries.ToString(CultureInfo.InvariantCulture)}.", ZipLimits.Repack);
        }

        if (end.DirectoryOffset < 0 || end.DirectorySize < 0 || end.DirectoryOffset > end.Position - end.DirectorySize)
        {
            throw new InputFileException(fileName, $"this is not a valid {what}: its end record places the central directory (offset {end.DirectoryOffset.ToString(CultureInfo.InvariantCulture)}, {end.DirectorySize.ToString(CultureInfo.InvariantCulture)} bytes) outside the file's {end.Position.ToString(CultureInfo.InvariantCulture)} bytes before the end record.", Damaged);
        }

        var found = await WalkAsync(stream, end, fileName, options, what, cancellationToken).ConfigureAwait(false);
        if (found != end.Entries)
        {
            throw new InputFileException(fileName, $"this is not a valid {what}: its end record says {end.Entries.ToString(CultureInfo.InvariantCulture)} entries, but its central directory holds {found.ToString(CultureInfo.InvariantCulture)}.", Damaged);
        }
    }

    /// <summary>Counts the central headers between the directory's offset and its end, stopping after the limit.</summary>
    private static async Task<long> WalkAsync(FileStream stream, EndRecord end, string fileName, ZipBundleOptions options, string what, CancellationToken cancellationToken)
    {
        var header = new byte[CentralHeaderLength];
        var position = end.DirectoryOffset;
        var limit = end.DirectoryOffset + end.DirectorySize;
        long count = 0;
        while (position < limit)
        {
            if (limit - position < CentralHeaderLength)
            {
                throw new InputFileException(fileName, $"this is not a valid {what}: the central directory ends inside the header of entry {(count + 1).ToString(CultureInfo.InvariantCulture)}.", Damaged);
            }

            stream.Position = position;
            await stream.ReadExactlyAsync(header, cancellationToken).ConfigureAwait(false);
            if (BinaryPrimitives.ReadUInt32LittleEndian(header) != CentralHeaderSignature)
            {
                throw new InputFileException(fileName, $"this is not a valid {what}: entry {(count + 1).ToString(CultureInfo.InvariantCulture)} of the central directory (byte {position.ToString(CultureInfo.InvariantCulture)}) is not a central directory header.", Damaged);
            }

            if (++count > options.MaxEntries)
            {
                throw new InputFileException(fileName, $"the zip has more than {options.MaxEntries.ToString(CultureInfo.InvariantCulture)} entries in its central directory (its end record says {end.Entries.ToString(CultureInfo.InvariantCulture)}); the limit is {options.MaxEntries.ToString(CultureInfo.InvariantCulture)}.", ZipLimits.Repack);
            }

            var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(28));
            if ((BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(8)) & 1) != 0)
            {
                // General purpose bit 0: encrypted. .NET would call the entry damaged, which sends people hunting for corruption.
                var name = await NameAsync(stream, nameLength, cancellationToken).ConfigureAwait(false);
                throw new InputFileException(fileName, $"the zip is protected by a password (entry '{name}' is encrypted), so it cannot be read.", "Zip the files again without a password and upload that zip.");
            }

            position += CentralHeaderLength + nameLength + BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(30)) + BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(32));
        }

        return count;
    }

    private static async Task<string> NameAsync(FileStream stream, int length, CancellationToken cancellationToken)
    {
        var name = new byte[length];
        var read = await stream.ReadAtLeastAsync(name, length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        return Encoding.UTF8.GetString(name, 0, read).Replace("\0", "\\0", StringComparison.Ordinal);
    }

    /// <summary>The classic end record, replaced by the Zip64 one when any of its fields is at its maximum.</summary>
    private static async Task<EndRecord> EndAsync(FileStream stream, string fileName, string what, CancellationToken cancellationToken)
    {
        var tail = (int)Math.Min(stream.Length, EndLength + 0xFFFF);
        var buffer = new byte[tail];
        stream.Position = stream.Length - tail;
        await stream.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
        for (var i = tail - EndLength; i >= 0; i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(i)) != EndSignature)
            {
                continue;
            }

            var record = buffer.AsSpan(i);
            var position = stream.Length - tail + i;
            var entries = BinaryPrimitives.ReadUInt16LittleEndian(record[10..]);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(record[12..]);
            var offset = BinaryPrimitives.ReadUInt32LittleEndian(record[16..]);
            if (entries == 0xFFFF || BinaryPrimitives.ReadUInt16LittleEndian(record[8..]) == 0xFFFF || size == 0xFFFFFFFF || offset == 0xFFFFFFFF)
            {
                return await Zip64EndAsync(stream, position, fileName, what, cancellationToken).ConfigureAwait(false);
            }

            return new EndRecord(entries, offset, size, position);
        }

        throw new InputFileException(fileName, $"this is not a valid {what}: the zip's central directory (its table of contents, at the end of the file) is missing, so the file is truncated or damaged.", "Upload the complete file again.");
    }

    private static async Task<EndRecord> Zip64EndAsync(FileStream stream, long endPosition, string fileName, string what, CancellationToken cancellationToken)
    {
        var locator = new byte[Zip64LocatorLength];
        var locatorPosition = endPosition - Zip64LocatorLength;
        if (locatorPosition >= 0)
        {
            stream.Position = locatorPosition;
            await stream.ReadExactlyAsync(locator, cancellationToken).ConfigureAwait(false);
        }

        var recordPosition = BinaryPrimitives.ReadInt64LittleEndian(locator.AsSpan(8));
        if (locatorPosition < 0 || BinaryPrimitives.ReadUInt32LittleEndian(locator) != Zip64LocatorSignature
            || recordPosition < 0 || recordPosition > locatorPosition - Zip64EndLength)
        {
            throw new InputFileException(fileName, $"this is not a valid {what}: its end record says the entry count or directory position is in a Zip64 end record, but there is no valid Zip64 locator before it.", Damaged);
        }

        var record = new byte[Zip64EndLength];
        stream.Position = recordPosition;
        await stream.ReadExactlyAsync(record, cancellationToken).ConfigureAwait(false);
        if (BinaryPrimitives.ReadUInt32LittleEndian(record) != Zip64EndSignature)
        {
            throw new InputFileException(fileName, $"this is not a valid {what}: the Zip64 locator points to byte {recordPosition.ToString(CultureInfo.InvariantCulture)}, where there is no Zip64 end record.", Damaged);
        }

        // Read as signed: a count or offset over 2^63 is not a real zip, and fails the range checks as negative.
        return new EndRecord(
            BinaryPrimitives.ReadInt64LittleEndian(record.AsSpan(32)),
            BinaryPrimitives.ReadInt64LittleEndian(record.AsSpan(48)),
            BinaryPrimitives.ReadInt64LittleEndian(record.AsSpan(40)),
            recordPosition);
    }

    /// <param name="Entries">Total entries the end record declares.</param>
    /// <param name="DirectoryOffset">Where the central directory starts.</param>
    /// <param name="DirectorySize">Its size in bytes.</param>
    /// <param name="Position">Where the end record (Zip64 or classic) starts: the directory must end before it.</param>
    private sealed record EndRecord(long Entries, long DirectoryOffset, long DirectorySize, long Position);
}
