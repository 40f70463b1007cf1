using Pipeline.Core.Conditions;
using Pipeline.Core.Dictionary;
using YamlDotNet.Serialization;

namespace Pipeline.Core.Packs;

/// <summary>
/// A survey pack's rule catalogue (<c>rules.yaml</c>), written by analysts: skip patterns, consistency checks, result
/// codes. Each rule has an id, a description, a severity (<c>error</c> rejects the row, <c>warning</c> keeps it and flags
/// it in <c>_warnings</c>, <c>off</c> switches it off) and one record it applies to.
/// </summary>
public sealed class RuleCatalogue
{
    public IReadOnlyList<RuleDefinition> Rules { get; init; } = [];

    /// <summary>The rules' conditions and outlier values, parsed once by <see cref="Check"/> when the pack loads.</summary>
    [YamlIgnore]
    public CompiledExpressions Expressions { get; } = new();

    /// <summary>
    /// Checks every rule against the dictionary; throws <see cref="SurveyPackException"/> naming the rule and the problem.
    /// <paramref name="extraNames"/> gives, per record, the names cleaning adds (derived columns; case variables on the
    /// level-1 record), which rules may read too. <paramref name="lines"/> says where the rules are in the file, so
    /// messages give the line (null when not read from a file). The conditions are parsed once, here, into
    /// <see cref="Expressions"/>.
    /// </summary>
    public void Check(DataDictionary dictionary, string path, Func<string, IEnumerable<string>>? extraNames = null, YamlLines? lines = null)
    {
        ArgumentNullException.ThrowIfNull(dictionary);
        lines ??= YamlLines.None;
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var index = 0; index < Rules.Count; index++)
        {
            var rule = Rules[index];
            var where = $"{YamlLines.Where(path, lines.Line("rules", index))}: rule '{rule.Id}'";
            if (string.IsNullOrWhiteSpace(rule.Id) || !ids.Add(rule.Id))
            {
                throw new SurveyPackException($"{YamlLines.Where(path, lines.Line("rules", index))}: rule id '{rule.Id}' is missing or used twice.");
            }

            if (rule.Severity is not ("error" or "warning" or "off"))
            {
                throw new SurveyPackException($"{where}: severity '{rule.Severity}' must be error, warning or off.");
            }

            var record = dictionary.FindRecord(rule.Record) ?? throw new SurveyPackException($"{where}: record '{rule.Record}' is not in the dictionary.");
            if (rule.Check is null && rule.Blank.Count == 0 && rule.Answered.Count == 0 && rule.Specify.Count == 0 && rule.Outlier is null)
            {
                throw new SurveyPackException($"{where}: give 'check', 'blank', 'answered', 'specify' or 'outlier'.");
            }

            if (rule.Scope is not ("row" or "case"))
            {
                throw new SurveyPackException($"{where}: scope '{rule.Scope}' must be row or case.");
            }

            if (rule.ScopeKind == RuleScope.Case && CaseRecord.Of(dictionary) is var main && !ReferenceEquals(main, record))
            {
                throw new SurveyPackException($"{where}: a case rule is checked on the case record, {main.Name} (the first level-1 record that occurs once per case); set 'record: {main.Name}'.");
            }

            var names = record.Items.Select(i => i.Name).Concat(dictionary.Levels.SelectMany(l => l.IdItems).Select(i => i.Name))
                .Concat(extraNames?.Invoke(record.Name) ?? []).ToList();
            var expressions = new[] { (rule.When, false, "when"), (rule.Check, false, "check"), (rule.Outlier?.Value, true, "outlier") }.Where(e => e.Item1 is not null);
            foreach (var (expression, numeric, key) in expressions)
            {
                var at = $"{YamlLines.Where(path, lines.Line("rules", index, key))}: rule '{rule.Id}'";
                ConditionExpression parsed;
                try
                {
                    parsed = numeric ? Expressions.Value(expression!) : Expressions.Condition(expression!);
                }
                catch (FormatException e)
                {
                    throw new SurveyPackException($"{at}: {e.Message}", e);
                }

                foreach (var item in parsed.Items.Where(i => !names.Contains(i, StringComparer.OrdinalIgnoreCase)))
                {
                    throw new SurveyPackException($"{at}: item '{item}' is not in record {record.Name}.");
                }
            }

            var patterns = rule.Blank.Concat(rule.Answered).Concat(rule.Outlier?.By ?? [])
                .Concat(rule.Specify.SelectMany(s => new[] { s.Text, s.Listed }.Concat(s.Other is null ? [] : [s.Other])));
            foreach (var pattern in patterns.Where(p => !names.Any(n => Matches(p, n))))
            {
                throw new SurveyPackException($"{where}: '{pattern}' names no item of record {record.Name}.");
            }

            if (rule.ScopeKind == RuleScope.Case && (rule.Check is null || rule.Blank.Count + rule.Answered.Count + rule.Specify.Count > 0 || rule.Outlier is not null))
            {
                throw new SurveyPackException($"{where}: a case rule has 'check' (and optionally 'when'), nothing else.");
            }

            if (rule.Outlier is not null && rule.SeverityLevel == RuleSeverity.Error)
            {
                throw new SurveyPackException($"{where}: an outlier rule is a warning (or off): a value far from the others is a question for the field team, not proof of an error.");
            }

            if (rule.Outlier is { } outlier && (outlier.Threshold <= 0 || outlier.MinGroup < 3 || outlier.Scale is not ("linear" or "log")))
            {
                throw new SurveyPackException($"{where}: outlier needs threshold > 0, minGroup ≥ 3 and scale linear or log.");
            }

            if (rule.Outlier is { By.Count: > OutlierCheck.MaxBy })
            {
                throw new SurveyPackException($"{where}: outlier groups by at most {OutlierCheck.MaxBy} items (by: {string.Join(", ", rule.Outlier.By)}); group by fewer, or derive one grouping item in cleaning.yaml.");
            }
        }
    }

    /// <summary>Item patterns: a name, or a prefix ending in '*' (e.g. Q13_*).</summary>
    public static bool Matches(string pattern, string name)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return pattern.EndsWith('*')
            ? name.StartsWith(pattern[..^1], StringComparison.OrdinalIgnoreCase)
            : string.Equals(pattern, name, StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>A rule's severity: <c>error</c> rejects the row, <c>warning</c> flags it, <c>off</c> switches the rule off.</summary>
public enum RuleSeverity
{
    Error,
    Warning,
    Off,
}

/// <summary>Where a rule is checked: on each row as it is read, or once per case after the whole upload.</summary>
public enum RuleScope
{
    Row,
    Case,
}

/// <summary>The scale an outlier rule compares values on.</summary>
public enum OutlierScale
{
    Linear,
    Log,
}

public sealed class RuleDefinition
{
    /// <summary>Stable id, e.g. "skip.q12-members-skip-q13"; reports and tests refer to it.</summary>
    public string Id { get; init; } = string.Empty;

    public string Description { get; init; } = string.Empty;

    /// <summary>error (default), warning or off.</summary>
    public string Severity { get; init; } = "error";

    /// <summary><see cref="Severity"/> as checked at load (anything but warning or off is an error).</summary>
    [YamlIgnore]
    public RuleSeverity SeverityLevel => Severity switch { "warning" => RuleSeverity.Warning, "off" => RuleSeverity.Off, _ => RuleSeverity.Error };

    /// <summary><see cref="Scope"/> as checked at load.</summary>
    [YamlIgnore]
    public RuleScope ScopeKind => Scope == "case" ? RuleScope.Case : RuleScope.Row;

    public string Record { get; init; } = string.Empty;

    /// <summary>Optional condition; the rule applies only to rows where it is true.</summary>
    public string? When { get; init; }

    /// <summary>Items (or prefixes with '*') that must be blank when the rule applies: skipped questions.</summary>
    public IReadOnlyList<string> Blank { get; init; } = [];

    /// <summary>Items that must be answered when the rule applies.</summary>
    public IReadOnlyList<string> Answered { get; init; } = [];

    /// <summary>Optional condition that must hold when the rule applies.</summary>
    public string? Check { get; init; }

    /// <summary>
    /// <c>row</c> (default): checked on each row of <see cref="Record"/> as it is read. <c>case</c>: checked once per case
    /// after the whole upload is read, on the case's level-1 record, which then also has the case variables of
    /// <c>cleaning.yaml</c> (counts and sums over the rosters): skips that empty a roster, cross-record checks.
    /// </summary>
    public string Scope { get; init; } = "row";

    /// <summary>"Other (specify)" texts that name an answer the question already lists, so the answer should be recoded.</summary>
    public IReadOnlyList<SpecifyCheck> Specify { get; init; } = [];

    /// <summary>A robust outlier check (median and MAD per group) over the upload's rows of <see cref="Record"/>.</summary>
    public OutlierCheck? Outlier { get; init; }
}

/// <summary>One "other (specify)" text item and the answers its question lists.</summary>
public sealed class SpecifyCheck
{
    /// <summary>The text item, e.g. Q4_CROP_OTH.</summary>
    public string Text { get; init; } = string.Empty;

    /// <summary>
    /// Where the listed answers are: one item (the labels of its value set, except <see cref="IgnoreCodes"/>), or a
    /// pattern such as Q24_* for a multiple-choice question (the label of each option item).
    /// </summary>
    public string Listed { get; init; } = string.Empty;

    /// <summary>The "other" option item of a multiple-choice question, left out of the listed answers.</summary>
    public string? Other { get; init; }

    /// <summary>Codes whose labels are not answers to recode to, e.g. 88 "other" and 99 "don't know".</summary>
    public IReadOnlyList<long> IgnoreCodes { get; init; } = [];
}

/// <summary>
/// A value is an outlier when its robust z-score |x − median| / (1.4826 · MAD) in its group exceeds <see cref="Threshold"/>.
/// The median and MAD are computed over the upload's rows (of cases not rejected) in the same group.
/// </summary>
public sealed class OutlierCheck
{
    /// <summary>Most items in <see cref="By"/>: a group is keyed by their values without building a string per row.</summary>
    public const int MaxBy = 4;

    /// <summary>The value checked: an item, a derived column or an expression, e.g. Q4_2_PROD_KG / Q4_1_AREA_HA.</summary>
    public string Value { get; init; } = string.Empty;

    /// <summary>Items whose values make the groups, e.g. [Q4_CROP, REGION]; empty: one group.</summary>
    public IReadOnlyList<string> By { get; init; } = [];

    /// <summary>linear (default) or log (for skewed positive values such as yields and incomes; values ≤ 0 are skipped).</summary>
    public string Scale { get; init; } = "linear";

    /// <summary><see cref="Scale"/> as checked at load.</summary>
    [YamlIgnore]
    public OutlierScale ScaleKind => Scale == "log" ? OutlierScale.Log : OutlierScale.Linear;

    /// <summary>Robust z-score above which a value is flagged. Default 3.5 (Iglewicz and Hoaglin).</summary>
    public double Threshold { get; init; } = 3.5;

    /// <summary>Groups with fewer values are not checked: their median and MAD mean little. Default 10.</summary>
    public int MinGroup { get; init; } = 10;
}
