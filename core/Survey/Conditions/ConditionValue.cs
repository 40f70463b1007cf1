using System.Globalization;

namespace Pipeline.Core.Conditions;

/// <summary>
/// A value a condition reads or computes: blank (CSPro's NOTAPPL, or unknown), a number, or a text. A text that reads
/// as a number (invariant culture) is that number wherever a number is needed.
/// </summary>
public readonly struct ConditionValue
{
    private readonly double _number;

    private ConditionValue(double number, string? text, bool isNumber)
    {
        _number = number;
        Text = text;
        IsNumber = isNumber;
    }

    /// <summary>The blank value.</summary>
    public static ConditionValue Blank => default;

    public bool IsNumber { get; }

    /// <summary>The text of a text value; null for a number or blank.</summary>
    public string? Text { get; }

    public bool IsBlank => !IsNumber && Text is null;

    public static ConditionValue Of(double number) => new(number, null, isNumber: true);

    /// <summary>A number, or blank for null.</summary>
    public static ConditionValue Of(double? number) => number is { } n ? Of(n) : Blank;

    /// <summary>A text, or blank for null.</summary>
    public static ConditionValue OfText(string? text) => text is null ? Blank : new(0, text, isNumber: false);

    /// <summary>The value as a number: the number itself, a text that reads as one, else null (blank, or a text that is not a number).</summary>
    public double? AsNumber() =>
        IsNumber ? _number
        : Text is not null && double.TryParse(Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n
        : null;

    public override string ToString() =>
        IsNumber ? _number.ToString(CultureInfo.InvariantCulture) : Text is null ? "blank" : $"'{Text}'";
}
