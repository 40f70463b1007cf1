namespace Pipeline.Infra.Tests.Support;

/// <summary>Built-in Azure role definition IDs (same in every tenant), from the Azure built-in roles reference.</summary>
public static class KnownRoles
{
    public const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    public const string StorageBlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    public const string StorageBlobDataReader = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1";
    public const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    public const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    public const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";
    public const string KeyVaultSecretsOfficer = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7";
    public const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";

    /// <summary>The only roles the templates may assign: data-plane roles that cannot change, delete or re-key a resource.</summary>
    public static readonly IReadOnlyDictionary<string, string> AllowedDataPlane = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [StorageBlobDataOwner] = "Storage Blob Data Owner",
        [StorageBlobDataContributor] = "Storage Blob Data Contributor",
        [StorageBlobDataReader] = "Storage Blob Data Reader",
        [StorageQueueDataContributor] = "Storage Queue Data Contributor",
        [StorageTableDataContributor] = "Storage Table Data Contributor",
        [KeyVaultSecretsUser] = "Key Vault Secrets User",
        [KeyVaultSecretsOfficer] = "Key Vault Secrets Officer",
        [MonitoringMetricsPublisher] = "Monitoring Metrics Publisher",
    };

    /// <summary>Control-plane roles that must never appear, named so a failure says what slipped in.</summary>
    public static readonly IReadOnlyDictionary<string, string> ForbiddenControlPlane = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["8e3af657-a8ff-443c-a75c-2fe8c4bcb635"] = "Owner",
        ["b24988ac-6180-42a0-ab88-20f7382dd24c"] = "Contributor",
        ["18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"] = "User Access Administrator",
        ["f58310d9-a9f6-439a-9e8d-f62e7b41a168"] = "Role Based Access Control Administrator",
        ["17d1049b-9a84-46fb-8f53-869881c3d3ab"] = "Storage Account Contributor",
        ["81a9662b-bebf-436f-a333-f67b29880f12"] = "Storage Account Key Operator Service Role",
        ["00482a5a-887f-4fb3-b363-3b7fe8e74483"] = "Key Vault Administrator",
        ["f25e0fa2-a7c8-4377-a976-54943a77a395"] = "Key Vault Contributor",
        ["de139f84-1756-47ae-9be6-808fbbe84772"] = "Website Contributor",
    };
}
