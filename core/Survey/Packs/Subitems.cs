using Pipeline.Core.Dictionary;

namespace Pipeline.Core.Packs;

/// <summary>Where a subitem lives: the item whose characters hold it.</summary>
internal static class Subitems
{
    /// <summary>The item of <paramref name="subitem"/>'s record (or ID items) whose span holds the subitem; null for an item or when none does.</summary>
    public static DictionaryItem? ParentOf(DataDictionary dictionary, DictionaryItem subitem)
    {
        if (!subitem.IsSubitem)
        {
            return null;
        }

        foreach (var level in dictionary.Levels)
        {
            foreach (var items in level.Records.Select(r => r.Items).Prepend(level.IdItems))
            {
                if (items.Any(i => ReferenceEquals(i, subitem)))
                {
                    return items.FirstOrDefault(p => !p.IsSubitem && subitem.Start >= p.Start && subitem.Start < p.Start + p.Length);
                }
            }
        }

        return null;
    }
}
