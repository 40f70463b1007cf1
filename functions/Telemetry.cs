using Microsoft.Extensions.Logging;

namespace Pipeline.Functions;

/// <summary>Telemetry settings of the worker.</summary>
public static class Telemetry
{
    /// <summary>The Application Insights logger provider's name, as its filter rule names it.</summary>
    public const string ApplicationInsightsProvider = "Microsoft.Extensions.Logging.ApplicationInsights.ApplicationInsightsLoggerProvider";

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
}
