using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Infra.Tests.Support;

/// <summary>
/// Evaluates the small part of the ARM expression language the templates use for conditions and for values
/// that depend on parameters: <c>parameters</c>, <c>variables</c>, <c>if</c>, <c>not</c>, <c>and</c>,
/// <c>or</c>, <c>equals</c>, <c>empty</c>, <c>createArray</c>, <c>createObject</c>, <c>true</c>, <c>false</c>,
/// string and integer literals, and property or index access. Any other function (reference, resourceId,
/// format, ...) becomes an <see cref="IsUnevaluated">unevaluated</see> marker that a condition refuses, so a
/// value is never guessed at.
/// </summary>
public static class ArmCondition
{
    private const string UnevaluatedPrefix = "<unevaluated ";

    /// <summary>True for the marker standing for a runtime value (e.g. <c>reference(...)</c>) the tests cannot compute.</summary>
    public static bool IsUnevaluated(JsonNode? node) => node.AsString()?.StartsWith(UnevaluatedPrefix, StringComparison.Ordinal) == true;

    /// <summary>Whether a resource's <c>condition</c> holds; no condition means deployed.</summary>
    public static bool Evaluate(JsonNode? condition, ArmScope scope)
    {
        if (condition is null)
        {
            return true;
        }

        var value = Value(condition, scope);
        return value.AsBool() ?? throw new NotSupportedException($"Condition {condition.ToJsonString()} does not evaluate to a boolean (got {value.Show()}).");
    }

    /// <summary>The value of a template node: literals as they are, a <c>[...]</c> expression evaluated in the scope.</summary>
    public static JsonNode? Value(JsonNode? node, ArmScope scope)
    {
        if (node?.AsString() is not { } text || !text.StartsWith('[') || !text.EndsWith(']') || text.StartsWith("[[", StringComparison.Ordinal))
        {
            return node;
        }

        var parser = new Parser(text[1..^1], scope);
        var value = parser.ParseExpression();
        parser.ExpectEnd();
        return value;
    }

    private sealed class Parser(string text, ArmScope scope)
    {
        private int _position;

        public JsonNode? ParseExpression()
        {
            SkipSpaces();
            if (Peek() == '\'')
            {
                return JsonValue.Create(ReadString());
            }

            if (char.IsDigit(Peek()))
            {
                return JsonValue.Create(int.Parse(ReadIdentifier(), System.Globalization.CultureInfo.InvariantCulture));
            }

            var name = ReadIdentifier();
            var arguments = ReadArguments();
            return ReadAccessors(Apply(name, arguments));
        }

        // .property and [index] after a call, e.g. reference('x').outputs.id.value or variables('a')[0].
        private JsonNode? ReadAccessors(JsonNode? value)
        {
            while (true)
            {
                if (Peek() == '.')
                {
                    _position++;
                    var property = ReadIdentifier();
                    value = IsUnevaluated(value) ? value : (value as JsonObject)?[property];
                }
                else if (Peek() == '[')
                {
                    _position++;
                    var index = ParseExpression();
                    Expect(']');
                    value = IsUnevaluated(value) || IsUnevaluated(index) ? Unevaluated("index") : Index(value, index);
                }
                else
                {
                    return value;
                }
            }
        }

        private static JsonNode? Index(JsonNode? value, JsonNode? index) => value switch
        {
            JsonArray array when index.AsInt() is { } i => array[i],
            JsonObject obj when index.AsString() is { } key => obj[key],
            _ => Unevaluated("index"),
        };

        private static JsonValue Unevaluated(string function) => JsonValue.Create($"{UnevaluatedPrefix}{function}()>");

        public void ExpectEnd()
        {
            SkipSpaces();
            if (_position != text.Length)
            {
                throw new NotSupportedException($"Unexpected '{text[_position..]}' in condition '{text}'.");
            }
        }

        private JsonNode? Apply(string function, List<JsonNode?> arguments) => function switch
        {
            "parameters" => scope.EvaluateParameter(arguments.Single().AsString() ?? string.Empty)?.DeepClone(),
            "variables" => Value(scope.Variables[arguments.Single().AsString() ?? string.Empty], scope)?.DeepClone(),
            "if" => IsUnevaluated(arguments[0]) ? Unevaluated("if") : Bool(arguments[0]) ? arguments[1] : arguments[2],
            "not" => JsonValue.Create(!Bool(arguments.Single())),
            "and" => JsonValue.Create(arguments.All(Bool)),
            "or" => JsonValue.Create(arguments.Any(Bool)),
            "empty" => IsUnevaluated(arguments.Single()) ? Unevaluated("empty") : JsonValue.Create(IsEmpty(arguments.Single())),
            "equals" => JsonValue.Create(JsonNode.DeepEquals(arguments[0], arguments[1])),
            "createArray" => new JsonArray([.. arguments.Select(a => a?.DeepClone())]),
            "createObject" => CreateObject(arguments),
            "true" => JsonValue.Create(true),
            "false" => JsonValue.Create(false),
            "null" => null,
            _ => Unevaluated(function),
        };

        private static JsonObject CreateObject(List<JsonNode?> arguments)
        {
            var result = new JsonObject();
            for (var i = 0; i + 1 < arguments.Count; i += 2)
            {
                result[arguments[i].AsString() ?? string.Empty] = arguments[i + 1]?.DeepClone();
            }

            return result;
        }

        private bool Bool(JsonNode? node) =>
            IsUnevaluated(node) ? throw new NotSupportedException($"Condition '{text}' depends on a runtime value ({node.AsString()}).")
            : node.AsBool() ?? throw new NotSupportedException($"Expected a boolean in condition '{text}', got {node.Show()} (a parameter whose value is still an expression?).");

        private bool IsEmpty(JsonNode? node) => node switch
        {
            null => true,
            JsonArray array => array.Count == 0,
            JsonObject obj => obj.Count == 0,
            _ => node.AsString() is { } s ? s.Length == 0 : throw new NotSupportedException($"empty() of {node.Show()} in condition '{text}'."),
        };

        private List<JsonNode?> ReadArguments()
        {
            var arguments = new List<JsonNode?>();
            Expect('(');
            SkipSpaces();
            if (Peek() == ')')
            {
                _position++;
                return arguments;
            }

            while (true)
            {
                arguments.Add(ParseExpression());
                SkipSpaces();
                var separator = Next();
                if (separator == ')')
                {
                    return arguments;
                }

                if (separator != ',')
                {
                    throw new NotSupportedException($"Expected ',' or ')' at {_position} in condition '{text}'.");
                }
            }
        }

        private string ReadIdentifier()
        {
            var start = _position;
            while (_position < text.Length && (char.IsLetterOrDigit(text[_position]) || text[_position] == '_'))
            {
                _position++;
            }

            return start == _position
                ? throw new NotSupportedException($"Expected a function name at {start} in condition '{text}'.")
                : text[start.._position];
        }

        private string ReadString()
        {
            Expect('\'');
            var end = text.IndexOf('\'', _position);
            if (end < 0)
            {
                throw new NotSupportedException($"Unterminated string in condition '{text}'.");
            }

            var value = text[_position..end];
            _position = end + 1;
            return value;
        }

        private void Expect(char expected)
        {
            SkipSpaces();
            if (Next() != expected)
            {
                throw new NotSupportedException($"Expected '{expected}' at {_position - 1} in condition '{text}'.");
            }
        }

        private char Next() => _position < text.Length ? text[_position++] : '\0';

        private char Peek() => _position < text.Length ? text[_position] : '\0';

        private void SkipSpaces()
        {
            while (_position < text.Length && text[_position] == ' ')
            {
                _position++;
            }
        }
    }
}
