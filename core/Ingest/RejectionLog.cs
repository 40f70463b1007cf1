using Microsoft.Extensions.Logging;
using Pipeline.Core.Packs;
using Pipeline.Core.Validation;

namespace Pipeline.Core.Ingest;

/// <summary>
/// What the log says about one upload's rejected rows: one Information line per upload with the count, the count per
/// rule and the first few row numbers, instead of one line per row (a bad upload of 12 million rows wrote 12 million
/// lines). The rows themselves, with their reasons, are in the quarantine table and the issues table. Rule ids only, no
/// message text, so no value of a row reaches the log.
/// </summary>
internal sealed class RejectionLog
{
    /// <summary>Rules named in the line, the most frequent first; the others are summed as "other rules".</summary>
    public const int MaxRules = 10;

    /// <summary>Row numbers named in the line, to find the first bad rows in the export.</summary>
    public const int MaxRows = 5;

    private readonly Dictionary<string, long> _byRule = new(StringComparer.Ordinal);
    private readonly List<long> _firstRows = new(MaxRows);
    private long _rows;

    public void Add(long row, IReadOnlyList<RowIssue> issues)
    {
        _rows++;
        if (_firstRows.Count < MaxRows)
        {
            _firstRows.Add(row);
        }

        foreach (var issue in issues)
        {
            if (issue.Severity == IssueSeverity.Error)
            {
                _byRule[issue.Rule] = _byRule.GetValueOrDefault(issue.Rule) + 1;
            }
        }
    }

    /// <summary>Writes the upload's one line, if any row was rejected.</summary>
    public void Write(ILogger logger, string upload)
    {
        if (_rows == 0)
        {
            return;
        }

        var top = _byRule.OrderByDescending(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal).ToList();
        var rules = string.Join(", ", top.Take(MaxRules).Select(r => $"{r.Key} {r.Value}"));
        if (top.Count > MaxRules)
        {
            rules += $", {top.Count - MaxRules} other rules {top.Skip(MaxRules).Sum(r => r.Value)}";
        }

        logger.LogInformation(
            "Rejected {Rejected} rows of {Upload} while reading; errors by rule: {Rules}; first rejected rows: {FirstRows} (all in the quarantine and issues tables)",
            _rows, upload, rules, string.Join(", ", _firstRows));
    }
}
