namespace Pipeline.Core.Lake;

/// <summary>
/// The tables beside the lake: one row per upload and one row per findings run. Implemented over Azure Tables and over a
/// local folder of JSON files; both pass the same contract tests.
/// </summary>
public interface ILedger
{
    Task<UploadRecord?> GetUploadAsync(string surveyId, string uploadId, CancellationToken cancellationToken);

    /// <summary>The upload's row and its ETag (for a conditional save), or null.</summary>
    Task<LedgerEntry<UploadRecord>?> GetUploadEntryAsync(string surveyId, string uploadId, CancellationToken cancellationToken);

    /// <summary>
    /// Saves the upload's row. With <paramref name="ifMatch"/> null it inserts or replaces; with <see cref="LakeETag.None"/>
    /// it inserts only; otherwise the stored row's ETag must match. A failed condition throws <see cref="LakeConflictException"/>.
    /// </summary>
    Task SaveUploadAsync(UploadRecord upload, CancellationToken cancellationToken, string? ifMatch = null);

    /// <summary>All uploads of a survey, in no particular order.</summary>
    IAsyncEnumerable<UploadRecord> ListUploadsAsync(string surveyId, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces the run's row.</summary>
    Task SaveFindingsRunAsync(FindingsRunRecord run, CancellationToken cancellationToken);

    IAsyncEnumerable<FindingsRunRecord> ListFindingsRunsAsync(string surveyId, CancellationToken cancellationToken);
}

/// <summary>A ledger row with the ETag it was read at.</summary>
public sealed record LedgerEntry<T>(T Record, string ETag);

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

    /// <summary>Times processing started (claims), including retries after failures.</summary>
    public int Attempts { get; init; }

    /// <summary>Times the upload was delivered (events), including duplicates that found it done or in progress.</summary>
    public int Deliveries { get; init; }

    /// <summary>While Processing: until when the claiming worker owns it; a later delivery may take over after that.</summary>
    public DateTimeOffset? LeaseUntilUtc { get; init; }

    /// <summary>The content-addressed raw copy (raw zone).</summary>
    public string RawPath { get; init; } = string.Empty;

    /// <summary>Set when the same content was already published by another upload: this one added nothing.</summary>
    public string DuplicateOf { get; init; } = string.Empty;

    public long RowsRead { get; init; }

    public long RowsCurated { get; init; }

    public long RowsRejected { get; init; }

    /// <summary>Per record type, "RECORD:read/curated/rejected" joined by ';'.</summary>
    public string CountsByRecord { get; init; } = string.Empty;

    /// <summary>Cases a .csdb marks deleted: in the file, not read (CSPro does not read them either); not in RowsRead.</summary>
    public long DeletedCases { get; init; }

    /// <summary>Lines of a .dat erased with '~' (CSPro's deleted records): skipped as CSPro skips them; not in RowsRead.</summary>
    public long ErasedLines { get; init; }

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

    /// <summary>
    /// Complete, but another run switched the current pointer first; the message names that run. The folder stays for
    /// history and is never current. Appended last so that stored numeric values of the others keep their meaning.
    /// </summary>
    Superseded,
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
