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

    /// <param name="root">The compiled template.</param>
    /// <param name="parameterValues">Values for the root template's parameters (a parameters file's
    /// <c>parameters</c> object); a parameter without one falls back to its default.</param>
    public ArmTemplate(JsonObject root, JsonObject? parameterValues = null)
    {
        Root = root;
        RootScope = new ArmScope(root, deployment: null, parent: null, parameterValues);
        Collect(root, RootScope);
    }

    public JsonObject Root { get; }

    public ArmScope RootScope { get; }

    /// <summary>Every resource the template deploys (modules included); <c>existing</c> references are left out.</summary>
    public IReadOnlyList<ArmResource> Resources => _resources;

    public static ArmTemplate Load(string path, JsonObject? parameterValues = null) =>
        new(JsonNode.Parse(File.ReadAllText(path)) as JsonObject
            ?? throw new InvalidDataException($"{path} is not a JSON object."), parameterValues);

    public IEnumerable<ArmResource> OfType(string type) =>
        _resources.Where(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Resources of this type that a deployment with this template's parameter values creates: those whose
    /// condition, and the condition of every module above them, is true.
    /// </summary>
    public IEnumerable<ArmResource> DeployedOfType(string type) => OfType(type).Where(r => r.IsDeployed);

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
                Collect(inner, new ArmScope(inner, resource, scope, parameterValues: null, _resources[^1]));
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

    internal ArmScope(JsonObject template, JsonObject? deployment, ArmScope? parent, JsonObject? parameterValues = null, ArmResource? ownerResource = null)
    {
        _template = template;
        Owner = deployment;
        OwnerResource = ownerResource;
        // The root template's values come from a parameters file; a module's from its caller.
        _callParameters = parameterValues ?? deployment?["properties"]?["parameters"] as JsonObject;
        _parent = parent;
    }

    /// <summary>The deployment resource that deploys this template; null for the root template.</summary>
    public JsonObject? Owner { get; }

    /// <summary>The same deployment as an <see cref="ArmResource"/> of the enclosing scope; null for the root.</summary>
    public ArmResource? OwnerResource { get; }

    public JsonObject Parameters => _template["parameters"] as JsonObject ?? [];

    public JsonObject Outputs => _template["outputs"] as JsonObject ?? [];

    public JsonObject Variables => _template["variables"] as JsonObject ?? [];

    /// <summary>A parameter's value evaluated through every caller up to the root's parameter values or defaults.</summary>
    public JsonNode? EvaluateParameter(string name)
    {
        if (_callParameters?[name] is JsonObject supplied && supplied.TryGetPropertyValue("value", out var passed))
        {
            return _parent is null ? passed : ArmCondition.Value(passed, _parent);
        }

        // A conditional value compiles to one expression for the whole { value } object:
        // [if(c, createObject('value', a), createObject('value', b))].
        if (_callParameters?[name] is JsonValue whole && _parent is not null)
        {
            return ArmCondition.Value(whole, _parent) is JsonObject evaluated ? evaluated["value"] : null;
        }

        var definition = Parameters[name] as JsonObject
            ?? throw new InvalidOperationException($"Parameter '{name}' is not declared in this template.");
        return ArmCondition.Value(definition["defaultValue"], this);
    }

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

    /// <summary>
    /// Whether a deployment with the root template's parameter values creates this resource: its condition
    /// (if any) and that of every enclosing module evaluate to true.
    /// </summary>
    public bool IsDeployed =>
        ArmCondition.Evaluate(Node["condition"], Scope) && (Scope.OwnerResource?.IsDeployed ?? true);

    /// <summary>A property by dotted path with ARM expressions evaluated (see <see cref="ArmCondition"/>).</summary>
    public JsonNode? Value(string dottedPath)
    {
        // Each step is evaluated in this resource's scope; Get would hand back a caller's expression out of its scope.
        JsonNode? node = Node;
        foreach (var part in dottedPath.Split('.'))
        {
            node = ArmCondition.Value(node, Scope) is JsonObject parent ? parent[part] : null;
        }

        return ArmCondition.Value(node, Scope);
    }

    /// <summary>For a module deployment: the value passed to one of its parameters, resolved in the caller's scope.</summary>
    public JsonNode? Argument(string parameterName) =>
        Node["properties"]?["parameters"]?[parameterName] is JsonObject supplied
            ? Scope.Resolve(supplied["value"])
            : null;
}
