using System.Text.RegularExpressions;
using Pipeline.Infra.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Infra.Tests;

/// <summary>
/// azure.yaml against the rules of azd's schema (schemas/v1.0/azure.yaml.json in Azure/azure-dev):
/// required fields, name pattern, host/language values, hook shapes. The schema is not fetched: the
/// tests run offline, so the rules that matter here are restated below.
/// </summary>
public sealed partial class AzureYamlTests
{
    // Values the schema lists for services.*.host; "function" with the three other "traditional" hosts requires project.
    private static readonly string[] Hosts =
    [
        "appservice", "containerapp", "function", "springapp", "staticwebapp", "aks", "ai.endpoint",
        "azure.ai.agent", "microsoft.foundry", "azure.ai.project", "azure.ai.connection", "azure.ai.toolbox",
        "azure.ai.skill", "azure.ai.routine",
    ];

    private static readonly string[] TraditionalHosts = ["appservice", "function", "springapp", "staticwebapp"];

    // Values the schema lists for services.*.language.
    private static readonly string[] Languages = ["dotnet", "csharp", "fsharp", "py", "python", "js", "ts", "java", "go", "golang", "docker"];

    // Command-level hook names the schema allows.
    private static readonly string[] HookNames =
    [
        "preprovision", "postprovision", "preinfracreate", "postinfracreate", "preinfradelete", "postinfradelete",
        "predown", "postdown", "preup", "postup", "prepackage", "postpackage", "prepublish", "postpublish",
        "predeploy", "postdeploy", "prerestore", "postrestore",
    ];

    private static readonly string[] HookProperties = ["shell", "kind", "dir", "run", "continueOnError", "interactive", "windows", "posix", "secrets", "config"];

    private static readonly string[] Shells = ["sh", "pwsh"];

    private readonly AzureYaml _yaml = AzureYaml.Load();

    [Fact]
    public void AzureYaml_Name_MatchesTheSchemaPattern()
    {
        var name = _yaml.Root.Scalar("name");

        Assert.NotNull(name);
        Assert.Matches(NamePattern(), name);
    }

    [Fact]
    public void AzureYaml_Services_HaveSchemaHostsAndLanguagesAndExistingProjects()
    {
        var services = _yaml.Services.ToList();
        Assert.NotEmpty(services);

        Assert.All(services, service =>
        {
            var host = service.Node.Scalar("host");
            Assert.True(host is not null && Hosts.Contains(host), $"services.{service.Name}.host '{host}' is not one of: {string.Join(", ", Hosts)}");
            var language = service.Node.Scalar("language");
            Assert.True(language is null || Languages.Contains(language), $"services.{service.Name}.language '{language}' is not one of: {string.Join(", ", Languages)}");

            if (TraditionalHosts.Contains(host))
            {
                var project = service.Node.Scalar("project");
                Assert.False(string.IsNullOrEmpty(project), $"services.{service.Name}.project is required for host {host}.");
                Assert.True(Directory.Exists(RepoLayout.PathOf(project)), $"services.{service.Name}.project '{project}' does not exist.");
                foreach (var forbidden in new[] { "image", "docker", "k8s", "apiVersion", "env" })
                {
                    Assert.Null(service.Node.Child(forbidden));
                }
            }
        });
    }

    [Fact]
    public void AzureYaml_FunctionsService_DeploysTheFunctionsProjectAsAFunctionApp()
    {
        var functions = Assert.Single(_yaml.Services, s => s.Name == "functions").Node;

        Assert.Equal("function", functions.Scalar("host"));
        Assert.Equal("dotnet", functions.Scalar("language"));
        Assert.Equal("./functions", functions.Scalar("project"));
        Assert.NotEmpty(Directory.GetFiles(RepoLayout.PathOf("functions"), "*.csproj"));
    }

    [Fact]
    public void AzureYaml_Infra_UsesTheDefaultPath()
    {
        var infra = _yaml.Root.Child("infra") as YamlMappingNode;

        Assert.True(infra?.Scalar("path") is null or "infra" or "./infra", "infra.path should stay the default 'infra'.");
        Assert.True(infra?.Scalar("provider") is null or "bicep", "infra.provider should stay bicep.");
        Assert.True(File.Exists(RepoLayout.PathOf("infra", "main.bicep")), "infra/main.bicep is azd's default entry point.");
        Assert.True(File.Exists(RepoLayout.PathOf("infra", "main.parameters.json")), "infra/main.parameters.json maps azd environment values to parameters.");
    }

    [Fact]
    public void AzureYaml_Hooks_AreValidAndPointAtScriptsThatExist()
    {
        var hooks = Assert.IsType<YamlMappingNode>(_yaml.Root.Child("hooks"));

        Assert.Contains("postprovision", hooks.Keys());
        Assert.Contains("postdeploy", hooks.Keys());
        foreach (var (name, node) in hooks.Children.Select(c => (((YamlScalarNode)c.Key).Value!, c.Value)))
        {
            Assert.Contains(name, HookNames);
            var hook = Assert.IsType<YamlMappingNode>(node);
            AssertValidHook($"hooks.{name}", hook);

            // Both platforms are covered, so the top level may not carry run/shell (schema: if windows and posix, then no run).
            Assert.Equal(new[] { "posix", "windows" }, hook.Keys().Order(StringComparer.Ordinal));
            AssertScript($"hooks.{name}.posix", (YamlMappingNode)hook.Child("posix")!, "sh", ".sh");
            AssertScript($"hooks.{name}.windows", (YamlMappingNode)hook.Child("windows")!, "pwsh", ".ps1");
        }
    }

    private static void AssertValidHook(string path, YamlMappingNode hook)
    {
        foreach (var key in hook.Keys())
        {
            Assert.True(HookProperties.Contains(key), $"{path}.{key} is not a hook property in azd's schema.");
        }

        var shell = hook.Scalar("shell");
        Assert.True(shell is null || Shells.Contains(shell), $"{path}.shell '{shell}' must be sh or pwsh.");
    }

    private static void AssertScript(string path, YamlMappingNode hook, string shell, string extension)
    {
        AssertValidHook(path, hook);
        Assert.Equal(shell, hook.Scalar("shell"));
        var run = hook.Scalar("run");
        Assert.False(string.IsNullOrEmpty(run), $"{path}.run is required.");
        Assert.EndsWith(extension, run, StringComparison.Ordinal);
        var script = RepoLayout.PathOf(run);
        Assert.True(File.Exists(script), $"{path}.run '{run}' does not exist.");
        if (extension == ".sh" && !OperatingSystem.IsWindows())
        {
            Assert.True(File.GetUnixFileMode(script).HasFlag(UnixFileMode.UserExecute), $"{run} is not executable (chmod +x, and commit the mode).");
        }
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex NamePattern();
}
