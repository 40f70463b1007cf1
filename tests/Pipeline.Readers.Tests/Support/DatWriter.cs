using System.Globalization;
using System.Text;
using Pipeline.Core.Dictionary;

namespace Pipeline.Readers.Tests.Support;

/// <summary>
/// A test-only writer of CSPro text data, following CSPro's encoding rules (<c>NumberConverter::DoubleToText</c>):
/// numbers right-justified, padded with 0 when ZeroFill (the sign then in the first column), implied decimals without a
/// point, an explicit point when DecimalChar=Yes, not applicable as blanks, a value that does not fit as '*'s; alpha
/// left-justified, a newline as U+2424; trailing blanks trimmed but never into the record type or the IDs.
/// </summary>
public static class DatWriter
{
    public static string Write(DataDictionary dictionary, IEnumerable<TestNode> cases)
    {
        var text = new StringBuilder();
        foreach (var (node, record) in cases.SelectMany(c => c.Flatten()))
        {
            text.Append(Line(dictionary, record.Record, node.Ids, record.Values)).Append("\r\n");
        }

        return text.ToString();
    }

    public static string Line(DataDictionary dictionary, DictionaryRecord record, IReadOnlyDictionary<string, string?> ids, IReadOnlyDictionary<string, string?> values)
    {
        ArgumentNullException.ThrowIfNull(dictionary);
        ArgumentNullException.ThrowIfNull(record);
        var level = dictionary.Levels.Select((l, i) => (l, i)).First(x => x.l.Records.Contains(record)).i;
        var idItems = dictionary.Levels.Take(level + 1).SelectMany(l => l.IdItems).ToList();
        var items = record.Items.Where(i => !i.IsSubitem).ToList();
        var length = idItems.Concat(items).Select(i => i.Start + (i.Length * i.Occurrences) - 1).Append(dictionary.RecordTypeStart + dictionary.RecordTypeLength - 1).Max();
        var line = new char[length];
        Array.Fill(line, ' ');
        if (dictionary.RecordTypeLength > 0)
        {
            Put(line, dictionary.RecordTypeStart, record.RecordTypeValue.PadRight(dictionary.RecordTypeLength));
        }

        foreach (var id in idItems)
        {
            Put(line, id.Start, Encode(id, ids.GetValueOrDefault(id.Name)));
        }

        var idEnd = idItems.Select(i => i.Start + i.Length - 1).Append(dictionary.RecordTypeStart + dictionary.RecordTypeLength - 1).Max();
        foreach (var item in items)
        {
            for (var o = 1; o <= item.Occurrences; o++)
            {
                var name = item.Occurrences > 1 ? $"{item.Name}_{o}" : item.Name;
                Put(line, item.Start + ((o - 1) * item.Length), Encode(item, values.GetValueOrDefault(name)));
            }
        }

        return new string(line).TrimEnd(' ').PadRight(idEnd);
    }

    public static string Encode(DictionaryItem item, string? value)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (value is null)
        {
            return new string(' ', item.Length);
        }

        if (item.DataType == ItemDataType.Alpha)
        {
            var text = value.Replace('\n', '\u2424');
            return text.Length >= item.Length ? text[..item.Length] : text.PadRight(item.Length);
        }

        var number = decimal.Parse(value, NumberStyles.Number, CultureInfo.InvariantCulture);
        var negative = number < 0;
        var magnitude = Math.Abs(number);
        string digits;
        if (item.Decimals > 0 && item.DecimalChar)
        {
            digits = magnitude.ToString("F" + item.Decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        }
        else if (item.Decimals > 0)
        {
            digits = decimal.Round(magnitude * (decimal)Math.Pow(10, item.Decimals)).ToString("F0", CultureInfo.InvariantCulture);
        }
        else
        {
            digits = decimal.Round(magnitude).ToString("F0", CultureInfo.InvariantCulture);
        }

        var width = digits.Length + (negative ? 1 : 0);
        if (width > item.Length)
        {
            return new string('*', item.Length);
        }

        return item.ZeroFill
            ? (negative ? "-" : string.Empty) + digits.PadLeft(item.Length - (negative ? 1 : 0), '0')
            : ((negative ? "-" : string.Empty) + digits).PadLeft(item.Length);
    }

    private static void Put(char[] line, int start, string text) => text.AsSpan().CopyTo(line.AsSpan(start - 1));
}
