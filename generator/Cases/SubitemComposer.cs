using System.Globalization;
using Pipeline.Core.Dictionary;
using Pipeline.Core.Readers;
using Pipeline.Generator.Writers;

namespace Pipeline.Generator.Cases;

/// <summary>
/// Makes a record's subitems and their parent agree, as CSPro stores them: a subitem is a view of its parent's text.
/// The drawn subitems are written over the parent's text (a DATE item gets its drawn YEAR, MONTH and DAY), then every
/// subitem is read back from that text, so each format carries the same values the readers will cut from the parent.
/// </summary>
internal static class SubitemComposer
{
    public static void Compose(RecordLayout layout, GeneratedValue[] values)
    {
        for (var s = 0; s < layout.Columns.Count; s++)
        {
            var source = layout.Columns[s].Subitem;
            if (source is null || values[s].IsBlank)
            {
                continue;
            }

            // Overlay this drawn subitem onto its parent's text.
            var parent = layout.Columns[source.ParentColumn].Item;
            var text = Encoded(values[source.ParentColumn], parent);
            var item = layout.Columns[s].Item;
            var length = Math.Min(item.Length, parent.Length - source.Offset);
            if (length <= 0)
            {
                continue;
            }

            var field = new char[item.Length]; // only records with subitems pay for it
            field.AsSpan().Fill(' ');
            CsproText.Encode(values[s], item, field);
            field.AsSpan(0, length).CopyTo(text.AsSpan(source.Offset));
            values[source.ParentColumn] = Decoded(new string(text), parent);
        }

        for (var s = 0; s < layout.Columns.Count; s++)
        {
            if (layout.Columns[s].Subitem is { } source)
            {
                var parent = layout.Columns[source.ParentColumn].Item;
                var item = layout.Columns[s].Item;
                var text = Encoded(values[source.ParentColumn], parent);
                var length = Math.Min(item.Length, parent.Length - source.Offset);
                values[s] = length <= 0 ? GeneratedValue.Blank : Decoded(new string(text, source.Offset, length), item);
            }
        }
    }

    private static char[] Encoded(GeneratedValue value, DictionaryItem item)
    {
        var text = new char[item.Length];
        text.AsSpan().Fill(' ');
        CsproText.Encode(value, item, text);
        return text;
    }

    /// <summary>A field's text back to a value, as a CSPro reader reads it (implied decimals included).</summary>
    private static GeneratedValue Decoded(string field, DictionaryItem item)
    {
        if (item.DataType == ItemDataType.Alpha)
        {
            var alpha = field.TrimEnd(' ').Replace(CsproText.NewlineSymbol, '\n');
            return alpha.Length == 0 ? GeneratedValue.Blank : GeneratedValue.OfText(alpha);
        }

        var trimmed = field.Trim(' ');
        if (trimmed.Length == 0)
        {
            return GeneratedValue.Blank;
        }

        if (!decimal.TryParse(trimmed, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            return GeneratedValue.OfText(trimmed);
        }

        if (item.Decimals > 0 && !item.DecimalChar && !trimmed.Contains('.', StringComparison.Ordinal))
        {
            number /= (decimal)Math.Pow(10, item.Decimals);
        }

        return GeneratedValue.Of(number);
    }
}
