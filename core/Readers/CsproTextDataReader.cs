using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Pipeline.Core.Dictionary;
using Pipeline.Core.Packs;

namespace Pipeline.Core.Readers;

/// <summary>
/// Reads CSPro text data (<c>.dat</c>) with the survey pack's dictionary, streaming, one <see cref="SourceRow"/> per
/// record line; <see cref="SourceRow.Row"/> is the physical line number (1-based). Columns are characters after
/// decoding, not bytes. Rows follow <see cref="RecordLayout"/>: ID items, then items, occurrences as <c>NAME_k</c>.
/// <para>
/// What is skipped is counted, never dropped silently: blank lines (<see cref="BlankLines"/>) and erased lines starting
/// with <c>~</c> (<see cref="DeletedLines"/>). What CSPro itself drops with a warning is handed on as a row with a
/// <see cref="SourceRow.StructuralProblem"/>, so it is rejected and reported: a line with an unknown record type (laid
/// out as the first record, ID columns filled so the case is named), occurrences beyond a record's <c>MaxRecords</c>,
/// a line longer than its record, a line that is not valid UTF-8 in a file that declared UTF-8.
/// </para>
/// A file with no data line (empty, blank or erased lines only) is an export of no case: it reads no row.
/// A file that cannot be this data at all throws <see cref="InputFileException"/>: UTF-16, binary (NUL bytes),
/// a line longer than <see cref="CsproTextDataReaderOptions.MaxLineBytes"/>, or no record type of the dictionary in
/// the first <see cref="CsproTextDataReaderOptions.WrongDictionaryProbeLines"/> data lines.
/// The reader owns the stream it is given (as <see cref="DelimitedExportReader"/> does) and disposes it with itself.
/// </summary>
public sealed class CsproTextDataReader : IExportReader
{
    private readonly Stream _content;
    private readonly TextLineSource _lines;
    private readonly CsproLineParser _parser;
    private readonly Queue<SourceRow> _probed;

    private CsproTextDataReader(Stream content, TextLineSource lines, CsproLineParser parser, Queue<SourceRow> probed, string fileName)
    {
        _content = content;
        _lines = lines;
        _parser = parser;
        _probed = probed;
        FileName = fileName;
    }

    public string Format => "cspro-text";

    public string FileName { get; }

    /// <summary>Lines starting with '~' (records erased in CSPro), skipped as CSPro skips them.</summary>
    public long DeletedLines => _parser.DeletedLines;

    /// <inheritdoc />
    public long ErasedLines => DeletedLines;

    /// <summary>Blank lines, skipped as CSPro skips them.</summary>
    public long BlankLines => _parser.BlankLines;

    /// <summary>Lines whose record type is not in the dictionary (each was handed on as a row with a structural problem).</summary>
    public long UnknownRecordTypeLines => _parser.UnknownRecordTypeLines;

    /// <summary>"utf-8", or "windows-1252" once a line was not valid UTF-8 and was read as ANSI (as CSPro reads ANSI files).</summary>
    public string TextEncoding => _lines.AnsiLines > 0 ? "windows-1252" : "utf-8";

    /// <summary>
    /// Per record, the items the file holds but the layout has no column for: today the ID items of levels 2 and 3,
    /// because <see cref="RecordLayout"/> lists only the level-1 IDs. The caller should report them; they are filled
    /// automatically once the layout has columns with those names.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ItemsWithoutColumn =>
        _parser.Plans.Where(p => p.ItemsWithoutColumn.Count > 0).ToDictionary(p => p.Record.Name, p => p.ItemsWithoutColumn, StringComparer.OrdinalIgnoreCase);

    /// <summary>Opens the data and reads ahead a few lines to check that it is text data of this dictionary.</summary>
    public static async Task<CsproTextDataReader> CreateAsync(Stream content, string fileName, SurveyPack pack, CsproTextDataReaderOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(pack);
        options ??= new CsproTextDataReaderOptions();
        var lines = new TextLineSource(content, fileName, options.MaxLineBytes);
        var parser = new CsproLineParser(pack);
        var probed = new Queue<SourceRow>();
        var reader = new CsproTextDataReader(content, lines, parser, probed, fileName);
        try
        {
            await reader.ProbeAsync(pack, options.WrongDictionaryProbeLines, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await content.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return reader;
    }

    /// <summary>
    /// True when <paramref name="head"/> (the first bytes of an upload) looks like text data of
    /// <paramref name="dictionary"/>: most complete lines carry one of its record types and are no longer than the
    /// longest record, the first line is not a header of item names, and the lines are not delimited rows. For format detection before a reader is chosen.
    /// </summary>
    public static bool LooksLikeTextData(ReadOnlySpan<byte> head, DataDictionary dictionary)
    {
        ArgumentNullException.ThrowIfNull(dictionary);
        if (head.StartsWith(Encoding.UTF8.Preamble))
        {
            head = head[3..];
        }

        if (head.IndexOf((byte)0) >= 0)
        {
            return false;
        }

        var text = System.Text.Unicode.Utf8.IsValid(head) ? Encoding.UTF8.GetString(head) : DictionaryReader.Windows1252.GetString(head);
        var lines = text.Split('\n', '\r');
        var complete = lines.Length > 1 ? lines[..^1] : lines; // the last one may be cut by the sniff length
        var data = complete.Where(l => l.Length > 0 && l[0] != '~' && !string.IsNullOrWhiteSpace(l)).Take(50).ToList();
        if (data.Count == 0)
        {
            return false;
        }

        var firstId = dictionary.CaseIdItems.Count > 0 ? dictionary.CaseIdItems[0].Name : null;
        if (firstId is not null && data[0].Contains(firstId, StringComparison.OrdinalIgnoreCase) && data[0].IndexOfAny([',', ';', '\t']) >= 0)
        {
            return false; // a delimited export's header row
        }

        if (FormatDetector.LooksDelimited(data))
        {
            return false; // delimited rows without a header: the delimited reader refuses them once, quoting no value
        }

        var types = dictionary.Records.Select(r => r.RecordTypeValue.PadRight(dictionary.RecordTypeLength)).ToHashSet(StringComparer.Ordinal);
        var longest = LongestRecord(dictionary);
        var matching = data.Count(l => l.TrimEnd().Length <= longest
            && (dictionary.RecordTypeLength <= 0 || types.Contains(CsproLineParser.Slice(l, dictionary.RecordTypeStart, dictionary.RecordTypeLength))));
        return matching * 5 >= data.Count * 4;
    }

    /// <summary>Streams the rows; the read-ahead rows come first.</summary>
    public async IAsyncEnumerable<SourceRow> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (_probed.TryDequeue(out var row))
        {
            yield return row;
        }

        while (true)
        {
            var (line, problem) = await _lines.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line is null)
            {
                yield break;
            }

            if (_parser.Parse(line, _lines.LineNumber, problem, out _) is { } row)
            {
                yield return row;
            }
        }
    }

    public ValueTask DisposeAsync() => _content.DisposeAsync();

    private async Task ProbeAsync(SurveyPack pack, int probeLines, CancellationToken cancellationToken)
    {
        var known = false;
        var dataLines = 0;
        var unknownTypes = new SortedSet<string>(StringComparer.Ordinal);
        while (dataLines < Math.Max(probeLines, 1))
        {
            var (line, problem) = await _lines.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line is null)
            {
                break;
            }

            if (_parser.Parse(line, _lines.LineNumber, problem, out var knownType) is not { } row)
            {
                continue;
            }

            dataLines++;
            known |= knownType;
            if (!knownType && unknownTypes.Count < 5)
            {
                unknownTypes.Add(CsproLineParser.Slice(line, pack.Dictionary.RecordTypeStart, pack.Dictionary.RecordTypeLength));
            }

            _probed.Enqueue(row);
            if (known && probeLines == 0)
            {
                break;
            }
        }

        if (probeLines > 0 && dataLines > 0 && !known)
        {
            var dictionary = pack.Dictionary;
            // What the columns hold is not quoted: in a file that is not this data, they are part of a value (a name).
            throw new InputFileException(
                FileName,
                $"none of the first {dataLines.ToString(CultureInfo.InvariantCulture)} data lines has a record type of dictionary {dictionary.Name} (columns {CsproLineParser.Columns(dictionary.RecordTypeStart, dictionary.RecordTypeLength)} hold {unknownTypes.Count.ToString(CultureInfo.InvariantCulture)}{(unknownTypes.Count >= 5 ? " or more" : string.Empty)} other values; expected one of {string.Join(", ", dictionary.Records.Select(r => $"'{r.RecordTypeValue}' ({r.Name})"))}). The file was written with another dictionary, or it is not CSPro text data.",
                $"Upload data of survey '{pack.Id}', or check that its survey pack has the dictionary the data was entered with.",
                row: 1);
        }
    }

    private static int LongestRecord(DataDictionary dictionary)
    {
        var end = dictionary.RecordTypeLength > 0 ? dictionary.RecordTypeStart + dictionary.RecordTypeLength - 1 : 0;
        foreach (var item in dictionary.Levels.SelectMany(l => l.IdItems.Concat(l.Records.SelectMany(r => r.Items))).Where(i => !i.IsSubitem))
        {
            end = Math.Max(end, item.Start + (item.Length * item.Occurrences) - 1);
        }

        return end;
    }
}
