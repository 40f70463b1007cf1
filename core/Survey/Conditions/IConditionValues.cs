namespace Pipeline.Core.Conditions;

/// <summary>
/// Where a <see cref="ConditionExpression"/> reads its items. An implementation is made once per source of rows (a
/// record's columns, a generator scope) and shared; what changes per row travels as <c>row</c>, so evaluating a row
/// allocates nothing.
/// </summary>
public interface IConditionValues
{
    /// <summary>The value of <see cref="ConditionExpression.Items"/>[<paramref name="item"/>] in <paramref name="row"/>.</summary>
    ConditionValue Value(int item, object? row);
}
