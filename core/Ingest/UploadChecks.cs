using System.Globalization;
using System.Runtime.CompilerServices;
using Pipeline.Core.Conditions;
using Pipeline.Core.Engine;
using Pipeline.Core.Packs;
using Pipeline.Core.Readers;
using Pipeline.Core.Validation;
using Pipeline.Core.Values;

namespace Pipeline.Core.Ingest;

/// <summary>
/// The checks that need the whole upload, and the case-level rejection they lead to. While rows stream in,
/// <see cref="Observe"/> keeps a few numbers per case (which records it has, whether a row was rejected, the roster sums
/// of the case variables) and the values of the outlier checks. After the last row, <see cref="FinishAsync"/>:
/// structure (orphan roster rows, missing required records), the level-1 rewrite (case variables, stratum and weight,
/// case rules, outliers), then the rewrite of every other table that holds rows of a rejected case or outliers.
/// An error anywhere in a case rejects all its records. Memory: the per-case state (16 bytes a case, plus 8 bytes of record
/// bits for every 32 records of the dictionary) and roster sums (8 bytes a case and sum) within 4 MB each, the rest
/// spilled to a temporary file in case order (<see cref="ChunkedArray{T}"/>),
/// plus at most 100,000 values per outlier group; the case-key index is <see cref="CaseKeys"/>'s; the rows themselves
/// wait in spools or temporary Parquet files.
/// </summary>
internal sealed class UploadChecks : IDisposable
{
    // Per-case state and roster sums stay within this many bytes each; the rest waits in a temporary file (ChunkedArray).
    private const long ResidentBytes = 4 << 20;

    private readonly SurveyPack _pack;
    private readonly string _main;
    private readonly List<string> _records;
    private readonly Dictionary<string, int> _recordIndex;
    private readonly (int Slot, int Roster)[] _aggregateOf;
    private readonly List<(string Record, int Index)> _required;
    private readonly List<CaseVariable> _variables;
    private readonly (RuleExpression? Value, (RuleExpression When, RuleExpression Value)[] Cases)[] _computed;
    private readonly Dictionary<string, List<Aggregate>> _aggregatesByRecord = new(StringComparer.OrdinalIgnoreCase);
    private readonly int _aggregateCount;
    private readonly List<(RuleDefinition Rule, RuleExpression? When, RuleExpression Check)> _caseRules;
    private readonly Dictionary<string, List<OutlierCheckState>> _outliersByRecord = new(StringComparer.OrdinalIgnoreCase);
    private readonly CaseKeys _caseIndex;
    private readonly ChunkedArray<CaseState> _cases;
    private readonly ChunkedArray<double> _sums = new(double.NaN, ResidentBytes);
    private readonly List<string> _reasons = [];

    // Which records each case has (Seen) and has accepted rows of (Curated): bit r of a set is record r of
    // DataDictionary.Records. The sets are not fields of CaseState because a dictionary may have any number of records
    // (a uint there aliased record 32 onto record 0: C# masks the shift count). They sit in their own array instead,
    // _words 32-bit words of Seen then _words of Curated per case: a dictionary of up to 32 records, nearly every one,
    // costs 16 + 8 = 24 bytes a case as when the bits were a uint of the state, 64 records 32 bytes, and there is no
    // upper limit. One code path for every size; an inline ulong would cost 32 bytes a case already at 2 records.
    private readonly int _words;
    private readonly ChunkedArray<uint> _recordBits;
    private readonly uint[] _recordsInUpload;

    /// <param name="pack">The survey pack: its dictionary, case variables, case and outlier rules.</param>
    /// <param name="uploadRecords">
    /// The records the upload can hold, when known before reading (<see cref="IExportReader.Records"/>); null for any.
    /// Without the level-1 record no roster sums are kept: they would fill case columns of a table the upload does not
    /// have (8 bytes a case and sum: 128 MB for a million cases and 13 sums, in memory or in the spill file).
    /// </param>
    /// <param name="cases">
    /// The upload's case numbering, filled by the read-ahead thread (<see cref="RowChecks"/>) as rows are read; this
    /// class reads it only once the upload is read.
    /// </param>
    public UploadChecks(SurveyPack pack, IReadOnlyCollection<string>? uploadRecords, CaseKeys cases)
    {
        _pack = pack ?? throw new ArgumentNullException(nameof(pack));
        _caseIndex = cases ?? throw new ArgumentNullException(nameof(cases));
        _main = pack.Dictionary.Levels[0].Records[0].Name;
        _records = pack.Dictionary.Records.Select(r => r.Name).ToList();
        _recordIndex = _records.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => x.i, StringComparer.OrdinalIgnoreCase);
        _required = pack.Dictionary.Records.Select((r, i) => (r, i)).Where(x => x.r.Required && x.r.Name != _main).Select(x => (x.r.Name, x.i)).ToList();
        _words = (_records.Count + 31) / 32;
        _recordsInUpload = new uint[_words];
        // The state and the bits share the 4 MB in proportion to their bytes a case, so the budget holds whatever the
        // number of records.
        var stateBytes = Unsafe.SizeOf<CaseState>();
        var bitsBytes = 2 * _words * sizeof(uint);
        _cases = new(default, ResidentBytes * stateBytes / (stateBytes + bitsBytes));
        _recordBits = new(0u, ResidentBytes * bitsBytes / (stateBytes + bitsBytes));
        _variables = pack.Cleaning.CaseVariables;
        _computed = _variables.Select(v => (v.Value is null ? null : RuleExpression.ParseValue(v.Value), v.Cases.Select(c => (RuleExpression.Parse(c.When), RuleExpression.ParseValue(c.Value))).ToArray())).ToArray();
        foreach (var variable in _variables.Where(v => v.IsAggregate))
        {
            if (!_aggregatesByRecord.TryGetValue(variable.From!, out var list))
            {
                _aggregatesByRecord[variable.From!] = list = [];
            }

            list.Add(new Aggregate(
                _aggregateCount++,
                variable,
                variable.Where is null ? null : RuleExpression.Parse(variable.Where),
                variable.Sum is null ? null : RuleExpression.ParseValue(variable.Sum),
                variable.Any is null ? null : RuleExpression.Parse(variable.Any)));
        }

        _aggregateOf = _variables.Select(v => v.IsAggregate
            ? (_aggregatesByRecord[v.From!].First(a => ReferenceEquals(a.Variable, v)).Index, _recordIndex[v.From!])
            : (-1, -1)).ToArray();
        _caseRules = pack.Rules.Rules.Where(r => r.Scope == "case" && r.Severity != "off" && r.Check is not null)
            .Select(r => (r, r.When is null ? null : RuleExpression.Parse(r.When), RuleExpression.Parse(r.Check!))).ToList();
        foreach (var rule in pack.Rules.Rules.Where(r => r.Outlier is not null && r.Severity != "off"))
        {
            if (!_outliersByRecord.TryGetValue(rule.Record, out var list))
            {
                _outliersByRecord[rule.Record] = list = [];
            }

            list.Add(new OutlierCheckState(rule));
        }

        CaseColumns = CaseColumnsOf(pack, _main);
        if (uploadRecords is not null && !uploadRecords.Contains(_main, StringComparer.OrdinalIgnoreCase))
        {
            _aggregatesByRecord.Clear();
        }
    }

    /// <summary>
    /// Whether <see cref="FinishAsync"/> rewrites the curated rows of <paramref name="record"/> in every upload: the
    /// level-1 record (its case columns) and a record with outlier rules (its warnings). Their rows are spooled, not
    /// written as Parquet twice (<see cref="RecordTables"/>).
    /// </summary>
    public static bool RewritesAlways(SurveyPack pack, string record)
    {
        ArgumentNullException.ThrowIfNull(pack);
        return string.Equals(record, pack.Dictionary.Levels[0].Records[0].Name, StringComparison.OrdinalIgnoreCase)
            || pack.Rules.Rules.Any(r => r.Outlier is not null && r.Severity != "off" && string.Equals(r.Record, record, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The columns the level-1 record gets once the upload is read: case variables, stratum, weight.</summary>
    public IReadOnlyList<TableColumn> CaseColumns { get; }

    /// <summary>Case columns of <paramref name="record"/>'s table: case variables, stratum and weight for the level-1 record, none otherwise.</summary>
    public static IReadOnlyList<TableColumn> CaseColumnsOf(SurveyPack pack, string record)
    {
        ArgumentNullException.ThrowIfNull(pack);
        return !CleaningCatalogue.IsMain(pack.Dictionary, record) ? []
            : pack.Cleaning.CaseVariables.Select(v => new TableColumn(v.Name, IsInteger(v) ? ColumnKind.Integer : ColumnKind.Real))
                .Append(new TableColumn(CleaningCatalogue.StratumColumn, ColumnKind.Text))
                .Append(new TableColumn(CleaningCatalogue.WeightColumn, ColumnKind.Real))
                .ToList();
    }

    /// <summary>
    /// Cases rejected (by a row error, structure or a case rule) whose level-1 row had been accepted: the cases the
    /// quality report has not yet counted as rejected. Call after <see cref="FinishAsync"/>.
    /// </summary>
    public IEnumerable<int> CasesRejectedAfterTheirMainRow()
    {
        for (var i = 0; i < _cases.Count; i++)
        {
            if (_cases[i].Rejected && Has(CuratedAt(i), 0))
            {
                yield return i;
            }
        }
    }

    /// <summary>
    /// Notes one row as it is read. <paramref name="error"/> is the first error reason when the row was rejected, else
    /// null; <paramref name="cells"/> are the row's cleaned cells, read by case variables and outlier checks.
    /// </summary>
    public void Observe(string record, RowValues values, int caseIndex, long sourceRow, string? error, CellValue[] cells)
    {
        if (caseIndex < 0)
        {
            return; // unreadable IDs: the row is rejected on its own and belongs to no case
        }

        var r = _recordIndex[record];
        // Case numbers come in row order: a number not seen yet is the next one.
        var index = caseIndex;
        if (index >= _cases.Count)
        {
            _cases.Grow(index + 1L);
            _cases[index] = new CaseState { FirstRow = Row(sourceRow), FirstRecord = r };
            _sums.Grow((index + 1L) * _aggregateCount);
            _recordBits.Grow(SeenAt(index + 1L));
        }

        var state = _cases[index];
        Add(SeenAt(index), r);
        _recordsInUpload[Word(r)] |= Bit(r);
        if (r == 0)
        {
            state.MainRow = state.MainRow == 0 ? Row(sourceRow) : state.MainRow;
        }

        if (error is not null)
        {
            Reject(ref state, $"{record} row {sourceRow.ToString(CultureInfo.InvariantCulture)}: {error}");
        }
        else
        {
            Add(CuratedAt(index), r);
            Accumulate(record, values, cells, index);
            if (_outliersByRecord.TryGetValue(record, out var outliers))
            {
                foreach (var outlier in outliers)
                {
                    outlier.Observe(values, cells);
                }
            }
        }

        _cases[index] = state;
    }

    /// <summary>Runs the end-of-upload checks and moves the rows of rejected cases; returns the issues found.</summary>
    public async Task<IReadOnlyList<RowIssue>> FinishAsync(IReadOnlyDictionary<string, RecordTables> tables, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var issues = new List<RowIssue>();
        CheckStructure(issues);
        foreach (var list in _outliersByRecord.Values)
        {
            list.ForEach(o => o.Finish());
        }

        if (tables.TryGetValue(_main, out var main))
        {
            await FinishMainAsync(main, issues, cancellationToken).ConfigureAwait(false);
        }

        // Which records hold curated rows of a rejected case, in one pass over the cases (they may be spilled to disk).
        var holdingRejected = new uint[_words];
        for (var i = 0L; i < _cases.Count; i++)
        {
            if (_cases[i].Rejected)
            {
                for (var w = 0; w < _words; w++)
                {
                    holdingRejected[w] |= _recordBits[CuratedAt(i) + w];
                }
            }
        }

        foreach (var (record, table) in tables.Where(t => !string.Equals(t.Key, _main, StringComparison.OrdinalIgnoreCase)))
        {
            var r = _recordIndex[record];
            var outliers = _outliersByRecord.GetValueOrDefault(record) ?? [];
            if (outliers.Count > 0 || InSet(holdingRejected, r))
            {
                await RewriteAsync(table, outliers, issues, main: false, cancellationToken).ConfigureAwait(false);
            }
        }

        return issues;
    }

    private void CheckStructure(List<RowIssue> issues)
    {
        for (var index = 0; index < _caseIndex.Count; index++)
        {
            var state = _cases[index];
            var hasMain = Has(SeenAt(index), 0);
            if (!hasMain && InSet(_recordsInUpload, 0))
            {
                // Judged only when the upload has level-1 records at all: a roster file uploaded alone is a partial
                // export whose cases may be in another upload.
                var record = _records[state.FirstRecord];
                var key = _caseIndex.KeyAt(index);
                var message = $"{record} rows of case {key.TrimEnd()} have no {_main} record in this upload: a roster row needs its case. Upload whole cases (CSPro exports them so).";
                issues.Add(new RowIssue(state.FirstRow, key, record, string.Empty, string.Empty, Rules.OrphanRecord, IssueSeverity.Error, message));
                Reject(ref state, $"{Rules.OrphanRecord}: {message}");
            }
            else if (hasMain)
            {
                foreach (var (record, recordIndex) in _required)
                {
                    if (Has(SeenAt(index), recordIndex) || !InSet(_recordsInUpload, recordIndex))
                    {
                        continue;
                    }

                    var key = _caseIndex.KeyAt(index);
                    var message = $"case {key.TrimEnd()} has no {record} record; the dictionary says every case has one.";
                    issues.Add(new RowIssue(state.MainRow, key, record, string.Empty, string.Empty, Rules.MissingRecord, IssueSeverity.Error, message));
                    Reject(ref state, $"{Rules.MissingRecord}: {message}");
                }
            }

            _cases[index] = state;
        }
    }

    private Task FinishMainAsync(RecordTables table, List<RowIssue> issues, CancellationToken cancellationToken) =>
        RewriteAsync(table, _outliersByRecord.GetValueOrDefault(_main) ?? [], issues, main: true, cancellationToken);

    /// <summary>One pass over a record's curated rows: case columns and case rules (level-1), outliers, moves.</summary>
    private async Task RewriteAsync(RecordTables table, List<OutlierCheckState> outliers, List<RowIssue> issues, bool main, CancellationToken cancellationToken)
    {
        var values = new RowValues(table.CuratedColumns);
        var caseStart = table.CaseColumnsStart;
        var record = table.Layout.Record.Name;
        var stratumItems = _pack.Manifest.Design.StratumItems;
        var warnings = new List<string>();
        await table.RewriteAsync(
            row =>
            {
                var key = row[0].Text ?? string.Empty;
                var index = _caseIndex.IndexOf(key);
                if (index < 0)
                {
                    return null;
                }

                var state = _cases[index];
                var sourceRow = row[table.SourceRowIndex].Integer;
                warnings.Clear();
                if (main && !state.Rejected)
                {
                    FillCaseColumns(row, values, caseStart, index, stratumItems);
                    foreach (var (rule, when, check) in _caseRules)
                    {
                        if ((when is null || when.Evaluate(values, row) == true) && check.Evaluate(values, row) == false)
                        {
                            var found = RecordRules.Describe(check, name => values.Value(row, name));
                            var severity = RecordRules.SeverityOf(rule);
                            issues.Add(new RowIssue(sourceRow, key, record, string.Join('+', check.Items), found, rule.Id, severity, $"{rule.Description} ({check.Text}; found {found})"));
                            if (severity == IssueSeverity.Error)
                            {
                                Reject(ref state, $"{rule.Id}: {rule.Description}");
                            }
                            else
                            {
                                warnings.Add(rule.Id);
                            }
                        }
                    }

                    _cases[index] = state;
                }

                if (state.Rejected)
                {
                    return $"case rejected: {_reasons[state.Reason]}";
                }

                foreach (var outlier in outliers)
                {
                    if (outlier.Check(values, row) is { } message)
                    {
                        issues.Add(new RowIssue(sourceRow, key, record, outlier.Items, outlier.Shown(values, row), outlier.Rule.Id, IssueSeverity.Warning, message));
                        warnings.Add(outlier.Rule.Id);
                    }
                }

                if (warnings.Count > 0)
                {
                    var before = row[table.WarningsIndex].Text;
                    row[table.WarningsIndex] = CellValue.OfText(string.Join(',', (before is null ? [] : before.Split(',')).Concat(warnings).Distinct(StringComparer.Ordinal)));
                }

                return null;
            },
            cancellationToken).ConfigureAwait(false);
    }

    private void FillCaseColumns(CellValue[] row, RowValues values, int caseStart, int index, IReadOnlyList<string> stratumItems)
    {
        // The case columns are columns of the row: a variable reads the ones before it as they are stored.
        for (var v = 0; v < _variables.Count; v++)
        {
            var variable = _variables[v];
            double? value;
            if (variable.IsAggregate)
            {
                // A sum over no matching row is unknown (null); a count or an "any" over none is 0. When the upload
                // has no row of the roster at all (a partial export, e.g. PARTICIPANT_REC.csv alone), all are unknown.
                var (slot, roster) = _aggregateOf[v];
                var sum = _sums[((long)index * _aggregateCount) + slot];
                var inUpload = InSet(_recordsInUpload, roster);
                value = !inUpload ? null : variable.Sum is not null ? (double.IsNaN(sum) ? null : sum) : double.IsNaN(sum) ? 0 : sum;
            }
            else if (_computed[v].Value is { } expression)
            {
                value = expression.Compute(values, row);
            }
            else
            {
                value = null;
                foreach (var (when, result) in _computed[v].Cases)
                {
                    if (when.Evaluate(values, row) == true)
                    {
                        value = result.Compute(values, row);
                        break;
                    }
                }
            }

            row[caseStart + v] = value is not { } x ? CellValue.Null : CaseColumns[v].Kind == ColumnKind.Integer ? CellValue.OfInteger((long)Math.Round(x)) : CellValue.OfReal(x);
        }

        var stratum = StratumOf(row, values, stratumItems);
        row[caseStart + _variables.Count] = CellValue.OfText(stratum?.Id);
        row[caseStart + _variables.Count + 1] = stratum is { PlannedSample: > 0 } s ? CellValue.OfReal((double)s.Universe / s.PlannedSample) : CellValue.Null;
    }

    /// <summary>The stratum whose codes the row's stratum items hold, or null (loops, not LINQ: once per case).</summary>
    private Stratum? StratumOf(CellValue[] row, RowValues values, IReadOnlyList<string> stratumItems)
    {
        foreach (var stratum in _pack.Strata)
        {
            var all = true;
            foreach (var item in stratumItems)
            {
                if (values.Value(row, item) is not { } code || !stratum.Codes.TryGetValue(item, out var wanted) || Math.Abs(code - wanted) >= 1e-9)
                {
                    all = false;
                    break;
                }
            }

            if (all)
            {
                return stratum;
            }
        }

        return null;
    }

    private void Accumulate(string record, RowValues values, CellValue[] cells, int index)
    {
        if (!_aggregatesByRecord.TryGetValue(record, out var aggregates))
        {
            return;
        }

        foreach (var a in aggregates)
        {
            if (a.Where is not null && a.Where.Evaluate(values, cells) != true)
            {
                continue;
            }

            var at = ((long)index * _aggregateCount) + a.Index;
            var current = double.IsNaN(_sums[at]) ? 0 : _sums[at];
            if (a.Sum is not null)
            {
                if (a.Sum.Compute(values, cells) is { } v)
                {
                    _sums[at] = current + v;
                }
            }
            else if (a.Any is not null)
            {
                _sums[at] = a.Any.Evaluate(values, cells) == true ? 1 : current;
            }
            else
            {
                _sums[at] = current + 1;
            }
        }
    }

    private void Reject(ref CaseState state, string reason)
    {
        if (!state.Rejected)
        {
            state.Reason = _reasons.Count;
            _reasons.Add(reason);
        }
    }

    private static bool IsInteger(CaseVariable v) =>
        v.Type is { } type ? type == "integer" :
        v.Count || v.Any is not null || (v.Cases.Count > 0 && v.Cases.All(c => long.TryParse(c.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)));

    /// <summary>Where case <paramref name="index"/>'s Seen set starts in <see cref="_recordBits"/>.</summary>
    private long SeenAt(long index) => index * 2 * _words;

    /// <summary>Where case <paramref name="index"/>'s Curated set starts in <see cref="_recordBits"/>.</summary>
    private long CuratedAt(long index) => SeenAt(index) + _words;

    private static int Word(int record) => record >> 5;

    private static uint Bit(int record) => 1u << (record & 31);

    private bool Has(long set, int record) => (_recordBits[set + Word(record)] & Bit(record)) != 0;

    private void Add(long set, int record)
    {
        var at = set + Word(record);
        _recordBits[at] |= Bit(record);
    }

    private static bool InSet(uint[] set, int record) => (set[Word(record)] & Bit(record)) != 0;

    /// <summary>A row number as the case state keeps it: 2^31 rows is far past any upload (a 4 GB file has fewer lines).</summary>
    private static int Row(long sourceRow) => (int)Math.Min(sourceRow, int.MaxValue);

    /// <summary>
    /// 16 bytes a case (a million cases: 16 MB; the record bits are in <see cref="_recordBits"/>), so the fields are
    /// packed: the reason as its number + 1, row numbers as ints.
    /// </summary>
    private struct CaseState
    {
        private int _reasonPlusOne;
        public int FirstRecord; // an index into DataDictionary.Records: an int, so no record count limits it
        public int FirstRow;
        public int MainRow;

        public readonly bool Rejected => _reasonPlusOne > 0;

        /// <summary>The index of the rejection reason in the reasons list; set once, when the case is rejected.</summary>
        public int Reason
        {
            readonly get => _reasonPlusOne - 1;
            set => _reasonPlusOne = value + 1;
        }
    }

    public void Dispose()
    {
        _cases.Dispose();
        _sums.Dispose();
        _recordBits.Dispose();
    }

    private sealed record Aggregate(int Index, CaseVariable Variable, RuleExpression? Where, RuleExpression? Sum, RuleExpression? Any);
}
