namespace Pipeline.Core.Conditions;

/// <summary>
/// A parsed expression of the one condition language of survey packs (<c>rules.yaml</c>, <c>cleaning.yaml</c>,
/// <c>generator.yaml</c>): a condition (<see cref="Parse"/>) or a value (<see cref="ParseValue"/>).
/// <para>
/// Conditions: comparisons <c>= != &lt; &lt;= &gt; &gt;=</c>, <c>in (…)</c>, <c>not in (…)</c>, <c>is blank</c>,
/// <c>is not blank</c>, joined by <c>and</c>, <c>or</c>, <c>not</c> and parentheses. Values: item names, numbers, quoted
/// texts (<c>'…'</c> or <c>"…"</c>), <c>+ - * /</c>, unary minus, <c>floor(x)</c>, <c>round(x)</c>, <c>abs(x)</c>.
/// </para>
/// <para>
/// Blank (the CSPro way): a comparison, <c>in</c> or sum with a blank operand is unknown (null), and only
/// <c>is blank</c> / <c>is not blank</c> test for blanks. <c>and</c>, <c>or</c>, <c>not</c> follow three-valued logic
/// (false and unknown is false, true or unknown is true). Where a yes/no is needed, the caller says what unknown
/// means: a rule whose <c>when</c> or <c>check</c> is unknown does not fire, a generator condition that is unknown is
/// false (see <see cref="Holds"/>). A text compares with a text ordinally, and with a number as the number it reads
/// as; a text that is not a number equals no number and has no order with one (unknown).
/// </para>
/// Immutable and thread-safe once parsed.
/// </summary>
public sealed class ConditionExpression
{
    private readonly ConditionNode _root;

    internal ConditionExpression(string text, ConditionNode root, IReadOnlyList<string> items, bool isCondition)
    {
        Text = text;
        _root = root;
        Items = items;
        IsCondition = isCondition;
    }

    public string Text { get; }

    /// <summary>The item names the expression reads, each once (case-insensitive), in order of appearance; <see cref="IConditionValues"/> is asked by index into this list.</summary>
    public IReadOnlyList<string> Items { get; }

    /// <summary>True for a condition (<see cref="Parse"/>), false for a value (<see cref="ParseValue"/>).</summary>
    public bool IsCondition { get; }

    /// <summary>Parses a condition; throws <see cref="ConditionSyntaxException"/> saying where and what was expected.</summary>
    public static ConditionExpression Parse(string text) => ConditionParser.Parse(text, condition: true);

    /// <summary>Parses a value expression (no comparison), e.g. <c>Q4_1_AREA * Q4_1_M2_PER_UNIT / 10000</c>.</summary>
    public static ConditionExpression ParseValue(string text) => ConditionParser.Parse(text, condition: false);

    /// <summary>True, false, or null (unknown: a blank operand). Only for a condition.</summary>
    public bool? Evaluate(IConditionValues values, object? row)
    {
        ArgumentNullException.ThrowIfNull(values);
        return _root.Truth(new ConditionScope(values, row));
    }

    /// <summary>The condition is known to be true; unknown counts as false (a generator <c>when</c>, <c>if</c>, <c>where</c>).</summary>
    public bool Holds(IConditionValues values, object? row) => Evaluate(values, row) == true;

    /// <summary>The value of a value expression; blank when an operand is blank (or a divisor 0).</summary>
    public ConditionValue Compute(IConditionValues values, object? row)
    {
        ArgumentNullException.ThrowIfNull(values);
        return _root.Value(new ConditionScope(values, row));
    }

    public override string ToString() => Text;
}
