using System.Globalization;
using Pipeline.Core.Dictionary;
using Pipeline.Core.Packs;
using Pipeline.Core.Readers;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Generator.Spec;

/// <summary>Builds a <see cref="GeneratorSpec"/> from <c>generator.yaml</c>: resolves every name, checks codes and lengths.</summary>
internal sealed partial class SpecParser
{
    private static readonly string[] RootKeys = ["version", "ids", "latent", "derived", "lists", "records", "skips", "faults"];
    private static readonly string[] RecordKeys = ["when", "count", "sortBy", "items", "groups", "sums"];
    private static readonly string[] IdKeys = ["sequence", "overflow", "items"];
    private static readonly string[] SkipKeys = ["if", "blank", "records", "note"];
    private static readonly string[] GroupKeys = ["when", "options", "by", "cases", "atLeast", "exclusive"];
    private static readonly string[] SumKeys = ["total", "parts", "weights", "atLeastOne"];
    private static readonly string[] FaultKeys = ["extreme"];
    private static readonly string[] ExtremeKeys = ["factor", "above"];

    private readonly SurveyPack _pack;
    private readonly YamlNodes _yaml;
    private readonly GeneratorSpec _spec;
    private readonly Dictionary<string, NameRef> _singles = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, RecordPlan> _rosterOfItem = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, NameRef> _latents = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, NameRef> _derived = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, TextList> _lists = new(StringComparer.Ordinal);
    private readonly List<(ByDraw Draw, Target Target)> _byDraws = [];
    private readonly List<(OptionWeights Table, GroupPlan Group)> _groupTables = [];

    public SpecParser(SurveyPack pack, string file)
    {
        _pack = pack;
        _yaml = new YamlNodes(file);
        _spec = new GeneratorSpec(pack, file);
    }

    public GeneratorSpec Parse(string text)
    {
        var root = Load(text);
        var sections = _yaml.Entries(root, "the generator spec", RootKeys).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        BuildPlans();
        ReadLists(sections.GetValueOrDefault("lists"));
        DeclareVariables(sections.GetValueOrDefault("latent"), sections.GetValueOrDefault("derived"));
        ReadIds(sections.GetValueOrDefault("ids"));
        ReadLatents(sections.GetValueOrDefault("latent"));
        ReadDerived(sections.GetValueOrDefault("derived"));
        if (sections.GetValueOrDefault("records") is { } records)
        {
            foreach (var (name, keyNode, value) in _yaml.Entries(_yaml.Mapping(records, "records"), "records"))
            {
                ReadRecord(FindRecord(name, keyNode), value);
            }
        }

        if (sections.GetValueOrDefault("skips") is { } skips)
        {
            foreach (var skip in _yaml.Sequence(skips, "skips"))
            {
                ReadSkip(skip);
            }
        }

        ApplyDefaults();
        ReadFaults(sections.GetValueOrDefault("faults"));
        CheckByTables();
        return _spec;
    }

    private YamlMappingNode Load(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new GeneratorSpecException(new SpecLocation(_yaml.File, e.Start.Line, e.Start.Column), $"not valid YAML: {e.InnerException?.Message ?? e.Message}", e);
        }

        if (stream.Documents.Count == 0)
        {
            throw new GeneratorSpecException($"{_yaml.File}: the file is empty.");
        }

        return _yaml.Mapping(stream.Documents[0].RootNode, "the generator spec");
    }

    private void BuildPlans()
    {
        var dictionary = _pack.Dictionary;
        if (dictionary.Levels.Count != 1)
        {
            throw new GeneratorSpecException($"{_yaml.File}: dictionary {dictionary.Name} has {dictionary.Levels.Count} levels; the generator writes one-level dictionaries only.");
        }

        var records = dictionary.Records.Select((r, i) => new RecordPlan(i, r, RecordLayout.For(_pack, r))).ToArray();
        // The main record is written for every case: the first required single record, else (a dictionary whose records
        // are all Required=No, as in many censuses) the first single record: CSPro lets a case hold it.
        var main = Array.FindIndex(records, r => r.IsSingle && r.Record.Required);
        main = main >= 0 ? main : Array.FindIndex(records, r => r.IsSingle);
        if (main < 0)
        {
            throw new GeneratorSpecException($"{_yaml.File}: dictionary {dictionary.Name} has no single record (MaxRecords=1) to hold the case's main answers.");
        }

        _spec.Records = records;
        _spec.MainIndex = main;
        foreach (var plan in records)
        {
            for (var c = 0; c < plan.Layout.Columns.Count; c++)
            {
                var column = plan.Layout.Columns[c];
                plan.Items[c] = new ItemPlan(plan, c, column.Name, column.Item);
                if (column.IsId)
                {
                    continue; // ID items resolve to the main record's ID columns, which every record copies
                }

                if (plan.IsSingle)
                {
                    _singles[column.Name] = new NameRef(column.Name, RefKind.SingleItem, plan, c);
                }
                else
                {
                    _rosterOfItem[column.Name] = plan;
                }
            }
        }

        foreach (var c in records[main].Layout.IdColumns)
        {
            var column = records[main].Layout.Columns[c];
            _singles[column.Name] = new NameRef(column.Name, RefKind.SingleItem, records[main], c);
        }

        foreach (var stratumItem in _pack.Manifest.Design.StratumItems)
        {
            var plan = ItemOf(_singles.GetValueOrDefault(stratumItem))
                ?? throw new GeneratorSpecException($"{_yaml.File}: stratum item '{stratumItem}' (pack.yaml) is not an ID item or an item of a single record.");
            plan.IsDesignItem = true;
            plan.Specified = true;
            plan.Draw = new StratumDraw(new SpecLocation(_yaml.File, 0, 0), stratumItem);
        }
    }

    private static ItemPlan? ItemOf(NameRef? name) => name is { Record: { } record } ? record.Items[name.Column] : null;

    private RecordPlan FindRecord(string name, YamlNode where) =>
        _spec.Records.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw _yaml.Error(where, $"'{name}' is not a record of dictionary {_pack.Dictionary.Name}; its records are {string.Join(", ", _spec.Records.Select(r => r.Name))}.");

    /// <summary>
    /// Resolves a name in a condition or a draw. Inside a repeating record its own items come first; outside, only items of
    /// single records (and the IDs), the spec's variables, <c>OCC</c> and <c>STRATUM</c> can be named.
    /// </summary>
    private NameRef Resolve(string name, RecordPlan? roster, SpecLocation where, bool allowLatent)
    {
        if (roster is not null && !roster.IsSingle)
        {
            var index = roster.Layout.IndexOf(name);
            if (index >= 0 && !roster.Layout.Columns[index].IsId)
            {
                return new NameRef(roster.Layout.Columns[index].Name, RefKind.RosterItem, roster, index);
            }

            if (string.Equals(name, NameRef.OccurrenceName, StringComparison.Ordinal))
            {
                return new NameRef(NameRef.OccurrenceName, RefKind.Occurrence);
            }
        }

        if (_singles.TryGetValue(name, out var single))
        {
            return single;
        }

        if (string.Equals(name, NameRef.StratumName, StringComparison.Ordinal))
        {
            return new NameRef(NameRef.StratumName, RefKind.Stratum);
        }

        if (_derived.TryGetValue(name, out var derived))
        {
            return derived;
        }

        if (_latents.TryGetValue(name, out var latent))
        {
            return allowLatent ? latent
                : throw new GeneratorSpecException(where, $"'{name}' is a latent variable: it is never written, so a condition on it could not be checked in the data. Use it in 'by:' only.");
        }

        if (_rosterOfItem.TryGetValue(name, out var other))
        {
            throw new GeneratorSpecException(where, $"'{name}' is an item of the repeating record {other.Name}; outside that record, name it through a derived variable (derived: {{NAME: {{any: {other.Name}, where: \"{name} = 1\"}}}}).");
        }

        if (string.Equals(name, NameRef.OccurrenceName, StringComparison.Ordinal))
        {
            throw new GeneratorSpecException(where, "OCC (the occurrence number) can only be used inside a repeating record.");
        }

        throw new GeneratorSpecException(where, $"'{name}' is not an item of dictionary {_pack.Dictionary.Name}, nor a latent or derived variable of this file, nor OCC or STRATUM.");
    }

    private Condition ParseCondition(YamlNode node, RecordPlan? context, string what)
    {
        var text = _yaml.Scalar(node, what);
        var where = _yaml.At(node);
        return Condition.Parse(text, where, name => Resolve(name, context, where, allowLatent: false));
    }

    private void ReadLists(YamlNode? node)
    {
        if (node is null)
        {
            return;
        }

        var patterns = new List<(string Name, string Pattern, YamlNode Node)>();
        foreach (var (name, _, value) in _yaml.Entries(_yaml.Mapping(node, "lists"), "lists"))
        {
            if (value is YamlSequenceNode sequence)
            {
                var entries = sequence.Select(e => _yaml.Scalar(e, $"an entry of list '{name}'")).ToArray();
                _lists[name] = entries.Length > 0 ? new TextList(name, entries) : throw _yaml.Error(value, $"list '{name}' is empty.");
            }
            else if (value is YamlMappingNode mapping && YamlNodes.Child(mapping, "pattern") is { } pattern)
            {
                patterns.Add((name, _yaml.Scalar(pattern, $"the pattern of list '{name}'"), pattern));
            }
            else
            {
                throw _yaml.Error(value, $"list '{name}' must be a list of texts or {{pattern: \"{{list}} {{list}}\"}}.");
            }
        }

        // Patterns may name other patterns: resolve until nothing changes, then report what is left.
        var pending = patterns;
        while (pending.Count > 0)
        {
            var next = pending.Where(p => !TryPattern(p.Name, p.Pattern)).ToList();
            if (next.Count == pending.Count)
            {
                var (name, pattern, patternNode) = next[0];
                throw _yaml.Error(patternNode, $"pattern of list '{name}' (\"{pattern}\") names a list that is not defined or that refers back to it.");
            }

            pending = next;
        }
    }

    private bool TryPattern(string name, string pattern)
    {
        var parts = new List<(string?, TextList?)>();
        var i = 0;
        while (i < pattern.Length)
        {
            var open = pattern.IndexOf('{', i);
            if (open < 0)
            {
                parts.Add((pattern[i..], null));
                break;
            }

            if (open > i)
            {
                parts.Add((pattern[i..open], null));
            }

            var close = pattern.IndexOf('}', open);
            if (close < 0 || !_lists.TryGetValue(pattern[(open + 1)..close], out var list))
            {
                return false;
            }

            parts.Add((null, list));
            i = close + 1;
        }

        _lists[name] = new TextList(name, [.. parts]);
        return true;
    }

    private void DeclareVariables(YamlNode? latent, YamlNode? derived)
    {
        var index = 0;
        foreach (var (name, keyNode, _) in latent is null ? [] : _yaml.Entries(_yaml.Mapping(latent, "latent"), "latent"))
        {
            CheckNewName(name, keyNode);
            _latents[name] = new NameRef(name, RefKind.Latent, Index: index++);
        }

        index = 0;
        foreach (var (name, keyNode, _) in derived is null ? [] : _yaml.Entries(_yaml.Mapping(derived, "derived"), "derived"))
        {
            CheckNewName(name, keyNode);
            _derived[name] = new NameRef(name, RefKind.Derived, Index: index++);
        }
    }

    private void CheckNewName(string name, YamlNode where)
    {
        if (_singles.ContainsKey(name) || _rosterOfItem.ContainsKey(name) || _latents.ContainsKey(name) || _derived.ContainsKey(name)
            || name is NameRef.OccurrenceName or NameRef.StratumName)
        {
            throw _yaml.Error(where, $"'{name}' is already the name of an item or variable; give the variable another name.");
        }
    }

    private void ReadLatents(YamlNode? node)
    {
        var latents = new List<LatentPlan>();
        foreach (var (name, _, value) in node is null ? [] : _yaml.Entries(_yaml.Mapping(node, "latent"), "latent"))
        {
            var draw = ParseDraw(value, new Target($"latent {name}", null, Direct: false, Context: null, Decimals: 0), itemLevel: false).Draw!;
            latents.Add(new LatentPlan(name, latents.Count, draw));
        }

        _spec.Latents = [.. latents];
    }

    private void ReadDerived(YamlNode? node)
    {
        var derived = new List<DerivedPlan>();
        foreach (var (name, _, value) in node is null ? [] : _yaml.Entries(_yaml.Mapping(node, "derived"), "derived"))
        {
            var mapping = _yaml.Mapping(value, $"derived variable '{name}'");
            var entries = _yaml.Entries(mapping, $"derived variable '{name}'", ["any", "where"]).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
            if (!entries.TryGetValue("any", out var recordNode) || !entries.TryGetValue("where", out var whereNode))
            {
                throw _yaml.Error(value, $"derived variable '{name}' is {{any: RECORD, where: \"condition\"}}: 1 when some occurrence of RECORD satisfies the condition, else 2.");
            }

            var roster = FindRecord(_yaml.Scalar(recordNode, "any"), recordNode);
            derived.Add(new DerivedPlan(name, derived.Count, roster, ParseCondition(whereNode, roster, $"the condition of '{name}'")));
        }

        _spec.Derived = [.. derived];
    }

    private void ReadIds(YamlNode? node)
    {
        var cycle = 0L;
        ItemPlan? sequence = null;
        if (node is not null)
        {
            var entries = _yaml.Entries(_yaml.Mapping(node, "ids"), "ids", IdKeys).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
            if (entries.TryGetValue("sequence", out var sequenceNode))
            {
                sequence = IdItem(sequenceNode, "the sequence item");
                cycle = Maximum(sequence.Item);
                sequence.IsDesignItem = true;
                sequence.Specified = true;
                sequence.Draw = new SequenceDraw(_yaml.At(sequenceNode), cycle);
            }

            if (entries.TryGetValue("items", out var itemsNode))
            {
                foreach (var (_, keyNode, value) in _yaml.Entries(_yaml.Mapping(itemsNode, "ids.items"), "ids.items"))
                {
                    ReadItem(IdItem(keyNode, "an ID item"), value);
                }
            }

            if (entries.TryGetValue("overflow", out var overflowNode))
            {
                ReadOverflow(overflowNode, sequence, cycle);
                return;
            }
        }

        // Without overflow items, keys are unique as far as the sequence goes (and not at all without one).
        _spec.MaxCases = sequence is null ? long.MaxValue : cycle;
    }

    private void ReadOverflow(YamlNode node, ItemPlan? sequence, long cycle)
    {
        if (sequence is null)
        {
            throw _yaml.Error(node, "'overflow' needs a 'sequence' item: it numbers the cycles of the sequence.");
        }

        var items = new List<(ItemPlan Plan, long Min, long Size, YamlNode Node)>();
        foreach (var (_, keyNode, value) in _yaml.Entries(_yaml.Mapping(node, "ids.overflow"), "ids.overflow"))
        {
            var plan = IdItem(keyNode, "an overflow item");
            var range = _yaml.Sequence(value, $"the overflow range of {plan.Name}");
            if (range.Children.Count != 2)
            {
                throw _yaml.Error(value, $"the overflow range of {plan.Name} is [min, max].");
            }

            var min = (long)_yaml.Number(range[0], "min");
            var max = (long)_yaml.Number(range[1], "max");
            if (min > max || plan.Item.PrimaryValueSet is { } vs && (!vs.ContainsNumber(min) || !vs.ContainsNumber(max)))
            {
                throw _yaml.Error(value, $"the overflow range [{min}, {max}] of {plan.Name} must lie inside its value set.");
            }

            items.Add((plan, min, max - min + 1, keyNode));
        }

        // Cycles 1, 2, ... put the first overflow item inside its range; the first cycle must never do so, or keys repeat.
        var (first, firstMin, firstSize, firstNode) = items.Count > 0 ? items[0] : throw _yaml.Error(node, "'overflow' lists no item.");
        var clashes = (first.Draw?.PossibleCodes ?? []).Where(c => c >= firstMin && c < firstMin + firstSize).ToList();
        if (clashes.Count > 0)
        {
            throw _yaml.Error(firstNode, $"{first.Name} can be {clashes[0]} in the first cycle of {sequence.Name}, inside its overflow range; case keys could repeat. Draw {first.Name} outside [{firstMin}, {firstMin + firstSize - 1}].");
        }

        var divisor = 1L;
        var capacity = 1L;
        for (var i = items.Count - 1; i >= 0; i--)
        {
            var (plan, min, size, keyNode) = items[i];
            var inner = plan.Draw ?? DefaultDraw(plan, _yaml.At(keyNode));
            plan.Draw = new OverflowDraw(_yaml.At(keyNode), inner, cycle, min, divisor, size);
            plan.Specified = true;
            divisor *= size;
            capacity *= size;
        }

        _spec.MaxCases = cycle * (capacity + 1);
    }

    private ItemPlan IdItem(YamlNode node, string what)
    {
        var name = _yaml.Scalar(node, what);
        var main = _spec.Main;
        var index = main.Layout.IndexOf(name);
        if (index < 0 || !main.Layout.Columns[index].IsId)
        {
            throw _yaml.Error(node, $"'{name}' is not an ID item of dictionary {_pack.Dictionary.Name}; its ID items are {string.Join(", ", _pack.Dictionary.CaseIdItems.Select(i => i.Name))}.");
        }

        var plan = main.Items[index];
        if (plan.IsDesignItem)
        {
            throw _yaml.Error(node, $"'{name}' is a stratum item (pack.yaml design.stratumItems) or already the sequence: the generator fills it from the design.");
        }

        return plan;
    }

    private static long Maximum(DictionaryItem item)
    {
        var max = 0m;
        foreach (var pair in item.PrimaryValueSet?.Values.Where(v => v.Special is null).SelectMany(v => v.Pairs) ?? [])
        {
            if (NumberText.TryParseDecimal(pair.To ?? pair.From, out var to))
            {
                max = Math.Max(max, to);
            }
        }

        return max > 0 ? (long)max : (long)Math.Pow(10, item.Length) - 1;
    }
}
