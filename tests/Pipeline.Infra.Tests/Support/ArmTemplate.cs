using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Pipeline.Infra.Tests.Support;

/// <summary>
/// A compiled ARM template with its nested module deployments flattened into one list of resources.
/// Only literal values and plain <c>[parameters('x')]</c> references are resolved; anything else stays
/// an ARM expression string, which is what the tests want to see for runtime values.
/// </summary>
public sealed class ArmTemplate
{
    private readonly List<ArmResource> _resources = [];

    public ArmTemplate(JsonObject root)
    {
        Root = root;
        RootScope = new ArmScope(root, deployment: null, parent: null);
        Collect(root, RootScope);
    }

    public JsonObject Root { get; }

    public ArmScope RootScope { get; }

    /// <summary>Every resource the template deploys (modules included); <c>existing</c> references are left out.</summary>
    public IReadOnlyList<ArmResource> Resources => _resources;

    public static ArmTemplate Load(string path) =>
        new(JsonNode.Parse(File.ReadAllText(path)) as JsonObject
            ?? throw new InvalidDataException($"{path} is not a JSON object."));

    public IEnumerable<ArmResource> OfType(string type) =>
        _resources.Where(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase));

    /// <summary>The module deployment with this name (the <c>name:</c> of a Bicep module).</summary>
    public ArmResource Module(string deploymentName) =>
        OfType("Microsoft.Resources/deployments").SingleOrDefault(d => d.Name == deploymentName)
        ?? throw new InvalidOperationException($"No module deployment named '{deploymentName}' in the template.");

    /// <summary>Resources declared directly in the given module's template.</summary>
    public IEnumerable<ArmResource> InModule(string deploymentName)
    {
        var module = Module(deploymentName);
        return _resources.Where(r => r.Scope.Owner == module.Node);
    }

    private void Collect(JsonObject template, ArmScope scope)
    {
        var resources = template["resources"] switch
        {
            JsonArray array => array.OfType<JsonObject>(),
            // languageVersion 2.0 templates key resources by symbolic name.
            JsonObject map => map.Select(p => p.Value).OfType<JsonObject>(),
            _ => [],
        };

        foreach (var resource in resources)
        {
            if (resource["existing"]?.GetValue<bool>() == true)
            {
                continue;
            }

            var type = resource["type"]?.GetValue<string>() ?? string.Empty;
            _resources.Add(new ArmResource(type, resource, scope));
            if (string.Equals(type, "Microsoft.Resources/deployments", StringComparison.OrdinalIgnoreCase)
                && resource["properties"]?["template"] is JsonObject inner)
            {
                Collect(inner, new ArmScope(inner, resource, scope));
            }
        }
    }
}

/// <summary>One template (the root or a module) and the parameter values its caller passed in.</summary>
public sealed partial class ArmScope
{
    private readonly JsonObject _template;
    private readonly JsonObject? _callParameters;
    private readonly ArmScope? _parent;

    internal ArmScope(JsonObject template, JsonObject? deployment, ArmScope? parent)
    {
        _template = template;
        Owner = deployment;
        _callParameters = deployment?["properties"]?["parameters"] as JsonObject;
        _parent = parent;
    }

    /// <summary>The deployment resource that deploys this template; null for the root template.</summary>
    public JsonObject? Owner { get; }

    public JsonObject Parameters => _template["parameters"] as JsonObject ?? [];

    public JsonObject Outputs => _template["outputs"] as JsonObject ?? [];

    /// <summary>Follows a <c>[parameters('x')]</c> reference to the caller's value or the default; other nodes are returned as is.</summary>
    public JsonNode? Resolve(JsonNode? node)
    {
        if (node is JsonValue value && value.TryGetValue<string>(out var text))
        {
            var match = ParameterReference().Match(text);
            if (match.Success)
            {
                return ResolveParameter(match.Groups["name"].Value);
            }
        }

        return node;
    }

    public JsonNode? ResolveParameter(string name)
    {
        if (_callParameters?[name] is JsonObject supplied && supplied.TryGetPropertyValue("value", out var passed))
        {
            // A value passed by the caller is written in the caller's terms.
            return _parent is null ? passed : _parent.Resolve(passed);
        }

        var definition = Parameters[name] as JsonObject
            ?? throw new InvalidOperationException($"Parameter '{name}' is not declared in this template.");
        return Resolve(definition["defaultValue"]);
    }

    [GeneratedRegex(@"^\[parameters\('(?<name>[^']+)'\)\]$")]
    private static partial Regex ParameterReference();
}

/// <summary>A resource of a compiled template, with the scope needed to resolve its parameter references.</summary>
public sealed record ArmResource(string Type, JsonObject Node, ArmScope Scope)
{
    /// <summary>The deployment name for modules, else the raw name expression.</summary>
    public string Name => Node["name"]?.ToString() ?? string.Empty;

    /// <summary>A property by dotted path (e.g. <c>properties.minimumTlsVersion</c>), resolved through parameters.</summary>
    public JsonNode? Get(string dottedPath)
    {
        JsonNode? node = Node;
        foreach (var part in dottedPath.Split('.'))
        {
            node = Scope.Resolve(node) is JsonObject parent ? parent[part] : null;
        }

        return Scope.Resolve(node);
    }

    /// <summary>For a module deployment: the value passed to one of its parameters, resolved in the caller's scope.</summary>
    public JsonNode? Argument(string parameterName) =>
        Node["properties"]?["parameters"]?[parameterName] is JsonObject supplied
            ? Scope.Resolve(supplied["value"])
            : null;
}
