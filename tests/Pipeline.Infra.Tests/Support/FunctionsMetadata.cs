using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Pipeline.Infra.Tests.Support;

/// <summary>One binding of one function, as the Functions worker SDK generated it at build time.</summary>
public sealed record FunctionBinding(string Function, JsonObject Node)
{
    public string Type => Node["type"].AsString() ?? string.Empty;

    public string? Connection => Node["connection"].AsString();

    public string? Source => Node["source"].AsString();

    public string? Path => Node["path"].AsString();

    public string? Schedule => Node["schedule"].AsString();

    /// <summary>Every <c>%Name%</c> app-setting reference in any string property of the binding.</summary>
    public IEnumerable<string> SettingReferences =>
        Node.Select(p => p.Value.AsString())
            .OfType<string>()
            .SelectMany(text => FunctionsMetadata.SettingReference().Matches(text).Select(m => m.Groups["name"].Value))
            .Distinct(StringComparer.Ordinal);
}

/// <summary>Reads functions/bin/&lt;Configuration&gt;/net10.0/functions.metadata, written when the Functions project builds.</summary>
public static partial class FunctionsMetadata
{
    private static readonly string[] Configurations = ["Debug", "Release"];

    public static string Locate()
    {
        var candidates = Configurations
            .Select(configuration => RepoLayout.PathOf("functions", "bin", configuration, "net10.0", "functions.metadata"))
            .ToList();
        // The newest one matches the code most recently built, whichever configuration that was.
        return candidates.Where(File.Exists).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault()
            ?? throw new FileNotFoundException(
                "functions.metadata not found; build the Functions project first: " +
                "`dotnet build functions/Pipeline.Functions.csproj`. Looked for: " +
                string.Join(", ", candidates.Select(RepoLayout.Relative)));
    }

    public static IReadOnlyList<FunctionBinding> LoadBindings()
    {
        var path = Locate();
        var functions = JsonNode.Parse(File.ReadAllText(path)) as JsonArray
            ?? throw new InvalidDataException($"{RepoLayout.Relative(path)} is not a JSON array.");
        return functions.OfType<JsonObject>()
            .SelectMany(function => (function["bindings"] as JsonArray ?? [])
                .OfType<JsonObject>()
                .Select(binding => new FunctionBinding(function["name"].AsString() ?? "(unnamed)", binding)))
            .ToList();
    }

    [GeneratedRegex("%(?<name>[^%]+)%")]
    internal static partial Regex SettingReference();
}
