using System.Text.Json.Nodes;
using Pipeline.Infra.Tests.Support;

namespace Pipeline.Infra.Tests;

/// <summary>Diagnostic settings to Log Analytics, alert rules and storage redundancy, with the production parameters.</summary>
[Collection(CompiledTemplatesCollection.Name)]
public sealed class MonitoringOperationsTests(CompiledTemplates templates)
{
    private const string DiagnosticSettingsType = "Microsoft.Insights/diagnosticSettings";

    [Theory]
    [InlineData("lake-storage", "Microsoft.Storage/storageAccounts/blobServices")]
    [InlineData("lake-storage", "Microsoft.Storage/storageAccounts/tableServices")]
    [InlineData("lake-storage", "Microsoft.Storage/storageAccounts/queueServices")]
    [InlineData("host-storage", "Microsoft.Storage/storageAccounts/blobServices")]
    [InlineData("host-storage", "Microsoft.Storage/storageAccounts/tableServices")]
    [InlineData("key-vault", "Microsoft.KeyVault/vaults")]
    [InlineData("functions", "Microsoft.Web/sites")]
    [InlineData("event-grid-topic", "Microsoft.EventGrid/systemTopics")]
    public void Production_DiagnosticSettings_SendTheResourceToLogAnalytics(string module, string scopeType)
    {
        var settings = templates.Production.DeployedOfType(DiagnosticSettingsType)
            .Where(d => d.Scope.Owner == templates.Production.Module(module).Node)
            .Where(d => (d.Node["scope"].AsString() ?? string.Empty).Contains($"'{scopeType}'", StringComparison.Ordinal))
            .ToList();

        var setting = Assert.Single(settings);
        Assert.Equal("[parameters('logAnalyticsWorkspaceId')]", setting.Node["properties"]?["workspaceId"].AsString());
        Assert.Contains("outputs.logAnalyticsId", templates.Production.Module(module).Argument("logAnalyticsWorkspaceId").AsString() ?? string.Empty, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("key-vault", "audit")]
    [InlineData("functions", "FunctionAppLogs")]
    [InlineData("event-grid-topic", "DeliveryFailures")]
    public void DiagnosticSettings_SendTheOperationalLogCategory(string module, string category)
    {
        var logs = templates.Production.InModule(module).Single(r => r.Type == DiagnosticSettingsType).Node["properties"]?["logs"] as JsonArray ?? [];

        Assert.Contains(logs, l => (l?["category"].AsString() ?? l?["categoryGroup"].AsString()) == category && l?["enabled"].AsBool() == true);
    }

    [Fact]
    public void StorageDiagnostics_LogWritesAndDeletesAndReadsOnlyWhenAskedFor()
    {
        var blob = templates.Production.InModule("lake-storage")
            .Single(r => r.Type == DiagnosticSettingsType && (r.Node["scope"].AsString() ?? string.Empty).Contains("blobServices", StringComparison.Ordinal));
        var logs = (blob.Value("properties.logs") as JsonArray ?? []).ToDictionary(l => l?["category"].AsString() ?? string.Empty, l => ArmCondition.Value(l?["enabled"], blob.Scope).AsBool());

        Assert.True(logs["StorageWrite"]);
        Assert.True(logs["StorageDelete"]);
        Assert.False(logs["StorageRead"], "Reads are off by default (cost); parameter logStorageReads turns them on.");
        Assert.Equal(false, templates.Main.RootScope.Parameters["logStorageReads"]?["defaultValue"].AsBool());
    }

    [Fact]
    public void Production_ActionGroup_EmailsTheConfiguredAddress()
    {
        var group = templates.Production.DeployedOfType("Microsoft.Insights/actionGroups").Single();

        var receiver = Assert.Single(group.Value("properties.emailReceivers") as JsonArray ?? []);
        Assert.Equal(CompiledTemplates.ProductionEnvironment["AZURE_ALERT_EMAIL"], receiver?["emailAddress"].AsString());
        Assert.Empty(templates.Main.DeployedOfType("Microsoft.Insights/actionGroups").Single().Value("properties.emailReceivers") as JsonArray ?? [new JsonObject()]);
    }

    [Fact]
    public void AlertRules_CoverFailedIngestsFindingsFailedAndStaleAndDeadLetters()
    {
        var logRules = templates.Production.DeployedOfType("Microsoft.Insights/scheduledQueryRules").Select(r => r.Name).ToList();

        Assert.Equal(3, logRules.Count);
        Assert.Contains(logRules, n => n.Contains("ingest-failed", StringComparison.Ordinal));
        Assert.Contains(logRules, n => n.Contains("findings-failed", StringComparison.Ordinal));
        Assert.Contains(logRules, n => n.Contains("findings-stale", StringComparison.Ordinal));
        Assert.All(templates.Production.DeployedOfType("Microsoft.Insights/scheduledQueryRules"), rule =>
        {
            Assert.Contains("applicationInsightsId", rule.Node["properties"]?["scopes"]?[0].AsString() ?? string.Empty, StringComparison.Ordinal);
            var actionGroups = rule.Value("properties.actions")?["actionGroups"] as JsonArray ?? [];
            Assert.Contains("Microsoft.Insights/actionGroups", Assert.Single(actionGroups).AsString() ?? string.Empty, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void DeadLetterAlert_WatchesDeadLetteredCountOfTheSystemTopic()
    {
        var rule = templates.Production.DeployedOfType("Microsoft.Insights/metricAlerts").Single();
        var criterion = (rule.Node["properties"]?["criteria"]?["allOf"] as JsonArray)?.Single();

        Assert.Equal("DeadLetteredCount", criterion?["metricName"].AsString());
        Assert.Equal("Microsoft.EventGrid/systemTopics", criterion?["metricNamespace"].AsString());
        Assert.Equal("GreaterThan", criterion?["operator"].AsString());
        Assert.Equal(0, criterion?["threshold"].AsInt());
        Assert.True(NetworkIsolationTests.ReferencesModule(templates.Production.Module("alerts").Argument("eventGridSystemTopicId"), "event-grid-topic", "eventGridTopic"));
    }

    [Fact]
    public void FindingsStaleAlert_FiresAfter26HoursByDefault()
    {
        var rule = templates.Production.DeployedOfType("Microsoft.Insights/scheduledQueryRules").Single(r => r.Name.Contains("findings-stale", StringComparison.Ordinal));

        Assert.Equal(26, templates.Production.RootScope.EvaluateParameter("findingsStaleAfterHours").AsInt());
        Assert.Equal(26, templates.Main.RootScope.Parameters["findingsStaleAfterHours"]?["defaultValue"].AsInt());
        Assert.Contains("parameters('findingsStaleAfterHours')", rule.Node["properties"]?["criteria"]?["allOf"]?[0]?["query"].AsString() ?? string.Empty, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("core/Ingest/IngestService.cs", "\"Giving up on upload {Upload} after {Attempts} attempts\"", "Giving up on upload ")]
    [InlineData("core/Findings/FindingsService.cs", "\"Findings run {RunId} for {Survey} failed before the pointer named it;", "failed before the pointer named it")]
    [InlineData("core/Findings/FindingsService.cs", "\"Findings run {RunId} for {Survey}: {Cells} cells from ", " cells from ")]
    [InlineData("core/Findings/FindingsService.cs", "\"Findings for {Survey} are current (run {RunId}); skipped\"", "; skipped")]
    public void AlertQuery_MatchesALogTemplateThePipelineStillWrites(string sourceFile, string template, string queried)
    {
        // If the log line changes, the alert goes silent; this ties the two together.
        var source = File.ReadAllText(RepoLayout.PathOf(sourceFile.Split('/')));
        var alerts = templates.Production.Module("alerts").Node.ToJsonString();

        Assert.True(source.Contains(template, StringComparison.Ordinal), $"{sourceFile} no longer logs {template}; update the alert queries in infra/core/monitor/alerts.bicep.");
        Assert.Contains(queried.Replace("\"", "\\u0022", StringComparison.Ordinal), alerts, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("lake-storage")]
    [InlineData("host-storage")]
    public void Production_Storage_IsZoneRedundant(string module)
    {
        var account = templates.Production.InModule(module).Single(r => r.Type == "Microsoft.Storage/storageAccounts");

        Assert.Equal("Standard_ZRS", account.Value("sku.name").AsString());
        Assert.Equal("Standard_LRS", templates.Dev.InModule(module).Single(r => r.Type == "Microsoft.Storage/storageAccounts").Value("sku.name").AsString());
    }

    [Fact]
    public void ProductionParameters_TurnOnPurgeProtectionAndTurnOffDeployerSampleAccess()
    {
        Assert.True(templates.Production.RootScope.EvaluateParameter("keyVaultPurgeProtection").AsBool());
        Assert.False(templates.Production.RootScope.EvaluateParameter("deployerSampleAccess").AsBool());
        Assert.True(templates.Dev.RootScope.EvaluateParameter("deployerSampleAccess").AsBool());
    }
}
