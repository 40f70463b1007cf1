using System.Globalization;
using Pipeline.Core.Engine;
using Pipeline.Core.Ingest;
using Pipeline.Core.Packs;
using Pipeline.Core.Readers;
using Pipeline.Core.Validation;
using Pipeline.Core.Values;

namespace Pipeline.Core.Quality;

/// <summary>
/// What the per-upload quality report shows, accumulated row by row while the upload streams through: issue counts,
/// the first issues, frequency tables, "other (specify)" answers and per-enumerator figures. Its size depends on the
/// dictionary and the number of surveyors, and the lists are capped; never on the number of rows.
/// </summary>
public sealed class QualityStats(QualityManifest manifest) : IDisposable
{
    public const int MaxListedIssues = 1000;
    public const int MaxListedSpecify = 500;

    public Dictionary<(string Rule, IssueSeverity Severity), long> IssuesByRule { get; } = [];

    public List<RowIssue> FirstIssues { get; } = [];

    private readonly Dictionary<string, CodeCounts> _marginals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EnumeratorStats> _enumerators = new(StringComparer.Ordinal);

    // Each case's surveyor (EnumeratorStats.Number; 0 unknown), so that a case rejected by the end-of-upload checks
    // counts against the surveyor of its accepted interview row: 4 bytes a case, within 4 MB, spilled in case order.
    private readonly ChunkedArray<int> _enumeratorOfCase = new(0, 4 << 20);
    private readonly List<EnumeratorStats> _numbered = [];

    /// <summary>(record, item) → code → count, for items with small value sets (sorted copies, made when asked).</summary>
    public SortedDictionary<string, SortedDictionary<long, long>> Marginals =>
        new(_marginals.Where(m => m.Value.Codes > 0).ToDictionary(m => m.Key, m => m.Value.ToSorted()), StringComparer.Ordinal);

    public List<(string CaseKey, string Item, string Text)> OtherSpecify { get; } = [];

    /// <summary>Per enumerator (pseudonym or code), sorted (a copy, made when asked).</summary>
    public SortedDictionary<string, EnumeratorStats> Enumerators => new(_enumerators, StringComparer.Ordinal);

    public Dictionary<string, RecordCount> Counts { get; } = new(StringComparer.Ordinal);

    public long OtherSpecifyTotal { get; private set; }

    private readonly Dictionary<string, LayoutPlan> _plans = new(StringComparer.Ordinal);

    /// <summary>How the upload's text was decoded ("utf-8", "windows-1252"), or null for binary formats.</summary>
    public string? TextEncoding { get; set; }

    /// <summary>Values each cleaning step changed or produced, by step (set once the upload is read).</summary>
    public IReadOnlyDictionary<string, long> CleaningSteps { get; set; } = new Dictionary<string, long>();

    /// <summary>
    /// Adds one row: its issues always; its values when it was curated (<paramref name="cells"/> typed, pseudonyms applied).
    /// <paramref name="nulledCode"/> gives the special code cleaning set to null in a column, counted as the answer it was
    /// (marginals, don't know). <paramref name="caseIndex"/> is the case's number in the upload (negative when its IDs
    /// could not be read): a curated row with the surveyor item ties the case to its surveyor for
    /// <see cref="AddCaseRejections"/>.
    /// </summary>
    public void Add(RecordLayout layout, CellValue[] cells, IReadOnlyList<RowIssue> issues, bool curated, string caseKey, int caseIndex, Func<string, string> pseudonym, Func<int, long?>? nulledCode = null)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(cells);
        ArgumentNullException.ThrowIfNull(issues);
        ArgumentNullException.ThrowIfNull(pseudonym);
        foreach (var issue in issues)
        {
            IssuesByRule[(issue.Rule, issue.Severity)] = IssuesByRule.GetValueOrDefault((issue.Rule, issue.Severity)) + 1;
            if (FirstIssues.Count < MaxListedIssues)
            {
                FirstIssues.Add(issue);
            }
        }

        var record = layout.Record.Name;
        var count = Counts.GetValueOrDefault(record) ?? new RecordCount(record, 0, 0, 0);
        Counts[record] = count with { Read = count.Read + 1, Curated = count.Curated + (curated ? 1 : 0), Rejected = count.Rejected + (curated ? 0 : 1) };
        if (!curated)
        {
            return;
        }

        long answered = 0, dontKnow = 0;
        var plan = PlanOf(layout);
        for (var c = 0; c < layout.Columns.Count; c++)
        {
            var column = layout.Columns[c];
            var cell = cells[c];
            if (cell.IsNull && nulledCode?.Invoke(c) is { } special)
            {
                cell = CellValue.OfInteger(special);
            }

            if (cell.IsNull || column.Privacy != PersonalData.None)
            {
                continue;
            }

            if (plan.Counts[c] is { } counts)
            {
                counts.Add(cell.Integer);
                answered++;
                dontKnow += manifest.DontKnowCodes.Contains(cell.Integer) ? 1 : 0;
            }

            if (plan.IsOtherSpecify[c])
            {
                OtherSpecifyTotal++;
                if (OtherSpecify.Count < MaxListedSpecify)
                {
                    OtherSpecify.Add((caseKey, column.Name, cell.Text!));
                }
            }
        }

        if (plan.Enumerator is var e and >= 0 && !cells[e].IsNull && layout.Columns[e].Privacy != PersonalData.Drop)
        {
            var text = cells[e].Text ?? cells[e].Integer.ToString(CultureInfo.InvariantCulture);
            var id = layout.Columns[e].Privacy == PersonalData.Pseudonymise ? pseudonym(text) : text; // never the name itself
            var stats = EnumeratorOf(id);
            if (caseIndex >= 0)
            {
                _enumeratorOfCase.Grow(caseIndex + 1L);
                _enumeratorOfCase[caseIndex] = stats.Number;
            }

            stats.Interviews++;
            stats.Answers += answered;
            stats.DontKnow += dontKnow;
            if (Duration(plan, cells) is { } minutes)
            {
                stats.AddDuration(minutes);
            }
        }
    }

    /// <summary>
    /// What <see cref="Add"/> needs of a layout, worked out once per record so that the hot path only indexes arrays: per
    /// column its frequency table (a coded integer item with at most MaxMarginalCodes single codes) or null, whether it
    /// is an "other (specify)" text, and the positions of the enumerator and duration items.
    /// </summary>
    private LayoutPlan PlanOf(RecordLayout layout)
    {
        if (_plans.TryGetValue(layout.Record.Name, out var known))
        {
            return known;
        }

        var counts = new CodeCounts?[layout.Columns.Count];
        var other = new bool[layout.Columns.Count];
        for (var c = 0; c < counts.Length; c++)
        {
            var column = layout.Columns[c];
            if (column.Kind == ColumnKind.Integer && !column.IsId && column.Privacy == PersonalData.None && column.Item.PrimaryValueSet is { } set && set.Values.Count <= manifest.MaxMarginalCodes && set.Values.All(v => v.Pairs.All(p => p.To is null)))
            {
                var key = $"{layout.Record.Name}.{column.Name}";
                if (!_marginals.TryGetValue(key, out var table))
                {
                    _marginals[key] = table = new CodeCounts();
                }

                counts[c] = table;
            }

            other[c] = column.Kind == ColumnKind.Text && column.Name.EndsWith("_OTH", StringComparison.OrdinalIgnoreCase);
        }

        var duration = manifest.DurationItems.Count == 2 ? (layout.IndexOf(manifest.DurationItems[0]), layout.IndexOf(manifest.DurationItems[1])) : (-1, -1);
        known = new LayoutPlan(counts, other, manifest.EnumeratorItem is { } item ? layout.IndexOf(item) : -1, duration.Item1, duration.Item2);
        _plans[layout.Record.Name] = known;
        return known;
    }

    private sealed record LayoutPlan(CodeCounts?[] Counts, bool[] IsOtherSpecify, int Enumerator, int DurationStart, int DurationEnd);

    /// <summary>Counts per code of one small value set: a few codes, so a linear search beats any tree or hash.</summary>
    private sealed class CodeCounts
    {
        private long[] _codes = new long[16];
        private long[] _counts = new long[16];
        private int _n;

        /// <summary>Distinct codes counted so far.</summary>
        public int Codes => _n;

        public void Add(long code)
        {
            for (var i = 0; i < _n; i++)
            {
                if (_codes[i] == code)
                {
                    _counts[i]++;
                    return;
                }
            }

            if (_n == _codes.Length)
            {
                Array.Resize(ref _codes, _n * 2);
                Array.Resize(ref _counts, _n * 2);
            }

            _codes[_n] = code;
            _counts[_n++] = 1;
        }

        public SortedDictionary<long, long> ToSorted()
        {
            var sorted = new SortedDictionary<long, long>();
            for (var i = 0; i < _n; i++)
            {
                sorted[_codes[i]] = _counts[i];
            }

            return sorted;
        }
    }

    /// <summary>Issues found once the whole upload was read (case rules, structure, outliers).</summary>
    public void AddIssues(IEnumerable<RowIssue> issues)
    {
        ArgumentNullException.ThrowIfNull(issues);
        foreach (var issue in issues)
        {
            IssuesByRule[(issue.Rule, issue.Severity)] = IssuesByRule.GetValueOrDefault((issue.Rule, issue.Severity)) + 1;
            if (FirstIssues.Count < MaxListedIssues)
            {
                FirstIssues.Add(issue);
            }
        }
    }

    /// <summary>The final row accounting, after the end-of-upload checks moved the rows of rejected cases.</summary>
    public void SetCounts(IEnumerable<RecordCount> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        foreach (var count in counts)
        {
            Counts[count.Record] = count;
        }
    }

    /// <summary>Rejected rows count against their surveyor, when the surveyor can be read from the raw row.</summary>
    public void AddRejectedCase(RecordLayout layout, SourceRow row, Func<string, string> pseudonym)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(pseudonym);
        if (manifest.EnumeratorItem is { } item && layout.IndexOf(item) is var e and >= 0 && layout.Columns[e].Privacy != PersonalData.Drop && row.Fields[e] is { Length: > 0 } name && !string.IsNullOrWhiteSpace(name))
        {
            var id = layout.Columns[e].Privacy == PersonalData.Pseudonymise ? pseudonym(name) : name.Trim();
            var stats = EnumeratorOf(id);
            stats.Interviews++;
            stats.CasesWithErrors++;
        }
    }

    /// <summary>
    /// Cases the end-of-upload checks rejected after their interview row had been accepted (a roster error, a case
    /// rule, a missing record): each counts as a case with errors of its surveyor. Rows rejected while reading were
    /// counted by <see cref="AddRejectedCase"/>.
    /// </summary>
    public void AddCaseRejections(IEnumerable<int> caseIndexes)
    {
        ArgumentNullException.ThrowIfNull(caseIndexes);
        foreach (var index in caseIndexes)
        {
            if (index < _enumeratorOfCase.Count && _enumeratorOfCase[index] is var number and > 0)
            {
                _numbered[number - 1].CasesWithErrors++;
            }
        }
    }

    private EnumeratorStats EnumeratorOf(string id)
    {
        if (!_enumerators.TryGetValue(id, out var stats))
        {
            _numbered.Add(stats = new EnumeratorStats { Number = _numbered.Count + 1 });
            _enumerators[id] = stats;
        }

        return stats;
    }

    public void Dispose() => _enumeratorOfCase.Dispose();

    private static double? Duration(LayoutPlan plan, CellValue[] cells)
    {
        var (s, e) = (plan.DurationStart, plan.DurationEnd);
        if (s < 0 || e < 0 || cells[s].IsNull || cells[e].IsNull)
        {
            return null;
        }

        static double Minutes(long hhmm) => (hhmm / 100 * 60) + (hhmm % 100);
        var minutes = Minutes(cells[e].Integer) - Minutes(cells[s].Integer);
        return minutes >= 0 ? minutes : null;
    }
}

/// <summary>One surveyor's figures in one upload.</summary>
public sealed class EnumeratorStats
{
    /// <summary>The surveyor's number in the upload, from 1 in order of first appearance.</summary>
    internal int Number { get; init; }

    public long Interviews { get; set; }

    public long CasesWithErrors { get; set; }

    public long Answers { get; set; }

    public long DontKnow { get; set; }

    /// <summary>Durations kept per enumerator: all of them up to this many, then a uniform sample of this many.</summary>
    public const int MaxDurations = 10_000;

    private readonly List<double> _durations = [];
    private readonly Random _sampler = new(20261128);
    private long _durationsSeen;

    /// <summary>
    /// The interview durations the median is taken from: every one up to <see cref="MaxDurations"/>, then a uniform random
    /// sample of that many (reservoir sampling, fixed seed), so that memory does not grow with the interviews.
    /// </summary>
    public IReadOnlyList<double> DurationsMinutes => _durations;

    public void AddDuration(double minutes)
    {
        _durationsSeen++;
        if (_durations.Count < MaxDurations)
        {
            _durations.Add(minutes);
        }
        else if (_sampler.NextInt64(_durationsSeen) is var slot && slot < MaxDurations)
        {
            _durations[(int)slot] = minutes;
        }
    }

    public double? MedianDuration
    {
        get
        {
            if (DurationsMinutes.Count == 0)
            {
                return null;
            }

            var sorted = DurationsMinutes.Order().ToList();
            var mid = sorted.Count / 2;
            return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        }
    }

    public static string Share(long part, long whole) => whole == 0 ? "–" : (100.0 * part / whole).ToString("0.0", CultureInfo.InvariantCulture) + "%";
}
