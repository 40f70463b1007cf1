using Pipeline.Core.Conditions;
using Pipeline.Generator.Cases;

namespace Pipeline.Generator.Spec;

/// <summary>
/// A condition of <c>generator.yaml</c>, in the survey pack's one condition language (<see cref="ConditionExpression"/>,
/// the language of <c>rules.yaml</c>), with its names resolved to the generator's items and variables. A comparison with
/// a blank operand is unknown, and an unknown condition does not hold: <c>Q12_MEMBER != 1</c> does not hold when Q12 is
/// blank; write <c>Q12_MEMBER != 1 or Q12_MEMBER is blank</c> for that.
/// </summary>
internal sealed class Condition : IConditionValues
{
    private readonly ConditionExpression _expression;
    private readonly NameRef[] _names;

    private Condition(ConditionExpression expression, NameRef[] names)
    {
        _expression = expression;
        _names = names;
    }

    public string Text => _expression.Text;

    public IEnumerable<NameRef> Names => _names;

    /// <summary>True when the condition is known to hold in <paramref name="scope"/>; unknown (a blank compared) is false.</summary>
    public bool Holds(IValueScope scope) => _expression.Holds(this, scope);

    /// <summary>Reads item <paramref name="item"/> of the expression from the <see cref="IValueScope"/> passed as <paramref name="row"/>.</summary>
    public ConditionValue Value(int item, object? row)
    {
        var value = ((IValueScope)row!).Value(_names[item]);
        return value.IsNumber ? ConditionValue.Of((double)value.Number) : ConditionValue.OfText(value.Text);
    }

    public override string ToString() => Text;

    /// <summary>Parses <paramref name="text"/>; <paramref name="resolve"/> turns a name into a reference or explains why it cannot.</summary>
    public static Condition Parse(string text, SpecLocation where, Func<string, NameRef> resolve)
    {
        ArgumentNullException.ThrowIfNull(resolve);
        ConditionExpression expression;
        try
        {
            expression = ConditionExpression.Parse(text);
        }
        catch (ConditionSyntaxException e)
        {
            throw new GeneratorSpecException(where, $"condition \"{text}\": at character {e.Position + 1}: {e.Problem}.");
        }

        return new Condition(expression, [.. expression.Items.Select(resolve)]);
    }
}
