namespace Pipeline.Core.Dictionary;

/// <summary>
/// A CSPro date format: the order of year, month and day digits in an item captured as a date (CSPro's
/// <c>DateCaptureInfo</c>: <c>YYYYMMDD</c>, <c>DDMMYYYY</c>, ... <c>MMDD</c>; 22 formats of 4, 6 or 8 characters).
/// Only a <see cref="IsFullDate">full date</see> (year of four digits, month and day) becomes a date column in the lake:
/// a two-digit year would be a guess of the century, and a partial date (<c>MMYYYY</c>) is no day.
/// </summary>
public sealed class DateFormat
{
    /// <summary>The formats CSPro offers, in its order (cspro <c>zDictO/CaptureInfo.cpp</c>, <c>DateFormats</c>).</summary>
    public static IReadOnlyList<string> CsproFormats { get; } =
    [
        "DDMMYYYY", "DDYYYYMM", "YYYYDDMM", "YYYYMMDD", "MMDDYYYY", "MMYYYYDD", "DDMMYY", "DDYYMM", "YYDDMM", "YYMMDD", "MMDDYY",
        "MMYYDD", "DDYYYY", "DDYY", "DDMM", "MMYYYY", "MMYY", "MMDD", "YYMM", "YYDD", "YYYYMM", "YYYYDD",
    ];

    private readonly int _year = -1;
    private readonly int _month = -1;
    private readonly int _day = -1;
    private readonly int _yearDigits;

    private DateFormat(string text)
    {
        Text = text;
        for (var i = 0; i < text.Length; i += 2)
        {
            switch (text[i])
            {
                case 'Y':
                    _year = i;
                    _yearDigits = i + 2 < text.Length && text[i + 2] == 'Y' ? 4 : 2;
                    i += _yearDigits - 2;
                    break;
                case 'M':
                    _month = i;
                    break;
                default:
                    _day = i;
                    break;
            }
        }
    }

    /// <summary>The format as CSPro writes it, e.g. <c>YYYYMMDD</c>.</summary>
    public string Text { get; }

    /// <summary>Characters a value takes: 4, 6 or 8.</summary>
    public int Length => Text.Length;

    /// <summary>Whether a value names one day: a four-digit year, a month and a day.</summary>
    public bool IsFullDate => _yearDigits == 4 && _month >= 0 && _day >= 0;

    /// <summary>The format named <paramref name="text"/> (case-insensitive), or null when CSPro has no such format.</summary>
    public static DateFormat? Parse(string? text)
    {
        var upper = text?.Trim().ToUpperInvariant();
        return upper is not null && CsproFormats.Contains(upper, StringComparer.Ordinal) ? new DateFormat(upper) : null;
    }

    /// <summary>
    /// The format CSPro gives an item captured as a date whose format is missing or invalid: <c>MMDD</c> for 4 characters,
    /// <c>YYMMDD</c> for 6, <c>YYYYMMDD</c> for 8 (cspro <c>DateCaptureInfo::GetDefaultFormat</c> and <c>MakeValid</c>).
    /// </summary>
    public static string DefaultFor(int length) => length switch
    {
        4 => "MMDD",
        6 => "YYMMDD",
        _ => "YYYYMMDD",
    };

    /// <summary>
    /// Whether CSPro lets an item be captured as a date: numeric or alpha, no decimals, 4, 6 or 8 characters
    /// (cspro <c>DateCaptureInfo::IsCaptureTypePossible</c>).
    /// </summary>
    public static bool IsPossibleFor(DictionaryItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item.Decimals == 0 && item.Length is 4 or 6 or 8;
    }

    /// <summary>
    /// The date a whole number stands for, read as CSPro stores it: right-justified and zero-filled to
    /// <see cref="Length"/> (so 1082022 in <c>DDMMYYYY</c> is 1 August 2022). False for a negative number, one of more
    /// digits than the format, or one that is no calendar date (20220231, 20221301, 00000000).
    /// </summary>
    public bool TryRead(long number, out DateOnly date)
    {
        date = default;
        if (number < 0)
        {
            return false;
        }

        Span<char> digits = stackalloc char[20];
        if (!number.TryFormat(digits, out var written, default, System.Globalization.CultureInfo.InvariantCulture) || written > Length)
        {
            return false;
        }

        var padded = digits[..Length];
        digits[..written].CopyTo(padded[(Length - written)..]);
        padded[..(Length - written)].Fill('0');
        return TryRead(padded, out date);
    }

    /// <summary>The date that <paramref name="text"/> (exactly <see cref="Length"/> digits) stands for, if it is one.</summary>
    public bool TryRead(ReadOnlySpan<char> text, out DateOnly date)
    {
        date = default;
        if (!IsFullDate || text.Length != Length)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        var year = Digits(text, _year, 4);
        var month = Digits(text, _month, 2);
        var day = Digits(text, _day, 2);
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        date = new DateOnly(year, month, day);
        return true;
    }

    public override string ToString() => Text;

    private static int Digits(ReadOnlySpan<char> text, int at, int count)
    {
        var value = 0;
        for (var i = at; i < at + count; i++)
        {
            value = (value * 10) + (text[i] - '0');
        }

        return value;
    }
}
