using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Infra.Tests.Support;

/// <summary>Small readers for JSON literals that return null instead of throwing on expressions.</summary>
public static class Json
{
    public static bool? AsBool(this JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? v.GetValue<bool>() : null;

    public static string? AsString(this JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    public static int? AsInt(this JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<int>() : null;

    public static IReadOnlyList<string> AsStrings(this JsonNode? node) =>
        node is JsonArray array ? array.Select(AsString).OfType<string>().ToList() : [];

    /// <summary>Text for assertion messages.</summary>
    public static string Show(this JsonNode? node) => node?.ToJsonString() ?? "(absent)";
}
