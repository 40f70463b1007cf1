using Pipeline.Core.Lake;

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

    /// <summary>Part <paramref name="part"/> of a record's curated rows from one upload (see <c>ParquetTableOptions.RowGroupsPerFile</c>).</summary>
    public static string Curated(string survey, string record, string uploadId, int part = 0) => $"{CuratedPrefix(survey, record)}upload_id={uploadId}/part-{part:00000}.parquet";

    /// <summary>A record's rejected rows from one upload; a table too large for one file continues in <c>.part-00001</c>, ...</summary>
    public static string Rejected(string survey, string uploadId, string record, int part = 0) => Part($"{survey}/{uploadId}/{record.ToLowerInvariant()}.rejected", part);

    public static string FileError(string survey, string uploadId) => $"{survey}/{uploadId}/file-error.json";

    /// <summary>An upload's issues; a table too large for one file continues in <c>issues.part-00001.parquet</c>, ...</summary>
    public static string Issues(string survey, string uploadId, int part = 0) => Part($"{survey}/{uploadId}/issues", part);

    public static string Summary(string survey, string uploadId) => $"{survey}/{uploadId}/summary.json";

    public static string QualityReport(string survey, string uploadId) => $"{survey}/{uploadId}/report.html";

    // The first part keeps the plain name, so a table of one file (nearly all) is where it always was.
    private static string Part(string stem, int part) => part == 0 ? $"{stem}.parquet" : $"{stem}.part-{part:00000}.parquet";
}
