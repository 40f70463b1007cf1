using System.Text.Json.Nodes;
using Pipeline.Infra.Tests.Support;

namespace Pipeline.Infra.Tests;

/// <summary>
/// Network isolation (parameter networkIsolation): on with the production parameters (main.production.bicepparam),
/// off with the quickstart parameters azd uses (main.parameters.json).
/// </summary>
[Collection(CompiledTemplatesCollection.Name)]
public sealed class NetworkIsolationTests(CompiledTemplates templates)
{
    private const string PrivateEndpointType = "Microsoft.Network/privateEndpoints";

    [Fact]
    public void NetworkIsolation_IsOnInProductionAndOffInDevAndByDefault()
    {
        Assert.True(templates.Production.RootScope.EvaluateParameter("networkIsolation").AsBool());
        Assert.False(templates.Dev.RootScope.EvaluateParameter("networkIsolation").AsBool());
        Assert.False(templates.Main.RootScope.EvaluateParameter("networkIsolation").AsBool());
    }

    [Fact]
    public void Production_DeploysTheVnetPrivateEndpointsAndDnsZones()
    {
        Assert.Single(templates.Production.DeployedOfType("Microsoft.Network/virtualNetworks"));
        Assert.NotEmpty(templates.Production.DeployedOfType(PrivateEndpointType));
        Assert.NotEmpty(templates.Production.DeployedOfType("Microsoft.Network/privateDnsZones"));
        Assert.NotEmpty(templates.Production.DeployedOfType("Microsoft.Network/privateEndpoints/privateDnsZoneGroups"));
        Assert.NotEmpty(templates.Production.DeployedOfType("Microsoft.Network/privateDnsZones/virtualNetworkLinks"));
    }

    [Fact]
    public void Dev_DeploysNoNetworkResources()
    {
        Assert.Empty(templates.Dev.DeployedOfType("Microsoft.Network/virtualNetworks"));
        Assert.Empty(templates.Dev.DeployedOfType(PrivateEndpointType));
        Assert.Empty(templates.Dev.DeployedOfType("Microsoft.Network/privateDnsZones"));
    }

    [Fact]
    public void PrivateEndpoints_CoverEveryStorageServiceTheAppUsesAndTheVault()
    {
        var lake = EndpointLoop("lakeEndpoints");
        var host = EndpointLoop("hostEndpoints");
        var vault = templates.Production.InModule("network-isolation").Single(r => r.Name == "pe-vault");

        Assert.Equal(new[] { "blob", "dfs", "queue", "table" }, LoopGroups(lake, "lakeEndpointGroups"));
        Assert.Equal(new[] { "blob", "queue", "table" }, LoopGroups(host, "hostEndpointGroups"));
        Assert.Equal("vault", vault.Argument("groupId").AsString());
        Assert.Contains("lakeStorageAccountId", lake.Node["properties"]?["parameters"]?["targetResourceId"]?["value"].AsString() ?? string.Empty, StringComparison.Ordinal);
        Assert.Contains("hostStorageAccountId", host.Node["properties"]?["parameters"]?["targetResourceId"]?["value"].AsString() ?? string.Empty, StringComparison.Ordinal);
        Assert.Contains("keyVaultId", vault.Node["properties"]?["parameters"]?["targetResourceId"]?["value"].AsString() ?? string.Empty, StringComparison.Ordinal);
        Assert.True(ReferencesModule(templates.Production.Module("network-isolation").Argument("lakeStorageAccountId"), "lake-storage", "lakeStorage"));
    }

    [Fact]
    public void PrivateEndpoints_EachRegisterInTheirZoneThroughAZoneGroup()
    {
        var endpoints = templates.Production.DeployedOfType(PrivateEndpointType).ToList();
        var zoneGroups = templates.Production.DeployedOfType("Microsoft.Network/privateEndpoints/privateDnsZoneGroups").ToList();

        Assert.NotEmpty(endpoints);
        Assert.All(endpoints, endpoint =>
        {
            var zoneGroup = Assert.Single(zoneGroups, g => ReferenceEquals(g.Scope, endpoint.Scope));
            var config = Assert.Single(zoneGroup.Node["properties"]?["privateDnsZoneConfigs"] as JsonArray ?? []);
            Assert.Equal("[parameters('privateDnsZoneId')]", config?["properties"]?["privateDnsZoneId"].AsString());
        });
        Assert.Equal("Disabled", PrivateEndpointSubnet()?["properties"]?["privateEndpointNetworkPolicies"].AsString());
    }

    [Fact]
    public void PrivateDnsZones_ArePrivatelinkZonesLinkedToTheVnetWithoutAutoRegistration()
    {
        var zoneNames = templates.Production.InModule("network-isolation").First().Scope.Variables["zoneNames"] as JsonObject ?? [];
        var link = templates.Production.DeployedOfType("Microsoft.Network/privateDnsZones/virtualNetworkLinks").Single();

        Assert.Equal(new[] { "blob", "dfs", "queue", "table", "vault" }, zoneNames.Select(z => z.Key).Order(StringComparer.Ordinal));
        Assert.All(zoneNames, z => Assert.Contains("privatelink.", z.Value.AsString() ?? string.Empty, StringComparison.Ordinal));
        Assert.Contains("privatelink.vaultcore.", zoneNames["vault"].AsString() ?? string.Empty, StringComparison.Ordinal);
        Assert.False(link.Value("properties.registrationEnabled").AsBool());
        Assert.Equal("[parameters('virtualNetworkId')]", link.Node["properties"]?["virtualNetwork"]?["id"].AsString());
    }

    [Fact]
    public void AppSubnet_IsDelegatedToMicrosoftAppEnvironmentsForFlexConsumption()
    {
        var subnets = Subnets();
        var app = subnets.Single(s => SubnetName(s) == "snet-app");

        var delegation = Assert.Single(app?["properties"]?["delegations"] as JsonArray ?? []);
        Assert.Equal("Microsoft.App/environments", delegation?["properties"]?["serviceName"].AsString());
        Assert.Contains("variables('appSubnetName')", VnetModuleOutput("appSubnetId"), StringComparison.Ordinal);
    }

    [Fact]
    public void Production_FunctionApp_SendsItsTrafficThroughTheAppSubnet()
    {
        var site = templates.Production.InModule("functions").Single(r => r.Type == "Microsoft.Web/sites");
        var passed = templates.Production.Module("functions").Node["properties"]?["parameters"]?["virtualNetworkSubnetId"].AsString() ?? string.Empty;

        Assert.True(ArmCondition.IsUnevaluated(site.Value("properties.virtualNetworkSubnetId")),
            $"With isolation the app must get the subnet from the network module; got {site.Value("properties.virtualNetworkSubnetId").Show()}.");
        Assert.Contains("outputs.appSubnetId", passed, StringComparison.Ordinal);
        Assert.True(passed.Contains("'network-isolation'", StringComparison.Ordinal) || passed.Contains("reference('network')", StringComparison.Ordinal), passed);
        Assert.Null(templates.Dev.InModule("functions").Single(r => r.Type == "Microsoft.Web/sites").Value("properties.virtualNetworkSubnetId"));
    }

    [Theory]
    [InlineData("lake-storage", "Disabled")]
    // Event Grid dead-letters into the host account as a trusted service, which a disabled endpoint would refuse.
    [InlineData("host-storage", "Enabled")]
    public void Production_StorageAccount_DeniesPublicNetworks(string module, string publicNetworkAccess)
    {
        var account = templates.Production.InModule(module).Single(r => r.Type == "Microsoft.Storage/storageAccounts");

        Assert.Equal(publicNetworkAccess, account.Value("properties.publicNetworkAccess").AsString());
        Assert.Equal("Deny", account.Value("properties.networkAcls.defaultAction").AsString());
        Assert.Equal("AzureServices", account.Value("properties.networkAcls.bypass").AsString());
    }

    [Fact]
    public void Production_KeyVault_AcceptsPrivateEndpointsOnly()
    {
        var vault = templates.Production.OfType("Microsoft.KeyVault/vaults").Single();

        Assert.Equal("Disabled", vault.Value("properties.publicNetworkAccess").AsString());
        Assert.Equal("Deny", vault.Value("properties.networkAcls.defaultAction").AsString());
    }

    [Fact]
    public void Dev_StorageAndKeyVault_StayOpenToPublicNetworks()
    {
        var resources = templates.Dev.OfType("Microsoft.Storage/storageAccounts").Concat(templates.Dev.OfType("Microsoft.KeyVault/vaults"));

        Assert.All(resources, r =>
        {
            Assert.Equal("Enabled", r.Value("properties.publicNetworkAccess").AsString());
            Assert.Equal("Allow", r.Value("properties.networkAcls.defaultAction").AsString());
        });
    }

    [Fact]
    public void Isolation_WithOperatorRanges_OpensTheLakeAndVaultFirewallToThoseRangesOnly()
    {
        var withRanges = WithRootValues(templates.Production, ("operatorIpRanges", JsonValue.Create("203.0.113.0/24, 198.51.100.7")));
        var lake = withRanges.InModule("lake-storage").Single(r => r.Type == "Microsoft.Storage/storageAccounts");
        var vault = withRanges.OfType("Microsoft.KeyVault/vaults").Single();

        Assert.Equal("Enabled", lake.Value("properties.publicNetworkAccess").AsString());
        Assert.Equal("Deny", lake.Value("properties.networkAcls.defaultAction").AsString());
        Assert.Equal("Deny", vault.Value("properties.networkAcls.defaultAction").AsString());
        Assert.Equal("TrustedServicesOnly", ArmCondition.Value(withRanges.Module("lake-storage").Argument("networkAccess"), withRanges.RootScope).AsString());
        Assert.Equal("FirewallOnly", ArmCondition.Value(withRanges.Module("key-vault").Argument("networkAccess"), withRanges.RootScope).AsString());
    }

    [Fact]
    public void VirtualNetworkName_IsAnOutputForOperators()
    {
        Assert.Contains("AZURE_VIRTUAL_NETWORK_NAME", templates.Main.RootScope.Outputs.Select(o => o.Key));
    }

    /// <summary>A module output reference names the deployment (template languageVersion 1.0) or the module's symbol (2.0).</summary>
    internal static bool ReferencesModule(JsonNode? value, string deploymentName, string symbolicName) =>
        value.AsString() is { } text
        && (text.Contains($"'{deploymentName}'", StringComparison.Ordinal) || text.Contains($"reference('{symbolicName}')", StringComparison.Ordinal));

    private ArmResource EndpointLoop(string loopName) =>
        templates.Production.InModule("network-isolation").Single(r => r.Node["copy"]?["name"].AsString() == loopName);

    private static IEnumerable<string> LoopGroups(ArmResource loop, string variable)
    {
        Assert.Contains($"variables('{variable}')[copyIndex()]", loop.Node["properties"]?["parameters"]?["groupId"]?["value"].AsString() ?? string.Empty, StringComparison.Ordinal);
        return loop.Scope.Variables[variable].AsStrings().Order(StringComparer.Ordinal);
    }

    private List<JsonNode?> Subnets() =>
        [.. templates.Production.DeployedOfType("Microsoft.Network/virtualNetworks").Single().Value("properties.subnets") as JsonArray ?? []];

    private JsonNode? PrivateEndpointSubnet() => Subnets().Single(s => SubnetName(s) == "snet-private-endpoints");

    // Subnet names are variables in the module, so they are evaluated in its scope.
    private string? SubnetName(JsonNode? subnet) =>
        ArmCondition.Value(subnet?["name"], templates.Production.DeployedOfType("Microsoft.Network/virtualNetworks").Single().Scope).AsString();

    private string VnetModuleOutput(string name) =>
        templates.Production.DeployedOfType("Microsoft.Network/virtualNetworks").Single().Scope.Outputs[name]?["value"].AsString() ?? string.Empty;

    private static ArmTemplate WithRootValues(ArmTemplate template, params (string Name, JsonNode Value)[] values)
    {
        var parameters = new JsonObject();
        foreach (var (name, _) in template.RootScope.Parameters)
        {
            parameters[name] = new JsonObject { ["value"] = template.RootScope.EvaluateParameter(name)?.DeepClone() };
        }

        foreach (var (name, value) in values)
        {
            parameters[name] = new JsonObject { ["value"] = value };
        }

        return new ArmTemplate((JsonObject)template.Root.DeepClone(), parameters);
    }
}
