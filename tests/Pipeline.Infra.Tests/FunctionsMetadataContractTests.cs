using System.Text.Json.Nodes;
using Pipeline.Infra.Tests.Support;

namespace Pipeline.Infra.Tests;

/// <summary>
/// The app settings in Bicep against the bindings the Functions worker SDK generated
/// (functions/bin/&lt;Configuration&gt;/net10.0/functions.metadata): every %Setting% a binding
/// expression names and every connection prefix must exist, or the function fails at start-up in Azure.
/// Build the Functions project before running these tests.
/// </summary>
[Collection(CompiledTemplatesCollection.Name)]
public sealed class FunctionsMetadataContractTests(CompiledTemplates templates)
{
    private readonly IReadOnlyList<FunctionBinding> _bindings = FunctionsMetadata.LoadBindings();

    [Fact]
    public void FunctionsMetadata_ContainsIngestUploadAsAnEventGridBlobTrigger()
    {
        var trigger = Assert.Single(_bindings, b => b.Function == "IngestUpload" && b.Type == "blobTrigger");

        Assert.Equal("EventGrid", trigger.Source);
        Assert.Equal("LakeStorage", trigger.Connection);
        Assert.Equal("%IncomingContainer%/{name}", trigger.Path);
    }

    [Fact]
    public void FunctionsMetadata_ContainsRecomputeFindingsAsATimerOnFindingsSchedule()
    {
        var timer = Assert.Single(_bindings, b => b.Function == "RecomputeFindings" && b.Type == "timerTrigger");

        Assert.Equal("%FindingsSchedule%", timer.Schedule);
        Assert.NotEqual(true, timer.Node["runOnStartup"].AsBool());
    }

    [Fact]
    public void AppSettings_CoverEveryBindingExpressionInFunctionsMetadata()
    {
        var settings = templates.AppSettings;
        var missing = _bindings
            .SelectMany(b => b.SettingReferences.Select(name => (b.Function, name)))
            .Where(r => !settings.ContainsKey(r.name))
            .Select(r => $"{r.Function}: %{r.name}%")
            .ToList();

        Assert.True(missing.Count == 0, "Binding expressions with no app setting in infra/app/functions.bicep:" + Environment.NewLine + string.Join(Environment.NewLine, missing));
    }

    [Fact]
    public void AppSettings_CoverEveryBindingConnectionAsAnIdentityConnection()
    {
        var settings = templates.AppSettings;
        var problems = new List<string>();
        foreach (var binding in _bindings.Where(b => b.Type.StartsWith("blob", StringComparison.Ordinal) || b.Type.StartsWith("queue", StringComparison.Ordinal) || b.Type.StartsWith("table", StringComparison.Ordinal)))
        {
            // No connection means the host storage connection.
            var prefix = string.IsNullOrEmpty(binding.Connection) ? "AzureWebJobsStorage" : binding.Connection;
            if (settings.Keys.Any(k => k.Equals(prefix, StringComparison.Ordinal)))
            {
                problems.Add($"{binding.Function}: '{prefix}' is a plain (connection string) setting; use {prefix}__* identity settings.");
            }

            if (!settings.TryGetValue($"{prefix}__credential", out var credential) || credential.AsString() != "managedidentity")
            {
                problems.Add($"{binding.Function}: {prefix}__credential=managedidentity is missing.");
            }

            if (!settings.ContainsKey($"{prefix}__clientId"))
            {
                problems.Add($"{binding.Function}: {prefix}__clientId is missing (the app has only a user-assigned identity).");
            }

            var hasEndpoint = settings.ContainsKey($"{prefix}__accountName") || settings.ContainsKey($"{prefix}__blobServiceUri") || settings.ContainsKey($"{prefix}__serviceUri");
            if (!hasEndpoint)
            {
                problems.Add($"{binding.Function}: {prefix}__blobServiceUri (or __accountName) is missing.");
            }

            // Blob triggers keep their poison queue on the connection's account, so it needs a queue endpoint too.
            if (binding.Type == "blobTrigger" && !settings.ContainsKey($"{prefix}__accountName") && !settings.ContainsKey($"{prefix}__queueServiceUri"))
            {
                problems.Add($"{binding.Function}: {prefix}__queueServiceUri is missing (blob trigger poison queue).");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void EventGridBlobTriggers_AreTheFunctionsTheSubscriptionDeliversTo()
    {
        var url = templates.EventSubscription.Get("properties.destination.properties.endpointUrl").AsString() ?? string.Empty;
        var eventGridTriggers = _bindings.Where(b => b.Type == "blobTrigger" && b.Source == "EventGrid").ToList();

        var trigger = Assert.Single(eventGridTriggers);
        Assert.Contains($"functionName=Host.Functions.{trigger.Function}&", url, StringComparison.Ordinal);
        var container = trigger.Path?.Split('/')[0] ?? string.Empty;
        var resolved = container.StartsWith('%') ? templates.AppSettings[container.Trim('%')].AsString() : container;
        Assert.Equal($"/blobServices/default/containers/{resolved}/", templates.EventSubscription.Get("properties.filter.subjectBeginsWith").AsString());
    }

    [Fact]
    public void TimerTriggers_ScheduleSettings_AreNcrontabWithSeconds()
    {
        var settings = templates.AppSettings;
        foreach (var timer in _bindings.Where(b => b.Type == "timerTrigger"))
        {
            var schedule = timer.Schedule ?? string.Empty;
            var value = schedule.StartsWith('%') && settings.TryGetValue(schedule.Trim('%'), out var setting)
                ? setting.AsString() ?? string.Empty
                : schedule;

            // Six fields: second minute hour day month day-of-week (the Functions timer's NCRONTAB form).
            Assert.True(value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6,
                $"{timer.Function}: schedule '{schedule}' resolves to '{value}', which is not a six-field NCRONTAB expression.");
        }
    }

    [Fact]
    public void AppSettings_FindingsSchedule_IsNightlyAtTwoUtc()
    {
        // Read by RecomputeFindings as %FindingsSchedule%; Linux Flex Consumption evaluates it in UTC.
        Assert.Equal("0 0 2 * * *", templates.AppSettings["FindingsSchedule"].AsString());
        Assert.False(templates.AppSettings.ContainsKey("WEBSITE_TIME_ZONE"), "WEBSITE_TIME_ZONE is not supported on Linux plans; schedules are UTC.");
    }

    [Fact]
    public void FunctionsMetadata_BindingsAreJsonObjectsWithTypes()
    {
        Assert.NotEmpty(_bindings);
        Assert.All(_bindings, b => Assert.False(string.IsNullOrEmpty(b.Type), $"{b.Function}: binding without type: {b.Node.ToJsonString()}"));
        Assert.IsType<JsonObject>(_bindings[0].Node);
    }
}
