using Pipeline.Core.Engine;
using Pipeline.Core.Packs;
using Pipeline.Core.Validation;

namespace Pipeline.Core.Ingest;

/// <summary>
/// The case structure the dictionary prescribes: a roster row needs its case's level-1 row in the upload
/// (<see cref="Rules.OrphanRecord"/>), and a case has every required record (<see cref="Rules.MissingRecord"/>). Either
/// error rejects the case.
/// </summary>
internal sealed class StructureChecks
{
    private readonly string _main;
    private readonly List<string> _records;
    private readonly List<(string Record, int Index)> _required;

    public StructureChecks(SurveyPack pack)
    {
        ArgumentNullException.ThrowIfNull(pack);
        _main = pack.Dictionary.Levels[0].Records[0].Name;
        _records = pack.Dictionary.Records.Select(r => r.Name).ToList();
        _required = pack.Dictionary.Records.Select((r, i) => (r, i)).Where(x => x.r.Required && x.r.Name != _main).Select(x => (x.r.Name, x.i)).ToList();
    }

    /// <summary>Checks every case of <paramref name="keys"/>; adds an issue for each problem and rejects its case in <paramref name="cases"/>.</summary>
    public void Check(CaseStore cases, CaseKeys keys, List<RowIssue> issues)
    {
        for (var index = 0; index < keys.Count; index++)
        {
            var hasMain = cases.Has(index, 0);
            if (!hasMain && cases.InUpload(0))
            {
                // Judged only when the upload has level-1 records at all: a roster file uploaded alone is a partial
                // export whose cases may be in another upload.
                var record = _records[cases.FirstRecord(index)];
                var key = keys.KeyAt(index);
                var message = $"{record} rows of case {key.TrimEnd()} have no {_main} record in this upload: a roster row needs its case. Upload whole cases (CSPro exports them so).";
                issues.Add(new RowIssue(cases.FirstRow(index), key, record, string.Empty, string.Empty, Rules.OrphanRecord, IssueSeverity.Error, message));
                cases.Reject(index, $"{Rules.OrphanRecord}: {message}");
            }
            else if (hasMain)
            {
                foreach (var (record, recordIndex) in _required)
                {
                    if (cases.Has(index, recordIndex) || !cases.InUpload(recordIndex))
                    {
                        continue;
                    }

                    var key = keys.KeyAt(index);
                    var message = $"case {key.TrimEnd()} has no {record} record; the dictionary says every case has one.";
                    issues.Add(new RowIssue(cases.MainRow(index), key, record, string.Empty, string.Empty, Rules.MissingRecord, IssueSeverity.Error, message));
                    cases.Reject(index, $"{Rules.MissingRecord}: {message}");
                }
            }
        }
    }
}
