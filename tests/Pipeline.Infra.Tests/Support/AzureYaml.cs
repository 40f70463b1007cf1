using YamlDotNet.RepresentationModel;

namespace Pipeline.Infra.Tests.Support;

/// <summary>azure.yaml at the repository root, read with YamlDotNet's representation model.</summary>
public sealed class AzureYaml
{
    private AzureYaml(YamlMappingNode root) => Root = root;

    public YamlMappingNode Root { get; }

    public IEnumerable<(string Name, YamlMappingNode Node)> Services =>
        Root.Child("services") is YamlMappingNode services
            ? services.Children.Select(c => (((YamlScalarNode)c.Key).Value ?? string.Empty, c.Value as YamlMappingNode ?? []))
            : [];

    public static AzureYaml Load()
    {
        var path = RepoLayout.PathOf("azure.yaml");
        using var reader = new StreamReader(path);
        var stream = new YamlStream();
        stream.Load(reader);
        return new AzureYaml(stream.Documents.Single().RootNode as YamlMappingNode
            ?? throw new InvalidDataException("azure.yaml is not a mapping."));
    }
}

public static class YamlNodeExtensions
{
    public static YamlNode? Child(this YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    public static string? Scalar(this YamlMappingNode node, string key) => (node.Child(key) as YamlScalarNode)?.Value;

    public static IEnumerable<string> Keys(this YamlMappingNode node) =>
        node.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? string.Empty);
}
