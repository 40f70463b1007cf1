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
    private FieldArrayRing? _arrays;

    private DelimitedExportReader(CsvDataReader csv, Readers.Utf8OrAnsiTextReader text, string fileName, RecordLayout layout, int[] layoutIndexOfField, ShortStringPool pool)
    {
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

    /// <summary>The longest physical line accepted (16 MiB): far beyond any CSPro export row, short of memory trouble.</summary>
    public const int MaxLineBytes = 1 << 24;

    /// <inheritdoc />
    public string TextEncoding => _text.TextEncoding;

    /// <summary>Reads the header and matches it to one record of the pack's dictionary.</summary>
    public static async Task<DelimitedExportReader> CreateAsync(Stream content, string fileName, char delimiter, SurveyPack pack, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pack);
        // UTF-8 with or without BOM, and Windows-1252 ("ANSI") lines as CSPro and Excel on Windows write them.
        var text = new Readers.Utf8OrAnsiTextReader(content, fileName, MaxLineBytes);
        var pool = new ShortStringPool(); // codes repeat on every row: share their strings
        var options = new CsvDataReaderOptions { HasHeaders = true, Delimiter = delimiter, OwnsReader = true, StringFactory = pool.GetString };
        CsvDataReader csv;
        try
        {
            csv = await CsvDataReader.CreateAsync(text, options, cancellationToken).ConfigureAwait(false);
        }
        catch (CsvFormatException e)
        {
            throw new InputFileException(fileName, $"the header row is not valid delimited text ({e.Message}).", "Export the record again from CSPro as CSV with a header of item names.", row: 1, inner: e);
        }

        var header = Enumerable.Range(0, csv.FieldCount).Select(i => csv.GetName(i).Trim()).ToArray();
        var layout = MatchRecord(header, fileName, pack);
        var map = header.Select(layout.IndexOf).ToArray();
        return new DelimitedExportReader(csv, text, fileName, layout, map, pool);
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
                fields[_layoutIndexOfField[i]] = _csv.GetString(i);
            }

            Layout.DeriveSubitems(fields, _pool); // the same thread as Sylvan's reads: the pool needs no lock
            var problem = count == _layoutIndexOfField.Length
                ? null
                : $"the row has {count} fields; the header has {_layoutIndexOfField.Length}.";
            yield return new SourceRow(Layout, _csv.RowNumber + 1, fields, problem);
        }
    }

    private async Task<bool> NextAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _csv.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (CsvFormatException e)
        {
            throw new InputFileException(_fileName, $"the text is not valid delimited data here ({e.Message}); a quote is probably not closed.", "Check the row in a text editor, fix the quotes, and upload the file again.", row: e.RowNumber + 1, inner: e);
        }
    }

    private static RecordLayout MatchRecord(string[] header, string fileName, SurveyPack pack)
    {
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

    public ValueTask DisposeAsync() => _csv.DisposeAsync();
}
