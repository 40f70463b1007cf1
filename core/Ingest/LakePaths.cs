namespace Pipeline.Core.Ingest;

/// <summary>
/// The lake's path layout (docs/lake.md). Stable: Power BI's folder connector and Spark read these paths, and
/// <c>upload_id=</c> folders are Hive-style partitions.
/// </summary>
public static class LakePaths
{
    /// <summary>Content-addressed: the same bytes uploaded twice, under any name, are kept once.</summary>
    public static string Raw(string survey, string sha256, string extension) => $"{survey}/sha256={sha256}{extension.ToLowerInvariant()}";

    public static string CuratedPrefix(string survey, string record) => $"{survey}/{record.ToLowerInvariant()}/";

    public static string Curated(string survey, string record, string uploadId) => $"{CuratedPrefix(survey, record)}upload_id={uploadId}/part-00000.parquet";

    public static string Rejected(string survey, string uploadId, string record) => $"{survey}/{uploadId}/{record.ToLowerInvariant()}.rejected.parquet";

    public static string FileError(string survey, string uploadId) => $"{survey}/{uploadId}/file-error.json";

    public static string Issues(string survey, string uploadId) => $"{survey}/{uploadId}/issues.parquet";

    public static string Summary(string survey, string uploadId) => $"{survey}/{uploadId}/summary.json";

    public static string QualityReport(string survey, string uploadId) => $"{survey}/{uploadId}/report.html";
}
