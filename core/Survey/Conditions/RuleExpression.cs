using Pipeline.Core.Values;

namespace Pipeline.Core.Conditions;

/// <summary>
/// A condition or value expression of <c>rules.yaml</c> and <c>cleaning.yaml</c> (the pack's one condition language,
/// <see cref="ConditionExpression"/>) bound to where rules read values: a row's cells, each read as
/// <see cref="RowValues.Value(CellValue, ColumnKind)"/> does (so an alpha item reads as its number, or 0 when answered
/// with a text that is not one), or a lookup by name. A blank operand makes a comparison unknown; a rule whose
/// condition is unknown is not broken.
/// </summary>
public sealed class RuleExpression
{
    // The item positions in the last RowValues read from; replaced as one reference, so concurrent readers with
    // different RowValues never see a mixed binding.
    private RowBinding? _binding;

    private RuleExpression(ConditionExpression expression)
    {
        Expression = expression;
        ByName = new NameValues(expression.Items);
    }

    /// <summary>The parsed expression.</summary>
    public ConditionExpression Expression { get; }

    public string Text => Expression.Text;

    /// <summary>The item names the expression reads.</summary>
    public IReadOnlyList<string> Items => Expression.Items;

    private NameValues ByName { get; }

    /// <summary>Parses a condition; throws <see cref="FormatException"/> saying where and what was expected.</summary>
    public static RuleExpression Parse(string text) => new(Parsed(() => ConditionExpression.Parse(text)));

    /// <summary>
    /// Parses a numeric expression (no comparison), e.g. <c>Q4_1_AREA * Q4_1_M2_PER_UNIT / 10000</c> or
    /// <c>floor(C1_DATE / 10000) - B7_START_YEAR</c>, for <see cref="Compute(RowValues, CellValue[])"/>.
    /// </summary>
    public static RuleExpression ParseValue(string text) => new(Parsed(() => ConditionExpression.ParseValue(text)));

    /// <summary>Wraps an expression parsed already (by the pack compiler).</summary>
    public static RuleExpression Of(ConditionExpression expression) => new(expression ?? throw new ArgumentNullException(nameof(expression)));

    /// <summary>True, false, or null (unknown because an operand is blank). <paramref name="value"/> gives an item's value or null.</summary>
    public bool? Evaluate(Func<string, double?> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Expression.Evaluate(ByName, value);
    }

    /// <summary>The value of an expression parsed by <see cref="ParseValue"/>; null when an operand is blank or a divisor is 0.</summary>
    public double? Compute(Func<string, double?> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Expression.Compute(ByName, value).AsNumber();
    }

    /// <summary>
    /// <see cref="Evaluate(Func{string, double?})"/> over a row's cells, each item read as <see cref="RowValues.Value(ReadOnlySpan{CellValue}, string)"/>
    /// does. Allocates nothing: the items' positions are looked up once per <paramref name="values"/> and remembered (the
    /// per-row path of validation, cleaning and the case checks).
    /// </summary>
    public bool? Evaluate(RowValues values, CellValue[] cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        return Expression.Evaluate(Bind(values), cells);
    }

    /// <summary><see cref="Compute(Func{string, double?})"/> over a row's cells; see <see cref="Evaluate(RowValues, CellValue[])"/>.</summary>
    public double? Compute(RowValues values, CellValue[] cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        return Expression.Compute(Bind(values), cells).AsNumber();
    }

    public override string ToString() => Text;

    // Callers of the rules catch FormatException (its documented contract); the syntax error stays the inner exception.
    private static ConditionExpression Parsed(Func<ConditionExpression> parse)
    {
        try
        {
            return parse();
        }
        catch (ConditionSyntaxException e)
        {
            throw new FormatException(e.Message, e);
        }
    }

    private RowBinding Bind(RowValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var binding = _binding;
        if (binding is null || !ReferenceEquals(binding.Values, values))
        {
            binding = new RowBinding(values, Items.Select(values.IndexOf).ToArray());
            _binding = binding;
        }

        return binding;
    }

    /// <summary>Items read from a row's cells (the row is the <see cref="CellValue"/> array).</summary>
    private sealed class RowBinding(RowValues values, int[] slots) : IConditionValues
    {
        public RowValues Values => values;

        public ConditionValue Value(int item, object? row)
        {
            var cells = (CellValue[])row!;
            var slot = slots[item];
            return slot < 0 || slot >= cells.Length ? ConditionValue.Blank : ConditionValue.Of(RowValues.Value(cells[slot], values.KindOf(slot)));
        }
    }

    /// <summary>Items read through a lookup by name (the row is the <see cref="Func{T, TResult}"/>).</summary>
    private sealed class NameValues(IReadOnlyList<string> items) : IConditionValues
    {
        public ConditionValue Value(int item, object? row) => ConditionValue.Of(((Func<string, double?>)row!)(items[item]));
    }
}
