using System.Globalization;
using Pipeline.Core.Ingest;
using Pipeline.Core.Lake;

namespace Pipeline.Core.Validation;

/// <summary>The pack's rules for one record, compiled against its layout, applied to a row's typed cells.</summary>
public sealed class RecordRules
{
    private readonly RecordLayout _layout;
    private readonly List<Compiled> _rules;

    public RecordRules(RecordLayout layout, RuleCatalogue? catalogue)
    {
        _layout = layout ?? throw new ArgumentNullException(nameof(layout));
        _rules = (catalogue?.Rules ?? [])
            .Where(r => r.Severity != "off" && string.Equals(r.Record, layout.Record.Name, StringComparison.OrdinalIgnoreCase))
            .Select(r => new Compiled(
                r,
                r.When is null ? null : RuleExpression.Parse(r.When),
                r.Check is null ? null : RuleExpression.Parse(r.Check),
                Columns(r.Blank),
                Columns(r.Answered),
                r.Severity == "warning" ? IssueSeverity.Warning : IssueSeverity.Error))
            .ToList();
    }

    /// <summary>Appends one issue per broken rule (per item for blank/answered rules).</summary>
    public void Apply(SourceRow row, CellValue[] cells, string caseKey, List<RowIssue> issues)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(cells);
        ArgumentNullException.ThrowIfNull(issues);
        double? Value(string item)
        {
            var i = _layout.IndexOf(item);
            if (i < 0 || cells[i].IsNull)
            {
                return null;
            }

            return _layout.Columns[i].Kind switch
            {
                ColumnKind.Integer => cells[i].Integer,
                ColumnKind.Real => cells[i].Real,
                _ => double.TryParse(cells[i].Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : 0, // text: answered
            };
        }

        foreach (var rule in _rules)
        {
            if (rule.When is not null && rule.When.Evaluate(Value) != true)
            {
                continue;
            }

            foreach (var c in rule.Blank.Where(c => !cells[c].IsNull))
            {
                issues.Add(Issue(row, caseKey, rule, _layout.Columns[c].Name, Shown(c, cells[c]), $"{_layout.Columns[c].Name} should be blank: {rule.Definition.Description}"));
            }

            foreach (var c in rule.Answered.Where(c => cells[c].IsNull))
            {
                issues.Add(Issue(row, caseKey, rule, _layout.Columns[c].Name, string.Empty, $"{_layout.Columns[c].Name} should be answered: {rule.Definition.Description}"));
            }

            if (rule.Check is not null && rule.Check.Evaluate(Value) == false)
            {
                var values = string.Join(", ", rule.Check.Items.Select(i => $"{i}={(Value(i) is { } v ? v.ToString(CultureInfo.InvariantCulture) : "blank")}"));
                issues.Add(Issue(row, caseKey, rule, string.Join('+', rule.Check.Items), values, $"{rule.Definition.Description} ({rule.Check.Text}; found {values})"));
            }
        }
    }

    private int[] Columns(IEnumerable<string> patterns) =>
        Enumerable.Range(0, _layout.Columns.Count).Where(i => patterns.Any(p => RuleCatalogue.Matches(p, _layout.Columns[i].Name))).ToArray();

    private string Shown(int column, CellValue cell) =>
        _layout.Columns[column].Privacy != PersonalData.None ? "«personal data»"
        : cell.Text ?? (_layout.Columns[column].Kind == ColumnKind.Real ? cell.Real.ToString(CultureInfo.InvariantCulture) : cell.Integer.ToString(CultureInfo.InvariantCulture));

    private RowIssue Issue(SourceRow row, string caseKey, Compiled rule, string item, string value, string message) =>
        new(row.Row, caseKey, _layout.Record.Name, item, value, rule.Definition.Id, rule.Severity, message);

    private sealed record Compiled(RuleDefinition Definition, RuleExpression? When, RuleExpression? Check, int[] Blank, int[] Answered, IssueSeverity Severity);
}
