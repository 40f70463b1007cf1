using System.Globalization;
using Pipeline.Core.Dictionary;
using Pipeline.Generator.Cases;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Generator.Spec;

/// <summary>Draw nodes: distributions, constants, copies, lookups, and the defaults for items the spec leaves out.</summary>
internal sealed partial class SpecParser
{
    private static readonly string[] Kinds = ["codes", "range", "bands", "value", "copy", "text", "occurrence", "time", "timeAfter", "add", "times", "kg", "by"];
    private static readonly string[] Helpers = ["dist", "median", "sigma", "zero", "minutes", "plus", "factor", "per", "cases"];
    private static readonly string[] Modifiers = ["when", "share", "min", "max"];
    private static readonly string[] ItemModifiers = ["when", "share", "min", "max", "distinct"];

    /// <summary>What a draw node produces: the item it fills (when <see cref="Direct"/>, its codes are checked against the value set).</summary>
    private sealed record Target(string What, DictionaryItem? Item, bool Direct, RecordPlan? Context, int Decimals)
    {
        public Target Indirect(int decimals) => this with { Direct = false, Decimals = decimals };
    }

    private (Draw? Draw, Condition? When, bool Distinct) ParseDraw(YamlNode node, Target target, bool itemLevel)
    {
        var where = _yaml.At(node);
        switch (node)
        {
            case YamlScalarNode scalar:
                return (Constant(scalar, target), null, false);
            case YamlSequenceNode sequence:
                return (ShortList(sequence, target), null, false);
        }

        var mapping = _yaml.Mapping(node, target.What);
        var allowed = Kinds.Concat(Helpers).Concat(itemLevel ? ItemModifiers : Modifiers).ToArray();
        var entries = _yaml.Entries(mapping, target.What, allowed).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        var kinds = Kinds.Where(entries.ContainsKey).ToList();
        if (kinds.Count > 1)
        {
            throw _yaml.Error(node, $"{target.What} has both '{kinds[0]}' and '{kinds[1]}'; a draw has one of: {string.Join(", ", Kinds)}.");
        }

        Condition? when = entries.TryGetValue("when", out var whenNode) ? ParseCondition(whenNode, target.Context, $"the 'when' of {target.What}") : null;
        var distinct = entries.TryGetValue("distinct", out var distinctNode) && _yaml.Flag(distinctNode, "distinct");
        if (kinds.Count == 0)
        {
            if (itemLevel && !entries.ContainsKey("share") && !entries.ContainsKey("min") && !entries.ContainsKey("max"))
            {
                return (null, when, distinct); // only 'when': the item keeps its default draw
            }

            throw _yaml.Error(node, $"{target.What} needs one of: {string.Join(", ", Kinds)}.");
        }

        var draw = Kind(kinds[0], entries, node, target);
        if (entries.TryGetValue("min", out var min) | entries.TryGetValue("max", out var max))
        {
            draw = new ClampDraw(where, min is null ? null : _yaml.Number(min, "min"), max is null ? null : _yaml.Number(max, "max"), draw);
        }

        if (entries.TryGetValue("share", out var share))
        {
            draw = new ShareDraw(where, _yaml.Probability(share, "share"), draw);
        }

        if (when is not null && !itemLevel)
        {
            draw = new WhenDraw(where, when, draw);
            when = null;
        }

        return (draw, when, distinct);
    }

    private Draw Kind(string kind, Dictionary<string, YamlNode> entries, YamlNode node, Target target)
    {
        var where = _yaml.At(node);
        var value = entries[kind];
        switch (kind)
        {
            case "codes":
                return Codes(value, target);
            case "range":
                return Range(value, entries, target);
            case "bands":
                return Bands(value, target);
            case "value":
                return Constant(value, target);
            case "copy":
                return new CopyDraw(where, Resolve(_yaml.Scalar(value, "copy"), target.Context, _yaml.At(value), allowLatent: true));
            case "text":
                return Text(value, target);
            case "occurrence":
                return target.Context is { IsSingle: false } && _yaml.Flag(value, "occurrence")
                    ? new OccurrenceDraw(where, new NameRef(NameRef.OccurrenceName, RefKind.Occurrence))
                    : throw _yaml.Error(value, "'occurrence: true' numbers the occurrences of a repeating record; use it there only.");
            case "time":
                var times = Pair(value, "time", "[\"07:00\", \"16:30\"]");
                return new TimeDraw(where, Minutes(times.First), Minutes(times.Second));
            case "timeAfter":
                var minutes = Pair(Required(entries, "minutes", node, "timeAfter"), "minutes", "[40, 95]");
                return new TimeAfterDraw(where, Reference(value, target), (int)_yaml.Number(minutes.First, "minutes"), (int)_yaml.Number(minutes.Second, "minutes"));
            case "add":
                var plus = ParseDraw(Required(entries, "plus", node, "add"), target.Indirect(target.Decimals) with { What = $"the 'plus' of {target.What}" }, itemLevel: false).Draw!;
                return new AddDraw(where, Reference(value, target), plus);
            case "times":
                var factor = Pair(Required(entries, "factor", node, "times"), "factor", "[0.5, 1.0]");
                return new TimesDraw(where, Reference(value, target), (double)_yaml.Number(factor.First, "factor"), (double)_yaml.Number(factor.Second, "factor"), target.Decimals);
            case "kg":
                var kg = ParseDraw(value, target.Indirect(2) with { What = $"the kilograms of {target.What}" }, itemLevel: false).Draw!;
                return new KgDraw(where, kg, Reference(Required(entries, "per", node, "kg"), target), target.Decimals);
            default:
                return By(value, Required(entries, "cases", node, "by"), target);
        }
    }

    private YamlNode Required(Dictionary<string, YamlNode> entries, string key, YamlNode node, string kind) =>
        entries.TryGetValue(key, out var value) ? value : throw _yaml.Error(node, $"'{kind}' needs '{key}'.");

    private NameRef Reference(YamlNode node, Target target) =>
        Resolve(_yaml.Scalar(node, "an item name"), target.Context, _yaml.At(node), allowLatent: true);

    private (YamlNode First, YamlNode Second) Pair(YamlNode node, string what, string example)
    {
        var sequence = _yaml.Sequence(node, what);
        return sequence.Children.Count == 2 ? (sequence[0], sequence[1]) : throw _yaml.Error(node, $"'{what}' is a pair such as {example}.");
    }

    private int Minutes(YamlNode node)
    {
        var text = _yaml.Scalar(node, "a time");
        var parts = text.Split(':');
        return parts.Length == 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out var h) && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var m) && h is >= 0 and < 24 && m is >= 0 and < 60
            ? (h * 60) + m
            : throw _yaml.Error(node, $"'{text}' is not a time; write \"HH:MM\".");
    }

    private CodesDraw Codes(YamlNode node, Target target)
    {
        var weights = new List<(decimal, double)>();
        foreach (var (_, keyNode, weight) in _yaml.Entries(_yaml.Mapping(node, $"the codes of {target.What}"), $"the codes of {target.What}"))
        {
            var code = _yaml.Number(keyNode, "a code");
            CheckNumber(code, keyNode, target);
            weights.Add((code, _yaml.Probability(weight, $"the probability of code {code}", allowAboveOne: true)));
        }

        return weights.Sum(w => w.Item2) > 0 ? new CodesDraw(_yaml.At(node), weights) : throw _yaml.Error(node, $"the codes of {target.What} have no positive probability.");
    }

    private RangeDraw Range(YamlNode node, Dictionary<string, YamlNode> entries, Target target)
    {
        var (first, second) = Pair(node, "range", "[1, 30]");
        var min = _yaml.Number(first, "min");
        var max = _yaml.Number(second, "max");
        if (min > max)
        {
            throw _yaml.Error(node, $"the range of {target.What} goes from {min} down to {max}; write [min, max].");
        }

        CheckNumber(min, first, target);
        CheckNumber(max, second, target);
        var dist = entries.TryGetValue("dist", out var distNode) ? _yaml.Scalar(distNode, "dist") : "uniform";
        var distribution = dist switch
        {
            "uniform" => Distribution.Uniform,
            "lognormal" => Distribution.LogNormal,
            _ => throw _yaml.Error(distNode!, $"dist '{dist}' is not known; use uniform or lognormal."),
        };
        var median = entries.TryGetValue("median", out var medianNode) ? (double)_yaml.Number(medianNode, "median") : 0;
        var sigma = entries.TryGetValue("sigma", out var sigmaNode) ? (double)_yaml.Number(sigmaNode, "sigma") : 0;
        if (distribution == Distribution.LogNormal && (median <= 0 || sigma <= 0))
        {
            throw _yaml.Error(node, $"a lognormal range of {target.What} needs median > 0 and sigma > 0.");
        }

        var zero = 0.0;
        if (entries.TryGetValue("zero", out var zeroNode))
        {
            zero = _yaml.Probability(zeroNode, "zero");
            CheckNumber(0, zeroNode, target);
        }

        var decimals = Math.Max(target.Decimals, Math.Max(Scale(min), Scale(max)));
        return new RangeDraw(_yaml.At(node), min, max, target.Item is null ? decimals : target.Decimals, distribution, median, sigma, zero);
    }

    private BandsDraw Bands(YamlNode node, Target target)
    {
        var bands = new List<(decimal, decimal, double)>();
        foreach (var band in _yaml.Sequence(node, "bands"))
        {
            var parts = _yaml.Sequence(band, "a band");
            if (parts.Children.Count != 3)
            {
                throw _yaml.Error(band, "a band is [min, max, weight].");
            }

            var min = _yaml.Number(parts[0], "min");
            var max = _yaml.Number(parts[1], "max");
            CheckNumber(min, parts[0], target);
            CheckNumber(max, parts[1], target);
            bands.Add((min, max, _yaml.Probability(parts[2], "a band's weight", allowAboveOne: true)));
        }

        return bands.Count > 0 ? new BandsDraw(_yaml.At(node), bands, target.Decimals) : throw _yaml.Error(node, "'bands' is empty.");
    }

    private ConstDraw Constant(YamlNode node, Target target)
    {
        var text = _yaml.Scalar(node, $"the value of {target.What}");
        if (target.Item is { DataType: ItemDataType.Alpha } item)
        {
            if (target.Direct && text.Length > item.Length)
            {
                throw _yaml.Error(node, $"'{text}' has {text.Length} characters; {item.Name} holds {item.Length}.");
            }

            return new ConstDraw(_yaml.At(node), GeneratedValue.OfText(text));
        }

        if (decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            CheckNumber(number, node, target);
            return new ConstDraw(_yaml.At(node), GeneratedValue.Of(number));
        }

        return target.Item is null
            ? new ConstDraw(_yaml.At(node), GeneratedValue.OfText(text))
            : throw _yaml.Error(node, $"'{text}' is not a number; {target.Item.Name} is numeric.");
    }

    private Draw ShortList(YamlSequenceNode sequence, Target target)
    {
        var numbers = sequence.Children.Count == 2 && sequence.All(n => n is YamlScalarNode s && decimal.TryParse(s.Value, NumberStyles.Number, CultureInfo.InvariantCulture, out _));
        if (numbers && target.Item is not { DataType: ItemDataType.Alpha })
        {
            return Range(sequence, [], target);
        }

        return Text(sequence, target);
    }

    private TextDraw Text(YamlNode node, Target target)
    {
        TextList list;
        if (node is YamlSequenceNode inline)
        {
            var entries = inline.Select(e => _yaml.Scalar(e, "a text")).ToArray();
            list = entries.Length > 0 ? new TextList($"the list at line {node.Start.Line}", entries) : throw _yaml.Error(node, "the list of texts is empty.");
        }
        else
        {
            var name = _yaml.Scalar(node, "text");
            list = _lists.GetValueOrDefault(name) ?? throw _yaml.Error(node, $"list '{name}' is not defined under 'lists:' ({(_lists.Count == 0 ? "there are none" : string.Join(", ", _lists.Keys))}).");
        }

        if (target.Direct && target.Item is { } item)
        {
            if (item.DataType != ItemDataType.Alpha)
            {
                throw _yaml.Error(node, $"{item.Name} is numeric; 'text' fills alpha items.");
            }

            if (list.MaxLength > item.Length)
            {
                throw _yaml.Error(node, $"list {list.Name} can give {list.MaxLength} characters; {item.Name} holds {item.Length}.");
            }
        }

        return new TextDraw(_yaml.At(node), list);
    }

    private ByDraw By(YamlNode byNode, YamlNode casesNode, Target target)
    {
        var key = Resolve(_yaml.Scalar(byNode, "by"), target.Context, _yaml.At(byNode), allowLatent: true);
        var byNumber = new Dictionary<decimal, Draw>();
        var byText = new Dictionary<string, Draw>(StringComparer.Ordinal);
        Draw? fallback = null;
        var textKeys = key.Kind == RefKind.Stratum || key.Item is { DataType: ItemDataType.Alpha };
        foreach (var (name, keyNode, value) in _yaml.Entries(_yaml.Mapping(casesNode, $"the cases of {target.What}"), $"the cases of {target.What}"))
        {
            var draw = ParseDraw(value, target with { What = $"{target.What} (case {name})" }, itemLevel: false).Draw!;
            if (name == "*")
            {
                fallback = draw;
            }
            else if (textKeys)
            {
                byText[name] = draw;
            }
            else
            {
                byNumber[_yaml.Number(keyNode, $"a case of 'by: {key.Name}'")] = draw;
            }
        }

        var by = new ByDraw(_yaml.At(byNode), key, byNumber, byText, fallback);
        _byDraws.Add((by, target));
        return by;
    }

    /// <summary>Checks a number against the item it is drawn for: in the value set (or, without one, within the item's length).</summary>
    private void CheckNumber(decimal number, YamlNode node, Target target)
    {
        if (!target.Direct || target.Item is not { } item)
        {
            return;
        }

        if (item.DataType == ItemDataType.Alpha)
        {
            throw _yaml.Error(node, $"{item.Name} is alpha; give it 'text' or a quoted value.");
        }

        if (item.PrimaryValueSet is { } valueSet ? !valueSet.ContainsNumber(number) : !Fits(number, item))
        {
            var codes = item.PrimaryValueSet is { } vs ? string.Join(" ", vs.Values.SelectMany(v => v.Pairs).Select(p => p.To is null ? p.From : $"{p.From}:{p.To}")) : $"numbers of {item.Length} characters";
            throw _yaml.Error(node, $"{number.ToString(CultureInfo.InvariantCulture)} is not in the value set of {item.Name} ({codes}).");
        }
    }

    private static bool Fits(decimal number, DictionaryItem item) =>
        GeneratedValue.FormatNumber(Math.Abs(number), item.Decimals).Length + (number < 0 ? 1 : 0) - (item.Decimals > 0 && !item.DecimalChar ? 1 : 0) <= item.Length;

    private static int Scale(decimal value) => (decimal.GetBits(value)[3] >> 16) & 0xFF;

    /// <summary>
    /// The draw of an item the spec does not describe: uniform over the value set's codes, leaving out 99, 88 and special
    /// values (unless nothing else is left); a value set of ranges gives a uniform number in its first range; a lone
    /// code 1 (a multiple-choice option) is marked half the time; an <c>_OTH</c> text goes with its "other" answer.
    /// </summary>
    private static Draw DefaultDraw(ItemPlan plan, SpecLocation where)
    {
        var item = plan.Item;
        if (item.DataType == ItemDataType.Alpha)
        {
            return new BlankDraw(where);
        }

        var entries = item.PrimaryValueSet?.Values ?? [];
        var codes = entries.Where(v => v.Special is null).SelectMany(v => v.Pairs).Where(p => p.To is null).Select(p => ParseCode(p.From)).ToList();
        if (codes.Count == 1 && codes[0] == 1 && entries.Count == 1)
        {
            return new ShareDraw(where, 0.5, new ConstDraw(where, GeneratedValue.Of(1)));
        }

        var plain = codes.Where(c => c is not 99 and not 88).ToList();
        if (plain.Count > 0 || codes.Count > 0)
        {
            return new CodesDraw(where, (plain.Count > 0 ? plain : codes).Select(c => (c, 1.0)).ToList());
        }

        var range = entries.Where(v => v.Special is null).SelectMany(v => v.Pairs).FirstOrDefault(p => p.To is not null);
        return range is not null
            ? new RangeDraw(where, ParseCode(range.From), ParseCode(range.To!), item.Decimals, Distribution.Uniform, 0, 0, 0)
            : new RangeDraw(where, 0, (decimal)Math.Pow(10, item.Length - (item.Decimals > 0 && item.DecimalChar ? item.Decimals + 1 : item.Decimals)) - 1, 0, Distribution.Uniform, 0, 0, 0);
    }

    private static decimal ParseCode(string text) => NumberText.TryParseDecimal(text, out var value) ? value : 0;

    private void ApplyDefaults()
    {
        foreach (var plan in _spec.Records.SelectMany(r => r.Items.Where(i => !r.Layout.Columns[i.Column].IsId || r == _spec.Main)))
        {
            if (plan.Name.EndsWith("_OTH", StringComparison.OrdinalIgnoreCase) && plan.Item.DataType == ItemDataType.Alpha && !plan.Specified && BaseOf(plan) is { } basePlan)
            {
                plan.When = DefaultOtherCondition(basePlan);
                plan.Draw = new TextDraw(new SpecLocation(_yaml.File, 0, 0), _lists.GetValueOrDefault("other") ?? new TextList("other", ["Otro"]));
                continue;
            }

            plan.Draw ??= plan.Group is null && plan.Sum is null ? DefaultDraw(plan, new SpecLocation(_yaml.File, 0, 0)) : null;
        }

        foreach (var roster in _spec.Records.Where(r => !r.IsSingle && r.Count is null))
        {
            // A repeating record the spec does not count: one to three occurrences.
            var max = Math.Min(3, roster.Record.MaxRecords);
            roster.Count = new CodesDraw(new SpecLocation(_yaml.File, 0, 0), Enumerable.Range(1, max).Select(n => ((decimal)n, 1.0)).ToList());
        }
    }

    /// <summary>"Other (specify)" text is asked with its answer: option marked (1), code 88, or the "other" row answered.</summary>
    private Condition DefaultOtherCondition(ItemPlan basePlan)
    {
        var valueSet = basePlan.Item.PrimaryValueSet;
        var text = valueSet is { Values.Count: 1 } && valueSet.ContainsNumber(1) ? $"{basePlan.Name} = 1"
            : valueSet?.ContainsNumber(88) == true ? $"{basePlan.Name} = 88"
            : $"{basePlan.Name} is not blank";
        var where = new SpecLocation(_yaml.File, 0, 0);
        return Condition.Parse(text, where, name => Resolve(name, basePlan.Record.IsSingle ? null : basePlan.Record, where, allowLatent: false));
    }

    /// <summary>A 'by' table (of a draw or of a group's options) must cover every code its key can take, or have a "*" case.</summary>
    private void CheckByTables()
    {
        foreach (var (by, target) in _byDraws)
        {
            if (by.Fallback is null)
            {
                CheckCovered(by.Key, by.Where, target.What, by.NumericKeys, by.TextKeys);
            }
        }

        foreach (var (table, group) in _groupTables)
        {
            if (!table.HasFallback)
            {
                CheckCovered(table.By!, table.Where, $"group {group.Name}", table.NumericKeys, []);
            }
        }
    }

    private void CheckCovered(NameRef key, SpecLocation where, string what, IEnumerable<decimal> numericKeys, IEnumerable<string> textKeys)
    {
        IEnumerable<decimal>? possible = key.Kind switch
        {
            RefKind.Latent => _spec.Latents[key.Index].Draw.PossibleCodes,
            RefKind.Derived => [1m, 2m],
            RefKind.SingleItem or RefKind.RosterItem => ItemCodes(key),
            _ => null,
        };
        if (key.Kind == RefKind.Occurrence)
        {
            throw new GeneratorSpecException(where, $"'by: OCC' in {what} needs a \"*\" case for the occurrences it does not list.");
        }

        if (key.Kind == RefKind.Stratum)
        {
            possible = null;
            var missing = _pack.Strata.Where(s => s.PlannedSample > 0).Select(s => s.Id).Except(textKeys).ToList();
            if (missing.Count > 0)
            {
                throw new GeneratorSpecException(where, $"'by: STRATUM' in {what} has no case for {string.Join(", ", missing)} and no \"*\" case.");
            }
        }

        var uncovered = possible?.Except(numericKeys).ToList();
        if (uncovered is { Count: > 0 })
        {
            throw new GeneratorSpecException(where, $"'by: {key.Name}' in {what} has no case for {string.Join(", ", uncovered.Select(TextList.Describe))}; add them or a \"*\" case.");
        }
    }

    private IEnumerable<decimal>? ItemCodes(NameRef key)
    {
        var plan = key.Record!.Items[key.Column];
        if (plan.IsDesignItem && _pack.Manifest.Design.StratumItems.Contains(plan.Name, StringComparer.OrdinalIgnoreCase))
        {
            return _pack.Strata.Where(s => s.PlannedSample > 0).Select(s => (decimal)s.Codes[plan.Name]).Distinct();
        }

        if (plan.Draw?.PossibleCodes is { } drawn)
        {
            return drawn;
        }

        var entries = plan.Item.PrimaryValueSet?.Values;
        return entries is not null && entries.All(e => e.Pairs.All(p => p.To is null))
            ? entries.SelectMany(e => e.Pairs).Select(p => ParseCode(p.From))
            : null;
    }
}
