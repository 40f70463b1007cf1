using System.Globalization;
using System.Text;
using Pipeline.Core.Dictionary;

namespace Pipeline.Readers.Tests.Support;

/// <summary>One record occurrence of a test case: values by item name (<c>NAME_k</c> for occurrences), null = not applicable.</summary>
public sealed record TestRecord(DictionaryRecord Record, Dictionary<string, string?> Values);

/// <summary>A level node of a test case: its ID values, its records, its child nodes (as CSPro stores a case).</summary>
public sealed class TestNode(int level, Dictionary<string, string?> ids)
{
    public int Level { get; } = level;

    /// <summary>ID values of this level and all its ancestors.</summary>
    public Dictionary<string, string?> Ids { get; } = ids;

    public List<TestRecord> Records { get; } = [];

    public List<TestNode> Children { get; } = [];

    /// <summary>Rows in CSPro's order: this node's records, then its children's.</summary>
    public IEnumerable<(TestNode Node, TestRecord Record)> Flatten()
    {
        foreach (var record in Records)
        {
            yield return (this, record);
        }

        foreach (var row in Children.SelectMany(c => c.Flatten()))
        {
            yield return row;
        }
    }
}

/// <summary>Random cases for a dictionary: values that fit each item (length, decimals), some blanks, non-ASCII text.</summary>
public static class TestCases
{
    private const string Letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 éñüçÅØ'-,;\"";

    public static List<TestNode> Random(DataDictionary dictionary, int seed, int cases)
    {
        ArgumentNullException.ThrowIfNull(dictionary);
        var random = new Random(seed);
        var result = new List<TestNode>();
        var usedKeys = new HashSet<string>(StringComparer.Ordinal);
        for (var c = 0; c < cases; c++)
        {
            var ids = IdValues(dictionary.Levels[0], random);
            var key = string.Join('|', ids.Values);
            if (!usedKeys.Add(key))
            {
                continue;
            }

            result.Add(Node(dictionary, 0, ids, random));
        }

        return result;
    }

    private static TestNode Node(DataDictionary dictionary, int level, Dictionary<string, string?> ids, Random random)
    {
        var node = new TestNode(level, ids);
        foreach (var record in dictionary.Levels[level].Records)
        {
            var count = record.MaxRecords == 1 ? (random.Next(5) == 0 ? 0 : 1) : random.Next(0, Math.Min(record.MaxRecords, 4) + 1);
            for (var o = 0; o < count; o++)
            {
                node.Records.Add(new TestRecord(record, ItemValues(record, random)));
            }
        }

        if (level + 1 < dictionary.Levels.Count)
        {
            var children = random.Next(0, 3);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < children; i++)
            {
                var childIds = IdValues(dictionary.Levels[level + 1], random);
                if (seen.Add(string.Join('|', childIds.Values)))
                {
                    node.Children.Add(Node(dictionary, level + 1, new Dictionary<string, string?>(ids.Concat(childIds), StringComparer.OrdinalIgnoreCase), random));
                }
            }
        }

        return node;
    }

    private static Dictionary<string, string?> IdValues(DictionaryLevel level, Random random) =>
        level.IdItems.ToDictionary(i => i.Name, i => (string?)Value(i, random, allowBlank: false, allowNegative: false), StringComparer.OrdinalIgnoreCase);

    private static Dictionary<string, string?> ItemValues(DictionaryRecord record, Random random)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in record.Items.Where(i => !i.IsSubitem))
        {
            for (var o = 1; o <= item.Occurrences; o++)
            {
                values[item.Occurrences > 1 ? $"{item.Name}_{o}" : item.Name] = Value(item, random, allowBlank: true, allowNegative: true);
            }
        }

        return values;
    }

    /// <summary>A value that fits the item, written as the validator reads it (invariant number, or text).</summary>
    public static string? Value(DictionaryItem item, Random random, bool allowBlank, bool allowNegative)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(random);
        if (allowBlank && random.Next(6) == 0)
        {
            return null;
        }

        if (item.DataType == ItemDataType.Alpha)
        {
            var length = random.Next(1, item.Length + 1);
            var text = new StringBuilder();
            for (var i = 0; i < length; i++)
            {
                text.Append(Letters[random.Next(Letters.Length)]);
            }

            if (item.Length > 6 && random.Next(8) == 0)
            {
                text[length / 2] = '\n';
            }

            var value = text.ToString().TrimEnd(' ');
            return value.Length == 0 ? "x" : value;
        }

        var room = item.Length - item.Decimals - (item.DecimalChar && item.Decimals > 0 ? 1 : 0);
        var negative = allowNegative && room > 1 && random.Next(5) == 0;
        var digits = Math.Min(Math.Max(room - (negative ? 1 : 0), 1), 15);
        var whole = (long)(random.NextDouble() * Math.Pow(10, random.Next(1, digits + 1)));
        var value2 = (decimal)whole;
        if (item.Decimals > 0)
        {
            var scale = (long)Math.Pow(10, Math.Min(item.Decimals, 9));
            value2 += (decimal)random.NextInt64(0, scale) / scale;
        }

        if (room <= 0)
        {
            value2 = (decimal)random.NextInt64(0, (long)Math.Pow(10, Math.Min(item.Decimals, 9))) / (decimal)Math.Pow(10, item.Decimals);
        }

        return (negative ? -value2 : value2).ToString(CultureInfo.InvariantCulture);
    }
}
