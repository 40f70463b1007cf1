namespace Pipeline.Core.Findings;

/// <summary>Layout of the findings zone (docs/lake.md).</summary>
public static class FindingsPaths
{
    /// <summary>JSON pointer to the current run; replaced with an ETag condition so that readers switch in one step.</summary>
    public static string Current(string survey) => $"{survey}/current.json";

    public static string RunFolder(string survey, string runId) => $"{survey}/runs/run_id={runId}/";

    public static string Table(string survey, string runId, string table) => $"{RunFolder(survey, runId)}{table}.parquet";
}
