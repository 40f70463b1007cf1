using Pipeline.Core.Dictionary;

namespace Pipeline.Core.Readers;

/// <summary>
/// Rebuilds an item's stored text (its fixed-width field in CSPro's case buffer) from the value a reader hands on, so
/// that a subitem can be cut from it whatever the format: .dat, .csdb, CSV and .xlsx all end up with the same text.
/// CSPro writes numbers right-justified, padded with zeros when the item is zero-filled and with blanks otherwise, a
/// minus sign first when zero-filled and just before the digits otherwise, implied decimals without their point
/// (<c>zToolsO/NumberConverter.h</c>, <c>IntegerDoubleToText</c>, <c>DoubleToText</c>); alpha values padded with blanks.
/// </summary>
internal static class SubitemText
{
    /// <summary>
    /// Writes the stored text of <paramref name="value"/> into <paramref name="stored"/> (exactly the item's length);
    /// false when the value does not fit the item (the validator reports the parent then).
    /// </summary>
    public static bool TryStoredText(string value, DictionaryItem item, Span<char> stored)
    {
        if (item.DataType == ItemDataType.Alpha)
        {
            var text = value.AsSpan().TrimEnd(' ');
            if (text.Length > stored.Length)
            {
                return false;
            }

            text.CopyTo(stored);
            stored[text.Length..].Fill(' ');
            return true;
        }

        var number = value.AsSpan().Trim(' ');
        var negative = number.Length > 0 && number[0] == '-';
        if (number.Length > 0 && number[0] is '-' or '+')
        {
            number = number[1..];
        }

        // Digits as stored: with implied decimals, no point and exactly Decimals digits after where it was.
        Span<char> digits = stackalloc char[Math.Max(stored.Length, 1) + item.Decimals + 2];
        var count = 0;
        var point = number.IndexOfAny('.', ',');
        var implied = item.Decimals > 0 && !item.DecimalChar;
        var whole = point < 0 ? number : number[..point];
        var fraction = point < 0 ? [] : number[(point + 1)..];
        if (whole.Length + fraction.Length + item.Decimals + 1 > digits.Length)
        {
            return false;
        }

        // CSPro writes the number, not the text it was typed as: no leading zeros (zero fill pads them back), one
        // digit at least, and a decimal point followed by exactly Decimals digits.
        whole = whole.TrimStart('0');
        if (implied)
        {
            if (fraction.Length > item.Decimals)
            {
                return false;
            }

            whole.CopyTo(digits);
            count = whole.Length;
            fraction.CopyTo(digits[count..]);
            count += fraction.Length;
            digits.Slice(count, item.Decimals - fraction.Length).Fill('0');
            count += item.Decimals - fraction.Length;
            var zeros = digits[..(count - 1)].IndexOfAnyExcept('0');
            zeros = zeros < 0 ? count - 1 : zeros;
            digits[zeros..count].CopyTo(digits);
            count -= zeros;
        }
        else
        {
            if (whole.Length == 0)
            {
                digits[count++] = '0';
            }
            else
            {
                whole.CopyTo(digits);
                count = whole.Length;
            }

            if (item.DecimalChar && item.Decimals > 0)
            {
                if (fraction.Length > item.Decimals)
                {
                    return false;
                }

                digits[count++] = '.';
                fraction.CopyTo(digits[count..]);
                count += fraction.Length;
                digits.Slice(count, item.Decimals - fraction.Length).Fill('0');
                count += item.Decimals - fraction.Length;
            }
            else if (point >= 0)
            {
                digits[count++] = '.';
                fraction.CopyTo(digits[count..]);
                count += fraction.Length;
            }
        }

        var width = count + (negative ? 1 : 0);
        if (width > stored.Length)
        {
            return false;
        }

        var pad = stored.Length - width;
        if (item.ZeroFill)
        {
            var at = 0;
            if (negative)
            {
                stored[at++] = '-';
            }

            stored.Slice(at, pad).Fill('0');
            digits[..count].CopyTo(stored[(at + pad)..]);
        }
        else
        {
            stored[..pad].Fill(' ');
            if (negative)
            {
                stored[pad] = '-';
            }

            digits[..count].CopyTo(stored[(pad + (negative ? 1 : 0))..]);
        }

        return true;
    }
}
