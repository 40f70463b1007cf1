using System.Collections.Concurrent;
using System.Collections.Frozen;

namespace Pipeline.Core.Conditions;

/// <summary>
/// A pack file's expressions, parsed once when the pack is loaded and checked, then shared by every upload: the
/// per-upload consumers (rules, cleaning, case checks) look them up by text instead of parsing them again. Parsed
/// expressions are immutable, so sharing them across concurrent uploads is safe.
/// </summary>
/// <remarks>
/// Two modes. A catalogue loaded by <c>SurveyPack.LoadAsync</c> is checked, which parses every expression, and then
/// <see cref="Freeze"/>d: from then on the set is fixed, and asking for a text that was not parsed at load throws
/// instead of parsing it during an upload. A catalogue built in code (tests, tools) and never frozen keeps the lazy
/// path: an expression is parsed on first use and kept.
/// </remarks>
public sealed class CompiledExpressions
{
    private readonly ConcurrentDictionary<string, ConditionExpression> _conditions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConditionExpression> _values = new(StringComparer.Ordinal);
    private FrozenDictionary<string, ConditionExpression>? _frozenConditions;
    private FrozenDictionary<string, ConditionExpression>? _frozenValues;

    /// <summary>True once <see cref="Freeze"/> has run: no expression is parsed any more.</summary>
    public bool IsFrozen => _frozenConditions is not null;

    /// <summary>
    /// The condition <paramref name="text"/>, parsed at load. Before <see cref="Freeze"/>, a text not seen yet is parsed
    /// and kept; after it, such a text throws <see cref="InvalidOperationException"/>.
    /// </summary>
    public ConditionExpression Condition(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return _frozenConditions is { } frozen
            ? Lookup(frozen, text, "condition")
            : _conditions.GetOrAdd(text, ConditionExpression.Parse);
    }

    /// <summary>The value expression <paramref name="text"/>; see <see cref="Condition"/>.</summary>
    public ConditionExpression Value(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return _frozenValues is { } frozen
            ? Lookup(frozen, text, "value expression")
            : _values.GetOrAdd(text, ConditionExpression.ParseValue);
    }

    /// <summary>Fixes the set of parsed expressions; called once the pack's catalogue has been checked at load.</summary>
    public void Freeze()
    {
        _frozenValues = _values.ToFrozenDictionary(StringComparer.Ordinal);
        _frozenConditions = _conditions.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static ConditionExpression Lookup(FrozenDictionary<string, ConditionExpression> frozen, string text, string kind) =>
        frozen.TryGetValue(text, out var parsed)
            ? parsed
            : throw new InvalidOperationException($"The {kind} '{text}' was not parsed when the pack loaded; a loaded pack parses no expression after load.");
}
