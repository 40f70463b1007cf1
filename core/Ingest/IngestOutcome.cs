using Pipeline.Core.Lake;

namespace Pipeline.Core.Ingest;

/// <summary>What happened to one upload: the ledger row, and whether this call did the work or found it done.</summary>
public sealed record IngestOutcome(UploadRecord Upload, bool AlreadyProcessed, IReadOnlyList<RecordCount> Counts)
{
    public bool Succeeded => Upload.Status == UploadStatus.Succeeded;
}

/// <summary>Row accounting for one record type: <c>Read = Curated + Rejected</c>.</summary>
public sealed record RecordCount(string Record, long Read, long Curated, long Rejected);
