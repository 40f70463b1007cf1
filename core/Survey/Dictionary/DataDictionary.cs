namespace Pipeline.Core.Dictionary;

/// <summary>A CSPro data dictionary: levels, their ID items and records. Read-only once loaded.</summary>
public sealed record DataDictionary(
    string Name,
    string Label,
    string Version,
    int RecordTypeStart,
    int RecordTypeLength,
    IReadOnlyList<string> Languages,
    IReadOnlyList<DictionaryLevel> Levels)
{
    /// <summary>The dictionary's label in each of <see cref="Languages"/>, in their order (see <see cref="DictionaryLabels"/>).</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>
    /// The position of the language <paramref name="code"/> (case-insensitive) in <see cref="Languages"/>, or -1.
    /// </summary>
    public int LanguageIndex(string code)
    {
        for (var i = 0; i < Languages.Count; i++)
        {
            if (string.Equals(Languages[i], code, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>ID items of the first level: together they identify a case.</summary>
    public IReadOnlyList<DictionaryItem> CaseIdItems => Levels[0].IdItems;

    /// <summary>Every record of every level.</summary>
    public IEnumerable<DictionaryRecord> Records => Levels.SelectMany(l => l.Records);

    /// <summary>Finds a record by name (case-insensitive), or null.</summary>
    public DictionaryRecord? FindRecord(string name) =>
        Records.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Finds an item (ID or record item) by name (case-insensitive), or null.</summary>
    public DictionaryItem? FindItem(string name) =>
        Levels.SelectMany(l => l.IdItems.Concat(l.Records.SelectMany(r => r.Items)))
              .FirstOrDefault(i => string.Equals(i.Name, name, StringComparison.OrdinalIgnoreCase));
}

public sealed record DictionaryLevel(string Name, string Label, IReadOnlyList<DictionaryItem> IdItems, IReadOnlyList<DictionaryRecord> Records)
{
    /// <inheritdoc cref="DataDictionary.Labels"/>
    public IReadOnlyList<string> Labels { get; init; } = [];
}

public sealed record DictionaryRecord(
    string Name,
    string Label,
    string RecordTypeValue,
    bool Required,
    int MaxRecords,
    IReadOnlyList<DictionaryItem> Items)
{
    /// <inheritdoc cref="DataDictionary.Labels"/>
    public IReadOnlyList<string> Labels { get; init; } = [];
}

public enum ItemDataType
{
    Numeric,
    Alpha,
}

/// <summary>One dictionary item. <see cref="Start"/> is 1-based, in characters, as in the .dcf.</summary>
public sealed record DictionaryItem(
    string Name,
    string Label,
    int Start,
    int Length,
    ItemDataType DataType,
    int Decimals,
    bool DecimalChar,
    bool ZeroFill,
    int Occurrences,
    bool IsSubitem,
    IReadOnlyList<ValueSet> ValueSets)
{
    /// <inheritdoc cref="DataDictionary.Labels"/>
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>The first value set is the one CSPro uses for validation and special values.</summary>
    public ValueSet? PrimaryValueSet => ValueSets.Count > 0 ? ValueSets[0] : null;

    /// <summary>
    /// The date format (<see cref="DateFormat.CsproFormats"/>) when the dictionary captures the item as a date
    /// (<c>CaptureType=Date</c> with <c>CaptureDateFormat</c> in text, <c>"capture": {"type": "date", "dateFormat": ...}</c>
    /// in JSON), or null. A missing or unknown format is CSPro's default for the length; an item CSPro cannot capture as
    /// a date (decimals, a length other than 4, 6 or 8) has none, as CSPro falls back to a text box.
    /// </summary>
    public string? CaptureDateFormat { get; init; }
}

public sealed record ValueSet(string Name, string Label, IReadOnlyList<ValueSetEntry> Values)
{
    /// <inheritdoc cref="DataDictionary.Labels"/>
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>
    /// CSPro's linked value set code (<c>Link=</c> in text, <c>link</c> in JSON), or null. Value sets that share a code
    /// share their values; CSPro writes the values with one of them only, and the readers copy them to the others.
    /// </summary>
    public string? Link { get; init; }

    /// <summary>True when <paramref name="value"/> falls in one of the value set's codes or ranges.</summary>
    public bool ContainsNumber(decimal value) => Values.Any(v => v.ContainsNumber(value));

    /// <summary>True when the alpha <paramref name="value"/> (right-trimmed) equals one of the codes.</summary>
    public bool ContainsText(string value) => Values.Any(v => v.ContainsText(value));

    /// <summary>The label of the code <paramref name="value"/>, or null.</summary>
    public string? LabelOf(decimal value) => Values.FirstOrDefault(v => v.ContainsNumber(value))?.Label;
}

/// <summary>A value-set line: one or more codes or ranges with one label; <see cref="Special"/> marks MISSING, REFUSED, ...</summary>
public sealed record ValueSetEntry(string Label, IReadOnlyList<ValueRange> Pairs, string? Special)
{
    /// <summary>The label in the dictionary's other languages ("Coffee|Café" keeps "Café" here), for matching typed answers.</summary>
    public IReadOnlyList<string> OtherLanguages { get; init; } = [];

    /// <inheritdoc cref="DataDictionary.Labels"/>
    public IReadOnlyList<string> Labels { get; init; } = [];

    public bool ContainsNumber(decimal value) => Pairs.Any(p => p.ContainsNumber(value));

    public bool ContainsText(string value) => Pairs.Any(p => string.Equals(p.From.TrimEnd(), value.TrimEnd(), StringComparison.Ordinal));
}

/// <summary>
/// Picks a label in one of the dictionary's languages. CSPro writes one text per language ("Coffee|Café" in text,
/// <c>labels[{text, language}]</c> in JSON); the readers keep them in <see cref="DataDictionary.Languages"/> order, and
/// <c>Label</c> stays the first language's text, so code that ignores languages reads what it always read.
/// </summary>
public static class DictionaryLabels
{
    /// <summary>The text in language <paramref name="index"/> (see <see cref="DataDictionary.LanguageIndex"/>); the first language's <paramref name="label"/> when that text is missing or empty, as CSPro shows it.</summary>
    public static string In(IReadOnlyList<string> labels, string label, int index)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return index >= 0 && index < labels.Count && labels[index].Length > 0 ? labels[index] : label;
    }

    /// <summary>The item's label in language <paramref name="index"/>.</summary>
    public static string LabelIn(this DictionaryItem item, int index) => In(item.Labels, item.Label, index);

    /// <summary>The record's label in language <paramref name="index"/>.</summary>
    public static string LabelIn(this DictionaryRecord record, int index) => In(record.Labels, record.Label, index);

    /// <summary>The value's label in language <paramref name="index"/>.</summary>
    public static string LabelIn(this ValueSetEntry value, int index) => In(value.Labels, value.Label, index);

    /// <summary>The dictionary's label in language <paramref name="index"/>.</summary>
    public static string LabelIn(this DataDictionary dictionary, int index) => In(dictionary.Labels, dictionary.Label, index);
}

/// <summary>A code (<see cref="To"/> null) or an inclusive range, as written in the dictionary.</summary>
public sealed record ValueRange(string From, string? To)
{
    // Parsed once: validation asks for every numeric cell. Derived from From and To only, so equality is unchanged.
    private readonly decimal? _from = NumberText.TryParseDecimal(From, out var f) ? f : null;
    private readonly decimal? _to = To is not null && NumberText.TryParseDecimal(To, out var t) ? t : null;

    public bool ContainsNumber(decimal value) =>
        _from is { } from && (To is null ? value == from : _to is { } to && value >= from && value <= to);

    /// <summary>The numeric bounds this code or range matches (a code is From = To), or null when it matches no number.</summary>
    internal (decimal From, decimal To)? NumericBounds =>
        _from is not { } from ? null : To is null ? (from, from) : _to is { } to ? (from, to) : null;
}

/// <summary>
/// A value set's numeric codes and ranges flattened into one array, for the per-cell check of validation: the same
/// answers as <see cref="ValueSet.ContainsNumber"/> without walking the entries (measured hot path).
/// </summary>
internal sealed class NumericCodes
{
    private readonly decimal[] _from;
    private readonly decimal[] _to;

    // The same ranges for whole numbers: v is in [from, to] exactly when ceiling(from) <= v <= floor(to).
    private readonly long[] _wholeFrom;
    private readonly long[] _wholeTo;

    public NumericCodes(ValueSet valueSet)
    {
        ArgumentNullException.ThrowIfNull(valueSet);
        var bounds = valueSet.Values.SelectMany(v => v.Pairs).Select(p => p.NumericBounds).OfType<(decimal From, decimal To)>().ToArray();
        _from = bounds.Select(b => b.From).ToArray();
        _to = bounds.Select(b => b.To).ToArray();
        _wholeFrom = _from.Select(f => (long)Math.Clamp(decimal.Ceiling(f), long.MinValue, long.MaxValue)).ToArray();
        _wholeTo = _to.Select(t => (long)Math.Clamp(decimal.Floor(t), long.MinValue, long.MaxValue)).ToArray();
    }

    /// <summary><see cref="Contains(decimal)"/> for a whole number, without decimal arithmetic.</summary>
    public bool Contains(long value)
    {
        for (var i = 0; i < _wholeFrom.Length; i++)
        {
            if (value >= _wholeFrom[i] && value <= _wholeTo[i])
            {
                return true;
            }
        }

        return false;
    }

    public bool Contains(decimal value)
    {
        for (var i = 0; i < _from.Length; i++)
        {
            if (value >= _from[i] && value <= _to[i])
            {
                return true;
            }
        }

        return false;
    }
}
