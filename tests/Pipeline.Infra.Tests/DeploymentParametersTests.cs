using System.Text.Json.Nodes;
using Pipeline.Infra.Tests.Support;

namespace Pipeline.Infra.Tests;

/// <summary>main.bicep's parameters and outputs against what azd supplies (main.parameters.json) and reads.</summary>
[Collection(CompiledTemplatesCollection.Name)]
public sealed class DeploymentParametersTests(CompiledTemplates templates)
{
    private static JsonObject ParameterFileValues()
    {
        var file = JsonNode.Parse(File.ReadAllText(RepoLayout.PathOf("infra", "main.parameters.json")));
        return file?["parameters"] as JsonObject ?? throw new InvalidDataException("main.parameters.json has no parameters object.");
    }

    [Fact]
    public void MainTemplate_IsSubscriptionScopedAndCreatesTheResourceGroup()
    {
        Assert.Contains("subscriptionDeploymentTemplate.json", templates.Main.Root["$schema"].AsString() ?? string.Empty, StringComparison.Ordinal);
        Assert.Single(templates.Main.OfType("Microsoft.Resources/resourceGroups"));
    }

    [Fact]
    public void MainParameters_SupplyEveryRequiredParameter()
    {
        var supplied = ParameterFileValues();
        var required = templates.Main.RootScope.Parameters.Where(p => p.Value?["defaultValue"] is null).Select(p => p.Key);

        Assert.All(required, name => Assert.True(supplied.ContainsKey(name), $"main.bicep parameter {name} has no default and no value in main.parameters.json."));
    }

    [Fact]
    public void MainParameters_NameOnlyParametersOfMain()
    {
        var declared = templates.Main.RootScope.Parameters.Select(p => p.Key).ToHashSet(StringComparer.Ordinal);

        Assert.All(ParameterFileValues(), p => Assert.True(declared.Contains(p.Key), $"main.parameters.json sets {p.Key}, which main.bicep does not declare."));
    }

    [Theory]
    [InlineData("environmentName", "${AZURE_ENV_NAME}")]
    [InlineData("location", "${AZURE_LOCATION}")]
    [InlineData("principalId", "${AZURE_PRINCIPAL_ID}")]
    [InlineData("networkIsolation", "${AZURE_NETWORK_ISOLATION=false}")]
    [InlineData("operatorIpRanges", "${AZURE_OPERATOR_IP_RANGES=}")]
    [InlineData("storageSkuName", "${AZURE_STORAGE_SKU=Standard_LRS}")]
    [InlineData("deployerSampleAccess", "${AZURE_DEPLOYER_SAMPLE_ACCESS=true}")]
    [InlineData("alertEmailAddress", "${AZURE_ALERT_EMAIL=}")]
    [InlineData("findingsStaleAfterHours", "${AZURE_FINDINGS_STALE_AFTER_HOURS=26}")]
    public void MainParameters_AzdValue_IsMapped(string parameter, string expected)
    {
        Assert.Equal(expected, ParameterFileValues()[parameter]?["value"].AsString());
    }

    [Theory]
    [InlineData("instanceMemoryMB", 2048)]
    [InlineData("maximumInstanceCount", 40)]
    public void MainTemplate_ScaleParameter_HasTheAgreedDefault(string parameter, int expected)
    {
        Assert.Equal(expected, templates.Main.RootScope.Parameters[parameter]?["defaultValue"].AsInt());
    }

    [Theory]
    [InlineData("AZURE_FUNCTION_APP_NAME")]
    [InlineData("AZURE_RESOURCE_GROUP")]
    [InlineData("AZURE_LOCATION")]
    [InlineData("AZURE_TENANT_ID")]
    [InlineData("AZURE_LAKE_STORAGE_ACCOUNT_NAME")]
    [InlineData("AZURE_KEY_VAULT_NAME")]
    [InlineData("AZURE_EVENTGRID_SYSTEM_TOPIC_NAME")]
    public void MainTemplate_Output_IsAvailableToAzdAndHooks(string output)
    {
        Assert.Contains(output, templates.Main.Outputs());
    }

    [Fact]
    public void MainTemplate_KeyVaultPurgeProtection_IsAParameter()
    {
        Assert.Equal("bool", templates.Main.RootScope.Parameters["keyVaultPurgeProtection"]?["type"].AsString());
        Assert.Equal("[parameters('keyVaultPurgeProtection')]", templates.Main.Module("key-vault").Node["properties"]?["parameters"]?["enablePurgeProtection"]?["value"].AsString());
    }
}
