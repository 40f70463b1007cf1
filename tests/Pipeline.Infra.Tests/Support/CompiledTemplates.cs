using System.Text.Json.Nodes;

namespace Pipeline.Infra.Tests.Support;

/// <summary>
/// infra/main.bicep and infra/app/blob-subscription.bicep compiled once per test run into a temporary
/// folder, with the views most tests need (app settings, role assignments, the event subscription).
/// </summary>
public sealed class CompiledTemplates : IAsyncLifetime
{
    private DirectoryInfo? _outputDirectory;
    private ArmTemplate? _main;
    private ArmTemplate? _blobSubscription;
    private ArmTemplate? _production;
    private ArmTemplate? _dev;

    /// <summary>Environment the production .bicepparam reads (what azd or CI would export).</summary>
    public static readonly IReadOnlyDictionary<string, string> ProductionEnvironment = new Dictionary<string, string>
    {
        ["AZURE_ENV_NAME"] = "survey-prod",
        ["AZURE_LOCATION"] = "swedencentral",
        ["AZURE_PRINCIPAL_ID"] = "00000000-0000-0000-0000-000000000001",
        ["AZURE_ALERT_EMAIL"] = "survey-ops@example.org",
    };

    /// <summary>main.bicep with every parameter at its default.</summary>
    public ArmTemplate Main => _main ?? throw new InvalidOperationException("Not compiled yet.");

    /// <summary>main.bicep with the values of infra/main.production.bicepparam (compiled with bicep build-params).</summary>
    public ArmTemplate Production => _production ?? throw new InvalidOperationException("Not compiled yet.");

    /// <summary>main.bicep with the values azd takes from infra/main.parameters.json when no azd variable overrides them.</summary>
    public ArmTemplate Dev => _dev ?? throw new InvalidOperationException("Not compiled yet.");

    /// <summary>The Event Grid subscription template deployed by the postdeploy hook.</summary>
    public ArmTemplate BlobSubscription => _blobSubscription ?? throw new InvalidOperationException("Not compiled yet.");

    /// <summary>The function app's settings: name to value, resolved through module parameters where possible.</summary>
    public IReadOnlyDictionary<string, JsonNode?> AppSettings
    {
        get
        {
            var config = Main.OfType("Microsoft.Web/sites/config")
                .Where(c => c.Name.Contains("appsettings", StringComparison.OrdinalIgnoreCase))
                .ToList();
            Assert.True(config.Count == 1, $"Expected one Microsoft.Web/sites/config 'appsettings' resource, found {config.Count}.");
            var properties = config[0].Node["properties"] as JsonObject
                ?? throw new InvalidOperationException("The appsettings resource has no literal properties object.");
            return properties.ToDictionary(p => p.Key, p => config[0].Scope.Resolve(p.Value), StringComparer.Ordinal);
        }
    }

    public ArmResource EventSubscription => BlobSubscription.OfType("Microsoft.EventGrid/systemTopics/eventSubscriptions").Single();

    public async Task InitializeAsync()
    {
        _outputDirectory = Directory.CreateTempSubdirectory("pipeline-infra-tests-");
        var main = await BicepCli.BuildAsync(RepoLayout.PathOf("infra", "main.bicep"), _outputDirectory.FullName);
        var subscription = await BicepCli.BuildAsync(RepoLayout.PathOf("infra", "app", "blob-subscription.bicep"), _outputDirectory.FullName);
        var production = await BicepCli.BuildParamsAsync(RepoLayout.PathOf("infra", "main.production.bicepparam"), _outputDirectory.FullName, ProductionEnvironment);
        _main = ArmTemplate.Load(main);
        _blobSubscription = ArmTemplate.Load(subscription);
        _production = ArmTemplate.Load(main, ParametersOf(production));
        _dev = ArmTemplate.Load(main, AzdParameters.Defaults(RepoLayout.PathOf("infra", "main.parameters.json"), _main));
    }

    private static JsonObject ParametersOf(string parametersFile) =>
        JsonNode.Parse(File.ReadAllText(parametersFile))?["parameters"] as JsonObject
        ?? throw new InvalidDataException($"{parametersFile} has no parameters object.");

    public Task DisposeAsync()
    {
        _outputDirectory?.Delete(recursive: true);
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class CompiledTemplatesCollection : ICollectionFixture<CompiledTemplates>
{
    public const string Name = "Compiled templates";
}
