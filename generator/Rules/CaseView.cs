using Pipeline.Generator.Cases;
using Pipeline.Generator.Spec;

namespace Pipeline.Generator.Rules;

/// <summary>
/// The values of a finished case (generated, or read back from a file), for evaluating the spec's conditions on it:
/// single-record items, the current occurrence of a repeating record, derived variables. Latent variables are not in
/// the data, which is why conditions may not name them.
/// </summary>
internal sealed class CaseView : IValueScope
{
    private readonly GeneratorSpec _spec;
    private readonly GeneratedRecord?[] _singles;
    private readonly List<GeneratedRecord>[] _rosters;
    private readonly GeneratedValue?[] _derived;

    public CaseView(GeneratorSpec spec, GeneratedCase generated)
    {
        _spec = spec;
        Case = generated;
        _singles = new GeneratedRecord?[spec.Records.Length];
        _rosters = spec.Records.Select(_ => new List<GeneratedRecord>()).ToArray();
        _derived = new GeneratedValue?[spec.Derived.Length];
        foreach (var record in generated.Records)
        {
            var index = Array.FindIndex(spec.Records, r => r.Record == record.Record);
            if (spec.Records[index].IsSingle)
            {
                _singles[index] ??= record;
            }
            else
            {
                _rosters[index].Add(record);
            }
        }
    }

    public GeneratedCase Case { get; }

    /// <summary>The occurrence conditions are evaluated on, when they name items of a repeating record.</summary>
    public GeneratedRecord? Current { get; set; }

    public GeneratedRecord? Single(RecordPlan plan) => _singles[plan.Index];

    public IReadOnlyList<GeneratedRecord> Roster(RecordPlan plan) => _rosters[plan.Index];

    /// <summary>The rows of a record: the single occurrence, or the roster's occurrences.</summary>
    public IReadOnlyList<GeneratedRecord> Rows(RecordPlan plan) =>
        plan.IsSingle ? (_singles[plan.Index] is { } single ? [single] : []) : _rosters[plan.Index];

    public GeneratedValue Value(NameRef name)
    {
        switch (name.Kind)
        {
            case RefKind.SingleItem:
                var record = _singles[name.Record!.Index] ?? (name.Record.Layout.Columns[name.Column].IsId ? FirstRecordWithIds() : null);
                return record is null ? GeneratedValue.Blank : record.Values[name.Column];
            case RefKind.RosterItem:
                return Current is not null && Current.Record == name.Record!.Record ? Current.Values[name.Column] : GeneratedValue.Blank;
            case RefKind.Occurrence:
                return GeneratedValue.Of(Current?.Occurrence ?? 0);
            case RefKind.Derived:
                return _derived[name.Index] ??= Derived(_spec.Derived[name.Index]);
            case RefKind.Stratum:
                return GeneratedValue.OfText(Case.Stratum.Id);
            default:
                throw new InvalidOperationException($"{name.Name} is a latent variable; it is not in the data.");
        }
    }

    /// <summary>An orphan case has no main record; its IDs are still on the roster lines (ID columns come first in every layout).</summary>
    private GeneratedRecord? FirstRecordWithIds() => Case.Records.Count > 0 ? Case.Records[0] : null;

    private GeneratedValue Derived(DerivedPlan plan)
    {
        var previous = Current;
        var any = false;
        foreach (var row in _rosters[plan.Roster.Index])
        {
            Current = row;
            any |= plan.Where.Holds(this);
        }

        Current = previous;
        return GeneratedValue.Of(any ? 1 : 2);
    }
}
