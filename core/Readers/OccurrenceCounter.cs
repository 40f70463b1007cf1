using System.Globalization;

namespace Pipeline.Core.Readers;

/// <summary>
/// Counts a repeating record's occurrences per case, as <see cref="CsproLineParser"/> does for .dat (a case is a run of
/// rows with the same level-1 IDs, CSPro's TextRepository::ReadUntilKeyChange), for the readers whose rows carry IDs in
/// columns: CSV and .xlsx. Without it, a plot repeated 30 times where the dictionary allows 20 was curated. Records
/// with <c>MaxRecords=1</c> are left to the validator, which finds their duplicates across the whole upload.
/// Memory: the occurrences of one case at a time, per record.
/// </summary>
internal sealed class OccurrenceCounter
{
    private readonly Dictionary<RecordLayout, State> _states = [];

    /// <summary>The problem of <paramref name="row"/> if it is one occurrence too many, else null.</summary>
    public string? Count(SourceRow row)
    {
        var layout = row.Layout;
        if (layout.Record.MaxRecords <= 1)
        {
            return null;
        }

        if (!_states.TryGetValue(layout, out var state))
        {
            _states[layout] = state = new State();
        }

        var caseKey = Key(row.Fields, layout.CaseIdColumns);
        if (!string.Equals(caseKey, state.CaseKey, StringComparison.Ordinal))
        {
            state.CaseKey = caseKey;
            state.Counts.Clear();
        }

        var caseLevel = layout.IdColumns.Count == layout.CaseIdColumns.Count;
        var nodeKey = caseLevel ? caseKey : Key(row.Fields, layout.IdColumns);
        var count = state.Counts[nodeKey] = state.Counts.GetValueOrDefault(nodeKey) + 1;
        return count > layout.Record.MaxRecords
            ? $"record {layout.Record.Name} occurs {count.ToString(CultureInfo.InvariantCulture)} times in this {(caseLevel ? "case" : "level node")}; the dictionary allows {layout.Record.MaxRecords.ToString(CultureInfo.InvariantCulture)} (CSPro drops the extra occurrences)"
            : null;
    }

    /// <summary>Appends <paramref name="more"/> to <paramref name="problem"/>, either may be null.</summary>
    public static string? Join(string? problem, string? more) => problem is null ? more : more is null ? problem : $"{problem}; {more}";

    private static string Key(string?[] fields, IReadOnlyList<int> columns) => string.Join('\u001F', columns.Select(c => fields[c]?.Trim()));

    private sealed class State
    {
        public string? CaseKey { get; set; }

        public Dictionary<string, int> Counts { get; } = new(StringComparer.Ordinal);
    }
}
