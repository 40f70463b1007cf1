using System.Runtime.InteropServices;
using System.Text;
using Pipeline.Core.Conditions;
using Pipeline.Core.Dictionary;
using Pipeline.Core.Packs;
using Pipeline.Core.Readers;
using Pipeline.Core.Validation;
using Pipeline.Core.Values;

namespace Pipeline.Core.Cleaning;

/// <summary>
/// Applies the pack's cleaning steps to one record's typed cells, in this order: text normalisation, special codes to
/// null (with the reason), gazetteer, derived columns (unit conversions, flags). Counts every change in
/// <see cref="CleaningCounts"/>. One instance per record and upload; per-row state only.
/// </summary>
public sealed class RecordCleaner
{
    /// <summary>Rule id of the warning raised for a place the gazetteer does not know.</summary>
    public const string UnknownPlaceRule = "clean.gazetteer-unknown-place";

    private readonly RecordLayout _layout;
    private readonly CleaningCounts _counts;
    private readonly Dictionary<(string Prefix, string Name), string> _stepNames = [];
    private readonly bool _normalise;
    private readonly Dictionary<long, string>?[] _special;
    private readonly int _place = -1;
    private readonly Gazetteer? _gazetteer;
    private readonly IssueSeverity _placeSeverity;
    private readonly (DerivedColumn Definition, RuleExpression Value, int Unit)[] _derived;
    private readonly StringBuilder _nulled = new();
    private readonly long?[] _nulledCodes;
    private readonly List<int> _nulledColumns = [];

    public RecordCleaner(RecordLayout layout, CleaningCatalogue? catalogue, Gazetteer? gazetteer, CleaningCounts counts)
    {
        _layout = layout ?? throw new ArgumentNullException(nameof(layout));
        _counts = counts ?? throw new ArgumentNullException(nameof(counts));
        catalogue ??= new CleaningCatalogue();
        _normalise = catalogue.Text.Normalise;
        _special = layout.Columns.Select(c => SpecialCodesOf(c, catalogue)).ToArray();
        _nulledCodes = new long?[layout.Columns.Count];
        if (catalogue.Gazetteer is { } step && gazetteer is not null && layout.IndexOf(step.Item) is >= 0 and var place)
        {
            _place = place;
            _gazetteer = gazetteer;
            _placeSeverity = step.SeverityLevel == RuleSeverity.Error ? IssueSeverity.Error : IssueSeverity.Warning;
        }

        var definitions = catalogue.Columns.Where(c => string.Equals(c.Record, layout.Record.Name, StringComparison.OrdinalIgnoreCase)).ToList();
        DerivedColumns = DerivedColumnsOf(catalogue, layout.Record.Name);
        Values = new RowValues(layout.Columns.Select(c => new TableColumn(c.Name, c.Kind)).Concat(DerivedColumns));
        _derived = definitions.Select(d => (d, RuleExpression.Of(d.IsFlag ? catalogue.Expressions.Condition(d.Value) : catalogue.Expressions.Value(d.Value)), d.Times is null ? -1 : Values.IndexOf(d.Times.Item))).ToArray();
    }

    /// <summary>The columns the pack's cleaning adds to <paramref name="record"/>, in order.</summary>
    public static IReadOnlyList<TableColumn> DerivedColumnsOf(CleaningCatalogue catalogue, string record) =>
        (catalogue ?? throw new ArgumentNullException(nameof(catalogue))).Columns
            .Where(c => string.Equals(c.Record, record, StringComparison.OrdinalIgnoreCase))
            .Select(d => new TableColumn(d.Name, d.IsFlag ? ColumnKind.Integer : ColumnKind.Real)).ToList();

    /// <summary>The columns cleaning adds to the record, after the layout's columns.</summary>
    public IReadOnlyList<TableColumn> DerivedColumns { get; }

    /// <summary>The row's names: layout columns then <see cref="DerivedColumns"/>; a cells array has this many cells.</summary>
    public RowValues Values { get; }

    /// <summary>
    /// Cleans <paramref name="cells"/> in place (layout cells, then fills the derived cells) and returns the
    /// <c>_nulled</c> text ("ITEM=code reason; ..."), or null when nothing was set to null.
    /// </summary>
    public string? Clean(SourceRow row, CellValue[] cells, string caseKey, List<RowIssue> issues)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(cells);
        ArgumentNullException.ThrowIfNull(issues);
        _nulled.Clear();
        foreach (var n in _nulledColumns)
        {
            _nulledCodes[n] = null;
        }

        _nulledColumns.Clear();
        for (var c = 0; c < _layout.Columns.Count; c++)
        {
            var cell = cells[c];
            if (cell.IsNull)
            {
                continue;
            }

            if (cell.Text is { } text && _normalise && _layout.Columns[c].Item.DataType == ItemDataType.Alpha)
            {
                var normal = TextForms.Normalise(text);
                if (!string.Equals(normal, text, StringComparison.Ordinal))
                {
                    cells[c] = CellValue.OfText(normal);
                    _counts.Add("text.normalised");
                }
            }
            else if (_special[c] is { } codes && cell.Text is null && codes.TryGetValue(_layout.Columns[c].Kind == ColumnKind.Real ? (long)cell.Real : cell.Integer, out var reason))
            {
                _nulled.Append(_nulled.Length == 0 ? string.Empty : "; ").Append(_layout.Columns[c].Name).Append('=').Append(RowValues.Show(cell, _layout.Columns[c].Kind)).Append(' ').Append(reason);
                _nulledCodes[c] = _layout.Columns[c].Kind == ColumnKind.Real ? (long)cell.Real : cell.Integer;
                _nulledColumns.Add(c);
                cells[c] = CellValue.Null;
                _counts.Add(StepName("special-code.", reason));
            }
        }

        if (_place >= 0 && cells[_place].Text is { } placeName)
        {
            MatchPlace(row, cells, caseKey, issues, placeName);
        }

        for (var d = 0; d < _derived.Length; d++)
        {
            var (definition, value, unit) = _derived[d];
            var at = _layout.Columns.Count + d;
            cells[at] = Derive(cells, definition, value, unit);
            if (!cells[at].IsNull)
            {
                _counts.Add(StepName("derived.", definition.Name));
            }
        }

        return _nulled.Length == 0 ? null : _nulled.ToString();
    }

    /// <summary>"derived.X": made once per step, not once per row.</summary>
    private string StepName(string prefix, string name)
    {
        ref var step = ref CollectionsMarshal.GetValueRefOrAddDefault(_stepNames, (prefix, name), out var exists);
        if (!exists)
        {
            step = prefix + name;
        }

        return step!;
    }

    /// <summary>
    /// The special code the last cleaned row had in <paramref name="column"/> before it was set to null, or null. Rules use
    /// it to tell "answered don't know" from "not asked"; the quality report to count don't-know answers.
    /// </summary>
    public long? NulledCode(int column) => column < _nulledCodes.Length ? _nulledCodes[column] : null;

    /// <summary>Whether cleaning sets <paramref name="code"/> in <paramref name="column"/> to null (a dictionary special value or a pack special code).</summary>
    public bool IsSpecialCode(int column, long code) => column < _special.Length && _special[column]?.ContainsKey(code) == true;

    private CellValue Derive(CellValue[] cells, DerivedColumn definition, RuleExpression value, int unit)
    {
        if (definition.IsFlag)
        {
            return value.Evaluate(Values, cells) is { } truth ? CellValue.OfInteger(truth ? 1 : 0) : CellValue.Null;
        }

        var number = value.Compute(Values, cells);
        if (number is { } v && unit >= 0)
        {
            number = RowValues.Value(cells[unit], Values.KindOf(unit)) is { } code && definition.Times!.Factors.TryGetValue((long)code, out var factor) ? v * factor : null;
        }

        return number is { } result && double.IsFinite(result) ? CellValue.OfReal(result) : CellValue.Null;
    }

    private void MatchPlace(SourceRow row, CellValue[] cells, string caseKey, List<RowIssue> issues, string placeName)
    {
        var official = _gazetteer!.Match(placeName);
        if (official is null)
        {
            var column = _layout.Columns[_place];
            issues.Add(new RowIssue(row.Row, caseKey, _layout.Record.Name, column.Name, placeName, UnknownPlaceRule, _placeSeverity, $"{column.Name}='{placeName}' is not in the pack's gazetteer (accents and case ignored); check the spelling or add the place to the gazetteer."));
            _counts.Add("gazetteer.unknown");
        }
        else if (!string.Equals(official, placeName, StringComparison.Ordinal))
        {
            cells[_place] = CellValue.OfText(official);
            _counts.Add("gazetteer.respelled");
        }
        else
        {
            _counts.Add("gazetteer.matched");
        }
    }

    private static Dictionary<long, string>? SpecialCodesOf(LayoutColumn column, CleaningCatalogue catalogue)
    {
        if (column.IsId || column.Item.DataType != ItemDataType.Numeric || column.Privacy != PersonalData.None)
        {
            return null;
        }

        var codes = new Dictionary<long, string>();
        foreach (var entry in column.Item.PrimaryValueSet?.Values.Where(v => v.Special is not null) ?? [])
        {
            foreach (var pair in entry.Pairs.Where(p => p.To is null))
            {
                if (NumberText.TryParseDecimal(pair.From, out var code))
                {
                    codes.TryAdd((long)code, entry.Special!.ToLowerInvariant());
                }
            }
        }

        var name = column.Item.Name;
        foreach (var special in catalogue.SpecialCodes.Where(s => s.Items.Any(p => RuleCatalogue.Matches(p, name) || RuleCatalogue.Matches(p, column.Name))))
        {
            foreach (var (code, reason) in special.Codes)
            {
                codes[code] = reason;
            }
        }

        return codes.Count == 0 ? null : codes;
    }
}

/// <summary>How many values each cleaning step changed or produced in one upload, by step (e.g. "text.normalised").</summary>
public sealed class CleaningCounts
{
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);

    /// <summary>Rows touched per step, sorted by step name (a copy: counting is per row, sorting only for reports).</summary>
    public SortedDictionary<string, long> ByStep => new(_counts, StringComparer.Ordinal);

    public void Add(string step) => CollectionsMarshal.GetValueRefOrAddDefault(_counts, step, out _)++;
}
