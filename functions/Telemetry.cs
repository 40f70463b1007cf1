using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using Pipeline.Core.Telemetry;

namespace Pipeline.Functions;

/// <summary>Telemetry settings of the worker.</summary>
public static class Telemetry
{
    /// <summary>The Application Insights logger provider's name, as its filter rule names it.</summary>
    public const string ApplicationInsightsProvider = "Microsoft.Extensions.Logging.ApplicationInsights.ApplicationInsightsLoggerProvider";

    /// <summary>The app setting Azure sets when the app has an Application Insights resource.</summary>
    public const string ConnectionSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>
    /// The worker SDK adds a rule that sends only Warning and above to Application Insights. The pipeline's Information
    /// logs (one per upload with its counts, one per findings run) are what operators chart and alert on, so the rule is
    /// removed on purpose; host.json's log levels then apply.
    /// </summary>
    public static void KeepInformationLogs(LoggerFilterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var rule = options.Rules.FirstOrDefault(r => r.ProviderName == ApplicationInsightsProvider);
        if (rule is not null)
        {
            options.Rules.Remove(rule);
        }
    }

    /// <summary>
    /// Exports the pipeline's meter (<see cref="PipelineMetrics.MeterName"/>: uploads, rows read and rejected, bytes,
    /// durations) through OpenTelemetry to Application Insights, where they land in customMetrics. A .NET Meter has no
    /// exporter of its own, and the Application Insights SDK does not listen to it, so without this the counters are lost.
    /// Only when <see cref="ConnectionSetting"/> is set: locally and in tests nothing is sent anywhere.
    /// </summary>
    public static IServiceCollection AddPipelineMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration[ConnectionSetting] is not { Length: > 0 } connection)
        {
            return services;
        }

        services.AddOpenTelemetry().WithMetrics(metrics => ListenToPipeline(metrics).AddAzureMonitorMetricExporter(o => o.ConnectionString = connection));
        return services;
    }

    /// <summary>Adds the pipeline's meter to a metrics pipeline (any exporter).</summary>
    public static MeterProviderBuilder ListenToPipeline(MeterProviderBuilder metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        return metrics.AddMeter(PipelineMetrics.MeterName);
    }
}
