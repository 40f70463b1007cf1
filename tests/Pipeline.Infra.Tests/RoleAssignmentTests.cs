using System.Text.RegularExpressions;
using Pipeline.Infra.Tests.Support;

namespace Pipeline.Infra.Tests;

/// <summary>Least privilege: which roles the templates grant, to whom, and on what.</summary>
[Collection(CompiledTemplatesCollection.Name)]
public sealed partial class RoleAssignmentTests(CompiledTemplates templates)
{
    private List<ArmResource> Assignments() =>
        templates.Main.OfType("Microsoft.Authorization/roleAssignments").ToList();

    private static string RoleOf(ArmResource assignment)
    {
        var expression = assignment.Get("properties.roleDefinitionId").AsString() ?? string.Empty;
        var guids = Guid().Matches(expression).Select(m => m.Value).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        Assert.True(guids.Count == 1,
            $"Role assignment {assignment.Name} must name its role by a literal GUID so it can be reviewed; roleDefinitionId is '{expression}'.");
        return guids[0];
    }

    private IEnumerable<string> RolesGrantedTo(string principalParameter) =>
        Assignments()
            .Where(a => a.Node["properties"]?["principalId"].AsString() == $"[parameters('{principalParameter}')]")
            .Select(RoleOf);

    [Fact]
    public void RoleAssignments_UseOnlyDataPlaneRoles()
    {
        var assignments = Assignments();
        Assert.NotEmpty(assignments);

        var disallowed = assignments
            .Select(a => (assignment: a.Name, role: RoleOf(a)))
            .Where(a => !KnownRoles.AllowedDataPlane.ContainsKey(a.role))
            .Select(a => $"{a.assignment}: {a.role} ({KnownRoles.ForbiddenControlPlane.GetValueOrDefault(a.role, "not on the data-plane allow-list")})")
            .ToList();

        Assert.True(disallowed.Count == 0, "Roles outside the data-plane allow-list:" + Environment.NewLine + string.Join(Environment.NewLine, disallowed));
    }

    [Fact]
    public void Template_NeverMentionsOwnerContributorOrAdministratorRoles()
    {
        var text = templates.Main.Root.ToJsonString();

        var found = KnownRoles.ForbiddenControlPlane
            .Where(role => text.Contains(role.Key, StringComparison.OrdinalIgnoreCase))
            .Select(role => role.Value)
            .ToList();
        Assert.True(found.Count == 0, $"Control-plane roles in the template: {string.Join(", ", found)}");
    }

    [Fact]
    public void RoleAssignments_ForManagedIdentities_DeclareServicePrincipalType()
    {
        // Without principalType ARM looks the principal up in Entra, which can fail for an identity created seconds ago.
        var managed = Assignments().Where(a => a.Node["properties"]?["principalId"].AsString()
            is "[parameters('appPrincipalId')]" or "[parameters('eventGridPrincipalId')]").ToList();

        Assert.NotEmpty(managed);
        Assert.All(managed, a => Assert.Equal("ServicePrincipal", a.Get("properties.principalType").AsString()));
        Assert.All(Assignments(), a => Assert.False(a.Node["properties"]?["principalType"] is null, $"{a.Name} has no principalType."));
    }

    [Fact]
    public void AppIdentity_GetsExactlyTheDataRolesTheAppNeeds()
    {
        var expected = new[]
        {
            KnownRoles.StorageBlobDataOwner, KnownRoles.StorageBlobDataOwner, // lake, host
            KnownRoles.StorageQueueDataContributor, KnownRoles.StorageQueueDataContributor,
            KnownRoles.StorageTableDataContributor, KnownRoles.StorageTableDataContributor,
            KnownRoles.KeyVaultSecretsUser,
            KnownRoles.MonitoringMetricsPublisher,
        };

        Assert.Equal(expected.Order(StringComparer.Ordinal), RolesGrantedTo("appPrincipalId").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EventGridIdentity_CanOnlyWriteTheDeadLetterContainer()
    {
        var assignments = Assignments()
            .Where(a => a.Node["properties"]?["principalId"].AsString() == "[parameters('eventGridPrincipalId')]")
            .ToList();

        var assignment = Assert.Single(assignments);
        Assert.Equal(KnownRoles.StorageBlobDataContributor, RoleOf(assignment));
        Assert.Contains("containers", assignment.Node["scope"].AsString() ?? string.Empty, StringComparison.Ordinal);
        Assert.Contains("deadLetterContainerName", assignment.Node["scope"].AsString() ?? string.Empty, StringComparison.Ordinal);
    }

    [Fact]
    public void Analysts_GetBlobDataReaderOnAnalysisContainersOnly()
    {
        Assert.All(RolesGrantedTo("analystsPrincipalId"), role => Assert.Equal(KnownRoles.StorageBlobDataReader, role));
        var containers = templates.Main.Module("rbac").Argument("analystContainerNames").AsStrings();

        Assert.Equal(new[] { "curated", "findings", "reports" }, containers.Order(StringComparer.Ordinal));
        Assert.DoesNotContain("raw", containers);
        Assert.DoesNotContain("incoming", containers);
        Assert.DoesNotContain("quarantine", containers);
    }

    [Fact]
    public void Uploaders_CanWriteTheIncomingContainerOnly()
    {
        var uploaders = Assignments()
            .Where(a => a.Node["properties"]?["principalId"].AsString() == "[parameters('uploadersPrincipalId')]")
            .ToList();

        var assignment = Assert.Single(uploaders);
        Assert.Equal(KnownRoles.StorageBlobDataContributor, RoleOf(assignment));
        Assert.Contains("incomingContainerName", assignment.Node["scope"].AsString() ?? string.Empty, StringComparison.Ordinal);
        Assert.Equal("incoming", templates.Main.Module("rbac").Argument("incomingContainerName").AsString());
    }

    [Fact]
    public void OptionalPrincipals_AreGrantedNothingWhenEmpty()
    {
        // templates.Main has every parameter at its default, and these principals default to empty.
        foreach (var parameter in new[] { "deployerPrincipalId", "uploadersPrincipalId", "analystsPrincipalId" })
        {
            var assignments = Assignments().Where(a => a.Node["properties"]?["principalId"].AsString() == $"[parameters('{parameter}')]").ToList();

            Assert.NotEmpty(assignments);
            Assert.All(assignments, a =>
            {
                Assert.Contains($"not(empty(parameters('{parameter}')))", a.Node["condition"].AsString() ?? string.Empty, StringComparison.Ordinal);
                Assert.False(a.IsDeployed, $"{a.Name} is granted to an empty {parameter}.");
            });
        }
    }

    [Fact]
    public void Deployer_InProduction_GetsOnlyTheVaultRoleAndNothingOnTheLake()
    {
        var granted = DeployedAssignmentsOf(templates.Production, "deployerPrincipalId");

        var assignment = Assert.Single(granted);
        Assert.Equal(KnownRoles.KeyVaultSecretsOfficer, RoleOf(assignment));
    }

    [Fact]
    public void Deployer_WithSampleAccess_CanWriteIncomingAndReadReportsOnly()
    {
        var granted = DeployedAssignmentsOf(templates.Dev, "deployerPrincipalId")
            .Where(a => RoleOf(a) != KnownRoles.KeyVaultSecretsOfficer)
            .ToDictionary(RoleOf, a => a.Node["scope"].AsString() ?? string.Empty);

        Assert.Equal(2, granted.Count);
        Assert.Contains("incomingContainerName", granted[KnownRoles.StorageBlobDataContributor], StringComparison.Ordinal);
        Assert.Contains("reportsContainerName", granted[KnownRoles.StorageBlobDataReader], StringComparison.Ordinal);
        Assert.Equal("reports", templates.Dev.Module("rbac").Argument("reportsContainerName").AsString());
    }

    [Fact]
    public void Deployer_IsNeverGrantedARoleOnAWholeStorageAccount()
    {
        // A container scope names the container; the account scope (the old "write on the whole lake") does not.
        var deployer = Assignments().Where(a => a.Node["properties"]?["principalId"].AsString() == "[parameters('deployerPrincipalId')]");

        Assert.All(deployer.Where(a => RoleOf(a) != KnownRoles.KeyVaultSecretsOfficer), a =>
            Assert.Contains("blobServices/containers", a.Node["scope"].AsString() ?? string.Empty, StringComparison.Ordinal));
    }

    private static List<ArmResource> DeployedAssignmentsOf(ArmTemplate template, string principalParameter) =>
        template.DeployedOfType("Microsoft.Authorization/roleAssignments")
            .Where(a => a.Node["properties"]?["principalId"].AsString() == $"[parameters('{principalParameter}')]")
            .ToList();

    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex Guid();
}
