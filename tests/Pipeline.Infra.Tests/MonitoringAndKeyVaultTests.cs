using Pipeline.Infra.Tests.Support;

namespace Pipeline.Infra.Tests;

/// <summary>Application Insights, Log Analytics and Key Vault accept Entra ID only.</summary>
[Collection(CompiledTemplatesCollection.Name)]
public sealed class MonitoringAndKeyVaultTests(CompiledTemplates templates)
{
    [Fact]
    public void ApplicationInsights_LocalAuth_IsDisabled()
    {
        var component = templates.Main.OfType("Microsoft.Insights/components").Single();

        Assert.True(component.Get("properties.DisableLocalAuth").AsBool(), "Application Insights accepts instrumentation-key-only ingestion.");
        Assert.NotNull(component.Get("properties.WorkspaceResourceId"));
    }

    [Fact]
    public void LogAnalytics_LocalAuth_IsDisabled()
    {
        var workspace = templates.Main.OfType("Microsoft.OperationalInsights/workspaces").Single();

        Assert.True(workspace.Get("properties.features.disableLocalAuth").AsBool(), "Log Analytics accepts shared-key access.");
    }

    [Fact]
    public void KeyVault_UsesRbacAndSoftDelete()
    {
        var vault = templates.Main.OfType("Microsoft.KeyVault/vaults").Single();

        Assert.True(vault.Get("properties.enableRbacAuthorization").AsBool(), "Key Vault uses access policies instead of RBAC.");
        Assert.True(vault.Get("properties.enableSoftDelete").AsBool(), "Key Vault soft delete is off.");
        Assert.Null(vault.Get("properties.accessPolicies"));
    }

    [Fact]
    public void KeyVault_PurgeProtection_IsNeverSentAsFalse()
    {
        // ARM rejects enablePurgeProtection=false on a vault that ever had it on; "off" must be an absent property.
        var vault = templates.Main.OfType("Microsoft.KeyVault/vaults").Single();

        Assert.Equal("[if(parameters('enablePurgeProtection'), true(), null())]", vault.Node["properties"]?["enablePurgeProtection"].AsString());
    }
}
