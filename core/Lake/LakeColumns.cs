namespace Pipeline.Core.Lake;

/// <summary>
/// The columns the pipeline adds to every curated and rejected table, beside the dictionary's items. Readers of the
/// lake (the current view, the findings, Power BI) find rows by these names.
/// </summary>
public static class LakeColumns
{
    /// <summary>The case identifier: the level-1 ID items joined at their dictionary widths.</summary>
    public const string CaseKey = "_case_key";

    /// <summary>The upload the row came from.</summary>
    public const string UploadId = "_upload_id";

    /// <summary>The row's position in the uploaded file (header = 1).</summary>
    public const string SourceRow = "_source_row";

    /// <summary>When the upload was received (UTC).</summary>
    public const string IngestedUtc = "_ingested_utc";

    /// <summary>Why a rejected row was rejected.</summary>
    public const string Reasons = "_reasons";

    /// <summary>The warning rules a curated row breaks (comma-separated).</summary>
    public const string Warnings = "_warnings";
}
