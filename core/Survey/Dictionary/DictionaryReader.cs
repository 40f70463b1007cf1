using System.Text;

namespace Pipeline.Core.Dictionary;

/// <summary>
/// Reads a CSPro <c>.dcf</c> in either encoding, choosing as CSPro 8 does (<c>JsonSpecFile::IsPre80SpecFile</c>): after an
/// optional UTF-8 byte-order mark and white space, <c>[</c> means the classic text format (CSPro ≤ 7.x) and <c>{</c> the
/// CSPro 8 JSON format. Both produce the same <see cref="DataDictionary"/> model.
/// </summary>
public static class DictionaryReader
{
    /// <summary>Largest dictionary accepted (16 MiB). Real dictionaries are well under 1 MiB; a bigger file is not a dictionary.</summary>
    public const int MaxDictionaryBytes = 16 * 1024 * 1024;

    /// <summary>Reads a dictionary file; throws <see cref="DictionaryFormatException"/> naming the file and the line.</summary>
    public static async Task<DataDictionary> ReadFileAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var stream = File.OpenRead(path);
        return await ReadAsync(stream, Path.GetFileName(path), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a dictionary from a stream (e.g. a zip entry or <c>meta.dictionary</c>); <paramref name="fileName"/> labels errors.</summary>
    public static async Task<DataDictionary> ReadAsync(Stream content, string fileName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await content.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > MaxDictionaryBytes)
            {
                throw new DictionaryFormatException(fileName, 1, $"the file is larger than {MaxDictionaryBytes / (1024 * 1024)} MiB; a CSPro dictionary is much smaller. Is this really a .dcf?");
            }

            buffer.Write(chunk, 0, n);
        }

        return Parse(Decode(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)), fileName);
    }

    /// <summary>Parses dictionary text in either encoding; <paramref name="fileName"/> only labels error messages.</summary>
    public static DataDictionary Parse(string text, string fileName)
    {
        ArgumentNullException.ThrowIfNull(text);
        var first = text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        if (first.Length == 0)
        {
            throw new DictionaryFormatException(fileName, 1, "the dictionary is empty.");
        }

        return first[0] switch
        {
            '[' => TextDictionaryReader.Parse(text, fileName),
            '{' => JsonDictionaryReader.Parse(text, fileName),
            _ => throw new DictionaryFormatException(fileName, 1, $"a CSPro dictionary starts with '[' (classic text, CSPro ≤ 7.x) or '{{' (JSON, CSPro 8); this one starts with '{Shown(first[0])}'."),
        };
    }

    /// <summary>UTF-8 (BOM or not); bytes that are not UTF-8 are read as Windows-1252, as CSPro reads ANSI files.</summary>
    internal static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith(Encoding.UTF8.Preamble))
        {
            bytes = bytes[3..];
        }

        return System.Text.Unicode.Utf8.IsValid(bytes) ? Encoding.UTF8.GetString(bytes) : Windows1252.GetString(bytes);
    }

    /// <summary>Windows-1252 from the code-pages provider that ships with .NET (no package, no global registration).</summary>
    internal static Encoding Windows1252 { get; } = CodePagesEncodingProvider.Instance.GetEncoding(1252) ?? Encoding.Latin1;

    private static string Shown(char c) => char.IsControl(c) ? $"U+{(int)c:X4}" : c.ToString();
}
