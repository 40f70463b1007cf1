using Pipeline.Core.Conditions;
using Pipeline.Core.Packs;
using Pipeline.Core.Validation;
using Pipeline.Core.Values;

namespace Pipeline.Core.Ingest;

/// <summary>
/// The pack's case-scope rules (<c>scope: case</c> in rules.yaml), checked once per case on its level-1 row after the
/// case variables are filled in, so that a rule can read them.
/// </summary>
internal sealed class CaseRules(SurveyPack pack)
{
    private readonly List<(RuleDefinition Rule, RuleExpression? When, RuleExpression Check)> _rules = pack.Rules.Rules.Where(r => r.ScopeKind == RuleScope.Case && r.SeverityLevel != RuleSeverity.Off && r.Check is not null)
        .Select(r => (r, r.When is null ? null : RuleExpression.Of(pack.Rules.Expressions.Condition(r.When)), RuleExpression.Of(pack.Rules.Expressions.Condition(r.Check!)))).ToList();

    /// <summary>
    /// Checks the case whose level-1 row is <paramref name="row"/>: every failed rule adds an issue, a warning also its
    /// rule id to <paramref name="warnings"/>. Returns the reason of the first failed error-level rule (it rejects the
    /// case), or null.
    /// </summary>
    public string? Check(CellValue[] row, RowValues values, string key, string record, long sourceRow, List<RowIssue> issues, List<string> warnings)
    {
        string? rejection = null;
        foreach (var (rule, when, check) in _rules)
        {
            if ((when is null || when.Evaluate(values, row) == true) && check.Evaluate(values, row) == false)
            {
                var found = RecordRules.Describe(check, name => values.Value(row, name));
                var severity = RecordRules.SeverityOf(rule);
                issues.Add(new RowIssue(sourceRow, key, record, string.Join('+', check.Items), found, rule.Id, severity, $"{rule.Description} ({check.Text}; found {found})"));
                if (severity == IssueSeverity.Error)
                {
                    rejection ??= $"{rule.Id}: {rule.Description}";
                }
                else
                {
                    warnings.Add(rule.Id);
                }
            }
        }

        return rejection;
    }
}
