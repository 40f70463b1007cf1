using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Pipeline.Infra.Tests.Support;

/// <summary>
/// Reads an azd parameters file (main.parameters.json) the way azd does when the azd environment sets none
/// of its variables: <c>${NAME=default}</c> becomes the default, typed by the template's parameter type.
/// </summary>
public static partial class AzdParameters
{
    /// <summary>Value for <c>${NAME}</c> placeholders without a default, which azd always sets (environment name, region, ...).</summary>
    private const string Unset = "azd-set";

    public static JsonObject Defaults(string parametersFile, ArmTemplate template)
    {
        var file = JsonNode.Parse(File.ReadAllText(parametersFile))?["parameters"] as JsonObject
            ?? throw new InvalidDataException($"{parametersFile} has no parameters object.");
        var values = new JsonObject();
        foreach (var (name, entry) in file)
        {
            var raw = entry?["value"]?.DeepClone();
            var type = template.RootScope.Parameters[name]?["type"].AsString();
            values[name] = new JsonObject { ["value"] = raw?.AsString() is { } text ? Typed(Substitute(text), type, name) : raw };
        }

        return values;
    }

    private static string Substitute(string text) =>
        Placeholder().Replace(text, m => m.Groups["default"].Success ? m.Groups["default"].Value : Unset);

    private static JsonValue Typed(string value, string? type, string name) => type switch
    {
        "bool" => JsonValue.Create(bool.Parse(value)),
        "int" => JsonValue.Create(int.Parse(value, CultureInfo.InvariantCulture)),
        "string" or "securestring" or null => JsonValue.Create(value),
        _ => throw new NotSupportedException($"main.parameters.json sets {name} of type {type}, which azd can only pass as text."),
    };

    [GeneratedRegex(@"\$\{(?<name>[A-Z0-9_]+)(?:=(?<default>[^}]*))?\}")]
    private static partial Regex Placeholder();
}
