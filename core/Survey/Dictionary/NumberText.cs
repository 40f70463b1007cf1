using System.Globalization;

namespace Pipeline.Core.Dictionary;

/// <summary>Culture-invariant number parsing for dictionary codes and data values.</summary>
public static class NumberText
{
    /// <summary>Parses an invariant-culture number such as <c>12</c>, <c>-3.5</c> or <c>+7</c>; surrounding spaces are allowed.</summary>
    public static bool TryParseDecimal(ReadOnlySpan<char> text, out decimal value) =>
        decimal.TryParse(text.Trim(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
}
