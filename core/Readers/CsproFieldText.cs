using System.Globalization;
using System.Text;
using Pipeline.Core.Dictionary;
using Pipeline.Core.Engine;

namespace Pipeline.Core.Readers;

/// <summary>
/// Turns CSPro stored values into the raw text a <see cref="SourceRow"/> carries, so that every reader hands the
/// validator the same thing the delimited export would: null or empty for not applicable, a plain invariant number, the
/// text of an alpha item, and anything that is not a number passed on as found (the validator reports it as
/// <c>dict.numeric</c>). CSPro's rules are in <c>zToolsO/NumberConverter.h</c> and <c>zCaseO/*CaseItem.cpp</c>.
/// </summary>
internal static class CsproFieldText
{
    /// <summary>CSPro writes a newline inside an alpha value as U+2424 (SYMBOL FOR NEWLINE) in text data.</summary>
    public const char NewlineSymbol = '\u2424';

    // In-memory special values (zToolsO/Special.cpp); only DEFAULT is expected in a .csdb, the others are stored as codes or NULL.
    private const double Missing = 1e50;
    private const double NotAppl = 1e51;
    private const double Default = 1e52;
    private const double Refused = 1e55;

    /// <summary>
    /// A fixed-width numeric field of a text line. Returns null when blank (not applicable). With implied decimals
    /// (<c>Decimal</c> &gt; 0, <c>DecimalChar=No</c>) the decimal point is inserted: <c>01234</c> with 2 decimals is
    /// <c>12.34</c>. A field that is not a right-justified number is returned trimmed, as found, for the validator to
    /// report; a left-justified number with implied decimals is ambiguous and comes back with a <paramref name="problem"/>.
    /// </summary>
    public static string? Numeric(ReadOnlySpan<char> raw, DictionaryItem item, out string? problem, ShortStringPool? pool = null)
    {
        problem = null;
        var trimmed = raw.Trim(' ');
        if (trimmed.IsEmpty)
        {
            return null;
        }

        if ((item.Decimals == 0 || item.DecimalChar) && !trimmed.ContainsAnyExceptInRange('0', '9'))
        {
            // The common case, digits only: the text as it is (measured hot path; codes repeat, so they are pooled).
            return pool?.GetString(trimmed) ?? trimmed.ToString();
        }

        var leftJustified = raw.Length > 0 && raw[^1] == ' ';
        if (!TryNormalise(trimmed, out var sign, out var digits, out var mark))
        {
            return trimmed.ToString(); // not a number: "1A", "****" (CSPro's DEFAULT); the validator names it
        }

        if (item.Decimals > 0 && !item.DecimalChar && mark < 0)
        {
            if (leftJustified)
            {
                problem = $"{item.Name}='{raw}' is left-justified; with {item.Decimals} implied decimals its value is ambiguous (CSPro reads it as DEFAULT)";
                return trimmed.ToString();
            }

            var padded = digits.PadLeft(item.Decimals + 1, '0');
            var whole = padded[..^item.Decimals].TrimStart('0');
            return $"{sign}{(whole.Length == 0 ? "0" : whole)}.{padded[^item.Decimals..]}";
        }

        // A left-justified whole number is read leniently (CSPro would read DEFAULT): its value is not in doubt.
        return mark < 0 ? sign + digits : $"{sign}{digits[..mark]}.{digits[mark..]}";
    }

    /// <summary>An alpha field: trailing blanks dropped (as exports do), U+2424 back to a newline.</summary>
    public static string Alpha(ReadOnlySpan<char> raw, ShortStringPool? pool = null)
    {
        var text = raw.TrimEnd(' ');
        return text.Contains(NewlineSymbol) ? text.ToString().Replace(NewlineSymbol, '\n') : pool?.GetString(text) ?? text.ToString();
    }

    /// <summary>
    /// A value read from a CSPro DB (v3) column. NULL is not applicable (null); DEFAULT (1e52) becomes the text
    /// <c>DEFAULT</c> so that the validator flags it, as CSPro's exports write it; MISSING and REFUSED are stored as
    /// their codes and pass through. Decimals are formatted with the item's number of decimals.
    /// </summary>
    public static string? FromDatabase(object? value, DictionaryItem item)
    {
        switch (value)
        {
            case null or DBNull:
                return null;
            case string s:
                return item.DataType == ItemDataType.Alpha ? s.TrimEnd(' ') : s.Trim();
            case long l when item.Decimals > 0:
                return Number(l, item); // a whole number in an item with decimals (SQLite keeps 234.0 as INTEGER 234)
            case long l:
                return l.ToString(CultureInfo.InvariantCulture);
            case double d:
                return Number(d, item);
            case byte[] bytes:
                return item.DataType == ItemDataType.Alpha ? Encoding.UTF8.GetString(bytes).TrimEnd(' ') : $"(binary value of {bytes.Length} bytes)";
            default:
                return Convert.ToString(value, CultureInfo.InvariantCulture);
        }
    }

    private static string? Number(double d, DictionaryItem item)
    {
        if (Math.Abs(d) >= Missing / 10)
        {
            return Near(d, NotAppl) ? null
                : Near(d, Default) ? "DEFAULT"
                : Near(d, Missing) ? "MISSING"
                : Near(d, Refused) ? "REFUSED"
                : d.ToString("R", CultureInfo.InvariantCulture);
        }

        if (item.Decimals > 0)
        {
            return d.ToString("F" + item.Decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        }

        return d == Math.Floor(d) && Math.Abs(d) < 1e15 ? ((long)d).ToString(CultureInfo.InvariantCulture) : d.ToString("R", CultureInfo.InvariantCulture);
    }

    private static bool Near(double value, double special) => Math.Abs(value - special) <= special * 1e-9;

    /// <summary>
    /// CSPro's number syntax: leading blanks, an optional sign (blanks may follow it), digits, one optional '.' or ','.
    /// <paramref name="mark"/> is the position of the decimal mark within <paramref name="digits"/>, or -1.
    /// </summary>
    private static bool TryNormalise(ReadOnlySpan<char> text, out string sign, out string digits, out int mark)
    {
        sign = string.Empty;
        digits = string.Empty;
        mark = -1;
        var i = 0;
        if (text[0] is '+' or '-')
        {
            sign = text[0] == '-' ? "-" : string.Empty;
            i = 1;
            while (i < text.Length && text[i] == ' ')
            {
                i++;
            }
        }

        var builder = new StringBuilder(text.Length);
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (c is >= '0' and <= '9')
            {
                builder.Append(c);
            }
            else if (c is '.' or ',' && mark < 0)
            {
                mark = builder.Length;
            }
            else
            {
                return false;
            }
        }

        digits = builder.ToString();
        return digits.Length > 0;
    }
}
