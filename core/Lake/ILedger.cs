namespace Pipeline.Core.Lake;

/// <summary>
/// The tables beside the lake: one row per upload and one row per findings run. Implemented over Azure Tables and over a
/// local folder of JSON files; both pass the same contract tests.
/// </summary>
public interface ILedger
{
    Task<UploadRecord?> GetUploadAsync(string surveyId, string uploadId, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces the upload's row.</summary>
    Task SaveUploadAsync(UploadRecord upload, CancellationToken cancellationToken);

    /// <summary>All uploads of a survey, in no particular order.</summary>
    IAsyncEnumerable<UploadRecord> ListUploadsAsync(string surveyId, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces the run's row.</summary>
    Task SaveFindingsRunAsync(FindingsRunRecord run, CancellationToken cancellationToken);

    IAsyncEnumerable<FindingsRunRecord> ListFindingsRunsAsync(string surveyId, CancellationToken cancellationToken);
}

/// <summary>Where an upload stands.</summary>
public enum UploadStatus
{
    Received,
    Processing,

    /// <summary>Read and written; some cases may be quarantined, see the counts.</summary>
    Succeeded,

    /// <summary>The file itself could not be read (wrong format, unknown survey, ...); see the error summary.</summary>
    Rejected,

    /// <summary>An unexpected failure; the trigger retries.</summary>
    Failed,
}

/// <summary>One upload in the ledger. Counts satisfy <c>RowsRead = RowsCurated + RowsRejected</c>.</summary>
public sealed record UploadRecord
{
    public required string SurveyId { get; init; }

    public required string UploadId { get; init; }

    public required string BlobPath { get; init; }

    public string ETag { get; init; } = string.Empty;

    public string ContentSha256 { get; init; } = string.Empty;

    public long SizeBytes { get; init; }

    public string Format { get; init; } = string.Empty;

    public UploadStatus Status { get; init; }

    public int Attempts { get; init; }

    public long RowsRead { get; init; }

    public long RowsCurated { get; init; }

    public long RowsRejected { get; init; }

    /// <summary>Per record type, "RECORD:read/curated/rejected" joined by ';'.</summary>
    public string CountsByRecord { get; init; } = string.Empty;

    public DateTimeOffset ReceivedUtc { get; init; }

    public DateTimeOffset? CompletedUtc { get; init; }

    public long DurationMs { get; init; }

    public string ErrorSummary { get; init; } = string.Empty;
}

public enum FindingsRunStatus
{
    Succeeded,

    /// <summary>Nothing changed since the current run (same uploads, same pack): nothing was written.</summary>
    Skipped,
    Failed,
}

/// <summary>One findings run in the runs table.</summary>
public sealed record FindingsRunRecord
{
    public required string SurveyId { get; init; }

    public required string RunId { get; init; }

    public FindingsRunStatus Status { get; init; }

    /// <summary>Hash of the pack and of the uploads the run read: equal fingerprints give equal findings.</summary>
    public string InputsFingerprint { get; init; } = string.Empty;

    public int Uploads { get; init; }

    public long Cases { get; init; }

    public int Cells { get; init; }

    public DateTimeOffset StartedUtc { get; init; }

    public long DurationMs { get; init; }

    public string Message { get; init; } = string.Empty;
}
