using Pipeline.Core.Dictionary;
using Pipeline.Core.Readers;

namespace Pipeline.Readers.Tests;

/// <summary>
/// The parent's stored text, from which subitems are cut, must be the text CSPro writes (<c>DoubleToText</c>,
/// <c>IntegerDoubleToText</c>): a subitem over positions CSPro leaves blank must read blank, not 0.
/// </summary>
public class SubitemTextTests
{
    private static DictionaryItem Numeric(int length, int decimals = 0, bool decimalChar = false, bool zeroFill = false) =>
        new("PARENT", "Parent", 1, length, ItemDataType.Numeric, decimals, decimalChar, zeroFill, 1, false, []);

    private static string? Stored(string value, DictionaryItem item)
    {
        var stored = new char[item.Length];
        return SubitemText.TryStoredText(value, item, stored) ? new string(stored) : null;
    }

    [Fact]
    public void Stored_DecimalCharFractionShorterThanDecimals_IsPaddedWithZeros()
    {
        Assert.Equal(" 12.50", Stored("12.5", Numeric(6, decimals: 2, decimalChar: true)));
        Assert.Equal(" 12.00", Stored("12", Numeric(6, decimals: 2, decimalChar: true)));
    }

    [Fact]
    public void Stored_ImpliedDecimalsWithLeadingZero_DropsTheZero()
    {
        Assert.Equal(" 50", Stored("0.5", Numeric(3, decimals: 2)));
        Assert.Equal("  5", Stored("0.05", Numeric(3, decimals: 2)));
        Assert.Equal("  0", Stored("0", Numeric(3, decimals: 2)));
    }

    [Fact]
    public void Stored_LeadingZerosWithoutZeroFill_BecomeBlanks()
    {
        Assert.Equal("  12", Stored("0012", Numeric(4)));
        Assert.Equal("   0", Stored("000", Numeric(4)));
        Assert.Equal("  0.50", Stored("00.5", Numeric(6, decimals: 2, decimalChar: true)));
    }

    [Fact]
    public void Stored_LeadingZerosWithZeroFill_AreKept()
    {
        Assert.Equal("0012", Stored("0012", Numeric(4, zeroFill: true)));
        Assert.Equal("0012", Stored("12", Numeric(4, zeroFill: true)));
        Assert.Equal("-012", Stored("-12", Numeric(4, zeroFill: true)));
    }

    [Fact]
    public void Stored_FractionLongerThanDecimals_DoesNotFit()
    {
        Assert.Null(Stored("1.234", Numeric(6, decimals: 2, decimalChar: true)));
        Assert.Null(Stored("1.234", Numeric(6, decimals: 2)));
    }
}
