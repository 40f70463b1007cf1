using System.Globalization;

namespace Pipeline.Core.Readers;

/// <summary>
/// A zip entry's decompressed bytes, never more than the size its header declares, and checked against the entry's
/// CRC-32 at the end: a zip that lies about its sizes (to slip a bomb past the ratio check, which makes .NET stop early
/// and silently) fails here instead of handing on cut data. Corrupt data becomes an <see cref="InputFileException"/>
/// naming the entry.
/// </summary>
internal sealed class ZipEntryStream(Stream inner, long declaredLength, uint? declaredCrc, string fileName, string entryName) : Stream
{
    private static readonly uint[] CrcTable = BuildCrcTable();
    private long _read;
    private uint _crc = 0xFFFFFFFF;
    private bool _verified;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => declaredLength;

    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n;
        try
        {
            n = inner.Read(buffer);
        }
        catch (InvalidDataException e)
        {
            throw Corrupt(e);
        }

        return Count(buffer[..n]);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n;
        try
        {
            n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            throw Corrupt(e);
        }

        return Count(buffer.Span[..n]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Count(ReadOnlySpan<byte> bytes)
    {
        _read += bytes.Length;
        if (_read > declaredLength)
        {
            throw new InputFileException(fileName, $"entry '{entryName}' decompresses to more than the {declaredLength.ToString(CultureInfo.InvariantCulture)} bytes its header declares; the zip is damaged or built to hide a zip bomb.", "Zip the CSPro files again with an ordinary zip tool and upload that.");
        }

        foreach (var b in bytes)
        {
            _crc = CrcTable[(_crc ^ b) & 0xFF] ^ (_crc >> 8);
        }

        if (bytes.IsEmpty && !_verified && declaredCrc is { } expected)
        {
            _verified = true;
            if ((_crc ^ 0xFFFFFFFF) != expected)
            {
                throw new InputFileException(fileName, $"entry '{entryName}' does not match its checksum (CRC-32) after {_read.ToString(CultureInfo.InvariantCulture)} bytes: the zip is damaged, cut, or its sizes were altered.", "Zip the CSPro files again with an ordinary zip tool and upload that.");
            }
        }

        return bytes.Length;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }

    private InputFileException Corrupt(InvalidDataException e) =>
        new(fileName, $"entry '{entryName}' is damaged and cannot be decompressed ({e.Message}).", "Zip the CSPro files again and upload the complete zip.", inner: e);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
