using System.Collections.Concurrent;

namespace Pipeline.Core.Conditions;

/// <summary>
/// A pack file's expressions, parsed once when the pack is loaded and checked, then shared by every upload: the
/// per-upload consumers (rules, cleaning, case checks) look them up by text instead of parsing them again. Parsed
/// expressions are immutable, so sharing them across concurrent uploads is safe.
/// </summary>
public sealed class CompiledExpressions
{
    private readonly ConcurrentDictionary<string, ConditionExpression> _conditions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConditionExpression> _values = new(StringComparer.Ordinal);

    /// <summary>The condition <paramref name="text"/>: parsed at load; a catalogue built in code and never checked parses it on first use.</summary>
    public ConditionExpression Condition(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return _conditions.GetOrAdd(text, ConditionExpression.Parse);
    }

    /// <summary>The value expression <paramref name="text"/>; see <see cref="Condition"/>.</summary>
    public ConditionExpression Value(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return _values.GetOrAdd(text, ConditionExpression.ParseValue);
    }
}
