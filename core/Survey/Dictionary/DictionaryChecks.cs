
namespace Pipeline.Core.Dictionary;

/// <summary>
/// CSPro's own structural rules for a dictionary, as its Designer enforces them: items inside their record after the
/// IDs and not overlapping, value-set codes that fit the item's type and length, names unique across the dictionary.
/// A survey pack whose dictionary breaks one fails to load with the list of problems.
/// </summary>
public static class DictionaryChecks
{
    public static IReadOnlyList<string> Problems(DataDictionary dictionary)
    {
        ArgumentNullException.ThrowIfNull(dictionary);
        var problems = new List<string>();
        CheckNames(dictionary, problems);
        var typeEnd = dictionary.RecordTypeStart + dictionary.RecordTypeLength - 1;
        var ids = new List<DictionaryItem>();
        foreach (var level in dictionary.Levels)
        {
            ids.AddRange(level.IdItems);
            var idSpans = ids.Select(Span).ToList();
            CheckNoOverlap("ID items", idSpans, typeEnd, problems);
            var idEnd = idSpans.Count == 0 ? typeEnd : idSpans.Max(s => s.End);
            foreach (var record in level.Records)
            {
                var spans = record.Items.Where(i => !i.IsSubitem).Select(Span).ToList();
                CheckNoOverlap($"record {record.Name}", spans, idEnd, problems);
                CheckSubitems(record, problems);
            }

            if (dictionary.RecordTypeLength > 0 && level.Records.Select(r => r.RecordTypeValue).Distinct(StringComparer.Ordinal).Count() != level.Records.Count)
            {
                problems.Add($"level {level.Name}: two records share a record type value.");
            }
        }

        foreach (var item in dictionary.Levels.SelectMany(l => l.IdItems.Concat(l.Records.SelectMany(r => r.Items))))
        {
            CheckValueSets(item, problems);
        }

        return problems;
    }

    /// <summary>
    /// A subitem's parent is the item listed before it (CSPro, the JSON reader and <c>RecordLayout</c> all take it so):
    /// all of the subitem's occurrences must lie within (the first occurrence of) that item.
    /// </summary>
    private static void CheckSubitems(DictionaryRecord record, List<string> problems)
    {
        DictionaryItem? parent = null;
        foreach (var item in record.Items)
        {
            if (!item.IsSubitem)
            {
                parent = item;
                continue;
            }

            var end = item.Start + (item.Length * item.Occurrences) - 1;
            if (parent is null)
            {
                problems.Add($"record {record.Name}: subitem {item.Name} (columns {item.Start}-{end}) is listed before any item, so it has no parent; list it after the item whose columns it lies in.");
            }
            else if (item.Start < parent.Start || end > parent.Start + parent.Length - 1)
            {
                problems.Add($"record {record.Name}: subitem {item.Name} (columns {item.Start}-{end}) does not lie inside {parent.Name} (columns {parent.Start}-{parent.Start + parent.Length - 1}), the item listed before it, which CSPro takes as its parent; list it after the item whose columns it lies in, or correct its start and length.");
            }
        }
    }

    private static (string Name, int Start, int End) Span(DictionaryItem i) => (i.Name, i.Start, i.Start + (i.Length * i.Occurrences) - 1);

    private static void CheckNoOverlap(string where, List<(string Name, int Start, int End)> spans, int after, List<string> problems)
    {
        var ordered = spans.OrderBy(s => s.Start).ToList();
        for (var i = 0; i < ordered.Count; i++)
        {
            if (ordered[i].Start <= after)
            {
                problems.Add($"{where}: {ordered[i].Name} starts at column {ordered[i].Start}, inside the record type or IDs (which end at column {after}).");
            }

            if (i > 0 && ordered[i].Start <= ordered[i - 1].End)
            {
                problems.Add($"{where}: {ordered[i].Name} (from column {ordered[i].Start}) overlaps {ordered[i - 1].Name} (to column {ordered[i - 1].End}).");
            }
        }
    }

    private static void CheckValueSets(DictionaryItem item, List<string> problems)
    {
        foreach (var valueSet in item.ValueSets)
        {
            foreach (var pair in valueSet.Values.SelectMany(v => v.Pairs))
            {
                foreach (var code in pair.To is null ? [pair.From] : new[] { pair.From, pair.To })
                {
                    if (!Fits(item, code))
                    {
                        problems.Add($"item {item.Name}: value set {valueSet.Name} has code '{code}', which does not fit a {item.DataType.ToString().ToLowerInvariant()} item of length {item.Length}{(item.Decimals > 0 ? $" with {item.Decimals} decimals" : string.Empty)}.");
                    }
                }
            }
        }
    }

    private static bool Fits(DictionaryItem item, string code)
    {
        if (item.DataType == ItemDataType.Alpha)
        {
            return code.Length <= item.Length;
        }

        if (string.IsNullOrWhiteSpace(code))
        {
            return code.Length <= item.Length; // a blank code is CSPro's "not applicable", allowed in numeric value sets
        }

        if (!NumberText.TryParseDecimal(code, out var value))
        {
            return false;
        }

        var integerDigits = Math.Truncate(Math.Abs(value)).ToString(System.Globalization.CultureInfo.InvariantCulture).Length + (value < 0 ? 1 : 0);
        var room = item.Length - item.Decimals - (item.DecimalChar && item.Decimals > 0 ? 1 : 0);
        var decimals = value == Math.Truncate(value) ? 0 : value.Scale;
        return integerDigits <= room && decimals <= item.Decimals;
    }

    private static void CheckNames(DataDictionary dictionary, List<string> problems)
    {
        var names = new List<string> { dictionary.Name };
        foreach (var level in dictionary.Levels)
        {
            names.Add(level.Name);
            names.AddRange(level.IdItems.Select(i => i.Name));
            names.AddRange(level.IdItems.SelectMany(i => i.ValueSets).Select(v => v.Name));
            foreach (var record in level.Records)
            {
                names.Add(record.Name);
                names.AddRange(record.Items.Select(i => i.Name));
                names.AddRange(record.Items.SelectMany(i => i.ValueSets).Select(v => v.Name));
            }
        }

        foreach (var duplicate in names.Where(n => n.Length > 0).GroupBy(n => n, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            problems.Add($"the name {duplicate.Key} is used {duplicate.Count()} times; CSPro names must be unique in a dictionary.");
        }
    }
}
