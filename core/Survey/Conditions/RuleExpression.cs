using System.Globalization;
using Pipeline.Core.Values;

namespace Pipeline.Core.Conditions;

/// <summary>
/// The small condition language of a pack's rules (<c>rules.yaml</c>): comparisons of item values and sums,
/// <c>and</c>, <c>or</c>, <c>not</c>, <c>in (…)</c>, <c>is blank</c>, <c>is not blank</c>, and the functions
/// <c>floor(x)</c>, <c>round(x)</c>, <c>abs(x)</c>. Examples:
/// <c>Q12_MEMBER = 2</c>, <c>B5_2_1_MEN + B5_2_2_WOMEN = B5_1_HH_SIZE</c>, <c>Q4_CROP in (6, 7) and C5_RESULT != 1</c>.
/// A blank operand makes a comparison unknown; a rule whose condition is unknown is not broken.
/// </summary>
public sealed class RuleExpression
{
    private readonly Node _root;

    private RuleExpression(string text, Node root, IReadOnlyList<string> items)
    {
        Text = text;
        _root = root;
        Items = items;
    }

    public string Text { get; }

    /// <summary>The item names the expression reads.</summary>
    public IReadOnlyList<string> Items { get; }

    /// <summary>Parses <paramref name="text"/>; throws <see cref="FormatException"/> saying where and what was expected.</summary>
    public static RuleExpression Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new Parser(text);
        var root = parser.ParseAll();
        return new RuleExpression(text, root, parser.Items.Distinct(StringComparer.OrdinalIgnoreCase).ToList());
    }

    /// <summary>
    /// Parses a numeric expression (no comparison), e.g. <c>Q4_1_AREA * Q4_1_M2_PER_UNIT / 10000</c> or
    /// <c>floor(C1_DATE / 10000) - B7_START_YEAR</c>, for <see cref="Compute(RowValues, CellValue[])"/>.
    /// </summary>
    public static RuleExpression ParseValue(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new Parser(text);
        var root = parser.ParseValueAll();
        return new RuleExpression(text, root, parser.Items.Distinct(StringComparer.OrdinalIgnoreCase).ToList());
    }

    /// <summary>True, false, or null (unknown because an operand is blank). <paramref name="value"/> gives an item's value or null.</summary>
    public bool? Evaluate(Func<string, double?> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return _root.Truth(new Source(value, null, null));
    }

    /// <summary>The value of an expression parsed by <see cref="ParseValue"/>; null when an operand is blank or a divisor is 0.</summary>
    public double? Compute(Func<string, double?> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return _root.Number(new Source(value, null, null));
    }

    /// <summary>
    /// <see cref="Evaluate(Func{string, double?})"/> over a row's cells, each item read as <see cref="RowValues.Value(ReadOnlySpan{CellValue}, string)"/>
    /// does. Allocates nothing: an item's position is looked up once per <paramref name="values"/> and remembered (the
    /// per-row path of validation, cleaning and the case checks).
    /// </summary>
    public bool? Evaluate(RowValues values, CellValue[] cells)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(cells);
        return _root.Truth(new Source(null, values, cells));
    }

    /// <summary><see cref="Compute(Func{string, double?})"/> over a row's cells; see <see cref="Evaluate(RowValues, CellValue[])"/>.</summary>
    public double? Compute(RowValues values, CellValue[] cells)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(cells);
        return _root.Number(new Source(null, values, cells));
    }

    /// <summary>Where item values come from: a lookup by name, or a row's cells.</summary>
    private readonly struct Source(Func<string, double?>? byName, RowValues? values, CellValue[]? cells)
    {
        public double? Read(Item item) => byName is not null ? byName(item.Name) : item.Read(values!, cells!);
    }

    private abstract class Node
    {
        public virtual double? Number(in Source value) => throw new InvalidOperationException("not a number");

        public virtual bool? Truth(in Source value) => throw new InvalidOperationException("not a condition");
    }

    private sealed class Constant(double v) : Node
    {
        public override double? Number(in Source value) => v;
    }

    private sealed class Item(string name) : Node
    {
        // The position of the item in the last RowValues it was read from; replaced as one reference, so concurrent
        // readers with different RowValues never see a mixed pair.
        private Binding? _binding;

        public string Name => name;

        public override double? Number(in Source value) => value.Read(this);

        public double? Read(RowValues values, CellValue[] cells)
        {
            var binding = _binding;
            if (binding is null || !ReferenceEquals(binding.Values, values))
            {
                binding = new Binding(values, values.IndexOf(name));
                _binding = binding;
            }

            var slot = binding.Slot;
            return slot < 0 || slot >= cells.Length ? null : RowValues.Value(cells[slot], values.KindOf(slot));
        }

        private sealed record Binding(RowValues Values, int Slot);
    }

    private sealed class Arithmetic(Node left, char op, Node right) : Node
    {
        public override double? Number(in Source value) =>
            left.Number(value) is { } a && right.Number(value) is { } b
                ? op switch { '+' => a + b, '-' => a - b, '*' => a * b, _ => b == 0 ? null : a / b }
                : null;
    }

    private sealed class Function(string name, Node argument) : Node
    {
        public override double? Number(in Source value) =>
            argument.Number(value) is { } a ? name switch { "floor" => Math.Floor(a), "round" => Math.Round(a, MidpointRounding.AwayFromZero), _ => Math.Abs(a) } : null;
    }

    private sealed class Compare(Node left, string op, Node right) : Node
    {
        public override bool? Truth(in Source value)
        {
            if (left.Number(value) is not { } a || right.Number(value) is not { } b)
            {
                return null;
            }

            return op switch
            {
                "=" => Math.Abs(a - b) < 1e-9,
                "!=" => Math.Abs(a - b) >= 1e-9,
                "<" => a < b,
                "<=" => a <= b,
                ">" => a > b,
                _ => a >= b,
            };
        }
    }

    private sealed class In(Node left, double[] set, bool negated) : Node
    {
        public override bool? Truth(in Source value) =>
            left.Number(value) is { } a ? Contains(a) != negated : null;

        private bool Contains(double a)
        {
            foreach (var s in set)
            {
                if (Math.Abs(s - a) < 1e-9)
                {
                    return true;
                }
            }

            return false;
        }
    }

    private sealed class Blank(Node operand, bool negated) : Node
    {
        public override bool? Truth(in Source value) => (operand.Number(value) is null) != negated;
    }

    private sealed class Logic(Node left, bool isAnd, Node right) : Node
    {
        public override bool? Truth(in Source value)
        {
            var a = left.Truth(value);
            var b = right.Truth(value);
            return isAnd
                ? (a == false || b == false ? false : a is null || b is null ? null : true)
                : (a == true || b == true ? true : a is null || b is null ? null : false);
        }
    }

    private sealed class Not(Node operand) : Node
    {
        public override bool? Truth(in Source value) => !operand.Truth(value);
    }

    /// <summary>Recursive descent over a token list; keywords are case-insensitive.</summary>
    private sealed class Parser
    {
        private readonly string _text;
        private readonly List<(string Token, int Position)> _tokens;
        private int _next;

        public Parser(string text)
        {
            _text = text;
            _tokens = Tokenize(text);
        }

        public List<string> Items { get; } = [];

        public Node ParseAll()
        {
            var node = ParseOr();
            return _next == _tokens.Count ? node : throw Error("end of the condition");
        }

        public Node ParseValueAll()
        {
            var node = ParseSum();
            return _next == _tokens.Count ? node : throw Error("an operator (+, -, *, /) or the end of the expression");
        }

        private Node ParseOr()
        {
            var left = ParseAnd();
            while (Accept("or"))
            {
                left = new Logic(left, isAnd: false, ParseAnd());
            }

            return left;
        }

        private Node ParseAnd()
        {
            var left = ParseNot();
            while (Accept("and"))
            {
                left = new Logic(left, isAnd: true, ParseNot());
            }

            return left;
        }

        private Node ParseNot() => Accept("not") ? new Not(ParseNot()) : ParseComparison();

        private Node ParseComparison()
        {
            if (Peek() == "(" && LooksLikeCondition())
            {
                _next++;
                var inner = ParseOr();
                Expect(")");
                return inner;
            }

            var left = ParseSum();
            if (Accept("is"))
            {
                var negated = Accept("not");
                Expect("blank");
                return new Blank(left, negated);
            }

            var notIn = Accept("not");
            if (Accept("in"))
            {
                Expect("(");
                var set = new List<double> { ParseNumber() };
                while (Accept(","))
                {
                    set.Add(ParseNumber());
                }

                Expect(")");
                return new In(left, set.ToArray(), notIn);
            }

            if (notIn)
            {
                throw Error("'in' after 'not'");
            }

            var op = Peek();
            if (op is "=" or "!=" or "<" or "<=" or ">" or ">=")
            {
                _next++;
                return new Compare(left, op, ParseSum());
            }

            throw Error("a comparison (=, !=, <, <=, >, >=, in, is blank)");
        }

        private Node ParseSum()
        {
            var left = ParseTerm();
            while (Peek() is "+" or "-")
            {
                var op = _tokens[_next++].Token[0];
                left = new Arithmetic(left, op, ParseTerm());
            }

            return left;
        }

        private Node ParseTerm()
        {
            var left = ParseFactor();
            while (Peek() is "*" or "/")
            {
                var op = _tokens[_next++].Token[0];
                left = new Arithmetic(left, op, ParseFactor());
            }

            return left;
        }

        private Node ParseFactor()
        {
            var token = Peek() ?? throw Error("an item name or a number");
            if (token == "(")
            {
                _next++;
                var inner = ParseSum();
                Expect(")");
                return inner;
            }

            if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                _next++;
                return new Constant(number);
            }

            if (token.ToLowerInvariant() is "floor" or "round" or "abs" && _next + 1 < _tokens.Count && _tokens[_next + 1].Token == "(")
            {
                _next += 2;
                var argument = ParseSum();
                Expect(")");
                return new Function(token.ToLowerInvariant(), argument);
            }

            if (char.IsLetter(token[0]) || token[0] == '_')
            {
                _next++;
                Items.Add(token);
                return new Item(token);
            }

            throw Error("an item name or a number");
        }

        private double ParseNumber()
        {
            var negative = Accept("-");
            var token = Peek();
            if (token is null || !double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                throw Error("a number");
            }

            _next++;
            return negative ? -number : number;
        }

        /// <summary>A parenthesis opens a condition (not a sum) when a comparison word or operator appears before it closes.</summary>
        private bool LooksLikeCondition()
        {
            var depth = 0;
            for (var i = _next; i < _tokens.Count; i++)
            {
                var t = _tokens[i].Token.ToLowerInvariant();
                if (t == "(") { depth++; }
                else if (t == ")") { depth--; if (depth == 0) { return false; } }
                else if (depth == 1 && t is "=" or "!=" or "<" or "<=" or ">" or ">=" or "in" or "is" or "and" or "or" or "not") { return true; }
            }

            return false;
        }

        private string? Peek() => _next < _tokens.Count ? _tokens[_next].Token : null;

        private bool Accept(string token)
        {
            if (string.Equals(Peek(), token, StringComparison.OrdinalIgnoreCase))
            {
                _next++;
                return true;
            }

            return false;
        }

        private void Expect(string token)
        {
            if (!Accept(token))
            {
                throw Error($"'{token}'");
            }
        }

        private FormatException Error(string expected)
        {
            var position = _next < _tokens.Count ? _tokens[_next].Position : _text.Length;
            var found = _next < _tokens.Count ? $"'{_tokens[_next].Token}'" : "the end";
            return new FormatException($"in '{_text}' at character {position + 1}: expected {expected}, found {found}.");
        }

        private static List<(string, int)> Tokenize(string text)
        {
            var tokens = new List<(string, int)>();
            var i = 0;
            while (i < text.Length)
            {
                var c = text[i];
                if (char.IsWhiteSpace(c)) { i++; continue; }

                var start = i;
                if (char.IsLetterOrDigit(c) || c == '_' || c == '.')
                {
                    while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '.')) { i++; }
                }
                else if ((c is '!' or '<' or '>') && i + 1 < text.Length && text[i + 1] == '=')
                {
                    i += 2;
                }
                else if (c is '=' or '<' or '>' or '+' or '-' or '*' or '/' or '(' or ')' or ',')
                {
                    i++;
                }
                else
                {
                    throw new FormatException($"in '{text}' at character {i + 1}: '{c}' is not part of the rule language.");
                }

                tokens.Add((text[start..i], start));
            }

            return tokens;
        }
    }
}
