namespace Pipeline.Core.Dictionary;

/// <summary>
/// Resolves CSPro's linked value sets once a dictionary is read, as CSPro does on load
/// (<c>CDataDict::SyncLinkedValueSets</c>): the value sets that share a link code all get the values of the one with the
/// most values. CSPro writes the values with the first value set of a link only (<c>DictValueSet::WriteJson</c>; the
/// text format's <c>Link=</c> lines behave the same), so without this the others would be empty and refuse every answer.
/// A linked value set without values whose link no other value set fills points nowhere: CSPro would silently accept
/// any answer there, so it is a dictionary error instead.
/// </summary>
internal static class LinkedValueSets
{
    /// <summary>
    /// The dictionary with every linked value set filled. <paramref name="lineOf"/> gives the line of a value set (by
    /// reference) for the error message.
    /// </summary>
    public static DataDictionary Resolve(DataDictionary dictionary, string fileName, Func<ValueSet, int> lineOf)
    {
        var groups = new Dictionary<string, List<(ValueSet Set, DictionaryItem Item)>>(StringComparer.Ordinal);
        foreach (var item in AllItems(dictionary))
        {
            foreach (var set in item.ValueSets)
            {
                if (!string.IsNullOrEmpty(set.Link))
                {
                    if (!groups.TryGetValue(set.Link, out var group))
                    {
                        groups[set.Link] = group = [];
                    }

                    group.Add((set, item));
                }
            }
        }

        if (groups.Count == 0)
        {
            return dictionary;
        }

        var replacement = new Dictionary<ValueSet, ValueSet>(ReferenceEqualityComparer.Instance);
        foreach (var (link, group) in groups)
        {
            var source = group.MaxBy(g => g.Set.Values.Count).Set; // the first of the largest, as CSPro picks
            if (source.Values.Count == 0)
            {
                var (set, item) = group[0];
                var others = group.Count == 1 ? "no other value set has this link" : $"the {group.Count - 1} other value set(s) with this link ({string.Join(", ", group.Skip(1).Select(g => g.Set.Name))}) have no values either";
                throw new DictionaryFormatException(fileName, lineOf(set), $"value set {set.Name} of item {item.Name} is linked ('{link}') but has no values, and {others}, so the item's answers cannot be checked. Open the dictionary in CSPro and save it again, or give the value set its values (or remove its link).");
            }

            foreach (var (set, _) in group)
            {
                if (!ReferenceEquals(set, source))
                {
                    replacement[set] = set with { Values = source.Values };
                }
            }
        }

        return dictionary with
        {
            Levels = dictionary.Levels.Select(l => l with
            {
                IdItems = l.IdItems.Select(i => Replace(i, replacement)).ToList(),
                Records = l.Records.Select(r => r with { Items = r.Items.Select(i => Replace(i, replacement)).ToList() }).ToList(),
            }).ToList(),
        };
    }

    private static DictionaryItem Replace(DictionaryItem item, Dictionary<ValueSet, ValueSet> replacement) =>
        item.ValueSets.Any(replacement.ContainsKey)
            ? item with { ValueSets = item.ValueSets.Select(s => replacement.GetValueOrDefault(s, s)).ToList() }
            : item;

    private static IEnumerable<DictionaryItem> AllItems(DataDictionary dictionary) =>
        dictionary.Levels.SelectMany(l => l.IdItems.Concat(l.Records.SelectMany(r => r.Items)));
}
