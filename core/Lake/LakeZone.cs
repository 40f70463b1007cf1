namespace Pipeline.Core.Lake;

/// <summary>The zones of the lake. Each is a blob container (Azure) or a sub-folder (local backend).</summary>
public enum LakeZone
{
    /// <summary>Where field teams upload exports. The pipeline only reads it.</summary>
    Incoming,

    /// <summary>An immutable copy of every upload, kept for audit and replay.</summary>
    Raw,

    /// <summary>Validated, cleaned, typed Parquet per survey and record.</summary>
    Curated,

    /// <summary>Rejected cases and rejected files, with their reasons.</summary>
    Quarantine,

    /// <summary>Per-upload data-quality reports.</summary>
    Reports,

    /// <summary>Findings runs (star schema Parquet) and the pointer to the current one.</summary>
    Findings,
}
