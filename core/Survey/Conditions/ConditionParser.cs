using System.Globalization;

namespace Pipeline.Core.Conditions;

/// <summary>Recursive descent over a token list; keywords are case-insensitive.</summary>
internal sealed class ConditionParser
{
    private readonly string _text;
    private readonly List<(string Token, int Position)> _tokens;
    private readonly List<string> _items = [];
    private int _next;

    private ConditionParser(string text)
    {
        _text = text;
        _tokens = Tokenize(text);
    }

    public static ConditionExpression Parse(string text, bool condition)
    {
        ArgumentNullException.ThrowIfNull(text);
        ConditionParses.Parsed();
        var parser = new ConditionParser(text);
        var root = condition ? parser.ParseConditionAll() : parser.ParseValueAll();
        return new ConditionExpression(text, root, parser._items, condition);
    }

    private ConditionNode ParseConditionAll()
    {
        var node = ParseOr();
        return _next == _tokens.Count ? node : throw Error("end of the condition");
    }

    private ConditionNode ParseValueAll()
    {
        var node = ParseSum();
        return _next == _tokens.Count ? node : throw Error("an operator (+, -, *, /) or the end of the expression");
    }

    private ConditionNode ParseOr()
    {
        var left = ParseAnd();
        while (Accept("or"))
        {
            left = new LogicNode(left, isAnd: false, ParseAnd());
        }

        return left;
    }

    private ConditionNode ParseAnd()
    {
        var left = ParseNot();
        while (Accept("and"))
        {
            left = new LogicNode(left, isAnd: true, ParseNot());
        }

        return left;
    }

    private ConditionNode ParseNot() => Accept("not") ? new NotNode(ParseNot()) : ParseComparison();

    private ConditionNode ParseComparison()
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
            return new BlankNode(left, negated);
        }

        var notIn = Accept("not");
        if (Accept("in"))
        {
            Expect("(");
            var set = new List<ConditionValue> { ParseListValue() };
            while (Accept(","))
            {
                set.Add(ParseListValue());
            }

            Expect(")");
            return new InNode(left, [.. set], notIn);
        }

        if (notIn)
        {
            throw Error("'in' after 'not'");
        }

        var op = Peek();
        if (op is "=" or "!=" or "<" or "<=" or ">" or ">=")
        {
            _next++;
            RejectBlankOperand(op);
            return new CompareNode(left, op, ParseSum());
        }

        throw Error("a comparison (=, !=, <, <=, >, >=, in, is blank)");
    }

    /// <summary>
    /// <c>X = blank</c> would always be unknown, so it is refused with what to write instead (older generator files
    /// compared with <c>blank</c>).
    /// </summary>
    private void RejectBlankOperand(string op)
    {
        var after = _next + 1 < _tokens.Count ? _tokens[_next + 1].Token.ToLowerInvariant() : null;
        if (string.Equals(Peek(), "blank", StringComparison.OrdinalIgnoreCase) && after is null or ")" or "and" or "or")
        {
            throw Error($"a value; to test for a blank write 'is {(op == "!=" ? "not " : string.Empty)}blank'");
        }
    }

    private ConditionNode ParseSum()
    {
        var left = ParseTerm();
        while (Peek() is "+" or "-")
        {
            var op = _tokens[_next++].Token[0];
            left = new ArithmeticNode(left, op, ParseTerm());
        }

        return left;
    }

    private ConditionNode ParseTerm()
    {
        var left = ParseFactor();
        while (Peek() is "*" or "/")
        {
            var op = _tokens[_next++].Token[0];
            left = new ArithmeticNode(left, op, ParseFactor());
        }

        return left;
    }

    private ConditionNode ParseFactor()
    {
        var token = Peek() ?? throw Error("an item name or a number");
        if (token == "(")
        {
            _next++;
            var inner = ParseSum();
            Expect(")");
            return inner;
        }

        if (token == "-")
        {
            _next++;
            return new NegateNode(ParseFactor());
        }

        if (IsQuoted(token))
        {
            _next++;
            return new TextNode(token[1..^1]);
        }

        if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            _next++;
            return new NumberNode(number);
        }

        if (token.ToLowerInvariant() is "floor" or "round" or "abs" && _next + 1 < _tokens.Count && _tokens[_next + 1].Token == "(")
        {
            _next += 2;
            var argument = ParseSum();
            Expect(")");
            return new FunctionNode(token.ToLowerInvariant(), argument);
        }

        if (char.IsLetter(token[0]) || token[0] == '_')
        {
            _next++;
            return new ItemNode(ItemIndex(token));
        }

        throw Error("an item name or a number");
    }

    private int ItemIndex(string name)
    {
        var index = _items.FindIndex(i => string.Equals(i, name, StringComparison.OrdinalIgnoreCase));
        if (index < 0)
        {
            _items.Add(name);
            index = _items.Count - 1;
        }

        return index;
    }

    /// <summary>A number (optionally negative) or a quoted text of an <c>in (…)</c> list.</summary>
    private ConditionValue ParseListValue()
    {
        var negative = Accept("-");
        var token = Peek();
        if (!negative && token is not null && IsQuoted(token))
        {
            _next++;
            return ConditionValue.OfText(token[1..^1]);
        }

        if (token is null || !double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            throw Error(string.Equals(token, "blank", StringComparison.OrdinalIgnoreCase) ? "a number (to also accept a blank, add 'or ITEM is blank')" : "a number");
        }

        _next++;
        return ConditionValue.Of(negative ? -number : number);
    }

    private static bool IsQuoted(string token) => token.Length >= 2 && token[0] is '\'' or '"';

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

    private ConditionSyntaxException Error(string expected)
    {
        var position = _next < _tokens.Count ? _tokens[_next].Position : _text.Length;
        var found = _next < _tokens.Count ? $"'{_tokens[_next].Token}'" : "the end";
        return new ConditionSyntaxException(_text, position, $"expected {expected}, found {found}");
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
            else if (c is '\'' or '"')
            {
                var end = text.IndexOf(c, i + 1);
                if (end < 0)
                {
                    throw new ConditionSyntaxException(text, i, "a quoted text is not closed");
                }

                i = end + 1;
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
                throw new ConditionSyntaxException(text, i, $"'{c}' is not part of the rule language");
            }

            tokens.Add((text[start..i], start));
        }

        return tokens;
    }
}
