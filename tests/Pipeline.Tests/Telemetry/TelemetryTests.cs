using System.Diagnostics.Metrics;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Core.Ingest;
using Pipeline.Core.Telemetry;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.Telemetry;

public sealed class TelemetryTests
{
    [Fact]
    public void WorkerLogging_WithTelemetrySetup_KeepsInformationForApplicationInsights()
    {
        Assert.Contains(RulesFor(configure: false), r => r.LogLevel == LogLevel.Warning); // the worker's default rule exists...

        Assert.DoesNotContain(RulesFor(configure: true), r => r.LogLevel == LogLevel.Warning); // ...and our set-up removes it
    }

    [Fact]
    public async Task Ingest_SampleExport_EmitsPerUploadMetrics()
    {
        var measurements = new List<(string Name, double Value, string? Survey)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == PipelineMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(measurements, i, v, tags));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(measurements, i, v, tags));
        listener.Start();
        await using var pipeline = await TestPipeline.LocalAsync(await TestPipeline.PeruPacksAsync());

        await pipeline.Get<IngestService>().IngestAsync(await pipeline.UploadAsync("peru-coffee-cacao", RepoPaths.PeruSample));

        var mine = measurements.Where(m => m.Survey == "peru-coffee-cacao").ToList();
        Assert.Contains(mine, m => m.Name == "pipeline.ingest.rows_read" && m.Value == 120);
        Assert.Contains(mine, m => m.Name == "pipeline.ingest.rows_rejected" && m.Value == 5);
        Assert.Contains(mine, m => m.Name == "pipeline.ingest.bytes" && m.Value == new FileInfo(RepoPaths.PeruSample).Length);
        Assert.Contains(mine, m => m.Name == "pipeline.ingest.duration");
    }

    private static List<LoggerFilterRule> RulesFor(bool configure)
    {
        var builder = FunctionsApplication.CreateBuilder([]);
        builder.Services.AddApplicationInsightsTelemetryWorkerService().ConfigureFunctionsApplicationInsights();
        if (configure)
        {
            builder.Logging.Services.Configure<LoggerFilterOptions>(Pipeline.Functions.Telemetry.KeepInformationLogs);
        }

        using var host = builder.Build();
        return host.Services.GetRequiredService<IOptions<LoggerFilterOptions>>().Value.Rules
            .Where(r => r.ProviderName == Pipeline.Functions.Telemetry.ApplicationInsightsProvider).ToList();
    }

    private static void Record<T>(List<(string, double, string?)> sink, Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct
    {
        string? survey = null;
        foreach (var tag in tags)
        {
            if (tag.Key == "survey")
            {
                survey = tag.Value as string;
            }
        }

        lock (sink)
        {
            sink.Add((instrument.Name, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture), survey));
        }
    }
}
