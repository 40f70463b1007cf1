using Pipeline.Core.Lake;

namespace Pipeline.Core.Ingest;

/// <summary>What happened to one upload: the ledger row, and whether this call did the work or found it done.</summary>
public sealed record IngestOutcome(UploadRecord Upload, bool AlreadyProcessed, IReadOnlyList<RecordCount> Counts)
{
    public bool Succeeded => Upload.Status == UploadStatus.Succeeded;

    /// <summary>
    /// True when another delivery of the same upload holds its lease: this delivery did nothing and the result is not
    /// known yet (<see cref="Message"/> says so). Not a rejection.
    /// </summary>
    public bool InProgressElsewhere => AlreadyProcessed && Upload.Status == UploadStatus.Processing;

    /// <summary>
    /// One sentence for a person about what happened to the upload: accepted with its counts, rejected with its reason,
    /// or still being processed by another delivery. Never empty.
    /// </summary>
    public string Message => Upload.Status switch
    {
        UploadStatus.Succeeded => FormattableString.Invariant($"accepted: {Upload.RowsRead} rows read = {Upload.RowsCurated} curated + {Upload.RowsRejected} rejected (upload {Upload.UploadId}{(AlreadyProcessed ? ", already done" : string.Empty)})"),
        UploadStatus.Processing => FormattableString.Invariant($"not ingested by this delivery: another delivery of the same upload ({Upload.UploadId}) is processing it, with a lease until {Upload.LeaseUntilUtc:yyyy-MM-dd HH:mm:ss} UTC at the latest; its result is recorded in the ledger. Run the command again after that time to see it."),
        _ when !string.IsNullOrWhiteSpace(Upload.ErrorSummary) => Upload.ErrorSummary.ReplaceLineEndings(" "),
        _ => $"the upload ended {Upload.Status} without a recorded reason; see the ledger row of upload {Upload.UploadId}.",
    };
}

/// <summary>Row accounting for one record type: <c>Read = Curated + Rejected</c>.</summary>
public sealed record RecordCount(string Record, long Read, long Curated, long Rejected);
