using System.Text.RegularExpressions;
using Pipeline.Infra.Tests.Support;

namespace Pipeline.Infra.Tests;

/// <summary>The azd hooks in infra/hooks: what they read from azd, what they deploy, what they must never do.</summary>
[Collection(CompiledTemplatesCollection.Name)]
public sealed partial class HookScriptTests(CompiledTemplates templates)
{
    // Values azd itself puts in the environment, besides the outputs of main.bicep.
    private static readonly string[] AzdBuiltIns = ["AZURE_ENV_NAME", "AZURE_LOCATION", "AZURE_SUBSCRIPTION_ID", "AZURE_PRINCIPAL_ID", "AZURE_TENANT_ID"];

    public static TheoryData<string> Scripts() => new()
    {
        "infra/hooks/postprovision.sh",
        "infra/hooks/postprovision.ps1",
        "infra/hooks/postdeploy.sh",
        "infra/hooks/postdeploy.ps1",
    };

    public static TheoryData<string> PostdeployScripts() => new() { "infra/hooks/postdeploy.sh", "infra/hooks/postdeploy.ps1" };

    public static TheoryData<string> PostprovisionScripts() => new() { "infra/hooks/postprovision.sh", "infra/hooks/postprovision.ps1" };

    private static string Read(string script) => File.ReadAllText(RepoLayout.PathOf(script));

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Hook_EveryAzureVariable_IsAnOutputOfMainOrSetByAzd(string script)
    {
        var outputs = templates.Main.Outputs().ToHashSet(StringComparer.Ordinal);
        var unknown = AzureVariable().Matches(Read(script))
            .Select(m => m.Value)
            .Distinct(StringComparer.Ordinal)
            .Where(name => !outputs.Contains(name) && !AzdBuiltIns.Contains(name))
            .ToList();

        Assert.True(unknown.Count == 0, $"{script} reads {string.Join(", ", unknown)}, which neither main.bicep outputs nor azd sets.");
    }

    [Theory]
    [MemberData(nameof(PostdeployScripts))]
    public void Postdeploy_DeploysTheSubscriptionTemplateWithEveryRequiredParameter(string script)
    {
        var text = Read(script);

        Assert.Contains("app/blob-subscription.bicep", text, StringComparison.Ordinal);
        Assert.Contains("az deployment group create", text, StringComparison.Ordinal);
        var required = templates.BlobSubscription.RootScope.Parameters
            .Where(p => p.Value?["defaultValue"] is null)
            .Select(p => p.Key)
            .ToList();
        Assert.NotEmpty(required);
        Assert.All(required, parameter => Assert.Contains($"{parameter}=", text, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(PostdeployScripts))]
    public void Postdeploy_WaitsForTheBlobsExtensionKeyWithoutPrintingIt(string script)
    {
        var text = Read(script);

        Assert.Contains("az functionapp keys list", text, StringComparison.Ordinal);
        Assert.Contains("systemKeys.blobs_extension != `null`", text, StringComparison.Ordinal);
        Assert.DoesNotContain("--query systemKeys.blobs_extension ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("--query \"systemKeys.blobs_extension\"", text, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(PostprovisionScripts))]
    public void Postprovision_CreatesThePseudonymKeyOnlyWhenMissingAndNeverOnTheCommandLine(string script)
    {
        var text = Read(script);

        Assert.Contains("pseudonym-key", text, StringComparison.Ordinal);
        Assert.Contains("az keyvault secret list", text, StringComparison.Ordinal);
        Assert.Contains("az keyvault secret set", text, StringComparison.Ordinal);
        Assert.Contains("--file", text, StringComparison.Ordinal);
        Assert.DoesNotContain("--value", text, StringComparison.Ordinal);
        Assert.DoesNotContain("azd env set", text, StringComparison.Ordinal);
    }

    [Fact]
    public void MainTemplate_DeclaresNoPseudonymKeySecretOrSecureParameter()
    {
        // The key is created by the postprovision hook, so neither the template nor the deployment history holds it.
        Assert.Empty(templates.Main.OfType("Microsoft.KeyVault/vaults/secrets"));
        var secureParameters = templates.Main.RootScope.Parameters
            .Where(p => p.Value?["type"].AsString() is "securestring" or "secureObject")
            .Select(p => p.Key);
        Assert.Empty(secureParameters);
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Hook_RunsAgainstTheAzdSubscription(string script)
    {
        // az's default subscription may differ from the one azd deployed to.
        var azCalls = AzCall().Matches(Read(script)).Select(m => m.Value).ToList();

        Assert.NotEmpty(azCalls);
        Assert.All(azCalls, call => Assert.Contains("--subscription", call, StringComparison.Ordinal));
    }

    [GeneratedRegex(@"\bAZURE_[A-Z0-9_]+\b")]
    private static partial Regex AzureVariable();

    // An az command up to the end of its (possibly continued) line.
    [GeneratedRegex(@"\baz (?:keyvault|functionapp|deployment)[^\n]*(?:(?:\\|`)\r?\n[^\n]*)*")]
    private static partial Regex AzCall();
}
