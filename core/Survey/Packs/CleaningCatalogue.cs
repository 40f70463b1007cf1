using Pipeline.Core.Conditions;
using Pipeline.Core.Dictionary;
using YamlDotNet.Serialization;

namespace Pipeline.Core.Packs;

/// <summary>
/// A survey pack's cleaning steps (<c>cleaning.yaml</c>), written by analysts. Every step is applied to each row that
/// passed the dictionary checks, before the pack's rules, and every change is counted per step in the upload's summary
/// and quality report. Nothing is changed silently: a value set to null keeps its reason in <c>_nulled</c>.
/// </summary>
public sealed class CleaningCatalogue
{
    /// <summary>The column that lists, per row, the items set to null and why (e.g. "B2_AGE=999 missing").</summary>
    public const string NulledColumn = "_nulled";

    /// <summary>The level-1 column with the case's sampling weight N_h / planned n_h from the design.</summary>
    public const string WeightColumn = "_weight";

    /// <summary>The level-1 column with the case's stratum id from the design (null when no stratum matches).</summary>
    public const string StratumColumn = "_stratum";

    public TextCleaning Text { get; init; } = new();

    /// <summary>Numeric codes that mean "no value" for some items: set to null, reason kept.</summary>
    public IReadOnlyList<SpecialCodes> SpecialCodes { get; init; } = [];

    /// <summary>New columns computed from each row: unit conversions to hectares and kilograms, flags.</summary>
    public IReadOnlyList<DerivedColumn> Columns { get; init; } = [];

    /// <summary>Place names matched to the pack's gazetteer.</summary>
    public GazetteerStep? Gazetteer { get; init; }

    /// <summary>Case-level variables on the level-1 record, computed once the whole upload is read.</summary>
    public IReadOnlyList<CaseVariable> CaseVariables { get; init; } = [];

    /// <summary>The derived columns' and case variables' expressions, parsed once by <see cref="Check"/> when the pack loads.</summary>
    [YamlIgnore]
    public CompiledExpressions Expressions { get; } = new();

    /// <summary>The names cleaning adds to a record: its derived columns and, on the level-1 record, the case variables.</summary>
    public IEnumerable<string> AddedNames(DataDictionary dictionary, string record)
    {
        ArgumentNullException.ThrowIfNull(dictionary);
        var names = Columns.Where(c => string.Equals(c.Record, record, StringComparison.OrdinalIgnoreCase)).Select(c => c.Name);
        return IsMain(dictionary, record) ? names.Concat(CaseVariables.Select(v => v.Name)) : names;
    }

    /// <summary>Whether <paramref name="record"/> is the case record, which holds the case variables (<see cref="CaseRecord.Of"/>).</summary>
    public static bool IsMain(DataDictionary dictionary, string record) => CaseRecord.Is(dictionary, record);

    /// <summary>
    /// Checks every step against the dictionary and parses its expressions into <see cref="Expressions"/>; throws
    /// <see cref="SurveyPackException"/> naming the step, its line (from <paramref name="lines"/>, when read from a file) and the problem.
    /// </summary>
    public void Check(DataDictionary dictionary, string path, YamlLines? lines = null)
    {
        ArgumentNullException.ThrowIfNull(dictionary);
        lines ??= YamlLines.None;
        var main = CaseRecord.Of(dictionary);
        var ids = dictionary.Levels.SelectMany(l => l.IdItems).Select(i => i.Name).ToList();
        var names = new HashSet<string>(dictionary.Records.SelectMany(r => r.Items).Select(i => i.Name).Concat(ids), StringComparer.OrdinalIgnoreCase);
        IEnumerable<string> ItemsOf(DictionaryRecord record) => record.Items.Select(i => i.Name).Concat(ids);

        foreach (var (special, n) in SpecialCodes.Select((s, n) => (s, n)))
        {
            foreach (var pattern in special.Items.Where(p => !names.Any(name => RuleCatalogue.Matches(p, name))))
            {
                throw new SurveyPackException($"{path}: specialCodes[{n}]: '{pattern}' names no item of the dictionary.");
            }

            if (special.Codes.Count == 0)
            {
                throw new SurveyPackException($"{path}: specialCodes[{n}]: give 'codes', e.g. {{99999: dont-know}}.");
            }
        }

        for (var index = 0; index < Columns.Count; index++)
        {
            var column = Columns[index];
            var where = $"{YamlLines.Where(path, lines.Line("columns", index))}: column '{column.Name}'";
            var record = dictionary.FindRecord(column.Record) ?? throw new SurveyPackException($"{where}: record '{column.Record}' is not in the dictionary.");
            if (names.Contains(column.Name) || !column.Name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                throw new SurveyPackException($"{where}: the name must be new (not an item) and use letters, digits and '_'.");
            }

            var known = ItemsOf(record).Concat(Columns.TakeWhile(c => c != column).Where(c => c.Record == column.Record).Select(c => c.Name)).ToList();
            CheckExpression(where, column.Value, numeric: !column.IsFlag, known);
            if (column.Times is { } times)
            {
                if (!known.Contains(times.Item, StringComparer.OrdinalIgnoreCase) || times.Factors.Count == 0)
                {
                    throw new SurveyPackException($"{where}: times.item '{times.Item}' must be an item of {record.Name}, with factors per code.");
                }
            }
        }

        if (Gazetteer is { } gazetteer && dictionary.FindItem(gazetteer.Item) is not { DataType: ItemDataType.Alpha })
        {
            throw new SurveyPackException($"{path}: gazetteer.item '{gazetteer.Item}' must be an alpha item of the dictionary.");
        }

        var caseNames = ItemsOf(main).ToList();
        for (var index = 0; index < CaseVariables.Count; index++)
        {
            var variable = CaseVariables[index];
            var where = $"{YamlLines.Where(path, lines.Line("caseVariables", index))}: case variable '{variable.Name}'";
            if (names.Contains(variable.Name) || caseNames.Contains(variable.Name, StringComparer.OrdinalIgnoreCase))
            {
                throw new SurveyPackException($"{where}: the name is already used.");
            }

            if (variable.Type is not (null or "integer" or "real"))
            {
                throw new SurveyPackException($"{where}: type '{variable.Type}' must be integer or real.");
            }

            var kinds = new[] { variable.Sum is not null, variable.Count, variable.Any is not null, variable.Value is not null, variable.Cases.Count > 0 }.Count(k => k);
            if (kinds != 1)
            {
                throw new SurveyPackException($"{where}: give exactly one of sum, count, any, value or cases.");
            }

            if (variable.From is { } from)
            {
                var roster = dictionary.FindRecord(from) ?? throw new SurveyPackException($"{where}: record '{from}' is not in the dictionary.");
                var rosterNames = ItemsOf(roster).Concat(Columns.Where(c => c.Record == roster.Name).Select(c => c.Name)).ToList();
                CheckExpression(where, variable.Where, numeric: false, rosterNames);
                CheckExpression(where, variable.Sum, numeric: true, rosterNames);
                CheckExpression(where, variable.Any, numeric: false, rosterNames);
                if (variable.Value is not null || variable.Cases.Count > 0)
                {
                    throw new SurveyPackException($"{where}: with 'from', give sum, count or any.");
                }
            }
            else if (variable.Sum is not null || variable.Count || variable.Any is not null || variable.Where is not null)
            {
                throw new SurveyPackException($"{where}: sum, count, any and where need 'from: <record>'.");
            }
            else
            {
                CheckExpression(where, variable.Value, numeric: true, caseNames);
                foreach (var @case in variable.Cases)
                {
                    CheckExpression(where, @case.When, numeric: false, caseNames);
                    CheckExpression(where, @case.Value, numeric: true, caseNames);
                }
            }

            caseNames.Add(variable.Name);
        }
    }

    private void CheckExpression(string where, string? text, bool numeric, IReadOnlyCollection<string> known)
    {
        if (text is null)
        {
            return;
        }

        ConditionExpression parsed;
        try
        {
            parsed = numeric ? Expressions.Value(text) : Expressions.Condition(text);
        }
        catch (FormatException e)
        {
            throw new SurveyPackException($"{where}: {e.Message}", e);
        }

        foreach (var item in parsed.Items.Where(i => !known.Contains(i, StringComparer.OrdinalIgnoreCase)))
        {
            throw new SurveyPackException($"{where}: '{item}' is not an item (or earlier derived column) it can read.");
        }
    }
}

public sealed class TextCleaning
{
    /// <summary>
    /// Trim, collapse runs of white space to one space, Unicode NFC, on every alpha item. Default false: CSPro keeps an
    /// alpha value as typed, right-trimmed only (" k" stays " k"), so the curated lake does too unless the pack asks.
    /// </summary>
    public bool Normalise { get; init; }
}

/// <summary>Codes of some numeric items that mean "no value" (e.g. 99999 don't know in a quantity).</summary>
public sealed class SpecialCodes
{
    /// <summary>Item names or prefixes ending in '*'.</summary>
    public IReadOnlyList<string> Items { get; init; } = [];

    /// <summary>Code → reason, e.g. {99999: dont-know}.</summary>
    public IReadOnlyDictionary<long, string> Codes { get; init; } = System.Collections.ObjectModel.ReadOnlyDictionary<long, string>.Empty;
}

/// <summary>A new column of a record, computed from the row: a unit conversion or a flag.</summary>
public sealed class DerivedColumn
{
    public string Name { get; init; } = string.Empty;

    public string Record { get; init; } = string.Empty;

    public string Label { get; init; } = string.Empty;

    /// <summary>A numeric expression (or, when <see cref="IsFlag"/>, a condition giving 1, 0 or null).</summary>
    public string Value { get; init; } = string.Empty;

    /// <summary>When true, <see cref="Value"/> is a condition and the column holds 1 (true), 0 (false) or null (unknown).</summary>
    public bool IsFlag { get; init; }

    /// <summary>Optional: multiply the value by a factor looked up by the code of an item (a unit).</summary>
    public UnitFactors? Times { get; init; }
}

/// <summary>Conversion factors per unit code, e.g. area units to hectares.</summary>
public sealed class UnitFactors
{
    public string Item { get; init; } = string.Empty;

    public IReadOnlyDictionary<long, double> Factors { get; init; } = System.Collections.ObjectModel.ReadOnlyDictionary<long, double>.Empty;
}

public sealed class GazetteerStep
{
    /// <summary>The free-text place item, e.g. A4_LOCALITY.</summary>
    public string Item { get; init; } = string.Empty;

    /// <summary>A CSV file in the pack with a <c>name</c> column: the places' official spellings.</summary>
    public string File { get; init; } = string.Empty;

    /// <summary>warning (default: the row is kept and flagged) or error (the case is rejected) for an unknown place.</summary>
    public string Severity { get; init; } = "warning";

    /// <summary><see cref="Severity"/> as a rule severity: error when it says so, else warning.</summary>
    [YamlIgnore]
    public RuleSeverity SeverityLevel => Severity == "error" ? RuleSeverity.Error : RuleSeverity.Warning;
}

/// <summary>
/// A case-level variable, a column of the level-1 record: either aggregated over a roster (<see cref="From"/> with
/// sum, count or any, over the rows where <see cref="Where"/> holds), or computed from the level-1 items and the
/// variables before it (value, or cases: the first <c>when</c> that holds gives the value).
/// </summary>
public sealed class CaseVariable
{
    public string Name { get; init; } = string.Empty;

    public string Label { get; init; } = string.Empty;

    public string? From { get; init; }

    public string? Where { get; init; }

    /// <summary>Sum of this expression over the roster rows; null when no row matches.</summary>
    public string? Sum { get; init; }

    /// <summary>Number of matching roster rows (0 when none).</summary>
    public bool Count { get; init; }

    /// <summary>1 when some matching roster row satisfies this condition, else 0.</summary>
    public string? Any { get; init; }

    public string? Value { get; init; }

    public IReadOnlyList<CaseValue> Cases { get; init; } = [];

    /// <summary>
    /// integer or real: the column's type. Default: integer for count, any and cases whose values are whole numbers,
    /// real otherwise. A real value stored in an integer column is rounded to the nearest whole number.
    /// </summary>
    public string? Type { get; init; }

    /// <summary>Value labels, for the labels table and Power BI.</summary>
    public IReadOnlyDictionary<long, string> Labels { get; init; } = System.Collections.ObjectModel.ReadOnlyDictionary<long, string>.Empty;

    /// <summary>
    /// The value labels in the dictionary's other languages, by language code then code (<c>labelsIn: {es: {1: Pequeño}}</c>);
    /// a code missing here keeps its <see cref="Labels"/> text.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<long, string>> LabelsIn { get; init; } = System.Collections.ObjectModel.ReadOnlyDictionary<string, IReadOnlyDictionary<long, string>>.Empty;

    public bool IsAggregate => From is not null;
}

/// <summary>One branch of a case variable's <c>cases</c>: when the condition holds, the value (a number or an expression).</summary>
public sealed class CaseValue
{
    public string When { get; init; } = string.Empty;

    public string Value { get; init; } = string.Empty;
}
