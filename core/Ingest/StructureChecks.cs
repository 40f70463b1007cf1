using Pipeline.Core.Dictionary;
using Pipeline.Core.Engine;
using Pipeline.Core.Packs;
using Pipeline.Core.Validation;

namespace Pipeline.Core.Ingest;

/// <summary>
/// The case structure the dictionary prescribes. A case is its level-1 ID items (<see cref="CaseKeys"/>), whatever
/// records it has: a case without rows of an optional record (a vacant dwelling's person roster) is whole. A case must
/// have every level-1 record marked <c>Required=Yes</c>: without the case record (<see cref="CaseRecord"/>), when that
/// record is required, its rows are orphans (<see cref="Rules.OrphanRecord"/>); without another required record, the
/// case misses it (<see cref="Rules.MissingRecord"/>). Either error rejects the case. A record's <c>MaxRecords</c> is
/// checked by every reader (.dat, .csdb, CSV and .xlsx), which see a case's rows together.
/// <para>
/// A required record is judged only when the upload has rows of it at all: a file of one record uploaded alone (a CSV
/// export of a roster) is a partial export whose other records may be in another upload.
/// </para>
/// </summary>
internal sealed class StructureChecks
{
    private readonly string _main;
    private readonly int _mainIndex;
    private readonly bool _mainRequired;
    private readonly List<string> _records;
    private readonly List<(string Record, int Index)> _required;

    public StructureChecks(SurveyPack pack)
    {
        ArgumentNullException.ThrowIfNull(pack);
        var main = CaseRecord.Of(pack.Dictionary);
        _main = main.Name;
        _mainIndex = CaseRecord.IndexOf(pack.Dictionary);
        _mainRequired = main.Required;
        _records = pack.Dictionary.Records.Select(r => r.Name).ToList();
        // Level-1 records only: a level-2 record is required per level-2 node, not per case.
        var levelOne = pack.Dictionary.Levels[0].Records.Count;
        _required = pack.Dictionary.Records.Take(levelOne).Select((r, i) => (r, i)).Where(x => x.r.Required && x.i != _mainIndex).Select(x => (x.r.Name, x.i)).ToList();
    }

    /// <summary>Checks every case of <paramref name="keys"/>; adds an issue for each problem and rejects its case in <paramref name="cases"/>.</summary>
    public void Check(CaseStore cases, CaseKeys keys, List<RowIssue> issues)
    {
        for (var index = 0; index < keys.Count; index++)
        {
            var hasMain = cases.Has(index, _mainIndex);
            if (!hasMain && _mainRequired && cases.InUpload(_mainIndex))
            {
                var record = _records[cases.FirstRecord(index)];
                var key = keys.KeyAt(index);
                var message = $"{record} rows of case {key.TrimEnd()} have no {_main} record in this upload: the dictionary says every case has one (Required=Yes). Upload whole cases (CSPro exports them so).";
                issues.Add(new RowIssue(cases.FirstRow(index), key, record, string.Empty, string.Empty, Rules.OrphanRecord, IssueSeverity.Error, message));
                cases.Reject(index, $"{Rules.OrphanRecord}: {message}");
                continue;
            }

            foreach (var (record, recordIndex) in _required)
            {
                if (cases.Has(index, recordIndex) || !cases.InUpload(recordIndex))
                {
                    continue;
                }

                var key = keys.KeyAt(index);
                var message = $"case {key.TrimEnd()} has no {record} record; the dictionary says every case has one.";
                issues.Add(new RowIssue(hasMain ? cases.MainRow(index) : cases.FirstRow(index), key, record, string.Empty, string.Empty, Rules.MissingRecord, IssueSeverity.Error, message));
                cases.Reject(index, $"{Rules.MissingRecord}: {message}");
            }
        }
    }
}
