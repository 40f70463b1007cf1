using Pipeline.Core.Conditions;

namespace Pipeline.Tests.Conditions;

public sealed class ConditionExpressionTests
{
    private static readonly Dictionary<string, ConditionValue> Row = new(StringComparer.OrdinalIgnoreCase)
    {
        ["N"] = ConditionValue.Of(2), ["T"] = ConditionValue.OfText("Otro"), ["D"] = ConditionValue.OfText("12"), ["B"] = ConditionValue.Blank,
    };

    [Theory]
    [InlineData("T = 'Otro'", true)]
    [InlineData("T = \"otro\"", false)]
    [InlineData("T != 'Otro'", false)]
    [InlineData("T in ('A', 'Otro')", true)]
    [InlineData("D = 12", true)] // a text that reads as a number is that number
    [InlineData("D > 10", true)]
    [InlineData("T = 2", false)] // a text that is not a number equals no number
    [InlineData("T != 2", true)]
    [InlineData("N = -2 * -1", true)]
    [InlineData("N > -1", true)]
    public void Evaluate_TextsAndNumbers_GivesTrueOrFalse(string text, bool expected) =>
        Assert.Equal(expected, ConditionExpression.Parse(text).Evaluate(new Lookup(ConditionExpression.Parse(text).Items), null));

    [Theory]
    [InlineData("T > 2")] // a text that is not a number has no order with a number
    [InlineData("B = 'Otro'")]
    [InlineData("T + 1 = 2")]
    public void Evaluate_NoAnswer_IsUnknown(string text)
    {
        var expression = ConditionExpression.Parse(text);

        Assert.Null(expression.Evaluate(new Lookup(expression.Items), null));
        Assert.False(expression.Holds(new Lookup(expression.Items), null));
    }

    [Fact]
    public void Parse_SameItemTwice_ListsItOnce() =>
        Assert.Equal(["N", "B"], ConditionExpression.Parse("N = 1 or n = 2 and B is blank").Items);

    [Theory]
    [InlineData("N != blank", 6, "expected a value; to test for a blank write 'is not blank', found 'blank'")]
    [InlineData("N = 'open", 5, "a quoted text is not closed")]
    public void Parse_Malformed_GivesPositionAndProblem(string text, int position, string problem)
    {
        var e = Assert.Throws<ConditionSyntaxException>(() => ConditionExpression.Parse(text));

        Assert.Equal(position - 1, e.Position);
        Assert.Equal(problem, e.Problem);
        Assert.Equal($"in '{text}' at character {position}: {problem}.", e.Message);
    }

    private sealed class Lookup(IReadOnlyList<string> items) : IConditionValues
    {
        public ConditionValue Value(int item, object? row) => Row[items[item]];
    }
}
