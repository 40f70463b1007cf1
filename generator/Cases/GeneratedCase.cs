using Pipeline.Core.Dictionary;
using Pipeline.Core.Engine;
using Pipeline.Core.Packs;
using Pipeline.Core.Readers;

namespace Pipeline.Generator.Cases;

/// <summary>
/// One generated case: its records in the order CSPro writes them (the dictionary's record order, occurrences in
/// order). Each writer turns it into lines or rows; nothing keeps it after it is written.
/// </summary>
public sealed class GeneratedCase
{
    internal GeneratedCase(long number, Stratum stratum, List<GeneratedRecord> records)
    {
        Number = number;
        Stratum = stratum;
        RecordList = records;
    }

    /// <summary>1-based case number k. Case k is the same whatever the number of cases and the formats.</summary>
    public long Number { get; }

    public Stratum Stratum { get; }

    /// <summary>The records, main record first. A fault may have removed the main record (an orphan roster).</summary>
    public IReadOnlyList<GeneratedRecord> Records => RecordList;

    internal List<GeneratedRecord> RecordList { get; }

    /// <summary>The case key as CSPro builds it: the level-1 ID items at their widths, zero-filled.</summary>
    public string Key => Records.Count > 0 ? Records[0].CaseKey : string.Empty;

    /// <summary>The occurrences of one record (empty when the case has none).</summary>
    public IEnumerable<GeneratedRecord> Occurrences(string recordName) =>
        Records.Where(r => string.Equals(r.Record.Name, recordName, StringComparison.OrdinalIgnoreCase));
}

/// <summary>One record occurrence: a value per column of the record's <see cref="RecordLayout"/> (IDs first).</summary>
public sealed class GeneratedRecord
{
    internal GeneratedRecord(RecordLayout layout, int occurrence, GeneratedValue[] values)
    {
        Layout = layout;
        Occurrence = occurrence;
        Values = values;
    }

    public DictionaryRecord Record => Layout.Record;

    public RecordLayout Layout { get; }

    /// <summary>1-based occurrence of the record within its case.</summary>
    public int Occurrence { get; }

    /// <summary>One value per <see cref="RecordLayout.Columns"/> entry.</summary>
    public GeneratedValue[] Values { get; }

    /// <summary>The value of a column by item name; throws when the record has no such item.</summary>
    public GeneratedValue this[string name]
    {
        get
        {
            var index = Layout.IndexOf(name);
            return index >= 0 ? Values[index] : throw new KeyNotFoundException($"Record {Record.Name} has no item {name}.");
        }
    }

    /// <summary>The case key of this record's IDs (CSPro: level-1 ID items, zero-filled to their lengths).</summary>
    public string CaseKey => CaseKeys.Of(Layout, Values);
}

/// <summary>How CSPro keys a case: the level-1 ID items concatenated, each at its length and zero fill.</summary>
public static class CaseKeys
{
    public static string Of(RecordLayout layout, IReadOnlyList<GeneratedValue> values)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(values);
        return string.Concat(layout.CaseIdColumns.Select(c => Field(layout.Columns[c].Item, values[c])));
    }

    private static string Field(DictionaryItem item, GeneratedValue value)
    {
        var text = value.ToExportText(item) ?? string.Empty;
        return value.IsNumber && item.ZeroFill ? text.PadLeft(item.Length, '0') : value.IsNumber ? text.PadLeft(item.Length) : text.PadRight(item.Length);
    }
}
