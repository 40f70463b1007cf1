using Pipeline.Core.Dictionary;
using Pipeline.Core.Readers;

namespace Pipeline.Generator.Spec;

/// <summary>How one record is generated: when it is present, how many occurrences, how each column is drawn.</summary>
internal sealed class RecordPlan
{
    public RecordPlan(int index, DictionaryRecord record, RecordLayout layout)
    {
        Index = index;
        Record = record;
        Layout = layout;
        Items = new ItemPlan[layout.Columns.Count];
    }

    /// <summary>Position of the record in the dictionary.</summary>
    public int Index { get; }

    public DictionaryRecord Record { get; }

    public RecordLayout Layout { get; }

    public string Name => Record.Name;

    /// <summary>A record that occurs at most once per case: its items can be named anywhere in the spec.</summary>
    public bool IsSingle => Record.MaxRecords <= 1;

    /// <summary>One plan per layout column (ID columns included).</summary>
    public ItemPlan[] Items { get; }

    /// <summary>The record's own <c>when</c>: without it the case has no occurrence of the record.</summary>
    public Condition? When { get; set; }

    /// <summary>Skip rules that leave the whole record out.</summary>
    public List<SkipRule> Skips { get; } = [];

    /// <summary>How many occurrences (repeating records); capped at <c>MaxRecords</c>. Null: 1 for a single record.</summary>
    public Draw? Count { get; set; }

    /// <summary>Sort the occurrences by this item once drawn (as a roster read in the questionnaire's row order).</summary>
    public ItemPlan? SortBy { get; set; }

    public List<GroupPlan> Groups { get; } = [];

    public List<SumPlan> Sums { get; } = [];

    /// <summary>True when the case has this record (before counting occurrences).</summary>
    public bool Present(IValueScope scope) =>
        (When is null || When.Holds(scope)) && !Skips.Exists(s => s.If.Holds(scope));

    public override string ToString() => Name;
}

/// <summary>How one column of a record is drawn, and when it is asked.</summary>
internal sealed class ItemPlan(RecordPlan record, int column, string name, DictionaryItem item)
{
    public RecordPlan Record { get; } = record;

    public int Column { get; } = column;

    /// <summary>The layout column name (the item name, or NAME_k for an item occurrence).</summary>
    public string Name { get; } = name;

    public DictionaryItem Item { get; } = item;

    /// <summary>The item's own <c>when</c> (from the yaml, or the default of an <c>_OTH</c> text).</summary>
    public Condition? When { get; set; }

    /// <summary>Skip rules listing the item: when one holds, the item is blank.</summary>
    public List<SkipRule> Skips { get; } = [];

    /// <summary>The draw; null when a group or a sum owns the item.</summary>
    public Draw? Draw { get; set; }

    public GroupPlan? Group { get; set; }

    public SumPlan? Sum { get; set; }

    /// <summary>Each occurrence of the roster gets a different value (crops, company names).</summary>
    public bool Distinct { get; set; }

    /// <summary>The value is the occurrence number (renumbered after sorting).</summary>
    public bool IsOccurrenceNumber { get; set; }

    /// <summary>True when the yaml says how to draw the item (false: a default from the dictionary).</summary>
    public bool Specified { get; set; }

    /// <summary>A stratum item or the case sequence: filled by the generator, never by a draw or a fault.</summary>
    public bool IsDesignItem { get; set; }

    /// <summary>True when the question is asked in this case: its <c>when</c> holds and no skip rule applies.</summary>
    public bool Asked(IValueScope scope) =>
        (When is null || When.Holds(scope)) && !Skips.Exists(s => s.If.Holds(scope));

    /// <summary>True when an asked item may still be blank (a multiple-choice option, a <c>share</c>, a copy of a blank).</summary>
    public bool MayBeBlank => Group is not null || (Draw?.MayBeBlank ?? false);

    public override string ToString() => $"{Record.Name}.{Name}";
}

/// <summary>
/// A questionnaire skip: when <see cref="If"/> holds, the listed items are blank and the listed records absent.
/// E.g. <c>if: "Q12_MEMBER = 2"</c> blanks Q15–Q21 and leaves out ORG_REC.
/// </summary>
internal sealed record SkipRule(string Label, Condition If, SpecLocation Where);

/// <summary>
/// A multiple-choice question laid out as one 1/blank item per option: the options are drawn together, each marked
/// with its probability, at least <see cref="AtLeast"/> of them; an exclusive option ("don't know") is then alone.
/// </summary>
internal sealed class GroupPlan(string name, SpecLocation where)
{
    public string Name { get; } = name;

    public SpecLocation Where { get; } = where;

    public Condition? When { get; set; }

    public List<ItemPlan> Options { get; } = [];

    /// <summary>Per-option probabilities (optionally by another value), in the order of <see cref="Options"/>.</summary>
    public OptionWeights Weights { get; set; } = null!;

    public int AtLeast { get; set; }

    public HashSet<ItemPlan> Exclusive { get; } = [];
}

/// <summary>
/// The probabilities of a group's options, possibly chosen by another value (<c>by</c>), and by further values inside
/// each case (a nested <c>by</c>: e.g. by alliance, then by producer size), so that the rates can be conditional on
/// several case variables at once.
/// </summary>
internal sealed class OptionWeights
{
    private readonly double[]? _fixed;
    private readonly NameRef? _by;
    private readonly IReadOnlyDictionary<decimal, OptionWeights>? _cases;
    private readonly OptionWeights? _fallback;

    /// <summary>One set of probabilities for every case.</summary>
    public OptionWeights(double[] weights) => _fixed = weights;

    /// <summary>Probabilities chosen by the value of <paramref name="by"/>; <paramref name="fallback"/> is the "*" case.</summary>
    public OptionWeights(NameRef by, IReadOnlyDictionary<decimal, OptionWeights> cases, OptionWeights? fallback, SpecLocation where)
    {
        _by = by;
        _cases = cases;
        _fallback = fallback;
        Where = where;
    }

    /// <summary>Where the <c>by</c> is written (for messages); default for fixed probabilities.</summary>
    public SpecLocation Where { get; }

    /// <summary>The key of a <c>by</c> table; null for fixed probabilities.</summary>
    public NameRef? By => _by;

    public IEnumerable<decimal> NumericKeys => _cases?.Keys ?? [];

    public bool HasFallback => _fallback is not null;

    /// <summary>This table and every table nested in it.</summary>
    public IEnumerable<OptionWeights> Tables()
    {
        yield return this;
        foreach (var inner in (_cases?.Values ?? []).Concat(_fallback is null ? [] : [_fallback]))
        {
            foreach (var table in inner.Tables())
            {
                yield return table;
            }
        }
    }

    public double[] For(IValueScope scope)
    {
        if (_fixed is not null)
        {
            return _fixed;
        }

        var value = scope.Value(_by!);
        var chosen = value.IsNumber && _cases!.TryGetValue(value.Number, out var inner) ? inner : _fallback;
        return chosen?.For(scope) ?? throw new GeneratorSpecException(Where, $"'by: {_by!.Name}' of a group has no case for {value} and no \"*\" case.");
    }
}

/// <summary>Counts that must add up: the parts are a random split of the total (with reserved minimums).</summary>
internal sealed class SumPlan(ItemPlan total, ItemPlan[] parts, double[] weights, (int Part, Condition If)[] atLeastOne, SpecLocation where)
{
    public ItemPlan Total { get; } = total;

    public ItemPlan[] Parts { get; } = parts;

    public double[] Weights { get; } = weights;

    /// <summary>Parts that get at least 1 when their condition holds (the respondent counts in their own sex and age group).</summary>
    public (int Part, Condition If)[] AtLeastOne { get; } = atLeastOne;

    public SpecLocation Where { get; } = where;

    public string Describe() => $"{string.Join(" + ", Parts.Select(p => p.Name))} = {Total.Name}";
}

/// <summary>A hidden case-level variable (e.g. producer size), drawn once per case, never written.</summary>
internal sealed record LatentPlan(string Name, int Index, Draw Draw);

/// <summary>A case-level value from a repeating record: 1 when some occurrence satisfies <see cref="Where"/>, else 2.</summary>
internal sealed record DerivedPlan(string Name, int Index, RecordPlan Roster, Condition Where);
