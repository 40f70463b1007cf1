using Pipeline.Core.Packs;
using Pipeline.Core.Validation;
using Pipeline.Core.Values;

namespace Pipeline.Core.Ingest;

/// <summary>
/// The pack's outlier rules: each keeps the values of its item while rows stream in (<see cref="Observe"/>), sets its
/// bounds once the upload is read (<see cref="Finish"/>), then flags the rows outside them as warnings.
/// </summary>
internal sealed class OutlierChecks
{
    private readonly Dictionary<string, List<OutlierCheckState>> _byRecord = new(StringComparer.OrdinalIgnoreCase);

    public OutlierChecks(SurveyPack pack)
    {
        ArgumentNullException.ThrowIfNull(pack);
        foreach (var rule in pack.Rules.Rules.Where(IsActive))
        {
            if (!_byRecord.TryGetValue(rule.Record, out var list))
            {
                _byRecord[rule.Record] = list = [];
            }

            list.Add(new OutlierCheckState(rule, pack.Rules.Expressions));
        }
    }

    /// <summary>Whether <paramref name="pack"/> has outlier rules on <paramref name="record"/>.</summary>
    public static bool AnyOn(SurveyPack pack, string record)
    {
        ArgumentNullException.ThrowIfNull(pack);
        return pack.Rules.Rules.Any(r => IsActive(r) && string.Equals(r.Record, record, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The outlier checks of <paramref name="record"/>'s rows (empty when it has none).</summary>
    public List<OutlierCheckState> Of(string record) => _byRecord.GetValueOrDefault(record) ?? [];

    /// <summary>Notes an accepted row's values.</summary>
    public void Observe(string record, RowValues values, CellValue[] cells)
    {
        if (_byRecord.TryGetValue(record, out var outliers))
        {
            foreach (var outlier in outliers)
            {
                outlier.Observe(values, cells);
            }
        }
    }

    /// <summary>Sets every check's bounds; call once, after the last row.</summary>
    public void Finish()
    {
        foreach (var list in _byRecord.Values)
        {
            list.ForEach(o => o.Finish());
        }
    }

    /// <summary>Checks one curated row against <paramref name="outliers"/>: an issue and a warning for each value outside its bounds.</summary>
    public static void Check(List<OutlierCheckState> outliers, CellValue[] row, RowValues values, string key, string record, long sourceRow, List<RowIssue> issues, List<string> warnings)
    {
        foreach (var outlier in outliers)
        {
            if (outlier.Check(values, row) is { } message)
            {
                issues.Add(new RowIssue(sourceRow, key, record, outlier.Items, outlier.Shown(values, row), outlier.Rule.Id, IssueSeverity.Warning, message));
                warnings.Add(outlier.Rule.Id);
            }
        }
    }

    private static bool IsActive(RuleDefinition rule) => rule.Outlier is not null && rule.SeverityLevel != RuleSeverity.Off;
}
