namespace Pipeline.Core.Readers;

/// <summary>
/// A <see cref="TextReader"/> over <see cref="TextLineSource"/>: UTF-8 (BOM or not), or Windows-1252 when the first
/// non-ASCII line is not valid UTF-8, as CSPro and Excel on Windows write "ANSI" CSV. A line that contradicts the file's
/// encoding throws <see cref="InputFileException"/> naming it. Lets a CSV parser read such files without
/// mojibake, one line in memory at a time. Line ends come out as '\n' (a quoted field's inner line breaks too).
/// </summary>
internal sealed class Utf8OrAnsiTextReader : TextReader
{
    private readonly TextLineSource _lines;
    private readonly Stream _stream;
    private readonly string _fileName;
    // The current line and its '\n', in a buffer reused from line to line (no string per line: measured hot path).
    private char[] _current = new char[256];
    private int _length;
    private int _position;
    private bool _eof;

    public Utf8OrAnsiTextReader(Stream stream, string fileName, int maxLineBytes)
    {
        _stream = stream;
        _fileName = fileName;
        _lines = new TextLineSource(stream, fileName, maxLineBytes);
    }

    /// <summary>"utf-8", or "windows-1252" once a line was not valid UTF-8.</summary>
    public string TextEncoding => _lines.AnsiLines > 0 ? "windows-1252" : "utf-8";

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read(Span<char> buffer)
    {
        var copied = 0;
        while (copied < buffer.Length && Fill(CancellationToken.None).AsTask().GetAwaiter().GetResult())
        {
            copied += Copy(buffer[copied..]);
        }

        return copied;
    }

    public override async ValueTask<int> ReadAsync(Memory<char> buffer, CancellationToken cancellationToken = default)
    {
        var copied = 0;
        while (copied < buffer.Length && await Fill(cancellationToken).ConfigureAwait(false))
        {
            copied += Copy(buffer.Span[copied..]);
        }

        return copied;
    }

    public override Task<int> ReadAsync(char[] buffer, int index, int count) => ReadAsync(buffer.AsMemory(index, count)).AsTask();

    public override int Peek() => Fill(CancellationToken.None).AsTask().GetAwaiter().GetResult() ? _current[_position] : -1;

    public override int Read()
    {
        if (!Fill(CancellationToken.None).AsTask().GetAwaiter().GetResult())
        {
            return -1;
        }

        return _current[_position++];
    }

    /// <summary>True when there is at least one character to hand out.</summary>
    private async ValueTask<bool> Fill(CancellationToken cancellationToken)
    {
        while (_position >= _length)
        {
            if (_eof)
            {
                return false;
            }

            var (line, _) = await _lines.ReadLineCharsAsync(cancellationToken).ConfigureAwait(false);
            if (line is not { } chars)
            {
                _eof = true;
                return false;
            }

            if (_lines.EncodingProblem is { } problem)
            {
                // A record may span lines and Sylvan reads ahead, so a bad line cannot be pinned on one row: the file is
                // refused at its first bad line rather than read with some of its text changed.
                throw new InputFileException(_fileName, $"{problem}, so some of its text would be read wrongly (line {_lines.LineNumber.ToString(System.Globalization.CultureInfo.InvariantCulture)} is the first such line).", "Save the whole file in one encoding (UTF-8, as CSPro exports it) and upload it again.", row: _lines.LineNumber);
            }

            if (_current.Length < chars.Length + 1)
            {
                _current = new char[Math.Max(chars.Length + 1, _current.Length * 2)];
            }

            chars.Span.CopyTo(_current);
            _current[chars.Length] = '\n';
            _length = chars.Length + 1;
            _position = 0;
        }

        return true;
    }

    private int Copy(Span<char> target)
    {
        var n = Math.Min(target.Length, _length - _position);
        _current.AsSpan(_position, n).CopyTo(target);
        _position += n;
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stream.Dispose();
        }

        base.Dispose(disposing);
    }
}
