using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Core.Packs;

/// <summary>
/// Where the entries of a pack's YAML file are (1-based lines), so that a check after deserialising (an unknown item,
/// an expression that does not parse) can name the line to fix.
/// </summary>
public sealed class YamlLines
{
    private readonly YamlMappingNode? _root;

    private YamlLines(YamlMappingNode? root) => _root = root;

    /// <summary>No positions known (a catalogue built in code): every <see cref="Line"/> is null.</summary>
    public static YamlLines None { get; } = new(null);

    /// <summary>Reads <paramref name="yaml"/>'s structure; a text that does not parse gives <see cref="None"/> (its deserialisation fails with its own position).</summary>
    public static YamlLines Of(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            return new YamlLines(stream.Documents.Count > 0 ? stream.Documents[0].RootNode as YamlMappingNode : null);
        }
        catch (YamlException)
        {
            return None;
        }
    }

    /// <summary>
    /// The line of entry <paramref name="index"/> of the top-level list <paramref name="list"/> (e.g. rules[3]), or of
    /// its value under <paramref name="key"/> when it has one; null when unknown.
    /// </summary>
    public long? Line(string list, int index, string? key = null)
    {
        if (_root is null || !_root.Children.TryGetValue(new YamlScalarNode(list), out var node) || node is not YamlSequenceNode sequence || index < 0 || index >= sequence.Children.Count)
        {
            return null;
        }

        var entry = sequence.Children[index];
        return key is not null && entry is YamlMappingNode mapping && mapping.Children.TryGetValue(new YamlScalarNode(key), out var value)
            ? value.Start.Line
            : entry.Start.Line;
    }

    /// <summary>
    /// "line n, column c" of the value at the mapping path <paramref name="keys"/> (e.g. personalData, drop), or of the
    /// list element equal to <paramref name="element"/> in it; null when unknown.
    /// </summary>
    public string? Position(IReadOnlyList<string> keys, string? element = null)
    {
        ArgumentNullException.ThrowIfNull(keys);
        YamlNode? node = _root;
        foreach (var key in keys)
        {
            node = node is YamlMappingNode mapping && mapping.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;
        }

        if (node is YamlSequenceNode sequence && element is not null)
        {
            node = sequence.Children.FirstOrDefault(c => c is YamlScalarNode s && string.Equals(s.Value, element, StringComparison.OrdinalIgnoreCase)) ?? node;
        }

        return node is null ? null : $"line {node.Start.Line}, column {node.Start.Column}";
    }

    /// <summary>
    /// Every key with nothing after it (<c>drop:</c> alone, <c>~</c>, <c>null</c>) and every list entry with nothing after
    /// its <c>-</c>, as the dotted key path (<c>personalData.drop</c>, <c>rules[2]</c>) and "line n, column c". They read
    /// as null, not as an empty list or section, so a check reports them instead of failing on them.
    /// </summary>
    public IReadOnlyList<(string Key, string Position)> NullValues()
    {
        var found = new List<(string, string)>();
        if (_root is not null)
        {
            Walk(_root, string.Empty, found);
        }

        return found;
    }

    private static void Walk(YamlNode node, string path, List<(string, string)> found)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                foreach (var (key, value) in mapping.Children)
                {
                    var name = (key as YamlScalarNode)?.Value ?? "?";
                    Walk(value, path.Length == 0 ? name : $"{path}.{name}", found);
                }

                break;
            case YamlSequenceNode sequence:
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    Walk(sequence.Children[i], $"{path}[{i}]", found);
                }

                break;
            case YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" } scalar:
                found.Add((path, $"line {scalar.Start.Line}, column {scalar.Start.Column}"));
                break;
        }
    }

    /// <summary>"path, line n" when the line is known, else "path".</summary>
    public static string Where(string path, long? line) => line is { } n ? $"{path}, line {n}" : path;
}
