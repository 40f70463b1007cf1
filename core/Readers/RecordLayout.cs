using Pipeline.Core.Dictionary;
using Pipeline.Core.Packs;
using Pipeline.Core.Values;

namespace Pipeline.Core.Readers;

/// <summary>How a personal-data item is treated before it reaches the curated lake.</summary>
public enum PersonalData
{
    None,
    Drop,
    Pseudonymise,
}

/// <summary>One source column of a record: an ID item or a record item, with its lake type and its privacy treatment.</summary>
public sealed record LayoutColumn(string Name, DictionaryItem Item, bool IsId, ColumnKind Kind, PersonalData Privacy);

/// <summary>
/// The columns of one dictionary record as exports lay them out: the ID items of the record's level and of the levels
/// above it first, then the record's items (sub-items are views of their parent and are not exported separately).
/// </summary>
public sealed class RecordLayout
{
    private readonly Dictionary<string, int> _byName;

    private RecordLayout(DictionaryRecord record, IReadOnlyList<LayoutColumn> columns, int caseIdCount)
    {
        Record = record;
        Columns = columns;
        _byName = columns.Select((c, i) => (c.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.OrdinalIgnoreCase);
        IdColumns = columns.Select((c, i) => (c, i)).Where(x => x.c.IsId).Select(x => x.i).ToArray();
        CaseIdColumns = IdColumns.Take(caseIdCount).ToArray();
    }

    public DictionaryRecord Record { get; }

    public IReadOnlyList<LayoutColumn> Columns { get; }

    /// <summary>Indexes of all ID columns: the level-1 (case) IDs and, for lower-level records, their levels' IDs.</summary>
    public IReadOnlyList<int> IdColumns { get; }

    /// <summary>Indexes of the level-1 ID columns, which identify the case.</summary>
    public IReadOnlyList<int> CaseIdColumns { get; }

    /// <summary>Index of a column by item name, or -1.</summary>
    public int IndexOf(string name) => _byName.TryGetValue(name, out var i) ? i : -1;

    public static RecordLayout For(SurveyPack pack, DictionaryRecord record)
    {
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentNullException.ThrowIfNull(record);
        var columns = new List<LayoutColumn>();
        var levels = pack.Dictionary.Levels;
        var levelOfRecord = Enumerable.Range(0, levels.Count).First(l => levels[l].Records.Contains(record));
        foreach (var item in levels.Take(levelOfRecord + 1).SelectMany(l => l.IdItems))
        {
            columns.Add(Column(pack, item, isId: true));
        }

        foreach (var item in record.Items.Where(i => !i.IsSubitem))
        {
            if (item.Occurrences > 1)
            {
                // Exports spread occurrences over NAME_1 ... NAME_n columns.
                for (var o = 1; o <= item.Occurrences; o++)
                {
                    columns.Add(Column(pack, item, isId: false) with { Name = $"{item.Name}_{o}" });
                }
            }
            else
            {
                columns.Add(Column(pack, item, isId: false));
            }
        }

        return new RecordLayout(record, columns, pack.Dictionary.CaseIdItems.Count);
    }

    private static LayoutColumn Column(SurveyPack pack, DictionaryItem item, bool isId)
    {
        var personal = pack.Manifest.PersonalData;
        var privacy = personal.Drop.Contains(item.Name, StringComparer.OrdinalIgnoreCase) ? PersonalData.Drop
            : personal.Pseudonymise.Contains(item.Name, StringComparer.OrdinalIgnoreCase) ? PersonalData.Pseudonymise
            : PersonalData.None;
        var kind = item.DataType == ItemDataType.Alpha || privacy == PersonalData.Pseudonymise ? ColumnKind.Text
            : item.Decimals > 0 ? ColumnKind.Real
            : ColumnKind.Integer;
        return new LayoutColumn(item.Name, item, isId, kind, privacy);
    }
}
