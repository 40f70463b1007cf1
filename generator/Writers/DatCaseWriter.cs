using System.Globalization;
using System.Text;
using Pipeline.Core.Dictionary;
using Pipeline.Core.Readers;
using Pipeline.Generator.Cases;

namespace Pipeline.Generator.Writers;

/// <summary>
/// CSPro text data as CSPro writes it (<c>zCaseO/TextToCaseConverter.cpp</c>, <c>zToolsO/NumberConverter.h</c>): one line
/// per record occurrence, the record type at its columns, the case IDs at their fixed positions on every line, numbers
/// right-justified (zero-filled when the item says ZeroFill, the sign then in the first column), an explicit decimal
/// point when DecimalChar=Yes and implied decimals otherwise, blanks for not applicable, '*'s for a number that does not
/// fit, alpha left-justified; trailing blanks trimmed but never into the record type or the IDs. UTF-8 with a BOM, CRLF.
/// </summary>
internal sealed class DatCaseWriter : ICaseWriter
{
    private readonly string _path;
    private readonly StreamWriter _writer;
    private readonly Dictionary<string, LinePlan> _plans;
    private readonly char[] _line;
    private long _lines;

    public DatCaseWriter(string path, DataDictionary dictionary, IEnumerable<RecordLayout> layouts, Encoding encoding)
    {
        _path = path;
        _plans = layouts.ToDictionary(l => l.Record.Name, l => new LinePlan(dictionary, l), StringComparer.Ordinal);
        _line = new char[_plans.Values.Max(p => p.Length)];
        var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        _writer = new StreamWriter(file, encoding, 1 << 16) { NewLine = "\r\n" };
    }

    public ValueTask WriteAsync(GeneratedCase generated, CancellationToken cancellationToken)
    {
        foreach (var record in generated.Records)
        {
            var length = _plans[record.Record.Name].Format(record.Values, _line);
            _writer.Write(_line, 0, length);
            _writer.Write("\r\n");
            _lines++;
        }

        return ValueTask.CompletedTask;
    }

    public async Task<IReadOnlyList<GeneratedFile>> CompleteAsync(CancellationToken cancellationToken)
    {
        await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        await _writer.DisposeAsync().ConfigureAwait(false);
        return [new GeneratedFile(_path, ExportFormats.Dat, new FileInfo(_path).Length, _lines, null)];
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _writer.DisposeAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // Disposal after a failed run: the run's own exception says what went wrong.
        }
    }

    /// <summary>Where each layout column of one record goes on the line.</summary>
    internal sealed class LinePlan
    {
        private readonly (int Start, DictionaryItem Item)[] _columns;
        private readonly string _recordType;
        private readonly int _recordTypeStart;

        public LinePlan(DataDictionary dictionary, RecordLayout layout)
        {
            _recordTypeStart = dictionary.RecordTypeStart - 1;
            _recordType = dictionary.RecordTypeLength > 0 ? layout.Record.RecordTypeValue.PadRight(dictionary.RecordTypeLength)[..dictionary.RecordTypeLength] : string.Empty;
            _columns = new (int, DictionaryItem)[layout.Columns.Count];
            var occurrence = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var c = 0; c < layout.Columns.Count; c++)
            {
                var item = layout.Columns[c].Item;
                if (layout.Columns[c].Subitem is not null)
                {
                    _columns[c] = (-1, item); // a subitem is in its parent's text already (SubitemComposer)
                    continue;
                }

                var k = occurrence[item.Name] = occurrence.GetValueOrDefault(item.Name) + 1;
                _columns[c] = (item.Start - 1 + ((k - 1) * item.Length), item);
            }

            IdEnd = Math.Max(_recordTypeStart + _recordType.Length, layout.IdColumns.Select(c => _columns[c].Start + _columns[c].Item.Length).DefaultIfEmpty(0).Max());
            Length = Math.Max(IdEnd, _columns.Where(c => c.Start >= 0).Select(c => c.Start + c.Item.Length).DefaultIfEmpty(0).Max());
        }

        /// <summary>The line's full width (the record's last column).</summary>
        public int Length { get; }

        /// <summary>End of the record type and ID area: trimming never goes below it.</summary>
        public int IdEnd { get; }

        /// <summary>Formats one record occurrence into <paramref name="line"/>; returns the length after trimming.</summary>
        public int Format(GeneratedValue[] values, char[] line)
        {
            line.AsSpan(0, Length).Fill(' ');
            _recordType.CopyTo(line.AsSpan(_recordTypeStart));
            for (var c = 0; c < _columns.Length; c++)
            {
                var (start, item) = _columns[c];
                if (start < 0)
                {
                    continue;
                }

                CsproText.Encode(values[c], item, line.AsSpan(start, item.Length));
            }

            var end = Length;
            while (end > IdEnd && line[end - 1] == ' ')
            {
                end--;
            }

            return end;
        }
    }
}

/// <summary>CSPro's fixed-width text of one value (<c>NumberConverter::DoubleToText</c>, <c>FixedWidthStringCaseItem</c>).</summary>
internal static class CsproText
{
    /// <summary>CSPro writes a newline inside an alpha value as U+2424 (SYMBOL FOR NEWLINE).</summary>
    public const char NewlineSymbol = '\u2424';

    public static void Encode(GeneratedValue value, DictionaryItem item, Span<char> field)
    {
        if (value.IsBlank)
        {
            return; // not applicable: blanks (the field is already blank)
        }

        if (item.DataType == ItemDataType.Alpha || !value.IsNumber)
        {
            var text = value.Text ?? value.Number.ToString(CultureInfo.InvariantCulture);
            var n = Math.Min(text.Length, field.Length);
            if (item.DataType == ItemDataType.Alpha)
            {
                for (var i = 0; i < n; i++)
                {
                    field[i] = text[i] == '\n' ? NewlineSymbol : text[i];
                }
            }
            else
            {
                text.AsSpan(text.Length - n).CopyTo(field[(field.Length - n)..]); // a non-numeric fault: right-justified as typed
            }

            return;
        }

        EncodeNumber(value.Number, item, field);
    }

    private static void EncodeNumber(decimal number, DictionaryItem item, Span<char> field)
    {
        Span<char> digits = stackalloc char[40];
        var magnitude = Math.Abs(number);
        int written;
        if (item.Decimals > 0 && item.DecimalChar)
        {
            magnitude.TryFormat(digits, out written, Formats[item.Decimals], CultureInfo.InvariantCulture);
        }
        else
        {
            var scaled = item.Decimals > 0 ? magnitude * Pow10[item.Decimals] : magnitude;
            decimal.Round(scaled, 0, MidpointRounding.AwayFromZero).TryFormat(digits, out written, "0", CultureInfo.InvariantCulture);
        }

        var negative = number < 0;
        var needed = written + (negative ? 1 : 0);
        if (needed > field.Length)
        {
            field.Fill('*'); // CSPro writes a value that does not fit as asterisks
            return;
        }

        var pad = item.ZeroFill ? '0' : ' ';
        field.Fill(pad);
        digits[..written].CopyTo(field[(field.Length - written)..]);
        if (negative)
        {
            field[item.ZeroFill ? 0 : field.Length - written - 1] = '-';
        }
    }

    private static readonly string[] Formats = Enumerable.Range(0, 16).Select(d => "F" + d.ToString(CultureInfo.InvariantCulture)).ToArray();

    private static readonly decimal[] Pow10 = Enumerable.Range(0, 16).Select(d => (decimal)Math.Pow(10, d)).ToArray();
}
