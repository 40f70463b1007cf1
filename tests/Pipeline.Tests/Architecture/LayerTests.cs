using System.Reflection;
using NetArchTest.Rules;
using Pipeline.Core.Engine;
using Pipeline.Core.Findings;
using Pipeline.Core.Ingest;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Core.Readers;
using Pipeline.Core.Reporting;
using Pipeline.Core.Validation;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.Architecture;

/// <summary>
/// The core's layers as failing tests. Each layer is one project; a type may depend on its own layer and on the layers
/// listed below it, never on a layer above or beside it. Project references alone already stop a loop from compiling;
/// these tests also stop a sideways reference (the lake reading rules, say) and name the type that breaks the rule.
/// The picture is in docs/architecture.md.
/// </summary>
public sealed class LayerTests
{
    /// <summary>Every core layer: its assembly (found through one of its types) and the layers it may use.</summary>
    private static readonly Layer[] Layers =
    [
        new("Engine", typeof(ChunkedArray<>).Assembly, []),
        new("Survey", typeof(SurveyPack).Assembly, ["Engine"]),
        new("Readers", typeof(SourceRow).Assembly, ["Survey", "Engine"]),
        new("Rules", typeof(RowIssue).Assembly, ["Readers", "Survey", "Engine"]),
        new("Lake", typeof(ILakeStore).Assembly, ["Engine"]),
        new("Ingest", typeof(IngestService).Assembly, ["Rules", "Lake", "Readers", "Survey", "Engine"]),
        new("Findings", typeof(FindingsService).Assembly, ["Lake", "Survey", "Engine"]),
        new("Reporting", typeof(QualityReportPage).Assembly, ["Ingest", "Findings", "Rules", "Lake", "Readers", "Survey", "Engine"]),
    ];

    public static TheoryData<string> LayerNames => new(Layers.Select(l => l.Name));

    [Theory]
    [MemberData(nameof(LayerNames))]
    public void Layer_DependsOnlyOnTheLayersBelowIt(string name)
    {
        var layer = Layers.Single(l => l.Name == name);

        var types = Types.InAssembly(layer.Assembly);
        Assert.True(types.GetTypes().Skip(10).Any(), $"the rule would check no type of {name}");

        var offenders = Offenders(types.ShouldNot(), layer);

        Assert.True(offenders.Count == 0, $"{name} must not use a layer above or beside it: {string.Join("; ", offenders)}");
    }

    [Fact]
    public void LayerRule_OnATypeThatReachesUp_NamesTheTypeAndWhatItUses()
    {
        // A deliberate violation: a type placed in the Engine layer's position that uses the ingest. The same check as
        // above must catch it, or the real test above could pass by checking nothing.
        var engine = Layers.Single(l => l.Name == "Engine");
        var fixture = Types.InAssembly(typeof(LayerTests).Assembly).That().ResideInNamespace(typeof(Fixture.EngineTypeThatUsesTheIngest).Namespace!);

        var offenders = Offenders(fixture.ShouldNot(), engine);

        var offender = Assert.Single(offenders);
        Assert.Contains(nameof(Fixture.EngineTypeThatUsesTheIngest), offender, StringComparison.Ordinal);
        Assert.Contains("Pipeline.Core.Ingest", offender, StringComparison.Ordinal);
    }

    [Fact]
    public void Layers_CoverEveryCoreProject()
    {
        var projects = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "core"), "*.csproj", SearchOption.AllDirectories)
            .Select(p => Path.GetFileNameWithoutExtension(p)).Order(StringComparer.Ordinal);

        Assert.Equal(projects, Layers.Select(l => l.Assembly.GetName().Name!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Layers_EachNamespaceLivesInOneLayer()
    {
        var owners = Layers.SelectMany(l => NamespacesOf(l.Assembly).Select(n => (Namespace: n, l.Name))).GroupBy(x => x.Namespace);

        Assert.All(owners, g => Assert.True(g.Count() == 1, $"{g.Key} is split over {string.Join(", ", g.Select(x => x.Name))}"));
    }

    [Fact]
    public void ArchitectureDoc_NamesEveryProjectAndNamespace()
    {
        var doc = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "architecture.md"));
        var names = Layers.SelectMany(l => NamespacesOf(l.Assembly).Append(l.Assembly.GetName().Name!)).Distinct();

        Assert.All(names, n => Assert.True(doc.Contains(n, StringComparison.Ordinal), $"docs/architecture.md does not mention {n}"));
    }

    private static List<string> Offenders(Condition shouldNot, Layer layer)
    {
        var allowed = layer.Allowed.Append(layer.Name).ToHashSet(StringComparer.Ordinal);
        var forbidden = Layers.Where(l => !allowed.Contains(l.Name)).SelectMany(l => NamespacesOf(l.Assembly)).ToArray();
        var result = shouldNot.HaveDependencyOnAny(forbidden).GetResult();
        return result.IsSuccessful ? [] : result.FailingTypes.Select(t => $"{t.FullName} uses {t.Explanation}").ToList();
    }

    private static IEnumerable<string> NamespacesOf(Assembly assembly) =>
        assembly.GetTypes().Select(t => t.Namespace).OfType<string>().Where(n => n.StartsWith("Pipeline.Core.", StringComparison.Ordinal)).Distinct();

    private sealed record Layer(string Name, Assembly Assembly, string[] Allowed);
}
