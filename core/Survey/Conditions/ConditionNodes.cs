namespace Pipeline.Core.Conditions;

/// <summary>The values source and the row being evaluated, passed down the tree by reference (no allocation per row).</summary>
internal readonly struct ConditionScope(IConditionValues values, object? row)
{
    public ConditionValue Read(int item) => values.Value(item, row);
}

/// <summary>A node of a parsed expression: a value (<see cref="Value"/>) or a condition (<see cref="Truth"/>).</summary>
internal abstract class ConditionNode
{
    public virtual ConditionValue Value(in ConditionScope scope) => throw new InvalidOperationException("not a value");

    public virtual bool? Truth(in ConditionScope scope) => throw new InvalidOperationException("not a condition");

    protected static bool Same(double a, double b) => Math.Abs(a - b) < 1e-9;

    /// <summary>Equal, unequal, or null when either side is blank (a text that is not a number equals no number).</summary>
    protected static bool? Equal(ConditionValue a, ConditionValue b)
    {
        if (a.IsBlank || b.IsBlank)
        {
            return null;
        }

        if (a.Text is { } at && b.Text is { } bt)
        {
            return string.Equals(at, bt, StringComparison.Ordinal);
        }

        return a.AsNumber() is { } x && b.AsNumber() is { } y && Same(x, y);
    }
}

internal sealed class NumberNode(double number) : ConditionNode
{
    public override ConditionValue Value(in ConditionScope scope) => ConditionValue.Of(number);
}

internal sealed class TextNode(string text) : ConditionNode
{
    private readonly ConditionValue _value = ConditionValue.OfText(text);

    public override ConditionValue Value(in ConditionScope scope) => _value;
}

internal sealed class ItemNode(int index) : ConditionNode
{
    public override ConditionValue Value(in ConditionScope scope) => scope.Read(index);
}

internal sealed class ArithmeticNode(ConditionNode left, char op, ConditionNode right) : ConditionNode
{
    public override ConditionValue Value(in ConditionScope scope) =>
        left.Value(scope).AsNumber() is { } a && right.Value(scope).AsNumber() is { } b
            ? op switch
            {
                '+' => ConditionValue.Of(a + b),
                '-' => ConditionValue.Of(a - b),
                '*' => ConditionValue.Of(a * b),
                _ => b == 0 ? ConditionValue.Blank : ConditionValue.Of(a / b),
            }
            : ConditionValue.Blank;
}

internal sealed class NegateNode(ConditionNode operand) : ConditionNode
{
    public override ConditionValue Value(in ConditionScope scope) =>
        operand.Value(scope).AsNumber() is { } a ? ConditionValue.Of(-a) : ConditionValue.Blank;
}

internal sealed class FunctionNode(string name, ConditionNode argument) : ConditionNode
{
    public override ConditionValue Value(in ConditionScope scope) =>
        argument.Value(scope).AsNumber() is { } a
            ? ConditionValue.Of(name switch { "floor" => Math.Floor(a), "round" => Math.Round(a, MidpointRounding.AwayFromZero), _ => Math.Abs(a) })
            : ConditionValue.Blank;
}

internal sealed class CompareNode(ConditionNode left, string op, ConditionNode right) : ConditionNode
{
    public override bool? Truth(in ConditionScope scope)
    {
        var a = left.Value(scope);
        var b = right.Value(scope);
        if (op is "=")
        {
            return Equal(a, b);
        }

        if (op is "!=")
        {
            return !Equal(a, b);
        }

        int order;
        if (a.Text is { } at && b.Text is { } bt)
        {
            order = string.CompareOrdinal(at, bt);
        }
        else if (a.AsNumber() is { } x && b.AsNumber() is { } y)
        {
            order = Same(x, y) ? 0 : x.CompareTo(y);
        }
        else
        {
            return null;
        }

        return op switch
        {
            "<" => order < 0,
            "<=" => order <= 0,
            ">" => order > 0,
            _ => order >= 0,
        };
    }
}

internal sealed class InNode(ConditionNode left, ConditionValue[] set, bool negated) : ConditionNode
{
    public override bool? Truth(in ConditionScope scope)
    {
        var a = left.Value(scope);
        if (a.IsBlank)
        {
            return null;
        }

        foreach (var s in set)
        {
            if (Equal(a, s) == true)
            {
                return !negated;
            }
        }

        return negated;
    }
}

internal sealed class BlankNode(ConditionNode operand, bool negated) : ConditionNode
{
    public override bool? Truth(in ConditionScope scope) => operand.Value(scope).IsBlank != negated;
}

internal sealed class LogicNode(ConditionNode left, bool isAnd, ConditionNode right) : ConditionNode
{
    public override bool? Truth(in ConditionScope scope)
    {
        var a = left.Truth(scope);
        var b = right.Truth(scope);
        return isAnd
            ? (a == false || b == false ? false : a is null || b is null ? null : true)
            : (a == true || b == true ? true : a is null || b is null ? null : false);
    }
}

internal sealed class NotNode(ConditionNode operand) : ConditionNode
{
    public override bool? Truth(in ConditionScope scope) => !operand.Truth(scope);
}
