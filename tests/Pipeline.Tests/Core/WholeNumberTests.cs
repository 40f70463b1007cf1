using System.Globalization;
using Pipeline.Core.Validation;

namespace Pipeline.Tests.Core;

/// <summary>The validator's fast path for whole numbers agrees with its decimal path on what a number is and how long it is.</summary>
public sealed class WholeNumberTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("7")]
    [InlineData("007")]
    [InlineData("-0")]
    [InlineData("-12")]
    [InlineData("+45")]
    [InlineData("999999999999999999")]
    [InlineData("100")]
    public void TryParseWhole_WholeNumbers_GivesTheDecimalValueAndItsDigits(string text)
    {
        var decimalValue = decimal.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

        Assert.True(RowValidator.TryParseWhole(text, out var value, out var significant));

        Assert.Equal(decimalValue, value);
        Assert.Equal(RowValidator.IntegerDigits(decimalValue), significant);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("1.5")]
    [InlineData("1,5")]
    [InlineData("12a")]
    [InlineData("1 2")]
    [InlineData("1234567890123456789")] // 19 digits: left to the decimal path
    public void TryParseWhole_AnythingElse_LeavesItToTheDecimalPath(string text) =>
        Assert.False(RowValidator.TryParseWhole(text, out _, out _));
}
