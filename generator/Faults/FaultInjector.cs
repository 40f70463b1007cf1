using System.Globalization;
using Pipeline.Core.Dictionary;
using Pipeline.Generator.Cases;
using Pipeline.Generator.Rules;
using Pipeline.Generator.Spec;

namespace Pipeline.Generator.Faults;

/// <summary>
/// Puts case faults into generated cases, at the rates of a <see cref="FaultPlan"/>, with the case's own fault stream
/// of random numbers (so the clean values of every case stay what they are without faults). A case gets at most one
/// fault: the kinds are tried in the order of <see cref="FaultKind"/>, and a kind that has nothing to change in the
/// case (no sum, no roster to orphan) lets the next kind try. Only the keys of the last few cases are kept.
/// </summary>
public sealed class FaultInjector
{
    private const int RecentKeys = 32;
    private static readonly FaultKind[] CaseKinds = Enum.GetValues<FaultKind>().Where(k => !FaultPlan.IsFileFault(k)).ToArray();
    private readonly GeneratorSpec _spec;
    private readonly FaultPlan _plan;
    private readonly int _seed;
    private readonly Queue<GeneratedValue[]> _recentIds = new();
    private readonly int[] _idColumns;

    public FaultInjector(GeneratorSpec spec, FaultPlan plan, int seed)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(plan);
        _spec = spec;
        _plan = plan;
        _seed = seed;
        _idColumns = [.. spec.Main.Layout.CaseIdColumns];
    }

    /// <summary>Injects at most one fault into <paramref name="generated"/> (changing it) and returns what was injected.</summary>
    public InjectedFault? Apply(GeneratedCase generated)
    {
        ArgumentNullException.ThrowIfNull(generated);
        if (_plan.IsEmpty)
        {
            return null;
        }

        var random = new CaseRandom(_seed, generated.Number, CaseSeeds.Faults);
        InjectedFault? injected = null;
        foreach (var kind in CaseKinds)
        {
            var hit = random.NextDouble() < _plan.Rates.GetValueOrDefault(kind);
            if (hit && injected is null)
            {
                injected = Inject(kind, generated, random);
            }
        }

        // The keys as written: a duplicate copies a key that is in the file, never one a fault replaced, and never the
        // key of an orphaned case (its main record is gone, so a copy of its key would not be a duplicate but would
        // adopt the orphan's roster rows).
        if (injected?.Kind != FaultKind.Orphan)
        {
            _recentIds.Enqueue(_idColumns.Select(c => generated.Records[0].Values[c]).ToArray());
        }

        if (_recentIds.Count > RecentKeys)
        {
            _recentIds.Dequeue();
        }

        return injected;
    }

    private InjectedFault? Inject(FaultKind kind, GeneratedCase generated, Random random)
    {
        var view = new CaseView(_spec, generated);
        return kind switch
        {
            FaultKind.BadCode => ReplaceValue(kind, generated, random, Candidates(view, asked: true).Where(c => IsDiscrete(c.Plan.Item)), BadCode),
            FaultKind.OutOfRange => ReplaceValue(kind, generated, random, Candidates(view, asked: true).Where(c => HasRange(c.Plan.Item)), OutOfRange),
            FaultKind.NonNumeric => ReplaceValue(kind, generated, random, Candidates(view, asked: true).Where(c => c.Plan.Item is { Length: >= 2, Decimals: 0 }), NonNumeric),
            FaultKind.Skip => ReplaceValue(kind, generated, random, Candidates(view, asked: false).Where(c => c.Row.Record == _spec.Main.Record && c.Plan.Item.PrimaryValueSet is not null), (plan, _, r) => ValidValue(plan.Item, r)),
            FaultKind.Sum => Sum(generated, random),
            FaultKind.Extreme => Extreme(generated, random),
            FaultKind.OtherSpecify => OtherSpecify(view, generated, random),
            FaultKind.DuplicateId => DuplicateId(generated, random),
            _ => Orphan(generated),
        };
    }

    /// <summary>Numeric items of the case that are (or are not) asked; IDs and design items are never touched.</summary>
    private List<(GeneratedRecord Row, ItemPlan Plan)> Candidates(CaseView view, bool asked)
    {
        var candidates = new List<(GeneratedRecord, ItemPlan)>();
        foreach (var row in view.Case.Records)
        {
            var plan = _spec.Records[row.Record == _spec.Main.Record ? _spec.MainIndex : Array.FindIndex(_spec.Records, r => r.Record == row.Record)];
            view.Current = plan.IsSingle ? null : row;
            foreach (var item in plan.Items)
            {
                if (plan.Layout.Columns[item.Column].IsId || item.IsDesignItem || item.Item.DataType != ItemDataType.Numeric)
                {
                    continue;
                }

                var value = row.Values[item.Column];
                if (asked ? value.IsNumber : value.IsBlank && !item.Asked(view))
                {
                    candidates.Add((row, item));
                }
            }
        }

        view.Current = null;
        return candidates;
    }

    private static InjectedFault? ReplaceValue(FaultKind kind, GeneratedCase generated, Random random, IEnumerable<(GeneratedRecord Row, ItemPlan Plan)> candidates, Func<ItemPlan, GeneratedValue, Random, GeneratedValue?> change)
    {
        var list = candidates.ToList();
        while (list.Count > 0)
        {
            var pick = random.Next(list.Count);
            var (row, plan) = list[pick];
            var before = row.Values[plan.Column];
            if (change(plan, before, random) is { } after)
            {
                row.Values[plan.Column] = after;
                return Fault(generated, row, plan.Name, kind, after.ToExportText(plan.Item) ?? string.Empty, before.ToExportText(plan.Item) ?? string.Empty);
            }

            list.RemoveAt(pick);
        }

        return null;
    }

    private static InjectedFault Fault(GeneratedCase generated, GeneratedRecord row, string item, FaultKind kind, string value, string original) =>
        new(generated.Key, row.Record.Name, row.Occurrence, item, kind, value, original, string.Empty);

    private static GeneratedValue? BadCode(ItemPlan plan, GeneratedValue before, Random random)
    {
        var item = plan.Item;
        var valueSet = item.PrimaryValueSet!;
        var largest = valueSet.Values.SelectMany(v => v.Pairs).Select(p => Number(p.From)).Max();
        var ceiling = Math.Min(MaxFitting(item), largest + 9);
        var codes = new List<decimal>();
        for (var code = 0m; code <= ceiling; code++)
        {
            if (!valueSet.ContainsNumber(code))
            {
                codes.Add(code);
            }
        }

        return codes.Count > 0 ? GeneratedValue.Of(codes[random.Next(codes.Count)]) : null;
    }

    private static GeneratedValue? OutOfRange(ItemPlan plan, GeneratedValue before, Random random)
    {
        var item = plan.Item;
        var valueSet = item.PrimaryValueSet!;
        var pairs = valueSet.Values.Where(v => v.Special is null).SelectMany(v => v.Pairs).ToList();
        var min = pairs.Min(p => Number(p.From));
        var max = pairs.Max(p => Number(p.To ?? p.From));
        var step = 1m / Pow10(item.Decimals);
        var options = Enumerable.Range(1, 5).SelectMany(j => new[] { max + (step * j * j), min - (step * j * j) })
            .Where(v => !valueSet.ContainsNumber(v) && Fits(v, item)).ToList();
        return options.Count > 0 ? GeneratedValue.Of(options[random.Next(options.Count)]) : null;
    }

    private static GeneratedValue? NonNumeric(ItemPlan plan, GeneratedValue before, Random random)
    {
        var text = before.ToExportText(plan.Item)!;
        var digits = Enumerable.Range(0, text.Length).Where(i => char.IsAsciiDigit(text[i])).ToList();
        if (digits.Count == 0 || text.Length > plan.Item.Length)
        {
            return null;
        }

        // The letters that are typed for digits on a tablet keyboard: O for 0, l for 1, S for 5 ...
        var at = digits[random.Next(digits.Count)];
        var letter = text[at] switch { '0' => 'O', '1' => 'l', '2' => 'Z', '5' => 'S', '6' => 'G', '8' => 'B', _ => 'O' };
        return GeneratedValue.OfText(string.Concat(text.AsSpan(0, at), letter.ToString(), text.AsSpan(at + 1)));
    }

    private static GeneratedValue? ValidValue(DictionaryItem item, Random random)
    {
        var pairs = item.PrimaryValueSet!.Values.Where(v => v.Special is null).SelectMany(v => v.Pairs).ToList();
        if (pairs.Count == 0)
        {
            return null;
        }

        var pair = pairs[random.Next(pairs.Count)];
        return GeneratedValue.Of(Number(pair.From));
    }

    private InjectedFault? Sum(GeneratedCase generated, Random random)
    {
        var options = new List<(GeneratedRecord Row, SumPlan Sum)>();
        foreach (var row in generated.Records)
        {
            var plan = _spec.Records.First(r => r.Record == row.Record);
            options.AddRange(plan.Sums.Where(s => row.Values[s.Total.Column].IsNumber && s.Parts.All(p => row.Values[p.Column].IsNumber)).Select(s => (row, s)));
        }

        if (options.Count == 0)
        {
            return null;
        }

        var (target, sum) = options[random.Next(options.Count)];
        var part = sum.Parts[random.Next(sum.Parts.Length)];
        var before = target.Values[part.Column].Number;
        var valueSet = part.Item.PrimaryValueSet;
        var after = valueSet is null || valueSet.ContainsNumber(before + 1) ? before + 1 : before - 1;
        if (after < 0 || valueSet?.ContainsNumber(after) == false)
        {
            return null;
        }

        target.Values[part.Column] = GeneratedValue.Of(after);
        return Fault(generated, target, part.Name, FaultKind.Sum, after.ToString(CultureInfo.InvariantCulture), before.ToString(CultureInfo.InvariantCulture));
    }

    private InjectedFault? Extreme(GeneratedCase generated, Random random)
    {
        var factor = _spec.ExtremeFactor;
        var options = new List<(GeneratedRecord Row, ItemPlan Plan, decimal Value)>();
        foreach (var (plan, above) in _spec.Extreme)
        {
            foreach (var row in generated.Records.Where(r => r.Record == plan.Record.Record))
            {
                if (row.Values[plan.Column] is { IsNumber: true } v && Math.Min(v.Number * factor, MaxFitting(plan.Item)) is var big && big > above)
                {
                    options.Add((row, plan, big));
                }
            }
        }

        if (options.Count == 0)
        {
            return null;
        }

        var (target, item, value) = options[random.Next(options.Count)];
        var before = target.Values[item.Column];
        target.Values[item.Column] = GeneratedValue.Of(value);
        return Fault(generated, target, item.Name, FaultKind.Extreme, target.Values[item.Column].ToExportText(item.Item)!, before.ToExportText(item.Item)!);
    }

    private InjectedFault? OtherSpecify(CaseView view, GeneratedCase generated, Random random)
    {
        var options = new List<(GeneratedRecord Row, ItemPlan Base, ItemPlan Other, string[] Labels)>();
        foreach (var (basePlan, other) in _spec.OtherTexts)
        {
            var labels = FaultLabels.Typed(basePlan).Where(l => l.Length <= other.Item.Length).ToArray();
            if (labels.Length == 0)
            {
                continue;
            }

            var rows = generated.Records.Where(r => r.Record == basePlan.Record.Record).ToList();
            foreach (var row in rows)
            {
                view.Current = basePlan.Record.IsSingle ? null : row;
                var taken = basePlan.Distinct && rows.Any(r => r != row && r.Values[basePlan.Column] is { IsNumber: true, Number: 88 });
                if (basePlan.Asked(view) && !taken)
                {
                    options.Add((row, basePlan, other, labels));
                }
            }
        }

        view.Current = null;
        if (options.Count == 0)
        {
            return null;
        }

        var (target, chosenBase, chosenOther, siblings) = options[random.Next(options.Count)];
        var before = target.Values[chosenOther.Column].ToExportText(chosenOther.Item) ?? string.Empty;
        var text = siblings[random.Next(siblings.Length)];
        target.Values[chosenBase.Column] = GeneratedValue.Of(chosenBase.Group is not null ? 1 : 88);
        target.Values[chosenOther.Column] = GeneratedValue.OfText(text);
        return Fault(generated, target, chosenOther.Name, FaultKind.OtherSpecify, text, before);
    }

    private InjectedFault? DuplicateId(GeneratedCase generated, Random random)
    {
        if (_recentIds.Count == 0)
        {
            return null;
        }

        var original = generated.Key;
        var ids = _recentIds.ElementAt(random.Next(_recentIds.Count));
        foreach (var row in generated.Records)
        {
            for (var i = 0; i < _idColumns.Length; i++)
            {
                row.Values[_idColumns[i]] = ids[i];
            }
        }

        var main = generated.Records[0];
        var names = string.Join("+", _idColumns.Select(c => main.Layout.Columns[c].Name));
        return new InjectedFault(generated.Key, main.Record.Name, 1, names, FaultKind.DuplicateId, generated.Key, original, string.Empty);
    }

    private InjectedFault? Orphan(GeneratedCase generated)
    {
        var main = generated.RecordList.FindIndex(r => r.Record == _spec.Main.Record);
        var firstRoster = generated.Records.FirstOrDefault(r => r.Record != _spec.Main.Record);
        if (main < 0 || firstRoster is null)
        {
            return null;
        }

        var key = generated.Key;
        generated.RecordList.RemoveAt(main);
        return new InjectedFault(key, firstRoster.Record.Name, firstRoster.Occurrence, string.Empty, FaultKind.Orphan, $"{_spec.Main.Name} missing", string.Empty, string.Empty);
    }

    private static bool IsDiscrete(DictionaryItem item) =>
        item.Decimals == 0 && item.PrimaryValueSet is { } vs && vs.Values.All(v => v.Pairs.All(p => p.To is null));

    private static bool HasRange(DictionaryItem item) =>
        item.PrimaryValueSet is { } vs && vs.Values.Any(v => v.Special is null && v.Pairs.Any(p => p.To is not null));

    /// <summary>The largest number the item's width can hold (all 9s, with its decimals).</summary>
    private static decimal MaxFitting(DictionaryItem item)
    {
        var integerDigits = item.Length - (item.Decimals > 0 && item.DecimalChar ? item.Decimals + 1 : item.Decimals);
        return Pow10(integerDigits) - (1m / Pow10(item.Decimals));
    }

    private static bool Fits(decimal value, DictionaryItem item) =>
        value >= 0 ? value <= MaxFitting(item) : -value <= (MaxFitting(item) / 10) - (9m / Pow10(item.Decimals + 1));

    private static decimal Pow10(int n)
    {
        var result = 1m;
        for (var i = 0; i < n; i++)
        {
            result *= 10;
        }

        return result;
    }

    private static decimal Number(string text) => NumberText.TryParseDecimal(text, out var value) ? value : 0;
}
