using System.Text;

namespace Pipeline.Core.Readers;

/// <summary>Identifies an upload from its content, never from its name.</summary>
public static class FormatDetector
{
    /// <summary>How many leading bytes <see cref="Detect"/> looks at.</summary>
    public const int SniffLength = 8192;

    private static readonly byte[] SqliteMagic = "SQLite format 3\0"u8.ToArray();
    private static readonly byte[] ZipMagic = [0x50, 0x4B, 0x03, 0x04];

    /// <summary>Classifies the first bytes of a file; for delimited text also returns the delimiter.</summary>
    public static (UploadFormat Format, char Delimiter) Detect(ReadOnlySpan<byte> head)
    {
        if (head.IsEmpty)
        {
            return (UploadFormat.Empty, '\0');
        }

        if (head.StartsWith(SqliteMagic))
        {
            return (UploadFormat.CsproDb, '\0');
        }

        if (head.StartsWith(ZipMagic))
        {
            return (UploadFormat.Zip, '\0');
        }

        if (IsOnlyBlanks(head))
        {
            // Only blanks (or a BOM): an export of no case, when that is the whole file. A full head of blanks may have
            // data after it, which must not pass for an empty export; the head cannot tell a file of exactly
            // SniffLength bytes from a longer one, so that one is refused too (docs/cspro-support.md says "8 KiB or more").
            return (head.Length < SniffLength ? UploadFormat.Empty : UploadFormat.Unknown, '\0');
        }

        var text = head.StartsWith(Encoding.UTF8.Preamble) ? head[3..] : head;

        if (LooksBinary(text))
        {
            return (UploadFormat.Unknown, '\0');
        }

        var firstLine = FirstLine(text);
        var trimmed = firstLine.TrimStart();
        if (trimmed.StartsWith("[Dictionary]", StringComparison.OrdinalIgnoreCase) || (trimmed.StartsWith('{') && trimmed.Contains("\"fileType\"", StringComparison.Ordinal)))
        {
            return (UploadFormat.Dictionary, '\0');
        }

        var delimiter = DelimiterOf(firstLine);
        return delimiter == '\0' ? (UploadFormat.Unknown, '\0') : (UploadFormat.Delimited, delimiter);
    }

    /// <summary>
    /// Whether <paramref name="head"/> holds only blanks (spaces, tabs, line ends) after an optional UTF-8 BOM. A head of
    /// <see cref="SniffLength"/> such bytes is <see cref="UploadFormat.Unknown"/>, not empty: data may follow it.
    /// </summary>
    public static bool IsOnlyBlanks(ReadOnlySpan<byte> head)
    {
        var text = head.StartsWith(Encoding.UTF8.Preamble) ? head[3..] : head;
        return text.IndexOfAnyExcept(" \t\r\n"u8) < 0;
    }

    private static bool LooksBinary(ReadOnlySpan<byte> text)
    {
        var control = 0;
        foreach (var b in text)
        {
            if (b == 0)
            {
                return true;
            }

            if (b < 0x09 || (b > 0x0D && b < 0x20))
            {
                control++;
            }
        }

        return control > text.Length / 20;
    }

    private static string FirstLine(ReadOnlySpan<byte> text)
    {
        var end = text.IndexOfAny((byte)'\n', (byte)'\r');
        return Encoding.UTF8.GetString(end >= 0 ? text[..end] : text);
    }

    /// <summary>
    /// True when every line has the same number of commas, semicolons or tabs outside quotes, at least 2 (at least 4 in a
    /// file of one line): delimited rows, a header or not. Fixed-width CSPro lines have no such regularity, unless a text
    /// item holds delimiters on every line, which is rare enough to be refused as not a header rather than misread.
    /// A delimited file without a header must not pass for fixed-width text data: every row would get junk reasons
    /// quoting its names and GPS.
    /// </summary>
    internal static bool LooksDelimited(IReadOnlyList<string> lines)
    {
        if (lines.Count == 0)
        {
            return false;
        }

        foreach (var delimiter in new[] { ',', ';', '\t' })
        {
            var first = CountOutsideQuotes(lines[0], delimiter);
            if (first >= (lines.Count == 1 ? 4 : 2) && lines.All(l => CountOutsideQuotes(l, delimiter) == first))
            {
                return true;
            }
        }

        return false;
    }

    private static int CountOutsideQuotes(string line, char delimiter)
    {
        var count = 0;
        var quoted = false;
        foreach (var c in line)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == delimiter && !quoted)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>The most frequent of comma, semicolon and tab outside quotes in the header line; '\0' when none.</summary>
    private static char DelimiterOf(string header)
    {
        int comma = 0, semicolon = 0, tab = 0;
        var quoted = false;
        foreach (var c in header)
        {
            switch (c)
            {
                case '"': quoted = !quoted; break;
                case ',' when !quoted: comma++; break;
                case ';' when !quoted: semicolon++; break;
                case '\t' when !quoted: tab++; break;
                default: break;
            }
        }

        if (comma == 0 && semicolon == 0 && tab == 0)
        {
            return '\0';
        }

        return tab >= comma && tab >= semicolon ? '\t' : semicolon > comma ? ';' : ',';
    }
}
