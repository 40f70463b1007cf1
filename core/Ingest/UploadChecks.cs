using System.Globalization;
using Pipeline.Core.Dictionary;
using Pipeline.Core.Engine;
using Pipeline.Core.Packs;
using Pipeline.Core.Readers;
using Pipeline.Core.Validation;
using Pipeline.Core.Values;

namespace Pipeline.Core.Ingest;

/// <summary>
/// The checks that need the whole upload, and the case-level rejection they lead to. While rows stream in,
/// <see cref="Observe"/> notes each row in the per-case store (<see cref="CaseStore"/>: records, rejection, roster sums)
/// and in the outlier checks. After the last row, <see cref="FinishAsync"/>: <see cref="StructureChecks"/>, the level-1
/// rewrite (<see cref="CaseVariables"/>, <see cref="StratumAssignment"/>, <see cref="CaseRules"/>,
/// <see cref="OutlierChecks"/>), then the rewrite of every other table that holds rows of a rejected case or outliers.
/// An error anywhere in a case rejects all its records. Memory: the per-case store's budget, plus at most 100,000 values
/// per outlier group; the case-key index is <see cref="CaseKeys"/>'s; the rows themselves wait in spools or temporary
/// Parquet files.
/// </summary>
internal sealed class UploadChecks : IDisposable
{
    private readonly string _main;
    private readonly int _mainIndex;
    private readonly Dictionary<string, int> _recordIndex;
    private readonly CaseKeys _caseIndex;
    private readonly CaseStore _cases;
    private readonly StructureChecks _structure;
    private readonly CaseVariables _variables;
    private readonly StratumAssignment _strata;
    private readonly CaseRules _caseRules;
    private readonly OutlierChecks _outliers;

    /// <param name="pack">The survey pack: its dictionary, case variables, strata, case and outlier rules.</param>
    /// <param name="uploadRecords">
    /// The records the upload can hold, when known before reading (<see cref="IExportReader.Records"/>); null for any.
    /// Without the level-1 record no roster sums are kept (<see cref="CaseVariables"/>).
    /// </param>
    /// <param name="cases">
    /// The upload's case numbering, filled by the read-ahead thread (<see cref="RowChecks"/>) as rows are read; this
    /// class reads it only once the upload is read.
    /// </param>
    public UploadChecks(SurveyPack pack, IReadOnlyCollection<string>? uploadRecords, CaseKeys cases)
    {
        ArgumentNullException.ThrowIfNull(pack);
        _caseIndex = cases ?? throw new ArgumentNullException(nameof(cases));
        _main = CaseRecord.Of(pack.Dictionary).Name;
        _mainIndex = CaseRecord.IndexOf(pack.Dictionary);
        var records = pack.Dictionary.Records.Select(r => r.Name).ToList();
        _recordIndex = records.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => x.i, StringComparer.OrdinalIgnoreCase);
        _structure = new StructureChecks(pack);
        _variables = new CaseVariables(pack, _recordIndex, accumulate: uploadRecords is null || uploadRecords.Contains(_main, StringComparer.OrdinalIgnoreCase));
        _strata = new StratumAssignment(pack);
        _caseRules = new CaseRules(pack);
        _outliers = new OutlierChecks(pack);
        _cases = new CaseStore(records.Count, _mainIndex, _variables.SlotsPerCase);
    }

    /// <summary>
    /// Whether <see cref="FinishAsync"/> rewrites the curated rows of <paramref name="record"/> in every upload: the
    /// level-1 record (its case columns) and a record with outlier rules (its warnings). Their rows are spooled, not
    /// written as Parquet twice (<see cref="RecordTables"/>).
    /// </summary>
    public static bool RewritesAlways(SurveyPack pack, string record)
    {
        ArgumentNullException.ThrowIfNull(pack);
        return CaseRecord.Is(pack.Dictionary, record)
            || OutlierChecks.AnyOn(pack, record);
    }

    /// <summary>Case columns of <paramref name="record"/>'s table: case variables, stratum and weight for the level-1 record, none otherwise.</summary>
    public static IReadOnlyList<TableColumn> CaseColumnsOf(SurveyPack pack, string record)
    {
        ArgumentNullException.ThrowIfNull(pack);
        return !CleaningCatalogue.IsMain(pack.Dictionary, record) ? []
            : CaseVariables.Columns(pack).Concat(StratumAssignment.Columns).ToList();
    }

    /// <summary>
    /// Cases rejected (by a row error, structure or a case rule) whose level-1 row had been accepted: the cases the
    /// quality report has not yet counted as rejected. Call after <see cref="FinishAsync"/>.
    /// </summary>
    public IEnumerable<int> CasesRejectedAfterTheirMainRow() => _cases.RejectedWithCurated(_mainIndex);

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
        _cases.Observe(caseIndex, r, sourceRow, error is null ? null : $"{record} row {sourceRow.ToString(CultureInfo.InvariantCulture)}: {error}");
        if (error is null)
        {
            _variables.Accumulate(record, values, cells, caseIndex, _cases);
            _outliers.Observe(record, values, cells);
        }
    }

    /// <summary>Runs the end-of-upload checks and moves the rows of rejected cases; returns the issues found.</summary>
    public async Task<IReadOnlyList<RowIssue>> FinishAsync(IReadOnlyDictionary<string, RecordTables> tables, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var issues = new List<RowIssue>();
        _structure.Check(_cases, _caseIndex, issues);
        _outliers.Finish();
        if (tables.TryGetValue(_main, out var main))
        {
            await RewriteAsync(main, _outliers.Of(_main), issues, main: true, cancellationToken).ConfigureAwait(false);
        }

        // Which records hold curated rows of a rejected case, in one pass over the cases (they may be spilled to disk).
        var holdingRejected = _cases.RecordsHoldingRejectedCases();
        foreach (var (record, table) in tables.Where(t => !string.Equals(t.Key, _main, StringComparison.OrdinalIgnoreCase)))
        {
            var outliers = _outliers.Of(record);
            if (outliers.Count > 0 || holdingRejected(_recordIndex[record]))
            {
                await RewriteAsync(table, outliers, issues, main: false, cancellationToken).ConfigureAwait(false);
            }
        }

        return issues;
    }

    /// <summary>One pass over a record's curated rows: case columns and case rules (level-1), outliers, moves.</summary>
    private async Task RewriteAsync(RecordTables table, List<OutlierCheckState> outliers, List<RowIssue> issues, bool main, CancellationToken cancellationToken)
    {
        var values = new RowValues(table.CuratedColumns);
        var caseStart = table.CaseColumnsStart;
        var record = table.Layout.Record.Name;
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

                var sourceRow = row[table.SourceRowIndex].Integer;
                warnings.Clear();
                if (main && !_cases.IsRejected(index))
                {
                    _variables.Fill(row, values, caseStart, index, _cases);
                    _strata.Fill(row, values, caseStart + _variables.Count);
                    if (_caseRules.Check(row, values, key, record, sourceRow, issues, warnings) is { } rejection)
                    {
                        _cases.Reject(index, rejection);
                    }
                }

                if (_cases.IsRejected(index))
                {
                    return $"case rejected: {_cases.ReasonOf(index)}";
                }

                OutlierChecks.Check(outliers, row, values, key, record, sourceRow, issues, warnings);
                if (warnings.Count > 0)
                {
                    var before = row[table.WarningsIndex].Text;
                    row[table.WarningsIndex] = CellValue.OfText(string.Join(',', (before is null ? [] : before.Split(',')).Concat(warnings).Distinct(StringComparer.Ordinal)));
                }

                return null;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _cases.Dispose();
}
