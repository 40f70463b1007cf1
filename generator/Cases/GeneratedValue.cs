using System.Globalization;
using Pipeline.Core.Dictionary;

namespace Pipeline.Generator.Cases;

/// <summary>
/// One generated value: blank (CSPro's "not applicable"), a number, or a text. A text in a numeric item only happens
/// when a <c>non-numeric</c> fault was injected; the writers then write it as it is, as a hand-edited file would hold it.
/// </summary>
public readonly record struct GeneratedValue
{
    private GeneratedValue(decimal number, string? text, bool isNumber)
    {
        Number = number;
        Text = text;
        IsNumber = isNumber;
    }

    /// <summary>Blank: the question was not asked (CSPro's NOTAPPL).</summary>
    public static GeneratedValue Blank => default;

    public bool IsNumber { get; }

    /// <summary>The number; 0 unless <see cref="IsNumber"/>.</summary>
    public decimal Number { get; }

    /// <summary>The text of an alpha value (or of a non-numeric fault); null otherwise.</summary>
    public string? Text { get; }

    public bool IsBlank => !IsNumber && Text is null;

    public static GeneratedValue Of(decimal number) => new(number, null, isNumber: true);

    public static GeneratedValue OfText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new(0, text, isNumber: false);
    }

    /// <summary>
    /// The value as CSPro's delimited export writes it: null for blank, a number with the item's decimals and a '.'
    /// (never zero-padded), a text right-trimmed.
    /// </summary>
    public string? ToExportText(DictionaryItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (IsNumber)
        {
            return FormatNumber(Number, item.Decimals);
        }

        return Text?.TrimEnd(' ');
    }

    public override string ToString() => IsNumber ? Number.ToString(CultureInfo.InvariantCulture) : Text ?? "(blank)";

    internal static string FormatNumber(decimal number, int decimals) =>
        decimals > 0
            ? number.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)
            : decimal.Round(number, 0, MidpointRounding.AwayFromZero).ToString("0", CultureInfo.InvariantCulture);

    /// <summary>Reads a value as an export holds it (null or empty for blank), for checking files written earlier.</summary>
    public static GeneratedValue Parse(string? text, DictionaryItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (string.IsNullOrWhiteSpace(text))
        {
            return Blank;
        }

        if (item.DataType == ItemDataType.Alpha)
        {
            return OfText(text.TrimEnd(' '));
        }

        return decimal.TryParse(text.Trim(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)
            ? Of(number)
            : OfText(text.Trim());
    }
}
