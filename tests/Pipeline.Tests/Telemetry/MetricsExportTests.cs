using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Pipeline.Core.Ingest;
using Pipeline.Functions;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.Telemetry;

/// <summary>The pipeline's meter reaches an exporter: Application Insights in Azure (issue 18: the counters were never exported).</summary>
public sealed class MetricsExportTests
{
    [Fact]
    public void FunctionsServices_WithApplicationInsightsConnection_RegisterAMeterProvider()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [Functions.Telemetry.ConnectionSetting] = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://localhost/" })
            .Build();

        var services = new ServiceCollection().AddLogging().AddPipelineMetrics(configuration);

        // Looked up, not built: building it would start the exporter, which would try to send.
        Assert.Contains(services, d => d.ServiceType == typeof(MeterProvider));
    }

    [Fact]
    public void FunctionsServices_WithoutApplicationInsights_ExportNothing()
    {
        var services = new ServiceCollection().AddLogging().AddPipelineMetrics(new ConfigurationBuilder().Build());

        Assert.DoesNotContain(services, d => d.ServiceType == typeof(MeterProvider));
    }

    [Fact]
    public async Task Ingest_SampleExport_CountersReachAnOpenTelemetryExporter()
    {
        var exported = new List<Metric>();
        using var metrics = Functions.Telemetry.ListenToPipeline(Sdk.CreateMeterProviderBuilder()).AddInMemoryExporter(exported).Build();
        await using var pipeline = await TestPipeline.LocalAsync(await TestPipeline.PeruPacksAsync());

        await pipeline.Get<IngestService>().IngestAsync(await pipeline.UploadAsync("peru-coffee-cacao", RepoPaths.PeruSample));
        metrics.ForceFlush();

        Assert.True(SumOf(exported, "pipeline.ingest.rows_read") >= 120, string.Join(", ", exported.Select(m => m.Name)));
        Assert.True(SumOf(exported, "pipeline.ingest.uploads") >= 1);
    }

    private static long SumOf(IEnumerable<Metric> exported, string name)
    {
        long sum = 0;
        foreach (var metric in exported.Where(m => m.Name == name))
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                sum += point.GetSumLong();
            }
        }

        return sum;
    }
}
