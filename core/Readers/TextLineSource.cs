using System.Globalization;
using System.Text;
using System.Text.Unicode;
using Pipeline.Core.Dictionary;

namespace Pipeline.Core.Readers;

/// <summary>
/// Splits a byte stream into decoded lines without holding more than one line (plus a read buffer) in memory. Lines end
/// with <c>\r\n</c>, <c>\n</c> or <c>\r</c>, as CSPro accepts. Decoding follows CSPro's text repository: UTF-8 (a BOM is
/// dropped) or Windows-1252 ("ANSI") when its first non-ASCII line is not valid UTF-8, one encoding for the whole file:
/// a line that contradicts it is flagged (<see cref="EncodingProblem"/>). UTF-16 files and binary content (NUL bytes) are rejected.
/// </summary>
internal sealed class TextLineSource
{
    private readonly Stream _stream;
    private readonly string _fileName;
    private readonly int _maxLineBytes;
    private byte[] _buffer = new byte[1 << 16];
    private int _start;
    private int _end;
    private bool _eof;
    private bool _skipLeadingLf;
    private bool _first = true;
    private bool _unterminated;
    private char[] _chars = [];
    private long _utf8Since; // the first non-ASCII line that was valid UTF-8, or 0
    private long _ansiSince; // the first line that was not valid UTF-8 (read as Windows-1252), or 0

    public TextLineSource(Stream stream, string fileName, int maxLineBytes)
    {
        _stream = stream;
        _fileName = fileName;
        _maxLineBytes = maxLineBytes;
    }

    /// <summary>The problem reported for a last line with no line end after it.</summary>
    public const string UnterminatedLastLine = "the file ends inside this line (no line end after it): the upload looks cut short, so this record may be incomplete; upload the complete file";

    /// <summary>Physical number (1-based) of the line last returned.</summary>
    public long LineNumber { get; private set; }

    public bool HasUtf8Bom { get; private set; }

    /// <summary>Lines that were not valid UTF-8 and were read as Windows-1252.</summary>
    public long AnsiLines { get; private set; }

    /// <summary>Lines whose encoding contradicts the one the file was decoded with (each was flagged).</summary>
    public long MixedLines { get; private set; }

    /// <summary>The first line counted in <see cref="MixedLines"/>, or 0.</summary>
    public long FirstMixedLine { get; private set; }

    /// <summary>Why the line last returned contradicts the file's encoding, or null when it does not.</summary>
    public string? EncodingProblem { get; private set; }

    /// <summary>Bytes consumed so far (for progress and for the empty-file check).</summary>
    public long BytesRead { get; private set; }

    /// <summary>The next line, or null at the end; the problem is set when the line could not be decoded cleanly.</summary>
    public async ValueTask<(string? Line, string? Problem)> ReadLineAsync(CancellationToken cancellationToken)
    {
        var bytes = await NextLineBytesAsync(cancellationToken).ConfigureAwait(false);
        if (bytes is null)
        {
            return (null, null);
        }

        var (encoding, start, problem) = Decode(bytes.Value.Span);
        return (encoding.GetString(bytes.Value.Span[start..]), problem);
    }

    /// <summary>
    /// The next line decoded into a buffer this source reuses for the following line (no string per line), or null at
    /// the end; the problem as in <see cref="ReadLineAsync"/>.
    /// </summary>
    public async ValueTask<(ReadOnlyMemory<char>? Line, string? Problem)> ReadLineCharsAsync(CancellationToken cancellationToken)
    {
        var bytes = await NextLineBytesAsync(cancellationToken).ConfigureAwait(false);
        if (bytes is null)
        {
            return (null, null);
        }

        var (encoding, start, problem) = Decode(bytes.Value.Span);
        var span = bytes.Value.Span[start..];
        var room = encoding.GetMaxCharCount(span.Length);
        if (_chars.Length < room)
        {
            _chars = new char[Math.Max(room, _chars.Length * 2)];
        }

        var length = encoding.GetChars(span, _chars);
        return (_chars.AsMemory(0, length), problem);
    }

    /// <summary>How to decode a line: its encoding, the offset past a byte-order mark, and any problem to report.</summary>
    private (Encoding Encoding, int Start, string? Problem) Decode(ReadOnlySpan<byte> span)
    {
        LineNumber++;
        var start = 0;
        if (_first)
        {
            _first = false;
            CheckStart(span);
            if (span.StartsWith(Encoding.UTF8.Preamble))
            {
                HasUtf8Bom = true;
                start = 3;
            }
        }

        span = span[start..];
        var nul = span.IndexOf((byte)0);
        if (nul >= 0)
        {
            throw new InputFileException(_fileName, $"line {LineNumber.ToString(CultureInfo.InvariantCulture)} has a NUL byte at byte {(nul + 1).ToString(CultureInfo.InvariantCulture)}: this is binary content, not CSPro text data.", "Upload the .dat file CSPro wrote (or a .csdb, .csv or .xlsx export), not another kind of file.", row: LineNumber);
        }

        var (encoding, problem) = Choose(span);
        EncodingProblem = problem;
        if (_unterminated)
        {
            // CSPro ends every line, the last one included; a last line without its end was cut short.
            problem = problem is null ? UnterminatedLastLine : $"{problem}; {UnterminatedLastLine}";
        }

        return (encoding, start, problem);
    }

    /// <summary>
    /// Decodes the whole file one way (issue #18: a BOM file with Latin-1 lines split one surveyor into several
    /// pseudonyms). The first line that is not plain ASCII decides, unless a BOM already said UTF-8: valid UTF-8 makes the
    /// file UTF-8, anything else makes it Windows-1252 as CSPro reads ANSI files. A later line that contradicts the choice
    /// is flagged, never decoded with U+FFFD: an invalid line of a UTF-8 file is read as Windows-1252 (what such bytes
    /// almost always are) and a UTF-8 line of an ANSI file as UTF-8, so the flagged row still shows its true text.
    /// </summary>
    private (Encoding Encoding, string? Problem) Choose(ReadOnlySpan<byte> span)
    {
        var line = LineNumber.ToString(CultureInfo.InvariantCulture);
        if (Utf8.IsValid(span))
        {
            if (span.IndexOfAnyExceptInRange((byte)0, (byte)0x7F) < 0)
            {
                return (Encoding.UTF8, null); // ASCII: the same in both encodings, decides nothing
            }

            if (_ansiSince > 0)
            {
                MixedLines++;
                FirstMixedLine = FirstMixedLine == 0 ? LineNumber : FirstMixedLine;
                return (Encoding.UTF8, $"line {line} is UTF-8 although line {_ansiSince.ToString(CultureInfo.InvariantCulture)} was not and the file was read as Windows-1252 (ANSI): the file mixes encodings");
            }

            _utf8Since = _utf8Since == 0 ? LineNumber : _utf8Since;
            return (Encoding.UTF8, null);
        }

        if (HasUtf8Bom || _utf8Since > 0)
        {
            var bad = FirstInvalidByte(span);
            var why = HasUtf8Bom ? "the file starts with a UTF-8 byte-order mark" : $"line {_utf8Since.ToString(CultureInfo.InvariantCulture)} is UTF-8";
            MixedLines++;
            FirstMixedLine = FirstMixedLine == 0 ? LineNumber : FirstMixedLine;
            return (DictionaryReader.Windows1252, $"line {line} is not valid UTF-8 (byte {bad.Offset + 1} is 0x{bad.Value:X2}) although {why}: the file mixes encodings");
        }

        _ansiSince = _ansiSince == 0 ? LineNumber : _ansiSince;
        AnsiLines++;
        return (DictionaryReader.Windows1252, null);
    }

    private void CheckStart(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            throw new InputFileException(_fileName, "the file is UTF-16 text; CSPro text data is UTF-8 (or ANSI).", "Save the file as UTF-8 (CSPro writes UTF-8 itself) and upload it again.", row: 1);
        }
    }

    private static (int Offset, byte Value) FirstInvalidByte(ReadOnlySpan<byte> span)
    {
        var offset = 0;
        while (offset < span.Length)
        {
            var result = System.Text.Rune.DecodeFromUtf8(span[offset..], out _, out var consumed);
            if (result != System.Buffers.OperationStatus.Done)
            {
                return (offset, span[offset]);
            }

            offset += consumed;
        }

        return (0, span.Length > 0 ? span[0] : (byte)0);
    }

    private async ValueTask<ReadOnlyMemory<byte>?> NextLineBytesAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_skipLeadingLf)
            {
                if (_start == _end && !_eof)
                {
                    await FillAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }

                _skipLeadingLf = false;
                if (_start < _end && _buffer[_start] == (byte)'\n')
                {
                    _start++;
                }
            }

            var window = _buffer.AsSpan(_start, _end - _start);
            var eol = window.IndexOfAny((byte)'\n', (byte)'\r');
            if (eol >= 0)
            {
                var line = _buffer.AsMemory(_start, eol);
                var crlfSplit = window[eol] == (byte)'\r';
                _start += eol + 1;
                if (crlfSplit)
                {
                    if (_start < _end)
                    {
                        if (_buffer[_start] == (byte)'\n')
                        {
                            _start++;
                        }
                    }
                    else
                    {
                        _skipLeadingLf = true; // the '\n' of a "\r\n" may be in the next read
                    }
                }

                return line;
            }

            if (_eof)
            {
                if (_start == _end)
                {
                    return null;
                }

                var last = _buffer.AsMemory(_start, _end - _start);
                _start = _end;
                _unterminated = true;
                return last;
            }

            if (_end - _start > _maxLineBytes)
            {
                throw new InputFileException(_fileName, $"line {(LineNumber + 1).ToString(CultureInfo.InvariantCulture)} is longer than {_maxLineBytes.ToString(CultureInfo.InvariantCulture)} bytes without a line break; CSPro text data has one record per line.", "Check that this is a CSPro .dat file (not a binary file or a file with lost line breaks).", row: LineNumber + 1);
            }

            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, _maxLineBytes + (1 << 16)));
        }

        var n = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        if (n == 0)
        {
            _eof = true;
        }

        _end += n;
        BytesRead += n;
    }
}
