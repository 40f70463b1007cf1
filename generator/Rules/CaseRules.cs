using Pipeline.Core.Dictionary;
using Pipeline.Core.Packs;
using Pipeline.Core.Readers;
using Pipeline.Generator.Cases;
using Pipeline.Generator.Spec;

namespace Pipeline.Generator.Rules;

/// <summary>One broken rule in one case: where (record, occurrence, item), which rule, and what was found.</summary>
public sealed record RuleViolation(string CaseKey, string Record, int Occurrence, string Item, string Rule, string Message);

/// <summary>
/// Checks a case against the dictionary and the spec: every value in its value set, every skip of the questionnaire
/// (an item not asked is blank, an item asked is answered), the sums, the multiple-choice groups, the repeating records'
/// presence and counts, "other (specify)" texts that repeat a listed answer, extreme values, the main record's presence.
/// Clean generated cases break none of them; each injected fault breaks the rule its kind names.
/// </summary>
public sealed class CaseRules(GeneratorSpec spec)
{
    /// <summary>Rule names, as <see cref="RuleViolation.Rule"/> gives them.</summary>
    public static class Names
    {
        public const string ValueSet = "value-set";
        public const string Length = "length";
        public const string Skip = "skip";
        public const string Missing = "missing";
        public const string Sum = "sum";
        public const string Group = "group";
        public const string RecordSkip = "record-skip";
        public const string RosterCount = "roster-count";
        public const string Distinct = "distinct";
        public const string Occurrence = "occurrence";
        public const string OtherSpecify = "other-specify";
        public const string Extreme = "extreme";
        public const string Orphan = "orphan";
    }

    private readonly GeneratorSpec _spec = spec ?? throw new ArgumentNullException(nameof(spec));

    /// <summary>Every rule the case breaks (empty for a clean case).</summary>
    public IReadOnlyList<RuleViolation> Check(GeneratedCase generated)
    {
        ArgumentNullException.ThrowIfNull(generated);
        var view = new CaseView(_spec, generated);
        var found = new List<RuleViolation>();
        var key = generated.Key;
        if (view.Single(_spec.Main) is null)
        {
            found.Add(new RuleViolation(key, _spec.Main.Name, 1, string.Empty, Names.Orphan, $"the case has records but no {_spec.Main.Name}."));
        }

        foreach (var plan in _spec.Records)
        {
            var rows = view.Rows(plan);
            if (!plan.IsSingle)
            {
                CheckRoster(plan, rows, view, key, found);
            }

            foreach (var row in rows)
            {
                view.Current = plan.IsSingle ? null : row;
                CheckValues(plan, row, view, key, found);
            }

            view.Current = null;
        }

        return found;
    }

    /// <summary>
    /// A case read back from an export: its rows (layout and raw text per column, as the readers give them), any order.
    /// The stratum is found from the stratum items' codes.
    /// </summary>
    public GeneratedCase FromExport(long number, IEnumerable<(RecordLayout Layout, IReadOnlyList<string?> Fields)> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var records = new List<GeneratedRecord>();
        foreach (var (layout, fields) in rows)
        {
            var values = new GeneratedValue[layout.Columns.Count];
            for (var c = 0; c < values.Length; c++)
            {
                values[c] = GeneratedValue.Parse(c < fields.Count ? fields[c] : null, layout.Columns[c].Item);
            }

            var occurrence = records.Count(r => r.Record == layout.Record) + 1;
            records.Add(new GeneratedRecord(layout, occurrence, values));
        }

        records = [.. records.OrderBy(r => Array.FindIndex(_spec.Records, p => p.Record == r.Record)).ThenBy(r => r.Occurrence)];
        return new GeneratedCase(number, StratumOf(records), records);
    }

    private Stratum StratumOf(List<GeneratedRecord> records)
    {
        var strata = _spec.Pack.Strata;
        foreach (var stratum in strata)
        {
            var matches = stratum.Codes.All(code => records.Any(r => r.Layout.IndexOf(code.Key) is var i && i >= 0 && r.Values[i] is { IsNumber: true } v && v.Number == code.Value));
            if (matches)
            {
                return stratum;
            }
        }

        return new Stratum("(unknown)", "(no stratum matches the case's codes)", new Dictionary<string, long>(), 0, 0);
    }

    private static void CheckRoster(RecordPlan plan, IReadOnlyList<GeneratedRecord> rows, CaseView view, string key, List<RuleViolation> found)
    {
        view.Current = null;
        if (!plan.Present(view))
        {
            if (rows.Count > 0)
            {
                found.Add(new RuleViolation(key, plan.Name, 1, string.Empty, Names.RecordSkip, $"{plan.Name} has {rows.Count} record(s) but is not asked here ({Why(plan.When, plan.Skips, view)})."));
            }

            return;
        }

        if (plan.Count is CopyDraw copy && !plan.Items.Any(i => i.Distinct))
        {
            var source = view.Value(copy.Source);
            var expected = source.IsNumber ? (int)Math.Min(source.Number, plan.Record.MaxRecords) : 0;
            if (rows.Count != expected)
            {
                found.Add(new RuleViolation(key, plan.Name, rows.Count, copy.Source.Name, Names.RosterCount, $"{plan.Name} has {rows.Count} record(s); {copy.Source.Name} = {source} asks for {expected}."));
            }
        }

        foreach (var item in plan.Items.Where(i => i.Distinct))
        {
            var values = rows.Select(r => r.Values[item.Column]).Where(v => !v.IsBlank).ToList();
            foreach (var duplicate in values.GroupBy(v => v).Where(g => g.Count() > 1))
            {
                found.Add(new RuleViolation(key, plan.Name, 0, item.Name, Names.Distinct, $"{item.Name} = {duplicate.Key} appears in {duplicate.Count()} occurrences; each occurrence has its own."));
            }
        }
    }

    private void CheckValues(RecordPlan plan, GeneratedRecord row, CaseView view, string key, List<RuleViolation> found)
    {
        void Add(string item, string rule, string message) => found.Add(new RuleViolation(key, plan.Name, row.Occurrence, item, rule, message));

        for (var c = 0; c < plan.Items.Length; c++)
        {
            var item = plan.Items[c];
            var value = row.Values[c];
            CheckValueSet(item, value, Add);
            if (plan.Layout.Columns[c].IsId || item.IsDesignItem)
            {
                continue;
            }

            var asked = item.Asked(view);
            if (!asked && !value.IsBlank)
            {
                Add(item.Name, Names.Skip, $"{item.Name} = {value} but it is not asked here ({Why(item.When, item.Skips, view)}).");
            }
            else if (asked && value.IsBlank && !item.MayBeBlank && !(item.Sum is { } sum && row.Values[sum.Total.Column].IsBlank))
            {
                Add(item.Name, Names.Missing, $"{item.Name} is asked here but blank.");
            }

            if (item.IsOccurrenceNumber && value.IsNumber && value.Number != row.Occurrence)
            {
                Add(item.Name, Names.Occurrence, $"{item.Name} = {value} in occurrence {row.Occurrence}.");
            }
        }

        foreach (var sum in plan.Sums)
        {
            var total = row.Values[sum.Total.Column];
            var parts = sum.Parts.Select(p => row.Values[p.Column]).ToList();
            if (total.IsNumber && parts.All(p => p.IsNumber) && parts.Sum(p => p.Number) != total.Number)
            {
                Add(sum.Total.Name, Names.Sum, $"{sum.Describe()} does not hold: {string.Join(" + ", parts)} = {parts.Sum(p => p.Number)}, {sum.Total.Name} = {total}.");
            }
        }

        foreach (var group in plan.Groups)
        {
            var asked = group.Options.Count(o => o.Asked(view));
            var marked = group.Options.Where(o => row.Values[o.Column] is { IsNumber: true, Number: 1 }).ToList();
            if (asked > 0 && marked.Count < Math.Min(group.AtLeast, asked))
            {
                Add(group.Name, Names.Group, $"group {group.Name} has {marked.Count} option(s) marked; at least {group.AtLeast} expected.");
            }

            if (marked.Count > 1 && marked.Any(group.Exclusive.Contains))
            {
                Add(group.Name, Names.Group, $"group {group.Name}: {marked.First(group.Exclusive.Contains).Name} excludes the other options, but {marked.Count} are marked.");
            }
        }

        foreach (var (basePlan, other) in _spec.OtherTexts.Where(o => o.Other.Record == plan))
        {
            var text = row.Values[other.Column].Text;
            if (!string.IsNullOrWhiteSpace(text) && FaultLabels.Siblings(basePlan).Any(l => string.Equals(l, text.Trim(), StringComparison.OrdinalIgnoreCase)))
            {
                Add(other.Name, Names.OtherSpecify, $"{other.Name} = \"{text}\" repeats an answer the question lists; it should be coded, not typed as 'other'.");
            }
        }

        foreach (var (item, above) in _spec.Extreme.Where(e => e.Item.Record == plan))
        {
            if (row.Values[item.Column] is { IsNumber: true } v && v.Number > above)
            {
                Add(item.Name, Names.Extreme, $"{item.Name} = {v} is above {above}, the largest plausible value.");
            }
        }
    }

    private static void CheckValueSet(ItemPlan item, GeneratedValue value, Action<string, string, string> add)
    {
        if (value.IsBlank)
        {
            return;
        }

        if (item.Item.DataType == ItemDataType.Alpha)
        {
            if (value.Text!.Length > item.Item.Length)
            {
                add(item.Name, Names.Length, $"{item.Name} has {value.Text.Length} characters; the item holds {item.Item.Length}.");
            }

            return;
        }

        if (!value.IsNumber)
        {
            add(item.Name, Names.ValueSet, $"{item.Name} = '{value.Text}' is not a number.");
        }
        else if (item.Item.PrimaryValueSet is { } valueSet && !valueSet.ContainsNumber(value.Number))
        {
            add(item.Name, Names.ValueSet, $"{item.Name} = {value} is not in value set {valueSet.Name}.");
        }
    }

    private static string Why(Condition? when, List<SkipRule> skips, IValueScope view)
    {
        var reasons = new List<string>();
        if (when is not null && !when.Holds(view))
        {
            reasons.Add($"'{when.Text}' does not hold");
        }

        reasons.AddRange(skips.Where(s => s.If.Holds(view)).Select(s => $"skip: {s.If.Text}"));
        return string.Join("; ", reasons);
    }
}
