using Pipeline.Core.Dictionary;
using Pipeline.Core.Packs;

namespace Pipeline.Core.Validation;

/// <summary>
/// A survey pack's rule catalogue (<c>rules.yaml</c>), written by analysts: skip patterns, consistency checks, result
/// codes. Each rule has an id, a description, a severity (<c>error</c> rejects the row, <c>warning</c> keeps it and flags
/// it in <c>_warnings</c>, <c>off</c> switches it off) and one record it applies to.
/// </summary>
public sealed class RuleCatalogue
{
    public List<RuleDefinition> Rules { get; set; } = [];

    /// <summary>Checks every rule against the dictionary; throws <see cref="SurveyPackException"/> naming the rule and the problem.</summary>
    public void Check(DataDictionary dictionary, string path)
    {
        ArgumentNullException.ThrowIfNull(dictionary);
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var rule in Rules)
        {
            var where = $"{path}: rule '{rule.Id}'";
            if (string.IsNullOrWhiteSpace(rule.Id) || !ids.Add(rule.Id))
            {
                throw new SurveyPackException($"{path}: rule id '{rule.Id}' is missing or used twice.");
            }

            if (rule.Severity is not ("error" or "warning" or "off"))
            {
                throw new SurveyPackException($"{where}: severity '{rule.Severity}' must be error, warning or off.");
            }

            var record = dictionary.FindRecord(rule.Record) ?? throw new SurveyPackException($"{where}: record '{rule.Record}' is not in the dictionary.");
            if (rule.Check is null && rule.Blank.Count == 0 && rule.Answered.Count == 0)
            {
                throw new SurveyPackException($"{where}: give 'check', 'blank' or 'answered'.");
            }

            var names = record.Items.Select(i => i.Name).Concat(dictionary.Levels.SelectMany(l => l.IdItems).Select(i => i.Name)).ToList();
            foreach (var expression in new[] { rule.When, rule.Check }.OfType<string>())
            {
                RuleExpression parsed;
                try
                {
                    parsed = RuleExpression.Parse(expression);
                }
                catch (FormatException e)
                {
                    throw new SurveyPackException($"{where}: {e.Message}", e);
                }

                foreach (var item in parsed.Items.Where(i => !names.Contains(i, StringComparer.OrdinalIgnoreCase)))
                {
                    throw new SurveyPackException($"{where}: item '{item}' is not in record {record.Name}.");
                }
            }

            foreach (var pattern in rule.Blank.Concat(rule.Answered).Where(p => !names.Any(n => Matches(p, n))))
            {
                throw new SurveyPackException($"{where}: '{pattern}' names no item of record {record.Name}.");
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

public sealed class RuleDefinition
{
    /// <summary>Stable id, e.g. "skip.q12-members-skip-q13"; reports and tests refer to it.</summary>
    public string Id { get; set; } = string.Empty;

    public string Description { get; set; } = string.Empty;

    /// <summary>error (default), warning or off.</summary>
    public string Severity { get; set; } = "error";

    public string Record { get; set; } = string.Empty;

    /// <summary>Optional condition; the rule applies only to rows where it is true.</summary>
    public string? When { get; set; }

    /// <summary>Items (or prefixes with '*') that must be blank when the rule applies: skipped questions.</summary>
    public List<string> Blank { get; set; } = [];

    /// <summary>Items that must be answered when the rule applies.</summary>
    public List<string> Answered { get; set; } = [];

    /// <summary>Optional condition that must hold when the rule applies.</summary>
    public string? Check { get; set; }
}
