using System.Runtime.CompilerServices;
using System.Text;
using Pipeline.Core.Engine;
using Pipeline.Core.Packs;
using Sylvan.Data.Csv;

namespace Pipeline.Core.Readers;

/// <summary>
/// Reads a CSPro delimited export (CSV, semicolon or tab; one file per record; header of item names) as a stream of
/// <see cref="SourceRow"/>s. The record is identified from the header, not from the file name. CSV syntax is Sylvan's.
/// </summary>
public sealed class DelimitedExportReader : IExportReader
{
    private readonly CsvDataReader _csv;
    private readonly string _fileName;
    private readonly int[] _layoutIndexOfField;
    private readonly Readers.Utf8OrAnsiTextReader _text;
    private readonly ShortStringPool _pool;
    private readonly int _maxRecordLength;
    private readonly bool[] _decimalComma;
    private readonly OccurrenceCounter _occurrences = new();
    private FieldArrayRing? _arrays;

    private DelimitedExportReader(CsvDataReader csv, Readers.Utf8OrAnsiTextReader text, string fileName, RecordLayout layout, int[] layoutIndexOfField, ShortStringPool pool, int maxRecordLength, bool[] decimalComma)
    {
        _maxRecordLength = maxRecordLength;
        _decimalComma = decimalComma;
        _text = text;
        _pool = pool;
        _csv = csv;
        _fileName = fileName;
        Layout = layout;
        _layoutIndexOfField = layoutIndexOfField;
    }

    public RecordLayout Layout { get; }

    public string Format => "delimited";

    /// <inheritdoc />
    public IReadOnlyCollection<string>? Records => [Layout.Record.Name];

    /// <inheritdoc />
    public string TextEncoding => _text.TextEncoding;

    /// <summary>Reads the header and matches it to one record of the pack's dictionary, with the default limits.</summary>
    public static Task<DelimitedExportReader> CreateAsync(Stream content, string fileName, char delimiter, SurveyPack pack, CancellationToken cancellationToken) =>
        CreateAsync(content, fileName, delimiter, pack, null, cancellationToken);

    /// <summary>
    /// Reads the header and matches it to one record of the pack's dictionary. With <c>;</c> as the delimiter (the CSV of
    /// decimal-comma locales), a numeric field such as <c>12,5</c> is read as <c>12.5</c>.
    /// </summary>
    public static async Task<DelimitedExportReader> CreateAsync(Stream content, string fileName, char delimiter, SurveyPack pack, DelimitedExportReaderOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pack);
        options ??= new DelimitedExportReaderOptions();
        // UTF-8 with or without BOM, or Windows-1252 ("ANSI") as CSPro and Excel on Windows write it; one for the whole file.
        var text = new Readers.Utf8OrAnsiTextReader(content, fileName, options.MaxLineBytes);
        var pool = new ShortStringPool(); // codes repeat on every row: share their strings
        var buffer = Math.Min(options.MaxRecordLength, 1 << 16);
        var csvOptions = new CsvDataReaderOptions { HasHeaders = true, Delimiter = delimiter, OwnsReader = true, StringFactory = pool.GetString, BufferSize = buffer, MaxBufferSize = options.MaxRecordLength };
        CsvDataReader csv;
        try
        {
            csv = await CsvDataReader.CreateAsync(text, csvOptions, cancellationToken).ConfigureAwait(false);
        }
        catch (CsvRecordTooLargeException e)
        {
            throw TooLong(fileName, 1, options.MaxRecordLength, e);
        }
        catch (CsvFormatException e)
        {
            throw new InputFileException(fileName, "the header row is not valid delimited text (a quote is probably not closed).", "Export the record again from CSPro as CSV with a header of item names.", row: 1, inner: e);
        }

        var header = Enumerable.Range(0, csv.FieldCount).Select(i => csv.GetName(i).Trim()).ToArray();
        var layout = MatchRecord(header, fileName, pack);
        var map = header.Select(layout.IndexOf).ToArray();
        var decimalComma = layout.Columns.Select(c => delimiter == ';' && c.Kind is Values.ColumnKind.Real or Values.ColumnKind.Integer).ToArray();
        return new DelimitedExportReader(csv, text, fileName, layout, map, pool, options.MaxRecordLength, decimalComma);
    }

    /// <inheritdoc/>
    public void ReuseFieldArrays(int afterRows) => _arrays = new FieldArrayRing(afterRows, Layout.Columns.Count);

    /// <summary>Streams the rows. A CSV syntax error ends the file with an <see cref="InputFileException"/> naming the row.</summary>
    public async IAsyncEnumerable<SourceRow> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var width = Layout.Columns.Count;
        while (await NextAsync(cancellationToken).ConfigureAwait(false))
        {
            var fields = _arrays?.Next() ?? new string?[width];
            var count = _csv.RowFieldCount;
            for (var i = 0; i < Math.Min(count, _layoutIndexOfField.Length); i++)
            {
                var column = _layoutIndexOfField[i];
                var value = _csv.GetString(i);
                fields[column] = _decimalComma[column] ? DecimalComma(value) : value;
            }

            Layout.DeriveSubitems(fields, _pool); // the same thread as Sylvan's reads: the pool needs no lock
            var problem = count == _layoutIndexOfField.Length
                ? null
                : $"the row has {count} fields; the header has {_layoutIndexOfField.Length}.";
            var row = new SourceRow(Layout, _csv.RowNumber + 1, fields, problem);
            var extra = _occurrences.Count(row);
            yield return extra is null ? row : row with { StructuralProblem = OccurrenceCounter.Join(problem, extra) };
        }
    }

    private async Task<bool> NextAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _csv.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (CsvRecordTooLargeException e)
        {
            throw TooLong(_fileName, e.RowNumber + 1, _maxRecordLength, e);
        }
        catch (CsvFormatException e)
        {
            // Sylvan's message is not quoted: it may carry the row's text, and a row may hold names.
            throw new InputFileException(_fileName, "the text is not valid delimited data here; a quote is probably not closed.", "Check the row in a text editor, fix the quotes, and upload the file again.", row: e.RowNumber + 1, inner: e);
        }
    }

    /// <summary>
    /// <c>12,5</c> → <c>12.5</c>: one comma between digits, an optional sign first (docs/cspro-support.md, "A <c>,</c>
    /// decimal mark becomes <c>.</c>"). Anything else is handed on as found for the validator to judge.
    /// </summary>
    internal static string DecimalComma(string value)
    {
        var comma = value.IndexOf(',', StringComparison.Ordinal);
        if (comma < 0 || value.IndexOf(',', comma + 1) >= 0)
        {
            return value;
        }

        var span = value.AsSpan().Trim();
        var digitsFrom = span.Length > 0 && span[0] is '-' or '+' ? 1 : 0;
        var mark = span.IndexOf(',');
        var before = span[digitsFrom..mark];
        var after = span[(mark + 1)..];
        return after.Length > 0 && !before.ContainsAnyExceptInRange('0', '9') && !after.ContainsAnyExceptInRange('0', '9')
            ? string.Concat(span[..mark], ".", after)
            : value;
    }

    private static InputFileException TooLong(string fileName, long row, int limit, Exception inner) => new(
        fileName,
        $"the record at row {row.ToString(System.Globalization.CultureInfo.InvariantCulture)} is longer than the limit of {limit.ToString(System.Globalization.CultureInfo.InvariantCulture)} characters (setting Ingest:Readers:Delimited:MaxRecordLength); a quote is probably not closed, or this is not delimited data.",
        "Check the quotes of that row in a text editor; if the record is really this long, raise the limit.",
        row: row,
        inner: inner);

    private static RecordLayout MatchRecord(string[] header, string fileName, SurveyPack pack)
    {
        RejectIfNotAHeader(header, fileName, pack);
        var idNames = pack.Dictionary.CaseIdItems.Select(i => i.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var dataNames = header.Where(h => !idNames.Contains(h)).ToArray();
        RecordLayout? best = null;
        var bestMatches = -1;
        foreach (var record in pack.Dictionary.Records)
        {
            var layout = RecordLayout.For(pack, record);
            var matches = dataNames.Count(n => layout.IndexOf(n) >= 0);
            if (matches > bestMatches)
            {
                (best, bestMatches) = (layout, matches);
            }
        }

        var unknown = header.Where(h => best!.IndexOf(h) < 0).ToArray();
        if (best is null || bestMatches == 0 || unknown.Length > 0)
        {
            var names = string.Join(", ", unknown.Take(10).Select(u => $"'{u}'")) + (unknown.Length > 10 ? $" and {unknown.Length - 10} more" : string.Empty);
            var what = bestMatches > 0 ? $"columns {names} are not items of record {best!.Record.Name}" : $"columns {names} are not items of any record";
            throw new InputFileException(fileName, $"the header does not match the dictionary of survey '{pack.Id}': {what}.", $"Export with item names as the header (not labels), from the dictionary {pack.Manifest.Dictionary}, one file per record.", row: 1);
        }

        var duplicates = header.GroupBy(h => h, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToArray();
        if (duplicates.Length > 0)
        {
            throw new InputFileException(fileName, $"the header names {string.Join(", ", duplicates)} more than once.", "Export again; each item must appear once.", row: 1);
        }

        var missingIds = idNames.Where(id => !header.Contains(id, StringComparer.OrdinalIgnoreCase)).ToArray();
        if (missingIds.Length > 0)
        {
            throw new InputFileException(fileName, $"the ID columns {string.Join(", ", missingIds)} are missing, so cases cannot be identified.", "Export with the ID items included (CSPro's default).", row: 1);
        }

        return best;
    }

    /// <summary>
    /// Refuses a first line of which fewer than half the fields are item names: a file exported without its header (or
    /// with labels) would otherwise have a data row, names and GPS included, quoted back as unknown columns. The message
    /// quotes no field.
    /// </summary>
    private static void RejectIfNotAHeader(string[] header, string fileName, SurveyPack pack)
    {
        var names = pack.Dictionary.Records.SelectMany(r => RecordLayout.For(pack, r).Columns.Select(c => c.Name)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var known = header.Count(names.Contains);
        if (known * 2 > header.Length)
        {
            return;
        }

        var labels = pack.Dictionary.Records.SelectMany(r => r.Items.Select(i => i.Label)).Where(l => l.Length > 0).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var asLabels = header.Where(labels.Contains).ToList();
        var what = known == 0 ? "none" : $"only {known.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        var fields = $"{what} of its {header.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)} fields is an item name of dictionary {pack.Dictionary.Name}";
        // Labels are the dictionary's words, not data: they may be quoted. Nothing else on the line may.
        var problem = asLabels.Count * 2 > header.Length
            ? $"the first line is a header of item labels ({string.Join(", ", asLabels.Take(5).Select(l => $"'{l}'"))}{(asLabels.Count > 5 ? ", …" : string.Empty)}), not names: {fields}."
            : $"the first line is not a header: {fields}.";
        throw new InputFileException(fileName, problem, "Export from CSPro with item names as the header (not labels), in the first row, one file per record.", row: 1);
    }

    public ValueTask DisposeAsync() => _csv.DisposeAsync();
}
