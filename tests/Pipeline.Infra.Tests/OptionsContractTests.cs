using Pipeline.Infra.Tests.Support;

namespace Pipeline.Infra.Tests;

/// <summary>
/// App settings in Bicep against the options classes the app binds with ValidateOnStart: a misspelt setting is ignored
/// silently by configuration binding, and a missing required one stops the app at start-up in Azure.
/// Reads the Functions build output; build the Functions project before running these tests.
/// </summary>
[Collection(CompiledTemplatesCollection.Name)]
public sealed class OptionsContractTests(CompiledTemplates templates)
{
    private readonly IReadOnlyList<OptionSetting> _options = OptionsContract.Load();

    [Fact]
    public void OptionsClasses_AreFoundInTheFunctionsBuild()
    {
        var sections = _options.Select(o => o.Section).Distinct(StringComparer.Ordinal).ToList();

        Assert.Contains("Lake", sections);
        Assert.Contains("Pseudonymisation", sections);
    }

    [Fact]
    public void AppSettings_ForAnOptionsSection_NameAnExistingOption()
    {
        var sections = _options.Select(o => o.Section).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var known = _options.Select(o => o.SettingName).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var unknown = templates.AppSettings.Keys
            .Where(name => name.Contains("__", StringComparison.Ordinal) && sections.Contains(name[..name.IndexOf("__", StringComparison.Ordinal)]))
            .Where(name => !known.Contains(name))
            .ToList();

        Assert.True(unknown.Count == 0,
            $"App settings that no options property binds (typo?): {string.Join(", ", unknown)}. Known: {string.Join(", ", known.Order(StringComparer.Ordinal))}");
    }

    [Fact]
    public void AppSettings_SupplyEveryRequiredOptionWithoutDefault()
    {
        var missing = _options
            .Where(o => o.IsRequired && !o.HasDefault)
            .Where(o => !templates.AppSettings.Keys.Contains(o.SettingName, StringComparer.OrdinalIgnoreCase))
            .Select(o => o.SettingName)
            .ToList();

        Assert.True(missing.Count == 0, $"Required options with no default and no app setting (the app would fail ValidateOnStart): {string.Join(", ", missing)}");
    }

    [Fact]
    public void AppSettings_SetEveryLakeContainerAndTableExplicitly()
    {
        // Infra creates these containers and tables; naming them in app settings keeps code defaults from drifting apart unseen.
        var lake = _options.Where(o => o.Section == "Lake" && !o.SettingName.Equals("Lake__IncomingContainer", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(lake);
        Assert.All(lake, o => Assert.True(templates.AppSettings.ContainsKey(o.SettingName), $"{o.SettingName} is not set in infra/app/functions.bicep."));
        Assert.True(templates.AppSettings.ContainsKey("IncomingContainer"), "The incoming container is the flat setting IncomingContainer (shared with the blob trigger).");
    }
}
