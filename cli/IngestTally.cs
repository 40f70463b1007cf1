using Pipeline.Core.Ingest;

namespace Pipeline.Cli;

/// <summary>The counts of one command's uploads, for its final summary line and exit code.</summary>
internal sealed class IngestTally
{
    private int _accepted;
    private int _rejected;
    private int _inProgress;
    private long _read;
    private long _curated;
    private long _rowsRejected;

    public int ExitCode => _rejected + _inProgress > 0 ? ExitCodes.SomeRejected : ExitCodes.Accepted;

    public void Add(IngestOutcome outcome)
    {
        if (outcome.InProgressElsewhere)
        {
            _inProgress++;
            return;
        }

        if (!outcome.Succeeded)
        {
            _rejected++;
            return;
        }

        _accepted++;
        _read += outcome.Upload.RowsRead;
        _curated += outcome.Upload.RowsCurated;
        _rowsRejected += outcome.Upload.RowsRejected;
    }

    /// <summary>
    /// "3 uploads: 2 accepted, 1 rejected; 4420 rows read = 4031 curated + 389 rejected" (rows of accepted uploads), with
    /// ", 1 in progress elsewhere" after the rejected ones when another delivery was processing an upload.
    /// </summary>
    public string Line()
    {
        var uploads = _accepted + _rejected + _inProgress;
        var elsewhere = _inProgress > 0 ? $", {_inProgress} in progress elsewhere" : string.Empty;
        return $"{uploads} upload{(uploads == 1 ? string.Empty : "s")}: {_accepted} accepted, {_rejected} rejected{elsewhere}; {_read} rows read = {_curated} curated + {_rowsRejected} rejected";
    }
}
