using System.Text.RegularExpressions;
using Pipeline.Infra.Tests.Support;

namespace Pipeline.Infra.Tests;

/// <summary>The Flex Consumption app and its settings: the contract with the code in functions/.</summary>
[Collection(CompiledTemplatesCollection.Name)]
public sealed partial class FunctionAppTests(CompiledTemplates templates)
{
    /// <summary>Settings the code reads, with their value where the value is fixed (null: deployment-specific).</summary>
    public static TheoryData<string, string?> ContractSettings() => new()
    {
        { "AzureWebJobsStorage__accountName", null },
        { "AzureWebJobsStorage__credential", "managedidentity" },
        { "AzureWebJobsStorage__clientId", null },
        { "LakeStorage__blobServiceUri", null },
        { "LakeStorage__queueServiceUri", null },
        { "LakeStorage__tableServiceUri", null },
        { "LakeStorage__credential", "managedidentity" },
        { "LakeStorage__clientId", null },
        { "IncomingContainer", "incoming" },
        { "FindingsSchedule", "0 0 2 * * *" },
        { "Lake__RawContainer", "raw" },
        { "Lake__CuratedContainer", "curated" },
        { "Lake__QuarantineContainer", "quarantine" },
        { "Lake__ReportsContainer", "reports" },
        { "Lake__FindingsContainer", "findings" },
        { "Lake__UploadsTable", "uploads" },
        { "Lake__FindingsRunsTable", "findingsruns" },
        { "Pseudonymisation__Key", null },
        { "APPLICATIONINSIGHTS_CONNECTION_STRING", null },
        { "APPLICATIONINSIGHTS_AUTHENTICATION_STRING", null },
    };

    private ArmResource Site() => templates.Main.OfType("Microsoft.Web/sites").Single();

    [Theory]
    [MemberData(nameof(ContractSettings))]
    public void AppSettings_ContractSetting_IsPresentWithItsValue(string name, string? expectedValue)
    {
        Assert.True(templates.AppSettings.TryGetValue(name, out var value), $"App setting {name} is missing.");
        if (expectedValue is not null)
        {
            Assert.Equal(expectedValue, value.AsString());
        }
    }

    [Fact]
    public void AppSettings_IdentityConnections_NameTheUserAssignedIdentity()
    {
        var settings = templates.AppSettings;

        Assert.Equal("[parameters('identityClientId')]", templates.Main.OfType("Microsoft.Web/sites/config").Single().Node["properties"]?["LakeStorage__clientId"].AsString());
        Assert.Equal(settings["AzureWebJobsStorage__clientId"].Show(), settings["LakeStorage__clientId"].Show());
        Assert.Contains("outputs.clientId", settings["LakeStorage__clientId"].AsString() ?? string.Empty, StringComparison.Ordinal);
    }

    [Fact]
    public void AppSettings_ContainNoConnectionStringsOrKeys()
    {
        var settings = templates.AppSettings;
        var problems = new List<string>();
        foreach (var (name, node) in settings)
        {
            var value = node.AsString() ?? node.Show();
            if (SecretMarker().IsMatch(value))
            {
                problems.Add($"{name}: value looks like it carries a key or SAS ({value})");
            }

            var isExpression = value.StartsWith('[') && value.EndsWith(']');
            if (!isExpression && LiteralKey().IsMatch(value))
            {
                problems.Add($"{name}: literal value looks like a key");
            }

            if (name.EndsWith("__connectionString", StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"{name}: connection-string setting; use __serviceUri/__credential/__clientId");
            }
        }

        // A bare AzureWebJobsStorage setting is a connection string with an account key.
        if (settings.ContainsKey("AzureWebJobsStorage"))
        {
            problems.Add("AzureWebJobsStorage: use AzureWebJobsStorage__accountName + __credential + __clientId");
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void AppSettings_PseudonymisationKey_IsAKeyVaultReference()
    {
        var value = templates.AppSettings["Pseudonymisation__Key"].AsString() ?? string.Empty;

        Assert.StartsWith("[format('@Microsoft.KeyVault(VaultName={0};SecretName=pseudonym-key)'", value, StringComparison.Ordinal);
        Assert.Equal("[parameters('identityId')]", Site().Node["properties"]?["keyVaultReferenceIdentity"].AsString());
    }

    [Fact]
    public void AppSettings_ApplicationInsights_AuthenticatesWithTheIdentity()
    {
        var raw = templates.Main.OfType("Microsoft.Web/sites/config").Single().Node["properties"]?["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"].AsString();

        Assert.Equal("[format('ClientId={0};Authorization=AAD', parameters('identityClientId'))]", raw);
    }

    [Fact]
    public void AppSettings_ContainerAndTableValues_ExistOnTheLake()
    {
        var lake = templates.Main.Module("lake-storage");
        var containers = lake.Argument("containerNames").AsStrings();
        var tables = lake.Argument("tableNames").AsStrings();

        foreach (var (name, value) in templates.AppSettings)
        {
            if (name == "IncomingContainer" || (name.StartsWith("Lake__", StringComparison.Ordinal) && name.EndsWith("Container", StringComparison.Ordinal)))
            {
                Assert.True(containers.Contains(value.AsString()), $"{name}={value.Show()} is not a container the lake module creates ({string.Join(", ", containers)}).");
            }
            else if (name.StartsWith("Lake__", StringComparison.Ordinal) && name.EndsWith("Table", StringComparison.Ordinal))
            {
                Assert.True(tables.Contains(value.AsString()), $"{name}={value.Show()} is not a table the lake module creates ({string.Join(", ", tables)}).");
            }
        }
    }

    [Theory]
    [InlineData("FUNCTIONS_WORKER_RUNTIME")]
    [InlineData("FUNCTIONS_EXTENSION_VERSION")]
    [InlineData("WEBSITE_RUN_FROM_PACKAGE")]
    [InlineData("WEBSITE_CONTENTAZUREFILECONNECTIONSTRING")]
    [InlineData("WEBSITE_CONTENTSHARE")]
    [InlineData("AzureWebJobsStorage__connectionString")]
    public void AppSettings_SettingFlexConsumptionRejects_IsAbsent(string name)
    {
        // Flex Consumption takes runtime and package location from functionAppConfig and refuses these settings.
        Assert.False(templates.AppSettings.ContainsKey(name), $"{name} must not be set on a Flex Consumption app.");
    }

    [Fact]
    public void FunctionApp_RunsDotnetIsolated10OnFlexConsumption()
    {
        var site = Site();
        var plan = templates.Main.OfType("Microsoft.Web/serverfarms").Single();

        Assert.Equal("FC1", plan.Get("sku.name").AsString());
        Assert.Equal("FlexConsumption", plan.Get("sku.tier").AsString());
        Assert.True(plan.Get("properties.reserved").AsBool(), "A Flex Consumption plan is Linux (reserved: true).");
        Assert.Equal("functionapp,linux", site.Get("kind").AsString());
        Assert.Equal("dotnet-isolated", site.Get("properties.functionAppConfig.runtime.name").AsString());
        Assert.Equal("10.0", site.Get("properties.functionAppConfig.runtime.version").AsString());
    }

    [Fact]
    public void FunctionApp_ScaleSettings_ComeFromMainParametersWithTheirDefaults()
    {
        var site = Site();

        Assert.Equal(2048, site.Get("properties.functionAppConfig.scaleAndConcurrency.instanceMemoryMB").AsInt());
        Assert.Equal(40, site.Get("properties.functionAppConfig.scaleAndConcurrency.maximumInstanceCount").AsInt());
        Assert.Equal("[parameters('instanceMemoryMB')]", templates.Main.Module("functions").Node["properties"]?["parameters"]?["instanceMemoryMB"]?["value"].AsString());
        Assert.Equal("[parameters('maximumInstanceCount')]", templates.Main.Module("functions").Node["properties"]?["parameters"]?["maximumInstanceCount"]?["value"].AsString());
    }

    [Fact]
    public void FunctionApp_DeploymentPackage_IsReadWithTheUserAssignedIdentity()
    {
        var site = Site();

        Assert.Equal("blobContainer", site.Get("properties.functionAppConfig.deployment.storage.type").AsString());
        Assert.Equal("UserAssignedIdentity", site.Get("properties.functionAppConfig.deployment.storage.authentication.type").AsString());
        Assert.Equal("[parameters('identityId')]", site.Node["properties"]?["functionAppConfig"]?["deployment"]?["storage"]?["authentication"]?["userAssignedIdentityResourceId"].AsString());
        Assert.Equal("UserAssigned", site.Get("identity.type").AsString());
    }

    [Fact]
    public void FunctionApp_IsHttpsOnlyWithBasicPublishingCredentialsDisabled()
    {
        Assert.True(Site().Get("properties.httpsOnly").AsBool(), "httpsOnly is off.");
        var policies = templates.Main.OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies").ToList();

        Assert.Equal(2, policies.Count);
        Assert.All(policies, p => Assert.True(p.Get("properties.allow").AsBool() == false, $"{p.Name} allows basic auth."));
    }

    [Fact]
    public void FunctionApp_AzdServiceTag_MatchesTheServiceInAzureYaml()
    {
        var serviceName = templates.Main.Module("functions").Argument("serviceName").AsString();
        var services = AzureYaml.Load().Services.Select(s => s.Name);

        Assert.Contains(serviceName, services);
    }

    [GeneratedRegex("AccountKey=|SharedAccessSignature|[?&;]sig=|listKeys|DefaultEndpointsProtocol|InstrumentationKey=[0-9a-f]", RegexOptions.IgnoreCase)]
    private static partial Regex SecretMarker();

    // 32+ characters of base64 or hex with no spaces: what a pasted key or password looks like.
    [GeneratedRegex("^(?:[A-Za-z0-9+/]{32,}={0,2}|[0-9a-fA-F]{32,})$")]
    private static partial Regex LiteralKey();
}
