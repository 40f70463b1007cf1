using Pipeline.Core.Dictionary;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Generator.Spec;

/// <summary>The <c>records:</c> and <c>skips:</c> sections: items, multiple-choice groups, sums, roster counts.</summary>
internal sealed partial class SpecParser
{
    private void ReadRecord(RecordPlan record, YamlNode node)
    {
        var entries = _yaml.Entries(_yaml.Mapping(node, $"record {record.Name}"), $"record {record.Name}", RecordKeys).ToList();
        foreach (var (key, keyNode, value) in entries)
        {
            switch (key)
            {
                case "when":
                    record.When = ParseCondition(value, null, $"the 'when' of {record.Name}");
                    break;
                case "count" when record.IsSingle:
                    throw _yaml.Error(keyNode, $"{record.Name} occurs at most once per case (MaxRecords=1); 'count' is for repeating records.");
                case "count":
                    record.Count = ParseDraw(value, new Target($"the count of {record.Name}", null, Direct: false, Context: null, Decimals: 0), itemLevel: false).Draw;
                    break;
                case "items":
                    foreach (var (name, itemKey, itemNode) in _yaml.Entries(_yaml.Mapping(value, $"{record.Name}.items"), $"{record.Name}.items"))
                    {
                        ReadItem(FindItem(record, name, itemKey), itemNode);
                    }

                    break;
                case "groups":
                    foreach (var (name, _, groupNode) in _yaml.Entries(_yaml.Mapping(value, $"{record.Name}.groups"), $"{record.Name}.groups"))
                    {
                        ReadGroup(record, name, groupNode);
                    }

                    break;
                case "sums":
                    foreach (var sum in _yaml.Sequence(value, $"{record.Name}.sums"))
                    {
                        ReadSum(record, sum);
                    }

                    break;
            }
        }

        // sortBy last: it names an item the 'items' section may define after it.
        if (entries.FirstOrDefault(e => e.Key == "sortBy") is { Value: not null } sort)
        {
            record.SortBy = FindItem(record, _yaml.Scalar(sort.Value, "sortBy"), sort.Value);
        }
    }

    private ItemPlan FindItem(RecordPlan record, string name, YamlNode where)
    {
        var index = record.Layout.IndexOf(name);
        if (index >= 0 && !record.Layout.Columns[index].IsId)
        {
            return record.Items[index];
        }

        if (index >= 0)
        {
            throw _yaml.Error(where, $"'{name}' is an ID item; describe it under ids.items.");
        }

        var elsewhere = _spec.Records.FirstOrDefault(r => r.Layout.IndexOf(name) >= 0);
        throw _yaml.Error(where, elsewhere is null
            ? $"'{name}' is not an item of dictionary {_pack.Dictionary.Name}; check the name against {_pack.Manifest.Dictionary}."
            : $"'{name}' is not an item of record {record.Name}; it belongs to {elsewhere.Name}.");
    }

    private void ReadItem(ItemPlan plan, YamlNode node)
    {
        if (plan.Specified)
        {
            throw _yaml.Error(node, plan.IsDesignItem
                ? $"{plan.Name} is filled by the generator from the sample design (stratum or sequence); remove it here."
                : $"{plan.Name} is described twice (as an item, or as part of a group or a sum).");
        }

        var context = plan.Record.IsSingle ? null : plan.Record;
        var target = new Target(plan.ToString(), plan.Item, Direct: true, context, plan.Item.Decimals);
        var (draw, when, distinct) = ParseDraw(node, target, itemLevel: true);
        plan.Specified = true;
        plan.When = when;
        plan.Distinct = distinct;
        plan.IsOccurrenceNumber = draw is OccurrenceDraw;
        plan.Draw = draw ?? DefaultDraw(plan, _yaml.At(node));
        if (distinct && plan.Record.IsSingle)
        {
            throw _yaml.Error(node, $"'distinct' makes occurrences of a repeating record differ; {plan.Record.Name} occurs once.");
        }
    }

    private void ReadGroup(RecordPlan record, string name, YamlNode node)
    {
        var mapping = _yaml.Mapping(node, $"group {name}");
        var entries = _yaml.Entries(mapping, $"group {name}", GroupKeys).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        var group = new GroupPlan(name, _yaml.At(node));
        var context = record.IsSingle ? null : record;
        if (entries.TryGetValue("when", out var when))
        {
            group.When = ParseCondition(when, context, $"the 'when' of group {name}");
        }

        var first = entries.TryGetValue("options", out var options) ? options
            : entries.TryGetValue("cases", out var cases) ? FirstOptions(cases, name)
            : null;
        if (first is null)
        {
            throw _yaml.Error(node, $"group {name} needs 'options: {{ITEM: probability, ...}}' (or 'by:' and 'cases:' of such maps).");
        }

        foreach (var (itemName, keyNode, _) in _yaml.Entries(_yaml.Mapping(first, $"the options of group {name}"), $"the options of group {name}"))
        {
            var option = FindItem(record, itemName, keyNode);
            if (option.Specified)
            {
                throw _yaml.Error(keyNode, $"{option.Name} is described twice (as an item, or in another group).");
            }

            if (option.Item.DataType != ItemDataType.Numeric || option.Item.PrimaryValueSet is { } vs && !vs.ContainsNumber(1))
            {
                throw _yaml.Error(keyNode, $"{option.Name} cannot be a multiple-choice option: an option item is numeric and holds 1 when marked.");
            }

            option.Specified = true;
            option.Group = group;
            group.Options.Add(option);
            option.When = group.When;
        }

        group.Weights = ReadOptionWeights(group, entries, context);
        group.AtLeast = entries.TryGetValue("atLeast", out var atLeast) ? (int)_yaml.Number(atLeast, "atLeast") : 0;
        if (group.AtLeast > group.Options.Count)
        {
            throw _yaml.Error(atLeast!, $"group {name} has {group.Options.Count} options; atLeast cannot be more.");
        }

        foreach (var exclusive in entries.TryGetValue("exclusive", out var ex) ? _yaml.Sequence(ex, "exclusive") : [])
        {
            var option = group.Options.FirstOrDefault(o => string.Equals(o.Name, _yaml.Scalar(exclusive, "an exclusive option"), StringComparison.OrdinalIgnoreCase))
                ?? throw _yaml.Error(exclusive, $"an exclusive option must be one of the options of group {name}.");
            group.Exclusive.Add(option);
        }

        record.Groups.Add(group);
    }

    /// <summary>The first map of options of a group's <c>cases</c>, looking inside nested <c>by</c> tables.</summary>
    private YamlNode? FirstOptions(YamlNode cases, string name)
    {
        var first = _yaml.Mapping(cases, $"the cases of group {name}").Children.FirstOrDefault().Value;
        return first is YamlMappingNode inner && IsNestedBy(inner) ? FirstOptions(YamlNodes.Child(inner, "cases")!, name) : first;
    }

    /// <summary>A case of a group that is itself a table <c>{by: NAME, cases: {...}}</c> rather than a map of options.</summary>
    private static bool IsNestedBy(YamlMappingNode node) =>
        YamlNodes.Child(node, "by") is not null && YamlNodes.Child(node, "cases") is not null && node.Children.Count == 2;

    private OptionWeights ReadOptionWeights(GroupPlan group, Dictionary<string, YamlNode> entries, RecordPlan? context)
    {
        if (entries.TryGetValue("options", out var options))
        {
            return new OptionWeights(OptionProbabilities(group, options));
        }

        if (!entries.TryGetValue("by", out var byNode) || !entries.TryGetValue("cases", out var casesNode))
        {
            throw new GeneratorSpecException(group.Where, $"group {group.Name} needs 'options:' or both 'by:' and 'cases:'.");
        }

        return OptionTable(group, byNode, casesNode, context);
    }

    /// <summary>
    /// A <c>by</c> table of a group: each case is a map of options, or another <c>{by, cases}</c> table, so that the
    /// probabilities can depend on several case variables (alliance, then producer size).
    /// </summary>
    private OptionWeights OptionTable(GroupPlan group, YamlNode byNode, YamlNode casesNode, RecordPlan? context)
    {
        var by = Resolve(_yaml.Scalar(byNode, "by"), context, _yaml.At(byNode), allowLatent: true);
        var cases = new Dictionary<decimal, OptionWeights>();
        OptionWeights? fallback = null;
        foreach (var (key, keyNode, value) in _yaml.Entries(_yaml.Mapping(casesNode, "cases"), $"the cases of group {group.Name}"))
        {
            var weights = value is YamlMappingNode mapping && IsNestedBy(mapping)
                ? OptionTable(group, YamlNodes.Child(mapping, "by")!, YamlNodes.Child(mapping, "cases")!, context)
                : new OptionWeights(OptionProbabilities(group, value));
            if (key == "*")
            {
                fallback = weights;
            }
            else
            {
                cases[_yaml.Number(keyNode, $"a case of group {group.Name}")] = weights;
            }
        }

        var table = new OptionWeights(by, cases, fallback, _yaml.At(byNode));
        _groupTables.Add((table, group));
        return table;
    }

    private double[] OptionProbabilities(GroupPlan group, YamlNode node)
    {
        var map = _yaml.Entries(_yaml.Mapping(node, $"the options of group {group.Name}"), $"the options of group {group.Name}").ToList();
        var names = map.Select(m => m.Key).ToList();
        if (!names.SequenceEqual(group.Options.Select(o => o.Name), StringComparer.OrdinalIgnoreCase))
        {
            throw _yaml.Error(node, $"every case of group {group.Name} lists the same options in the same order: {string.Join(", ", group.Options.Select(o => o.Name))}.");
        }

        return map.Select(m => _yaml.Probability(m.Value, $"the probability of {m.Key}")).ToArray();
    }

    private void ReadSum(RecordPlan record, YamlNode node)
    {
        var entries = _yaml.Entries(_yaml.Mapping(node, "a sum"), "a sum", SumKeys).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        if (!entries.TryGetValue("total", out var totalNode) || !entries.TryGetValue("parts", out var partsNode))
        {
            throw _yaml.Error(node, "a sum is {total: ITEM, parts: [ITEM, ITEM, ...]} (weights and atLeastOne optional).");
        }

        var total = FindItem(record, _yaml.Scalar(totalNode, "total"), totalNode);
        var parts = _yaml.Sequence(partsNode, "parts").Select(p => FindItem(record, _yaml.Scalar(p, "a part"), p)).ToArray();
        foreach (var plan in parts.Append(total).Where(p => p.Item.DataType != ItemDataType.Numeric))
        {
            throw _yaml.Error(node, $"{plan.Name} is alpha; a sum adds numeric items.");
        }

        var weights = entries.TryGetValue("weights", out var weightsNode)
            ? _yaml.Sequence(weightsNode, "weights").Select(w => _yaml.Probability(w, "a weight", allowAboveOne: true)).ToArray()
            : Enumerable.Repeat(1.0, parts.Length).ToArray();
        if (weights.Length != parts.Length)
        {
            throw _yaml.Error(weightsNode!, $"the sum has {parts.Length} parts and {weights.Length} weights.");
        }

        var context = record.IsSingle ? null : record;
        var atLeastOne = new List<(int, Condition)>();
        if (entries.TryGetValue("atLeastOne", out var atLeastNode))
        {
            foreach (var (name, keyNode, condition) in _yaml.Entries(_yaml.Mapping(atLeastNode, "atLeastOne"), "atLeastOne"))
            {
                var index = Array.FindIndex(parts, p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
                atLeastOne.Add((index >= 0 ? index : throw _yaml.Error(keyNode, $"'{name}' is not one of the parts of this sum."), ParseCondition(condition, context, $"the condition of {name}")));
            }
        }

        var sum = new SumPlan(total, parts, weights, [.. atLeastOne], _yaml.At(node));
        foreach (var part in parts)
        {
            if (part.Specified)
            {
                throw _yaml.Error(partsNode, $"{part.Name} is described twice (as an item, or in another sum): a part of a sum is drawn by the sum.");
            }

            part.Specified = true;
            part.Sum = sum;
        }

        record.Sums.Add(sum);
    }

    private void ReadSkip(YamlNode node)
    {
        var entries = _yaml.Entries(_yaml.Mapping(node, "a skip rule"), "a skip rule", SkipKeys).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        if (!entries.TryGetValue("if", out var ifNode))
        {
            throw _yaml.Error(node, "a skip rule is {if: \"condition\", blank: [ITEM, FIRST..LAST], records: [RECORD]}.");
        }

        var condition = ParseCondition(ifNode, null, "the 'if' of a skip rule");
        var blanks = entries.TryGetValue("blank", out var blankNode) ? _yaml.Sequence(blankNode, "blank").SelectMany(ItemsOf).ToList() : [];
        var records = entries.TryGetValue("records", out var recordsNode)
            ? _yaml.Sequence(recordsNode, "records").Select(r => FindRecord(_yaml.Scalar(r, "a record"), r)).ToList()
            : [];
        var note = entries.TryGetValue("note", out var noteNode) ? _yaml.Scalar(noteNode, "note") : null;
        var label = $"if {condition.Text}: blank {blanks.Count} item(s){(records.Count > 0 ? $", no {string.Join(", ", records.Select(r => r.Name))}" : string.Empty)}{(note is null ? string.Empty : $" ({note})")}";
        var rule = new SkipRule(label, condition, _yaml.At(node));
        _spec.Skips.Add(rule);
        foreach (var plan in blanks)
        {
            plan.Skips.Add(rule);
        }

        foreach (var record in records)
        {
            if (record.IsSingle && record.Record.Required)
            {
                throw _yaml.Error(recordsNode!, $"{record.Name} is required on every case; blank its items instead.");
            }

            record.Skips.Add(rule);
        }
    }

    /// <summary>An item name, or <c>FIRST..LAST</c>: every item of the record from FIRST to LAST in dictionary order.</summary>
    private IEnumerable<ItemPlan> ItemsOf(YamlNode node)
    {
        var text = _yaml.Scalar(node, "an item or a range FIRST..LAST");
        var dots = text.IndexOf("..", StringComparison.Ordinal);
        var firstName = dots < 0 ? text : text[..dots].Trim();
        var owner = _spec.Records.FirstOrDefault(r => r.Layout.IndexOf(firstName) >= 0 && !r.Layout.Columns[r.Layout.IndexOf(firstName)].IsId)
            ?? throw _yaml.Error(node, $"'{firstName}' is not an item of dictionary {_pack.Dictionary.Name} (ID items cannot be blanked).");
        var first = FindItem(owner, firstName, node);
        if (dots < 0)
        {
            return [first];
        }

        var last = FindItem(owner, text[(dots + 2)..].Trim(), node);
        return last.Column >= first.Column
            ? owner.Items[first.Column..(last.Column + 1)]
            : throw _yaml.Error(node, $"in '{text}', {last.Name} comes before {first.Name} in record {owner.Name}; write FIRST..LAST in dictionary order.");
    }

    private void ReadFaults(YamlNode? node)
    {
        foreach (var (plan, other) in _spec.Records.SelectMany(r => r.Items).Where(i => i.Name.EndsWith("_OTH", StringComparison.OrdinalIgnoreCase)).Select(i => (BaseOf(i), i)))
        {
            if (plan is not null)
            {
                _spec.OtherTexts.Add((plan, other));
            }
        }

        if (node is null)
        {
            return;
        }

        foreach (var (_, _, value) in _yaml.Entries(_yaml.Mapping(node, "faults"), "faults", FaultKeys))
        {
            var extreme = _yaml.Entries(_yaml.Mapping(value, "faults.extreme"), "faults.extreme", ExtremeKeys).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
            if (extreme.TryGetValue("factor", out var factor))
            {
                _spec.ExtremeFactor = _yaml.Number(factor, "factor");
            }

            foreach (var (name, keyNode, above) in extreme.TryGetValue("above", out var aboveNode) ? _yaml.Entries(_yaml.Mapping(aboveNode, "above"), "above") : [])
            {
                var owner = _spec.Records.FirstOrDefault(r => r.Layout.IndexOf(name) >= 0) ?? throw _yaml.Error(keyNode, $"'{name}' is not an item of dictionary {_pack.Dictionary.Name}.");
                var plan = FindItem(owner, name, keyNode);
                if (plan.Item.DataType != ItemDataType.Numeric)
                {
                    throw _yaml.Error(keyNode, $"{name} is alpha; extreme values are numbers.");
                }

                _spec.Extreme.Add((plan, _yaml.Number(above, $"the threshold of {name}")));
            }
        }
    }

    /// <summary>The answer an <c>_OTH</c> text belongs to: the item of the same record named without <c>_OTH</c>.</summary>
    private static ItemPlan? BaseOf(ItemPlan other)
    {
        var index = other.Record.Layout.IndexOf(other.Name[..^4]);
        return index >= 0 ? other.Record.Items[index] : null;
    }
}
