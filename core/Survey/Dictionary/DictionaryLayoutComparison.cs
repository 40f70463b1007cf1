using System.Globalization;

namespace Pipeline.Core.Dictionary;

/// <summary>
/// Compares the layout of two dictionaries: what decides how a data file is read. A zip bundle or a CSPro DB file
/// (<c>meta.dictionary</c>) carries the dictionary its data was written with; the survey pack's dictionary reads it, so
/// the two must agree on the layout or values land in the wrong columns. Compared: the record type's position, the
/// levels, their ID items and records (name, record type value, required, maximum occurrences) and every item (name,
/// start, length, data type, decimals, decimal character, occurrences, subitem). Not compared: labels, languages, value
/// sets, zero fill and the dictionary's name, which change nothing in how a file is read. A text (.dcf ≤ 7.x) and a
/// JSON (CSPro 8) dictionary of the same layout are equal.
/// </summary>
public static class DictionaryLayoutComparison
{
    /// <summary>
    /// The first difference of <paramref name="other"/> from <paramref name="pack"/>, in dictionary order, as a sentence
    /// naming both sides (e.g. "record PERSON: item P05 starts at 23 in the bundled dictionary, 21 in the pack's"), or
    /// null when their layouts are the same. <paramref name="otherName"/> names <paramref name="other"/> in the sentence.
    /// </summary>
    public static string? FirstDifference(DataDictionary other, DataDictionary pack, string otherName = "the bundled dictionary")
    {
        ArgumentNullException.ThrowIfNull(other);
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentException.ThrowIfNullOrEmpty(otherName);
        var sides = $"in {otherName}, {{0}} in the pack's";
        string Differ(string what, object a, object b) => $"{what} {Show(a)} {string.Format(CultureInfo.InvariantCulture, sides, Show(b))}";

        if (other.RecordTypeStart != pack.RecordTypeStart || other.RecordTypeLength != pack.RecordTypeLength)
        {
            return $"the record type is in {Columns(other.RecordTypeStart, other.RecordTypeLength)} {string.Format(CultureInfo.InvariantCulture, sides, Columns(pack.RecordTypeStart, pack.RecordTypeLength))}";
        }

        if (other.Levels.Count != pack.Levels.Count)
        {
            return Differ("the number of levels is", other.Levels.Count, pack.Levels.Count);
        }

        for (var l = 0; l < pack.Levels.Count; l++)
        {
            var (a, b) = (other.Levels[l], pack.Levels[l]);
            var level = $"level {(l + 1).ToString(CultureInfo.InvariantCulture)}";
            if (Items(a.IdItems, b.IdItems, $"{level} ID items", Differ) is { } ids)
            {
                return ids;
            }

            var names = ($"[{string.Join(", ", a.Records.Select(r => r.Name))}]", $"[{string.Join(", ", b.Records.Select(r => r.Name))}]");
            if (!string.Equals(names.Item1, names.Item2, StringComparison.OrdinalIgnoreCase))
            {
                return Differ($"{level} has the records", names.Item1, names.Item2);
            }

            for (var r = 0; r < b.Records.Count; r++)
            {
                if (Record(a.Records[r], b.Records[r], Differ) is { } record)
                {
                    return record;
                }
            }
        }

        return null;
    }

    private static string? Record(DictionaryRecord a, DictionaryRecord b, Func<string, object, object, string> differ)
    {
        var where = $"record {b.Name}";
        if (!string.Equals(a.RecordTypeValue, b.RecordTypeValue, StringComparison.Ordinal))
        {
            return differ($"{where}: its record type is", $"'{a.RecordTypeValue}'", $"'{b.RecordTypeValue}'");
        }

        if (a.Required != b.Required)
        {
            return differ($"{where}: Required is", a.Required ? "Yes" : "No", b.Required ? "Yes" : "No");
        }

        if (a.MaxRecords != b.MaxRecords)
        {
            return differ($"{where}: MaxRecords is", a.MaxRecords, b.MaxRecords);
        }

        return Items(a.Items, b.Items, where, differ);
    }

    private static string? Items(IReadOnlyList<DictionaryItem> a, IReadOnlyList<DictionaryItem> b, string where, Func<string, object, object, string> differ)
    {
        for (var i = 0; i < Math.Max(a.Count, b.Count); i++)
        {
            if (i >= a.Count)
            {
                return $"{where}: item {b[i].Name} of the pack's dictionary is not in the other (its items end after {(a.Count == 0 ? "none" : a[^1].Name)})";
            }

            if (i >= b.Count)
            {
                return $"{where}: item {a[i].Name} is not in the pack's dictionary (its items end after {(b.Count == 0 ? "none" : b[^1].Name)})";
            }

            var (x, y) = (a[i], b[i]);
            if (!string.Equals(x.Name, y.Name, StringComparison.OrdinalIgnoreCase))
            {
                return differ($"{where}: item {(i + 1).ToString(CultureInfo.InvariantCulture)} is", x.Name, y.Name);
            }

            var item = $"{where}: item {y.Name}";
            var difference =
                x.Start != y.Start ? differ($"{item} starts at", x.Start, y.Start)
                : x.Length != y.Length ? differ($"{item} has length", x.Length, y.Length)
                : x.DataType != y.DataType ? differ($"{item} is", x.DataType.ToString().ToLowerInvariant(), y.DataType.ToString().ToLowerInvariant())
                : x.Decimals != y.Decimals ? differ($"{item} has decimals", x.Decimals, y.Decimals)
                : x.DecimalChar != y.DecimalChar ? differ($"{item} has DecimalChar", x.DecimalChar ? "Yes" : "No", y.DecimalChar ? "Yes" : "No")
                : x.Occurrences != y.Occurrences ? differ($"{item} has occurrences", x.Occurrences, y.Occurrences)
                : x.IsSubitem != y.IsSubitem ? differ($"{item} is", x.IsSubitem ? "a subitem" : "an item", y.IsSubitem ? "a subitem" : "an item")
                : null;
            if (difference is not null)
            {
                return difference;
            }
        }

        return null;
    }

    private static string Columns(int start, int length) =>
        length == 0 ? "no column" : $"columns {start.ToString(CultureInfo.InvariantCulture)}-{(start + length - 1).ToString(CultureInfo.InvariantCulture)}";

    private static string Show(object value) =>
        value is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : value.ToString() ?? string.Empty;
}
