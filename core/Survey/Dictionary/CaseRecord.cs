namespace Pipeline.Core.Dictionary;

/// <summary>
/// Which record a case's own columns live on. CSPro defines a case by its level-1 ID items, not by a record: any
/// level-1 record may be optional (a person roster, <c>Required=No</c>, <c>MaxRecords=999</c>, often comes first) and a
/// case may have no row of it. But case variables, the stratum and weight columns and case-scoped rules need one row per
/// case to be written on; that row is the case record's.
/// </summary>
public static class CaseRecord
{
    /// <summary>
    /// The case record of <paramref name="dictionary"/>: the first level-1 record with <c>MaxRecords=1</c> and
    /// <c>Required=Yes</c>; else the first level-1 record with <c>MaxRecords=1</c>; else the first level-1 record (a
    /// dictionary whose level-1 records all repeat: its case columns repeat on each row). A dictionary whose first
    /// record is required and singleton (most) gets its first record, as before.
    /// </summary>
    public static DictionaryRecord Of(DataDictionary dictionary)
    {
        ArgumentNullException.ThrowIfNull(dictionary);
        var records = dictionary.Levels[0].Records;
        return records.FirstOrDefault(r => r.MaxRecords == 1 && r.Required)
            ?? records.FirstOrDefault(r => r.MaxRecords == 1)
            ?? records[0];
    }

    /// <summary>The index of <see cref="Of"/>'s record in <see cref="DataDictionary.Records"/> (level 1 comes first).</summary>
    public static int IndexOf(DataDictionary dictionary)
    {
        ArgumentNullException.ThrowIfNull(dictionary);
        var record = Of(dictionary);
        var index = 0;
        foreach (var r in dictionary.Levels[0].Records)
        {
            if (ReferenceEquals(r, record))
            {
                return index;
            }

            index++;
        }

        return 0;
    }

    /// <summary>Whether <paramref name="record"/> names the case record of <paramref name="dictionary"/> (case-insensitive).</summary>
    public static bool Is(DataDictionary dictionary, string record) =>
        string.Equals(Of(dictionary).Name, record, StringComparison.OrdinalIgnoreCase);
}
