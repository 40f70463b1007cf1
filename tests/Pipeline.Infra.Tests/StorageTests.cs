using Pipeline.Infra.Tests.Support;

namespace Pipeline.Infra.Tests;

/// <summary>Security baseline and layout of the two storage accounts, read from the compiled main template.</summary>
[Collection(CompiledTemplatesCollection.Name)]
public sealed class StorageTests(CompiledTemplates templates)
{
    private const string StorageAccountType = "Microsoft.Storage/storageAccounts";

    private List<ArmResource> Accounts()
    {
        var accounts = templates.Main.OfType(StorageAccountType).ToList();
        Assert.True(accounts.Count == 2, $"Expected the lake and host storage accounts, found {accounts.Count}.");
        return accounts;
    }

    private ArmResource LakeAccount() => templates.Main.InModule("lake-storage").Single(r => r.Type == StorageAccountType);

    [Fact]
    public void Storage_SharedKeyAccess_IsDisabled()
    {
        Assert.All(Accounts(), account =>
            Assert.True(account.Get("properties.allowSharedKeyAccess").AsBool() == false,
                $"{account.Name}: allowSharedKeyAccess is {account.Get("properties.allowSharedKeyAccess").Show()}, expected false (no account keys, no SAS)."));
    }

    [Fact]
    public void Storage_PublicBlobAccess_IsDisabled()
    {
        Assert.All(Accounts(), account =>
            Assert.True(account.Get("properties.allowBlobPublicAccess").AsBool() == false,
                $"{account.Name}: allowBlobPublicAccess is {account.Get("properties.allowBlobPublicAccess").Show()}, expected false."));
        Assert.All(templates.Main.OfType("Microsoft.Storage/storageAccounts/blobServices/containers"), container =>
            Assert.Equal("None", container.Get("properties.publicAccess").AsString()));
    }

    [Fact]
    public void Storage_MinimumTlsVersion_Is12AndHttpsOnly()
    {
        Assert.All(Accounts(), account =>
        {
            Assert.Equal("TLS1_2", account.Get("properties.minimumTlsVersion").AsString());
            Assert.True(account.Get("properties.supportsHttpsTrafficOnly").AsBool(), $"{account.Name}: HTTPS-only is off.");
            Assert.True(account.Get("properties.defaultToOAuthAuthentication").AsBool(), $"{account.Name}: portal does not default to Entra ID.");
        });
    }

    [Fact]
    public void LakeStorage_HierarchicalNamespace_IsEnabled()
    {
        var lake = LakeAccount();

        Assert.True(lake.Get("properties.isHnsEnabled").AsBool(),
            $"The lake must be ADLS Gen2 (isHnsEnabled true) for Power BI; got {lake.Get("properties.isHnsEnabled").Show()}.");
    }

    [Fact]
    public void HostStorage_HierarchicalNamespace_IsDisabled()
    {
        var host = templates.Main.InModule("host-storage").Single(r => r.Type == StorageAccountType);

        Assert.True(host.Get("properties.isHnsEnabled").AsBool() == false, "The host account holds runtime blobs only; it needs no hierarchical namespace.");
    }

    [Fact]
    public void LakeStorage_Versioning_IsOffBecauseHierarchicalNamespaceDoesNotSupportIt()
    {
        // Documented in docs/deploy.md ("Data protection"); the module also fails the deployment on the combination.
        Assert.True(templates.Main.Module("lake-storage").Argument("isVersioningEnabled").AsBool() == false,
            "Blob versioning cannot be enabled on an account with a hierarchical namespace.");
    }

    [Fact]
    public void Storage_SoftDelete_IsOnForBlobsAndContainers()
    {
        var blobServices = templates.Main.OfType("Microsoft.Storage/storageAccounts/blobServices").ToList();

        Assert.Equal(2, blobServices.Count);
        Assert.All(blobServices, service =>
        {
            Assert.True(service.Get("properties.deleteRetentionPolicy.enabled").AsBool(), "Blob soft delete is off.");
            Assert.True(service.Get("properties.containerDeleteRetentionPolicy.enabled").AsBool(), "Container soft delete is off.");
            Assert.True(service.Get("properties.deleteRetentionPolicy.days").AsInt() >= 7,
                $"Blob soft delete keeps {service.Get("properties.deleteRetentionPolicy.days").Show()} days; expected at least 7.");
        });
    }

    [Fact]
    public void LakeStorage_CreatesZoneContainersAndLedgerTables()
    {
        var module = templates.Main.Module("lake-storage");

        Assert.Equal(
            new[] { "curated", "findings", "incoming", "quarantine", "raw", "reports" },
            module.Argument("containerNames").AsStrings().Order(StringComparer.Ordinal));
        Assert.Equal(
            new[] { "findingsruns", "uploads" },
            module.Argument("tableNames").AsStrings().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void HostStorage_HoldsDeploymentPackageAndDeadLetterContainers()
    {
        var containers = templates.Main.Module("host-storage").Argument("containerNames").AsStrings();
        var deploymentContainer = templates.Main.Module("functions").Argument("deploymentContainerName").AsString();
        var deadLetterContainer = templates.Main.Module("rbac").Argument("deadLetterContainerName").AsString();

        Assert.Contains(deploymentContainer, containers);
        Assert.Contains(deadLetterContainer, containers);
        Assert.DoesNotContain(deploymentContainer, templates.Main.Module("lake-storage").Argument("containerNames").AsStrings());
    }

    [Fact]
    public void Template_NeverListsStorageKeys()
    {
        var text = templates.Main.Root.ToJsonString();

        Assert.DoesNotContain("listKeys", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("listAccountSas", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("listServiceSas", text, StringComparison.OrdinalIgnoreCase);
    }
}
