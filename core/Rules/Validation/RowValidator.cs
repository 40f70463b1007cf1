using System.Globalization;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using Pipeline.Core.Cleaning;
using Pipeline.Core.Dictionary;
using Pipeline.Core.Engine;
using Pipeline.Core.Packs;
using Pipeline.Core.Readers;
using Pipeline.Core.Values;

namespace Pipeline.Core.Validation;

/// <summary>
/// Checks one row against the dictionary (numbers, lengths, value sets, IDs) and turns its text into typed cells.
/// A row with an error-level issue is rejected; warnings keep it. Per-row state only, except duplicate detection.
/// </summary>
#pragma warning disable CA1001 // its ChunkedArray has no memory budget, so it never opens a spill file: nothing to dispose
public sealed class RowValidator
{
    private readonly RecordLayout _layout;
    // 64-bit hashes of the keys seen (XxHash64) → the first row (as an int: 2^31 rows is far past any upload), in a compact
    // table: 16–32 bytes a case instead of a string each, for a million cases.
    private readonly HashIndex _firstRowOfCase = new();

    // With the upload's case numbering (a record keyed by the case itself): the first row per case number, 0 for none,
    // 4 bytes a case instead of a hash-table slot.
    private readonly CaseKeys? _cases;
    private readonly ChunkedArray<int> _firstRowByCase = new(0);
    private readonly RecordRules _rules;
    private readonly RecordCleaner? _cleaner;
    private readonly Func<int, long?>? _nulledCode;
    private readonly NumericCodes?[] _codes;
    private readonly int[] _caseIdColumns;
    private readonly int[] _idColumns;

    // "ID item X is blank" per column, made once: a file of malformed lines has millions of them, and one string per
    // column also keeps the issues table's text buffer small (ParquetTableOptions.MaxBufferedTextBytes).
    private readonly string?[] _missingIdMessages;
    private readonly bool _caseIsNode;
    private char[] _keyBuffer = new char[64];

    /// <param name="layout">The record's columns.</param>
    /// <param name="rules">The pack's rules; its row rules for this record run after cleaning.</param>
    /// <param name="cleaner">The pack's cleaning steps for this record; they run on rows that pass the dictionary checks.</param>
    public RowValidator(RecordLayout layout, RuleCatalogue? rules = null, RecordCleaner? cleaner = null)
        : this(layout, rules, cleaner, null)
    {
    }

    /// <param name="layout">The record's columns.</param>
    /// <param name="rules">The pack's rules; its row rules for this record run after cleaning.</param>
    /// <param name="cleaner">The pack's cleaning steps for this record; they run on rows that pass the dictionary checks.</param>
    /// <param name="cases">
    /// The upload's case numbering, shared with the whole-upload checks: a record whose node is the case (a level-1
    /// record) then finds duplicates by case number instead of keeping its own key hashes. Used from the thread that
    /// calls <see cref="CheckDictionary"/> only.
    /// </param>
    internal RowValidator(RecordLayout layout, RuleCatalogue? rules, RecordCleaner? cleaner, CaseKeys? cases)
    {
        _layout = layout ?? throw new ArgumentNullException(nameof(layout));
        _cleaner = cleaner;
        _nulledCode = cleaner is null ? null : cleaner.NulledCode;
        _rules = new RecordRules(layout, rules, cleaner?.Values);
        _codes = layout.Columns.Select(c => c.Item.DataType == ItemDataType.Numeric && c.Item.PrimaryValueSet is { } set ? new NumericCodes(set) : null).ToArray();
        _caseIdColumns = [.. layout.CaseIdColumns];
        _idColumns = [.. layout.IdColumns];
        _missingIdMessages = new string?[layout.Columns.Count];
        _caseIsNode = _caseIdColumns.SequenceEqual(_idColumns);
        _cases = _caseIsNode ? cases : null;
    }

    /// <summary>Cells a row needs: the layout's columns, then the columns cleaning derives.</summary>
    public int CellCount => _cleaner?.Values.Count ?? _layout.Columns.Count;

    /// <summary>The last validated row's <c>_nulled</c> text (items cleaning set to null, with the reason), or null.</summary>
    public string? Nulled { get; private set; }

    /// <summary>
    /// Fills <paramref name="cells"/> (one per layout column) and appends issues; returns true when no error was found.
    /// <paramref name="caseKey"/> is the case's ID items concatenated at their fixed widths, as CSPro keys cases.
    /// The two halves, <see cref="CheckDictionary"/> then <see cref="CleanAndApplyRules"/>.
    /// </summary>
    public bool Validate(SourceRow row, CellValue[] cells, List<RowIssue> issues, out string caseKey)
    {
        ArgumentNullException.ThrowIfNull(issues);
        var before = issues.Count;
        var valuesPassed = CheckDictionary(row, cells, issues, out caseKey);
        return CleanAndApplyRules(row, cells, issues, caseKey, before, valuesPassed);
    }

    /// <summary>
    /// The first half of <see cref="Validate"/>: the dictionary checks (numbers, lengths, value sets, IDs) and the
    /// duplicate check. Returns whether the values passed the dictionary, which decides whether cleaning and rules run.
    /// The two halves keep no state in common, so the ingest runs this one on its read-ahead thread
    /// (<c>RowChecks</c>) and the other on the writing thread.
    /// </summary>
    public bool CheckDictionary(SourceRow row, CellValue[] cells, List<RowIssue> issues, out string caseKey)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(cells);
        ArgumentNullException.ThrowIfNull(issues);
        var before = issues.Count;
        for (var c = 0; c < _layout.Columns.Count; c++)
        {
            cells[c] = Convert(row, c, issues);
        }

        caseKey = KeyOf(cells, _caseIdColumns);
        for (var i = before; i < issues.Count; i++)
        {
            issues[i] = issues[i] with { CaseKey = caseKey };
        }

        var valuesPassed = !HasError(issues, before, idsOnly: false);

        // Duplicates are checked whenever the IDs themselves are readable, even if other items are wrong: a rejected
        // first occurrence still owns its ID, and a second case with the same ID is a duplicate either way.
        var idsReadable = valuesPassed || !HasError(issues, before, idsOnly: true);
        // A line of an unknown record type is not a record of this layout (it only borrows its ID columns); a truncated
        // or ragged row still is, and its IDs count.
        var ofThisRecord = row.StructuralProblem?.Contains(Readers.CsproLineParser.UnknownRecordType, StringComparison.Ordinal) != true;
        if (idsReadable && ofThisRecord && _layout.Record.MaxRecords == 1)
        {
            // One record per node of the record's level: the case for level-1 records, the level's unit below that.
            var nodeKey = _caseIsNode ? caseKey : KeyOf(cells, _idColumns);
            if (FirstRowOf(nodeKey, (int)Math.Min(row.Row, int.MaxValue)) is { } first)
            {
                issues.Add(new RowIssue(row.Row, caseKey, _layout.Record.Name, string.Join('+', _layout.IdColumns.Select(i => _layout.Columns[i].Name)), nodeKey, Rules.DuplicateCase, IssueSeverity.Error, $"ID {nodeKey} already appears at row {first}; it has one {_layout.Record.Name} record."));
            }
        }

        return valuesPassed;
    }

    /// <summary>The row that already holds <paramref name="nodeKey"/>, or null after noting <paramref name="row"/> as the first.</summary>
    private int? FirstRowOf(string nodeKey, int row)
    {
        if (_cases is not null)
        {
            var index = _cases.GetOrAdd(nodeKey, out _);
            var seen = _firstRowByCase[index];
            if (seen == 0)
            {
                _firstRowByCase[index] = Math.Max(row, 1);
                return null;
            }

            return seen;
        }

        var first = _firstRowOfCase.GetOrAdd(XxHash64.HashToUInt64(MemoryMarshal.AsBytes(nodeKey.AsSpan())), row, out var added);
        return added ? null : first;
    }

    /// <summary>
    /// The second half of <see cref="Validate"/>: cleaning and the pack's row rules when the values passed the
    /// dictionary, then the row's structural problem. Returns true when no issue from <paramref name="firstIssue"/> on
    /// is an error. Sets <see cref="Nulled"/>.
    /// </summary>
    public bool CleanAndApplyRules(SourceRow row, CellValue[] cells, List<RowIssue> issues, string caseKey, int firstIssue, bool valuesPassed)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(cells);
        ArgumentNullException.ThrowIfNull(issues);
        Nulled = null;
        if (valuesPassed)
        {
            // The pack's rules read typed, cleaned values (a "don't know" code is null by then), so they come last.
            Nulled = _cleaner?.Clean(row, cells, caseKey, issues);
            _rules.Apply(row, cells, caseKey, issues, _nulledCode);
        }
        else
        {
            cells.AsSpan(_layout.Columns.Count).Fill(CellValue.Null);
        }

        if (row.StructuralProblem is not null)
        {
            issues.Add(new RowIssue(row.Row, caseKey, _layout.Record.Name, string.Empty, string.Empty, Rules.FieldCount, IssueSeverity.Error, row.StructuralProblem));
        }

        return !HasError(issues, firstIssue, idsOnly: false);
    }

    /// <summary>Whether the issues from <paramref name="from"/> on hold an error (on an ID item, when <paramref name="idsOnly"/>).</summary>
    private bool HasError(List<RowIssue> issues, int from, bool idsOnly)
    {
        for (var i = from; i < issues.Count; i++)
        {
            if (issues[i].Severity == IssueSeverity.Error && (!idsOnly || IsIdItem(issues[i].Item)))
            {
                return true;
            }
        }

        return false;
    }

    private bool IsIdItem(string item)
    {
        foreach (var c in _idColumns)
        {
            if (_layout.Columns[c].Name == item)
            {
                return true;
            }
        }

        return false;
    }

    private CellValue Convert(SourceRow row, int c, List<RowIssue> issues)
    {
        var column = _layout.Columns[c];
        var text = row.Fields[c];
        if (string.IsNullOrWhiteSpace(text))
        {
            if (column.IsId)
            {
                issues.Add(Issue(row, column, string.Empty, Rules.MissingId, IssueSeverity.Error, _missingIdMessages[c] ??= $"ID item {column.Name} is blank; every case needs its full ID."));
            }

            return CellValue.Null; // blank = CSPro "not applicable"
        }

        // CSPro keeps alpha values right-trimmed only: a leading blank is part of the answer (" k" stays " k").
        text = column.Item.DataType == ItemDataType.Alpha ? text.TrimEnd() : text.Trim();
        return column.Item.DataType == ItemDataType.Numeric ? ConvertNumber(row, column, _codes[c], text, issues) : ConvertText(row, column, text, issues);
    }

    private CellValue ConvertNumber(SourceRow row, LayoutColumn column, NumericCodes? codes, string text, List<RowIssue> issues)
    {
        var item = column.Item;
        if (item.Decimals == 0 && TryParseWhole(text, out var whole, out var significant))
        {
            // The common case, a whole number (measured hot path): the same checks as below without decimal arithmetic.
            if (significant + (whole < 0 ? 1 : 0) > item.Length)
            {
                return Rejected(issues, TooLong(row, column, text, item.Length));
            }

            if (codes is not null && !codes.Contains(whole))
            {
                return Rejected(issues, OutOfValueSet(row, column, text));
            }

            return column.Kind switch
            {
                ColumnKind.Text => CellValue.OfText(text),
                ColumnKind.Real => CellValue.OfReal(whole),
                ColumnKind.Date => DateOf(row, column, whole, text, issues),
                _ => CellValue.OfInteger(whole),
            };
        }

        if (!NumberText.TryParseDecimal(text, out var value))
        {
            issues.Add(Issue(row, column, text, Rules.NotANumber, IssueSeverity.Error, $"{column.Name} must be a number; found '{Shown(column, text)}'."));
            return CellValue.Null;
        }

        var integerDigits = IntegerDigits(value) + (value < 0 ? 1 : 0);
        var room = item.Length - item.Decimals - (item.DecimalChar && item.Decimals > 0 ? 1 : 0);
        if (integerDigits > room)
        {
            return Rejected(issues, TooLong(row, column, text, room));
        }

        if (item.Decimals == 0 && value != Math.Truncate(value))
        {
            issues.Add(Issue(row, column, text, Rules.NotANumber, IssueSeverity.Error, $"{column.Name} must be a whole number; found '{Shown(column, text)}'."));
            return CellValue.Null;
        }

        if (codes is not null && !codes.Contains(value))
        {
            return Rejected(issues, OutOfValueSet(row, column, text));
        }

        return column.Kind switch
        {
            ColumnKind.Text => CellValue.OfText(text),
            ColumnKind.Real => CellValue.OfReal((double)value),
            ColumnKind.Date => DateOf(row, column, (long)value, text, issues),
            _ => CellValue.OfInteger((long)value),
        };
    }

    /// <summary>
    /// A date item's number as a date cell (the number YYYYMMDD, whatever the item's format). A special code (a dictionary
    /// special value or a pack special code, which cleaning then sets to null) is kept as it is. Anything else that is no
    /// calendar date is an error, like a code outside the value set: the row goes to quarantine, its text kept there.
    /// </summary>
    private CellValue DateOf(SourceRow row, LayoutColumn column, long number, string text, List<RowIssue> issues)
    {
        if (column.Date!.TryRead(number, out var date))
        {
            return CellValue.OfDate(date);
        }

        return IsSpecialCode(column, number) ? CellValue.OfInteger(number) : Rejected(issues, NotADate(row, column, text));
    }

    private bool IsSpecialCode(LayoutColumn column, long number)
    {
        if (_cleaner is not null)
        {
            return _cleaner.IsSpecialCode(_layout.IndexOf(column.Name), number);
        }

        return column.Item.PrimaryValueSet?.Values.Any(v => v.Special is not null && v.ContainsNumber(number)) == true;
    }

    private static RowIssue NotADate(SourceRow row, LayoutColumn column, string text)
    {
        var format = column.Date!;
        var example = format.Text.Replace("YYYY", "2022", StringComparison.Ordinal).Replace("MM", "08", StringComparison.Ordinal).Replace("DD", "15", StringComparison.Ordinal);
        return Issue(row, column, text, Rules.InvalidDate, IssueSeverity.Error, $"{column.Name}={Shown(column, text)} is not a date in the format {format.Text}; expected {format.Length} digits naming a real day (month 01-12, a day the month has), such as {example} for 15 August 2022.");
    }

    private static CellValue Rejected(List<RowIssue> issues, RowIssue issue)
    {
        issues.Add(issue);
        return CellValue.Null;
    }

    private static RowIssue TooLong(SourceRow row, LayoutColumn column, string text, int room) =>
        Issue(row, column, text, Rules.TooLong, IssueSeverity.Error, $"{column.Name}={Shown(column, text)} does not fit the item's length {column.Item.Length} ({room} digits before the decimals).");

    private static RowIssue OutOfValueSet(SourceRow row, LayoutColumn column, string text)
    {
        var valueSet = column.Item.PrimaryValueSet!;
        return Issue(row, column, text, Rules.OutOfValueSet, IssueSeverity.Error, $"{column.Name}={Shown(column, text)} is not in value set {valueSet.Name} ({Describe(valueSet)}).");
    }

    private static CellValue ConvertText(SourceRow row, LayoutColumn column, string text, List<RowIssue> issues)
    {
        if (text.Length > column.Item.Length)
        {
            issues.Add(Issue(row, column, text, Rules.TooLong, IssueSeverity.Warning, $"{column.Name} has {text.Length} characters; the item holds {column.Item.Length}. Kept as is."));
        }

        if (column.Item.PrimaryValueSet is { } valueSet && !valueSet.ContainsText(text))
        {
            issues.Add(Issue(row, column, text, Rules.OutOfValueSet, IssueSeverity.Error, $"{column.Name}='{Shown(column, text)}' is not in value set {valueSet.Name}."));
            return CellValue.Null;
        }

        if (column.Date is { } format)
        {
            // An alpha date item: the text as stored, exactly the format's digits.
            return format.TryRead(text.AsSpan(), out var date) ? CellValue.OfDate(date) : Rejected(issues, NotADate(row, column, text));
        }

        return CellValue.OfText(text);
    }

    /// <summary>
    /// An optional sign and 1 to 18 digits (so that it fits a long); <paramref name="significant"/> counts the digits
    /// without leading zeros (1 for zero), as <see cref="IntegerDigits"/> does.
    /// </summary>
    internal static bool TryParseWhole(ReadOnlySpan<char> text, out long value, out int significant)
    {
        value = 0;
        significant = 0;
        var negative = text.Length > 0 && text[0] == '-';
        var digits = text.Length > 0 && text[0] is '-' or '+' ? text[1..] : text;
        if (digits.IsEmpty || digits.Length > 18)
        {
            return false;
        }

        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }

            value = (value * 10) + (c - '0');
            significant += significant > 0 || c != '0' ? 1 : 0;
        }

        significant = Math.Max(significant, 1);
        value = negative ? -value : value;
        return true;
    }

    /// <summary>Digits before the decimal point of |<paramref name="value"/>| (1 for 0.x), without making a string.</summary>
    internal static int IntegerDigits(decimal value)
    {
        var whole = decimal.Truncate(Math.Abs(value));
        if (whole > ulong.MaxValue)
        {
            return whole.ToString(CultureInfo.InvariantCulture).Length;
        }

        var n = (ulong)whole;
        var digits = 1;
        while (n >= 10)
        {
            n /= 10;
            digits++;
        }

        return digits;
    }

    /// <summary>
    /// The ID items at their fixed widths, numbers zero-padded, texts space-padded, as CSPro keys cases. Built in a
    /// reused buffer: one string per row (measured hot path).
    /// </summary>
    private string KeyOf(CellValue[] cells, int[] columns)
    {
        var at = 0;
        foreach (var i in columns)
        {
            var item = _layout.Columns[i].Item;
            var cell = cells[i];
            var width = item.Length;
            EnsureKeyRoom(at + Math.Max(width, 24) + 64);
            var slot = _keyBuffer.AsSpan(at);
            int written;
            if (cell.IsNull)
            {
                written = 0;
            }
            else if (item.DataType == ItemDataType.Numeric && item.Decimals == 0)
            {
                cell.Integer.TryFormat(slot, out written, default, CultureInfo.InvariantCulture);
                if (written < width)
                {
                    // PadLeft with zeros: move the digits right, fill the front.
                    slot[..written].CopyTo(slot[(width - written)..]);
                    slot[..(width - written)].Fill('0');
                    written = width;
                }
            }
            else
            {
                var text = cell.Text ?? cell.Real.ToString(CultureInfo.InvariantCulture);
                EnsureKeyRoom(at + text.Length + width);
                slot = _keyBuffer.AsSpan(at);
                text.AsSpan().CopyTo(slot);
                written = text.Length;
            }

            if (written < width)
            {
                slot[written..width].Fill(' ');
                written = width;
            }

            at += written;
        }

        return new string(_keyBuffer, 0, at);
    }

    private void EnsureKeyRoom(int length)
    {
        if (_keyBuffer.Length < length)
        {
            Array.Resize(ref _keyBuffer, Math.Max(length, _keyBuffer.Length * 2));
        }
    }

    private static RowIssue Issue(SourceRow row, LayoutColumn column, string value, string rule, IssueSeverity severity, string message) =>
        new(row.Row, string.Empty, row.Layout.Record.Name, column.Name, Shown(column, value), rule, severity, message);

    private static string Shown(LayoutColumn column, string value) => column.Privacy == PersonalData.None ? value : Mask(column.Name);

    /// <summary>What a message, an issue's value, a report or a log shows for a value of personal-data item <paramref name="item"/>.</summary>
    internal static string Mask(string item) => $"«{item} value»";

    private static string Describe(ValueSet valueSet)
    {
        var parts = valueSet.Values.Take(8).Select(v => string.Join(' ', v.Pairs.Select(p => p.To is null ? p.From : $"{p.From}–{p.To}")) + (v.Label.Length > 0 ? " " + v.Label : string.Empty));
        return string.Join(", ", parts) + (valueSet.Values.Count > 8 ? ", …" : string.Empty);
    }
}
#pragma warning restore CA1001
