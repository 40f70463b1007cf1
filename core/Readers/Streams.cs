using System.Security.Cryptography;

namespace Pipeline.Core.Readers;

/// <summary>
/// Reads an upload once: hashes and counts every byte that passes, and keeps the first bytes so that the format can be
/// detected before the reader takes the same stream. Nothing is read twice and nothing but the head is buffered.
/// </summary>
internal sealed class UploadStream : Stream
{
    private readonly Stream _inner;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private byte[] _head = [];
    private int _headPosition;

    private UploadStream(Stream inner) => _inner = inner;

    /// <summary>The first bytes of the upload (up to the size asked for in <see cref="OpenAsync"/>).</summary>
    public ReadOnlyMemory<byte> Head => _head;

    public long BytesRead { get; private set; }

    public static async Task<UploadStream> OpenAsync(Stream inner, int headLength, CancellationToken cancellationToken)
    {
        var stream = new UploadStream(inner);
        var buffer = new byte[headLength];
        var filled = 0;
        while (filled < headLength)
        {
            var n = await inner.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            filled += n;
        }

        stream._head = buffer[..filled];
        stream.Account(stream._head);
        return stream;
    }

    /// <summary>Reads what the parser left (trailing bytes) so the hash covers the whole upload, then returns it as hex.</summary>
    public async Task<string> FinishHashAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 16];
        while (await ReadAsync(buffer, cancellationToken).ConfigureAwait(false) > 0)
        {
        }

        return Convert.ToHexStringLower(_hash.GetHashAndReset());
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_headPosition < _head.Length)
        {
            return FromHead(buffer);
        }

        var n = _inner.Read(buffer);
        Account(buffer[..n]);
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_headPosition < _head.Length)
        {
            return FromHead(buffer.Span);
        }

        var n = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Account(buffer.Span[..n]);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int FromHead(Span<byte> buffer)
    {
        var n = Math.Min(buffer.Length, _head.Length - _headPosition);
        _head.AsSpan(_headPosition, n).CopyTo(buffer);
        _headPosition += n;
        return n;
    }

    private void Account(ReadOnlySpan<byte> bytes)
    {
        _hash.AppendData(bytes);
        BytesRead += bytes.Length;
    }

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
            _inner.Dispose();
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }
}
