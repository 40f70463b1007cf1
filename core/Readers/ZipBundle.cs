using System.Globalization;
using System.IO.Compression;
using System.Text;
using Pipeline.Core.Dictionary;

namespace Pipeline.Core.Readers;

/// <summary>One file of a zip bundle, with what its first bytes say it is.</summary>
/// <param name="Name">The entry's full name inside the zip.</param>
/// <param name="Length">Uncompressed size declared by the zip (enforced while reading).</param>
/// <param name="CompressedLength">Compressed size in the zip.</param>
/// <param name="Format">What <see cref="FormatDetector"/> makes of its first bytes.</param>
/// <param name="Head">Its first bytes (up to <see cref="FormatDetector.SniffLength"/>), for choosing a reader.</param>
public sealed record ZipBundleEntry(string Name, long Length, long CompressedLength, UploadFormat Format, ReadOnlyMemory<byte> Head)
{
    /// <summary>True for an Excel workbook (a zip whose parts are Office Open XML), which is data, not a nested bundle.</summary>
    public bool IsWorkbook { get; init; }
}

/// <summary>
/// A zip upload holding a CSPro dictionary (optional) and data files. Opening it copies it to a temporary file (zip
/// needs random access), then checks, before anything is extracted: the entry count (Zip64 too, walking the central
/// directory before .NET loads it), that the end record agrees with the directory, that no entry is password-protected,
/// every name (no <c>..</c>, no absolute paths), the declared sizes and compression ratios (of every entry and of the
/// whole zip), and that no entry is itself a zip (an Excel workbook is allowed as data). Entries are never written to disk: <see cref="OpenEntry"/> streams one, holding it to its
/// declared size. Companion files CSPro writes beside data (<c>.csidx</c>, <c>.csnot</c>, <c>.sts</c>, …) and macOS
/// metadata are listed in <see cref="IgnoredEntries"/>. Open one entry at a time. The upload stream is read to its end
/// while it is copied, and left open: the caller still owns it.
/// </summary>
public sealed class ZipBundle : IAsyncDisposable
{
    private static readonly string[] CompanionExtensions = [".csidx", ".csnot", ".sts", ".idx", ".not", ".lst", ".log", ".pff", ".csds"];
    private static readonly string[] OfficePartPrefixes = ["[Content_Types].xml", "_rels/", "docProps/", "xl/"];
    private readonly TempSpool _spool;
    private readonly ZipArchive _archive;

    /// <summary>The temporary copy of the upload (deleted on disposal).</summary>
    internal string SpoolPath => _spool.Path;

    private ZipBundle(TempSpool spool, ZipArchive archive, string fileName, ZipBundleEntry? dictionary, IReadOnlyList<ZipBundleEntry> data, IReadOnlyList<ZipBundleEntry> ignored)
    {
        _spool = spool;
        _archive = archive;
        FileName = fileName;
        Dictionary = dictionary;
        DataEntries = data;
        IgnoredEntries = ignored;
    }

    public string FileName { get; }

    /// <summary>The one CSPro dictionary in the bundle (recognised from its content), or null.</summary>
    public ZipBundleEntry? Dictionary { get; }

    /// <summary>The data files, in zip order.</summary>
    public IReadOnlyList<ZipBundleEntry> DataEntries { get; }

    /// <summary>CSPro companion files and macOS metadata, which carry no case data.</summary>
    public IReadOnlyList<ZipBundleEntry> IgnoredEntries { get; }

    /// <summary>Copies the upload to a temporary file, checks the limits of <paramref name="options"/> and classifies the entries.</summary>
    public static async Task<ZipBundle> OpenAsync(Stream content, string fileName, ZipBundleOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        options ??= new ZipBundleOptions();
        if (options.MaxNestingDepth < 1)
        {
            throw new InputFileException(fileName, "zip bundles are turned off here (MaxNestingDepth is 0).", "Upload the data files one by one.");
        }

        var spool = await TempSpool.CreateAsync(content, fileName, ".zip", options.MaxTotalUncompressedBytes, cancellationToken).ConfigureAwait(false);

        ZipArchive? archive = null;
        try
        {
            archive = await ZipLimits.OpenAsync(spool, fileName, options, "zip bundle", cancellationToken).ConfigureAwait(false); // and checks it
            ZipBundleEntry? dictionary = null;
            var data = new List<ZipBundleEntry>();
            var ignored = new List<ZipBundleEntry>();
            foreach (var entry in archive.Entries.Where(e => !e.FullName.EndsWith('/')))
            {
                var classified = await ClassifyAsync(entry, fileName, cancellationToken).ConfigureAwait(false);
                if (IsIgnored(entry.FullName))
                {
                    ignored.Add(classified);
                }
                else if (classified.Format == UploadFormat.Zip && !classified.IsWorkbook)
                {
                    throw new InputFileException(fileName, $"entry '{entry.FullName}' is itself a zip; zips inside zips are not accepted (nesting depth limit {options.MaxNestingDepth.ToString(CultureInfo.InvariantCulture)}).", "Put the CSPro files directly into one zip and upload that.");
                }
                else if (classified.Format == UploadFormat.Dictionary)
                {
                    if (dictionary is not null)
                    {
                        throw new InputFileException(fileName, $"the zip holds two dictionaries, '{dictionary.Name}' and '{entry.FullName}'; it is not clear which one the data was written with.", "Keep one .dcf (the one the data was entered with) in the zip.");
                    }

                    dictionary = classified;
                }
                else
                {
                    data.Add(classified);
                }
            }

            if (data.Count == 0)
            {
                throw new InputFileException(fileName, $"the zip holds no data file (entries: {string.Join(", ", archive.Entries.Take(10).Select(e => $"'{e.FullName}'"))}).", "Put the exported data (.dat, .csdb, .csv or .xlsx) into the zip.");
            }

            return new ZipBundle(spool, archive, fileName, dictionary, data, ignored);
        }
        catch
        {
            archive?.Dispose();
            await spool.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The name of an entry as error messages show it: <c>bundle.zip/PERSON.dat</c>.</summary>
    public string DisplayName(ZipBundleEntry entry) => $"{FileName}/{entry?.Name}";

    /// <summary>Streams an entry's bytes, held to its declared size. Dispose the stream before opening another entry.</summary>
    public Stream OpenEntry(ZipBundleEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var zipEntry = _archive.GetEntry(entry.Name) ?? throw new ArgumentException($"'{entry.Name}' is not an entry of {FileName}.", nameof(entry));
        try
        {
            return new ZipEntryStream(zipEntry.Open(), zipEntry.Length, zipEntry.Crc32, FileName, entry.Name);
        }
        catch (InvalidDataException e)
        {
            throw new InputFileException(FileName, $"entry '{entry.Name}' cannot be opened ({e.Message}).", "Zip the CSPro files again and upload the complete zip.", inner: e);
        }
    }

    /// <summary>Reads the bundle's dictionary (text or JSON), or returns null when the bundle has none.</summary>
    public async Task<DataDictionary?> ReadDictionaryAsync(CancellationToken cancellationToken = default)
    {
        if (Dictionary is null)
        {
            return null;
        }

        await using var stream = OpenEntry(Dictionary);
        return await DictionaryReader.ReadAsync(stream, DisplayName(Dictionary), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _archive.Dispose();
        await _spool.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task<ZipBundleEntry> ClassifyAsync(ZipArchiveEntry entry, string fileName, CancellationToken cancellationToken)
    {
        var head = new byte[(int)Math.Min(FormatDetector.SniffLength, Math.Max(entry.Length, 0))];
        int read;
        try
        {
            await using var stream = new ZipEntryStream(entry.Open(), entry.Length, null, fileName, entry.FullName); // only the head: no CRC
            read = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            throw new InputFileException(fileName, $"entry '{entry.FullName}' cannot be decompressed ({e.Message}).", "Zip the CSPro files again (deflate or stored) and upload the complete zip.", inner: e);
        }

        var bytes = head.AsMemory(0, read);
        var (format, _) = FormatDetector.Detect(bytes.Span);
        if (format != UploadFormat.Dictionary && LooksLikeJsonDictionary(bytes.Span))
        {
            format = UploadFormat.Dictionary; // FormatDetector looks at the first line only; CSPro 8 writes "{" alone on it
        }

        return new ZipBundleEntry(entry.FullName, entry.Length, entry.CompressedLength, format, bytes) { IsWorkbook = format == UploadFormat.Zip && IsOfficePackage(bytes.Span) };
    }

    private static bool LooksLikeJsonDictionary(ReadOnlySpan<byte> head)
    {
        var text = Encoding.UTF8.GetString(head.StartsWith(Encoding.UTF8.Preamble) ? head[3..] : head).TrimStart();
        return text.StartsWith('{') && text.Contains("\"fileType\"", StringComparison.Ordinal) && text.Contains("\"dictionary\"", StringComparison.Ordinal);
    }

    /// <summary>
    /// True when the first bytes of a zip are those of an Office Open XML package (an .xlsx): the first entry's name,
    /// read from the first local header, is an OOXML part. For choosing between <see cref="ExcelExportReader"/> and a bundle.
    /// </summary>
    public static bool IsOfficePackage(ReadOnlySpan<byte> head)
    {
        if (head.Length < 30)
        {
            return false;
        }

        var nameLength = head[26] | (head[27] << 8);
        if (head.Length < 30 + nameLength)
        {
            return false;
        }

        var first = Encoding.UTF8.GetString(head.Slice(30, nameLength));
        return OfficePartPrefixes.Any(p => first.StartsWith(p, StringComparison.Ordinal));
    }

    private static bool IsIgnored(string name) =>
        name.StartsWith("__MACOSX/", StringComparison.Ordinal)
        || Path.GetFileName(name) is ".DS_Store" or "Thumbs.db"
        || CompanionExtensions.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase));
}
