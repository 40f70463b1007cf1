using Pipeline.Core.Dictionary;
using Pipeline.Core.Engine;
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
public sealed record LayoutColumn(string Name, DictionaryItem Item, bool IsId, ColumnKind Kind, PersonalData Privacy)
{
    /// <summary>For a subitem's column: where its value lies in its parent's stored text; null for any other column.</summary>
    public SubitemSource? Subitem { get; init; }

    /// <summary>
    /// The date format when the item's values are dates (<see cref="SurveyPack.DateFormatOf"/>): the column's kind is then
    /// <see cref="ColumnKind.Date"/>, and the validator reads each value as a date in this format. Null for any other column.
    /// </summary>
    public DateFormat? Date { get; init; }
}

/// <summary>
/// Where a subitem column's value comes from: the layout column of its parent (the parent occurrence it belongs to) and
/// the 0-based offset of the subitem (occurrence) within the parent's stored text.
/// </summary>
public sealed record SubitemSource(int ParentColumn, int Offset);

/// <summary>
/// The columns of one dictionary record as exports lay them out: the ID items of the record's level and of the levels
/// above it first, then the record's items in dictionary order, each subitem after its parent. A subitem is a view of
/// its parent's columns (CSPro stores only the parent), so every reader fills its columns the same way,
/// <see cref="DeriveSubitems"/>, from the parent's value: occurrence k of a subitem of a repeating parent comes from
/// occurrence k of the parent; a subitem with its own occurrences has columns <c>NAME_1 … NAME_n</c>, side by side
/// within the parent.
/// </summary>
public sealed class RecordLayout
{
    private readonly Dictionary<string, int> _byName;
    private readonly int[] _subitemColumns;
    private readonly int _longestParent;
    private char[]? _longBuffer; // for parents over 256 characters; a layout belongs to one reader, which reads on one thread

    private RecordLayout(DictionaryRecord record, IReadOnlyList<LayoutColumn> columns, int caseIdCount)
    {
        Record = record;
        Columns = columns;
        _byName = columns.Select((c, i) => (c.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.OrdinalIgnoreCase);
        IdColumns = columns.Select((c, i) => (c, i)).Where(x => x.c.IsId).Select(x => x.i).ToArray();
        CaseIdColumns = IdColumns.Take(caseIdCount).ToArray();
        _subitemColumns = columns.Select((c, i) => (c, i)).Where(x => x.c.Subitem is not null).Select(x => x.i).ToArray();
        _longestParent = _subitemColumns.Select(s => columns[columns[s].Subitem!.ParentColumn].Item.Length).DefaultIfEmpty(0).Max();
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

        DictionaryItem? parent = null;
        var parentColumns = new List<int>();
        foreach (var item in record.Items)
        {
            if (item.IsSubitem)
            {
                if (parent is not null)
                {
                    AddSubitem(pack, columns, item, parent, parentColumns);
                }

                continue; // DictionaryChecks refuses a subitem listed before any item, or outside the item before it
            }

            parent = item;
            parentColumns.Clear();
            if (item.Occurrences > 1)
            {
                // Exports spread occurrences over NAME_1 ... NAME_n columns.
                for (var o = 1; o <= item.Occurrences; o++)
                {
                    parentColumns.Add(columns.Count);
                    columns.Add(Column(pack, item, isId: false) with { Name = $"{item.Name}_{o}" });
                }
            }
            else
            {
                parentColumns.Add(columns.Count);
                columns.Add(Column(pack, item, isId: false));
            }
        }

        return new RecordLayout(record, columns, pack.Dictionary.CaseIdItems.Count);
    }

    /// <summary>Whether the record has subitems, whose columns <see cref="DeriveSubitems"/> fills.</summary>
    public bool HasSubitems => _subitemColumns.Length > 0;

    /// <summary>
    /// Fills the subitem columns of a row from their parents' values, in place: the parent's stored text is rebuilt
    /// (an alpha value padded with blanks to the item's length; a number right-justified, zero-filled when the item
    /// says so, implied decimals without their point) and the subitem's columns are cut from it and read as the readers
    /// read any CSPro field. When the parent is blank or absent, a subitem column the file carries itself is kept;
    /// otherwise the parent wins. Called by every reader, once per row (measured hot path: no allocation but the
    /// values' own strings, which are pooled). Not thread-safe: each reader builds its own layouts.
    /// </summary>
    internal void DeriveSubitems(string?[] fields, ShortStringPool? pool = null)
    {
        ArgumentNullException.ThrowIfNull(fields);
        if (_subitemColumns.Length == 0)
        {
            return;
        }

        Span<char> buffer = _longestParent <= 256 ? stackalloc char[256] : (_longBuffer ??= new char[_longestParent]);
        foreach (var s in _subitemColumns)
        {
            var column = Columns[s];
            var source = column.Subitem!;
            var parentText = fields[source.ParentColumn];
            if (string.IsNullOrWhiteSpace(parentText))
            {
                continue;
            }

            var parent = Columns[source.ParentColumn].Item;
            var length = parent.Length;
            var stored = buffer[..length];
            if (source.Offset < 0 || source.Offset >= length || !SubitemText.TryStoredText(parentText, parent, stored))
            {
                fields[s] = null; // the parent does not fit its item: the validator reports the parent
                continue;
            }

            var item = column.Item;
            var slice = stored.Slice(source.Offset, Math.Min(item.Length, length - source.Offset));
            fields[s] = item.DataType == ItemDataType.Alpha ? CsproFieldText.Alpha(slice, pool) : CsproFieldText.Numeric(slice, item, out _, pool);
        }
    }

    private static void AddSubitem(SurveyPack pack, List<LayoutColumn> columns, DictionaryItem item, DictionaryItem parent, List<int> parentColumns)
    {
        var offset = item.Start - parent.Start;
        var total = parentColumns.Count * item.Occurrences;
        var privacy = Column(pack, parent, isId: false).Privacy; // a subitem of personal data is personal data too
        if (privacy == PersonalData.Pseudonymise && Column(pack, item, isId: false).Privacy != PersonalData.Pseudonymise)
        {
            // Part of an identifier has a small domain: its own pseudonym would link cases again. Kept only when the
            // pack lists the subitem itself under pseudonymise.
            privacy = PersonalData.Drop;
        }

        var n = 0;
        foreach (var parentColumn in parentColumns)
        {
            for (var o = 0; o < item.Occurrences; o++)
            {
                n++;
                var column = Column(pack, item, isId: false, privacy);
                columns.Add(column with
                {
                    Name = total > 1 ? $"{item.Name}_{n}" : item.Name,
                    Subitem = new SubitemSource(parentColumn, offset + (o * item.Length)),
                });
            }
        }
    }

    private static LayoutColumn Column(SurveyPack pack, DictionaryItem item, bool isId, PersonalData inherited = PersonalData.None)
    {
        var personal = pack.Manifest.PersonalData;
        var own = personal.Drop.Contains(item.Name, StringComparer.OrdinalIgnoreCase) ? PersonalData.Drop
            : personal.Pseudonymise.Contains(item.Name, StringComparer.OrdinalIgnoreCase) ? PersonalData.Pseudonymise
            : PersonalData.None;
        // Dropping is the strictest (nothing of the value stays), then pseudonymising.
        var privacy = own == PersonalData.Drop || inherited == PersonalData.Drop ? PersonalData.Drop
            : own == PersonalData.Pseudonymise || inherited == PersonalData.Pseudonymise ? PersonalData.Pseudonymise
            : PersonalData.None;

        var date = isId || privacy != PersonalData.None ? null : pack.DateFormatOf(item);
        var kind = date is not null ? ColumnKind.Date
            : item.DataType == ItemDataType.Alpha || privacy == PersonalData.Pseudonymise ? ColumnKind.Text
            : item.Decimals > 0 ? ColumnKind.Real
            : ColumnKind.Integer;
        return new LayoutColumn(item.Name, item, isId, kind, privacy) { Date = date };
    }
}
