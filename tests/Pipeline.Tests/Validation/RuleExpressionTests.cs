using Pipeline.Core.Conditions;

namespace Pipeline.Tests.Validation;

public sealed class RuleExpressionTests
{
    private static readonly Dictionary<string, double?> Row = new(StringComparer.OrdinalIgnoreCase)
    {
        ["A"] = 2, ["B"] = 3, ["C"] = 5, ["BLANK"] = null,
    };

    [Theory]
    [InlineData("A = 2", true)]
    [InlineData("A != 2", false)]
    [InlineData("A + B = C", true)]
    [InlineData("A * B > C", true)]
    [InlineData("(A + B) * 2 = 10", true)]
    [InlineData("A in (1, 2, 3)", true)]
    [InlineData("A not in (1, 3)", true)]
    [InlineData("BLANK is blank", true)]
    [InlineData("A is not blank", true)]
    [InlineData("A = 2 and (B = 1 or C = 5)", true)]
    [InlineData("not A = 2", false)]
    [InlineData("C <= 5 and C >= 5", true)]
    public void Evaluate_KnownOperands_GivesTrueOrFalse(string text, bool expected) =>
        Assert.Equal(expected, RuleExpression.Parse(text).Evaluate(n => Row[n]));

    [Theory]
    [InlineData("BLANK = 1")]
    [InlineData("A + BLANK = 2")]
    [InlineData("BLANK in (1, 2)")]
    [InlineData("A = 2 and BLANK = 1")]
    public void Evaluate_BlankOperand_IsUnknownSoNoRuleIsBroken(string text) =>
        Assert.Null(RuleExpression.Parse(text).Evaluate(n => Row[n]));

    [Fact]
    public void Evaluate_FalseAndUnknown_IsFalse() =>
        Assert.False(RuleExpression.Parse("A = 9 and BLANK = 1").Evaluate(n => Row[n]));

    [Fact]
    public void Parse_ListsTheItemsItReads() =>
        Assert.Equal(["B5_2_1_MEN", "B5_2_2_WOMEN", "B5_1_HH_SIZE"], RuleExpression.Parse("B5_2_1_MEN + B5_2_2_WOMEN = B5_1_HH_SIZE").Items);

    [Theory]
    [InlineData("A = ", "at character 5: expected an item name or a number, found the end")]
    [InlineData("A == 2", "at character 4: expected an item name or a number, found '='")]
    [InlineData("A 2", "at character 3: expected a comparison")]
    [InlineData("A = 2 # comment", "at character 7: '#' is not part of the rule language")]
    [InlineData("A in (1, B)", "expected a number, found 'B'")]
    public void Parse_Malformed_SaysWhereAndWhatWasExpected(string text, string message)
    {
        var e = Assert.Throws<FormatException>(() => RuleExpression.Parse(text));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Contains($"'{text}'", e.Message, StringComparison.Ordinal);
    }
}
