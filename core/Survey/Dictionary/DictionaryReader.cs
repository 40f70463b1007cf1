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
    public static Task<DataDictionary> ReadAsync(Stream content, string fileName, CancellationToken cancellationToken = default) =>
        ReadAsync(content, fileName, resolveLinks: true, cancellationToken);

    /// <summary>
    /// Reads a dictionary bundled with data (a zip's .dcf) only to compare its layout with a survey pack's: see
    /// <see cref="ParseLayout"/>.
    /// </summary>
    public static Task<DataDictionary> ReadLayoutAsync(Stream content, string fileName, CancellationToken cancellationToken = default) =>
        ReadAsync(content, fileName, resolveLinks: false, cancellationToken);

    private static async Task<DataDictionary> ReadAsync(Stream content, string fileName, bool resolveLinks, CancellationToken cancellationToken)
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

        return Parse(Decode(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)), fileName, resolveLinks);
    }

    /// <summary>Parses dictionary text in either encoding; <paramref name="fileName"/> only labels error messages.</summary>
    public static DataDictionary Parse(string text, string fileName) => Parse(text, fileName, resolveLinks: true);

    /// <summary>
    /// Parses a dictionary bundled with data (a zip's .dcf, a .csdb's <c>meta.dictionary</c>) only to compare its layout
    /// with a survey pack's (<see cref="DictionaryLayoutComparison"/>): linked value sets are not resolved, so a link no
    /// value set fills, which the pack's own dictionary may not have, does not make the upload unreadable. Value sets
    /// are the pack's business, not the bundled copy's.
    /// </summary>
    public static DataDictionary ParseLayout(string text, string fileName) => Parse(text, fileName, resolveLinks: false);

    private static DataDictionary Parse(string text, string fileName, bool resolveLinks)
    {
        ArgumentNullException.ThrowIfNull(text);
        var first = text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        if (first.Length == 0)
        {
            throw new DictionaryFormatException(fileName, 1, "the dictionary is empty.");
        }

        return first[0] switch
        {
            '[' => TextDictionaryReader.Parse(text, fileName, resolveLinks),
            '{' => JsonDictionaryReader.Parse(text, fileName, resolveLinks),
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
