using System.Globalization;
using Pipeline.Core.Conditions;
using Pipeline.Core.Packs;
using Pipeline.Core.Readers;
using Pipeline.Core.Values;

namespace Pipeline.Core.Validation;

/// <summary>
/// The pack's row rules for one record, compiled against its columns (the layout's and those cleaning adds), applied to
/// a row's typed, cleaned cells. Case rules and outlier rules need the whole upload: <c>UploadChecks</c> runs them.
/// </summary>
public sealed class RecordRules
{
    private readonly RecordLayout _layout;
    private readonly RowValues _values;
    private readonly List<Compiled> _rules;

    public RecordRules(RecordLayout layout, RuleCatalogue? catalogue, RowValues? values = null)
    {
        _layout = layout ?? throw new ArgumentNullException(nameof(layout));
        _values = values ?? new RowValues(layout.Columns.Select(c => new TableColumn(c.Name, c.Kind)));
        _rules = (catalogue?.Rules ?? [])
            .Where(r => r.SeverityLevel != RuleSeverity.Off && r.ScopeKind == RuleScope.Row && r.Outlier is null && string.Equals(r.Record, layout.Record.Name, StringComparison.OrdinalIgnoreCase))
            .Select(r => new Compiled(
                r,
                r.When is null ? null : RuleExpression.Of(catalogue!.Expressions.Condition(r.When)),
                r.Check is null ? null : RuleExpression.Of(catalogue!.Expressions.Condition(r.Check)),
                Columns(r.Blank),
                Columns(r.Answered),
                r.Specify.Select(s => new SpecifyList(_values.IndexOf(s.Text), ListedAnswers(s))).Where(s => s.Text >= 0).ToArray(),
                SeverityOf(r)))
            .ToList();
    }

    public static IssueSeverity SeverityOf(RuleDefinition rule) => rule?.SeverityLevel == RuleSeverity.Warning ? IssueSeverity.Warning : IssueSeverity.Error;

    /// <summary>
    /// Appends one issue per broken rule (per item for blank/answered rules). <paramref name="nulledCode"/> gives the
    /// special code cleaning set to null in a column, or null: a "don't know" was an answer, so it is not blank.
    /// </summary>
    public void Apply(SourceRow row, CellValue[] cells, string caseKey, List<RowIssue> issues, Func<int, long?>? nulledCode = null)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(cells);
        ArgumentNullException.ThrowIfNull(issues);
        foreach (var rule in _rules)
        {
            if (rule.When is not null && rule.When.Evaluate(_values, cells) != true)
            {
                continue;
            }

            foreach (var c in rule.Blank)
            {
                if (!Answered(cells, c, nulledCode))
                {
                    continue;
                }

                var shown = cells[c].IsNull ? nulledCode!(c)!.Value.ToString(CultureInfo.InvariantCulture) : Shown(c, cells[c]);
                issues.Add(Issue(row, caseKey, rule, _layout.Columns[c].Name, shown, $"{_layout.Columns[c].Name} should be blank: {rule.Definition.Description}"));
            }

            foreach (var c in rule.Answered)
            {
                if (Answered(cells, c, nulledCode))
                {
                    continue;
                }

                issues.Add(Issue(row, caseKey, rule, _layout.Columns[c].Name, string.Empty, $"{_layout.Columns[c].Name} should be answered: {rule.Definition.Description}"));
            }

            if (rule.Check is not null && rule.Check.Evaluate(_values, cells) == false)
            {
                var values = Describe(rule.Check, item => _values.Value(cells, item));
                issues.Add(Issue(row, caseKey, rule, string.Join('+', rule.Check.Items), values, $"{rule.Definition.Description} ({rule.Check.Text}; found {values})"));
            }

            foreach (var specify in rule.Specify)
            {
                if (cells[specify.Text].Text is { } text && specify.Answers.TryGetValue(TextForms.Fold(text), out var listed))
                {
                    var item = _values.Names[specify.Text];
                    issues.Add(Issue(row, caseKey, rule, item, text, $"{item}='{text}' is an answer the question lists ({listed}); recode it there. {rule.Definition.Description}"));
                }
            }
        }
    }

    private static bool Answered(CellValue[] cells, int c, Func<int, long?>? nulledCode) => !cells[c].IsNull || nulledCode?.Invoke(c) is not null;

    /// <summary>"A=1, B=blank": the values a broken check read, for its message.</summary>
    public static string Describe(RuleExpression expression, Func<string, double?> value)
    {
        ArgumentNullException.ThrowIfNull(expression);
        ArgumentNullException.ThrowIfNull(value);
        return string.Join(", ", expression.Items.Select(i => $"{i}={(value(i) is { } v ? v.ToString(CultureInfo.InvariantCulture) : "blank")}"));
    }

    private int[] Columns(IEnumerable<string> patterns) =>
        Enumerable.Range(0, _layout.Columns.Count).Where(i => patterns.Any(p => RuleCatalogue.Matches(p, _layout.Columns[i].Name))).ToArray();

    /// <summary>Folded label → "code label" of every answer the question lists, in every language of the labels.</summary>
    private Dictionary<string, string> ListedAnswers(SpecifyCheck check)
    {
        var answers = new Dictionary<string, string>(StringComparer.Ordinal);
        var items = _layout.Columns.Where(c => RuleCatalogue.Matches(check.Listed, c.Name) && !string.Equals(c.Name, check.Other, StringComparison.OrdinalIgnoreCase) && !string.Equals(c.Name, check.Text, StringComparison.OrdinalIgnoreCase));
        foreach (var column in items)
        {
            var values = column.Item.PrimaryValueSet?.Values.Where(v => v.Special is null).ToList() ?? [];
            var single = check.Listed.EndsWith('*'); // an option item of a multiple-choice question: its first label is the option
            foreach (var value in single ? values.Take(1) : values)
            {
                var code = value.Pairs.Count == 1 && value.Pairs[0].To is null && long.TryParse(value.Pairs[0].From.Trim(), CultureInfo.InvariantCulture, out var c) ? c : (long?)null;
                if (!single && code is { } ignored && check.IgnoreCodes.Contains(ignored))
                {
                    continue;
                }

                foreach (var label in value.OtherLanguages.Prepend(value.Label).Select(l => l.Trim()).Where(l => l.Length > 0))
                {
                    answers.TryAdd(TextForms.Fold(label), single ? $"{column.Name}: {label}" : $"{column.Name} = {code} {label}");
                }
            }
        }

        return answers;
    }

    private string Shown(int column, CellValue cell) =>
        _layout.Columns[column].Privacy != PersonalData.None ? RowValidator.Mask(_layout.Columns[column].Name) : RowValues.Show(cell, _layout.Columns[column].Kind);

    private RowIssue Issue(SourceRow row, string caseKey, Compiled rule, string item, string value, string message) =>
        new(row.Row, caseKey, _layout.Record.Name, item, value, rule.Definition.Id, rule.Severity, message);

    private sealed record SpecifyList(int Text, Dictionary<string, string> Answers);

    private sealed record Compiled(RuleDefinition Definition, RuleExpression? When, RuleExpression? Check, int[] Blank, int[] Answered, SpecifyList[] Specify, IssueSeverity Severity);
}
