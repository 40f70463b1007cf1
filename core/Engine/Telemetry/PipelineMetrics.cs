using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Pipeline.Core.Telemetry;

/// <summary>
/// Per-upload and per-run measurements as .NET metrics (meter "SurveyPipeline"), tagged by survey, format and status,
/// for any OpenTelemetry exporter. The same numbers are in the structured Information log written for every upload
/// ("Ingested {Upload}: ..."), which Application Insights keeps as customDimensions for charts and alerts.
/// </summary>
public static class PipelineMetrics
{
    public const string MeterName = "SurveyPipeline";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Uploads = Meter.CreateCounter<long>("pipeline.ingest.uploads", description: "Uploads processed, by status.");
    private static readonly Counter<long> RowsRead = Meter.CreateCounter<long>("pipeline.ingest.rows_read", description: "Rows (record occurrences) read from uploads.");
    private static readonly Counter<long> RowsRejected = Meter.CreateCounter<long>("pipeline.ingest.rows_rejected", description: "Rows sent to quarantine.");
    private static readonly Counter<long> Bytes = Meter.CreateCounter<long>("pipeline.ingest.bytes", unit: "By", description: "Bytes read from uploads.");
    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("pipeline.ingest.duration", unit: "ms", description: "Time to ingest one upload.");
    private static readonly Histogram<double> FindingsDuration = Meter.CreateHistogram<double>("pipeline.findings.duration", unit: "ms", description: "Time of one findings run.");

    public static void RecordUpload(string survey, string format, string status, long rowsRead, long rowsRejected, long bytes, double durationMs)
    {
        var tags = new TagList { { "survey", survey }, { "format", format }, { "status", status } };
        Uploads.Add(1, tags);
        RowsRead.Add(rowsRead, tags);
        RowsRejected.Add(rowsRejected, tags);
        Bytes.Add(bytes, tags);
        Duration.Record(durationMs, tags);
    }

    public static void RecordFindingsRun(string survey, string status, double durationMs) =>
        FindingsDuration.Record(durationMs, new TagList { { "survey", survey }, { "status", status } });
}
