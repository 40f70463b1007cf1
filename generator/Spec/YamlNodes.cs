using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Generator.Spec;

/// <summary>Reading the YAML tree with positions, so that every complaint names the line and column.</summary>
internal sealed class YamlNodes(string file)
{
    public string File { get; } = file;

    public SpecLocation At(YamlNode node) => new(File, node.Start.Line, node.Start.Column);

    public GeneratorSpecException Error(YamlNode node, string message) => new(At(node), message);

    public YamlMappingNode Mapping(YamlNode node, string what) =>
        node as YamlMappingNode ?? throw Error(node, $"{what} must be a mapping (key: value lines).");

    public YamlSequenceNode Sequence(YamlNode node, string what) =>
        node as YamlSequenceNode ?? throw Error(node, $"{what} must be a list ([a, b] or '- ' lines).");

    public string Scalar(YamlNode node, string what) =>
        node is YamlScalarNode { Value: { } value } ? value : throw Error(node, $"{what} must be a single value.");

    public decimal Number(YamlNode node, string what)
    {
        var text = Scalar(node, what);
        return decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Error(node, $"{what} must be a number; found '{text}'.");
    }

    public double Probability(YamlNode node, string what, bool allowAboveOne = false)
    {
        var value = (double)Number(node, what);
        return value >= 0 && (allowAboveOne || value <= 1) ? value : throw Error(node, $"{what} must be {(allowAboveOne ? "a weight ≥ 0" : "a probability between 0 and 1")}; found {value.ToString(CultureInfo.InvariantCulture)}.");
    }

    public bool Flag(YamlNode node, string what)
    {
        var text = Scalar(node, what);
        return text.ToLowerInvariant() switch
        {
            "true" or "yes" => true,
            "false" or "no" => false,
            _ => throw Error(node, $"{what} must be true or false; found '{text}'."),
        };
    }

    /// <summary>The entries of a mapping as (key text, key node, value node), keys checked against <paramref name="allowed"/> when given.</summary>
    public IEnumerable<(string Key, YamlNode KeyNode, YamlNode Value)> Entries(YamlMappingNode mapping, string what, IReadOnlyCollection<string>? allowed = null)
    {
        foreach (var (keyNode, value) in mapping.Children)
        {
            var key = Scalar(keyNode, $"a key of {what}");
            if (allowed is not null && !allowed.Contains(key))
            {
                throw Error(keyNode, $"'{key}' is not a key of {what}; use one of: {string.Join(", ", allowed)}.");
            }

            yield return (key, keyNode, value);
        }
    }

    public static YamlNode? Child(YamlMappingNode mapping, string key) =>
        mapping.Children.FirstOrDefault(e => e.Key is YamlScalarNode { Value: { } k } && k == key).Value;

    public static bool Has(YamlMappingNode mapping, string key) => Child(mapping, key) is not null;
}
