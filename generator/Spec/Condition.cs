using System.Globalization;
using System.Text;
using Pipeline.Generator.Cases;

namespace Pipeline.Generator.Spec;

/// <summary>
/// A condition of <c>generator.yaml</c>: clauses joined by <c>and</c>. A clause is <c>NAME op value</c> with op one of
/// <c>= != &lt; &lt;= &gt; &gt;=</c>, or <c>NAME in (v1, v2, ...)</c>. A value is a number, a quoted text or <c>blank</c>.
/// A blank item equals only <c>blank</c>: <c>Q12_MEMBER != 1</c> holds when Q12 is blank, <c>Q8_COF_CROPS &gt; 0</c>
/// does not.
/// </summary>
internal sealed class Condition
{
    private readonly Clause[] _clauses;

    private Condition(string text, Clause[] clauses)
    {
        Text = text;
        _clauses = clauses;
    }

    public string Text { get; }

    public IEnumerable<NameRef> Names => _clauses.Select(c => c.Name);

    public bool Holds(IValueScope scope)
    {
        foreach (var clause in _clauses)
        {
            if (!clause.Holds(scope.Value(clause.Name)))
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() => Text;

    /// <summary>Parses <paramref name="text"/>; <paramref name="resolve"/> turns a name into a reference or explains why it cannot.</summary>
    public static Condition Parse(string text, SpecLocation where, Func<string, NameRef> resolve)
    {
        var tokens = Tokenise(text, where);
        var clauses = new List<Clause>();
        var i = 0;
        while (true)
        {
            clauses.Add(ParseClause(tokens, ref i, text, where, resolve));
            if (i >= tokens.Count)
            {
                break;
            }

            if (!tokens[i].Equals("and", StringComparison.OrdinalIgnoreCase))
            {
                throw Error(where, text, $"expected 'and' before '{tokens[i]}'");
            }

            i++;
        }

        return new Condition(text, [.. clauses]);
    }

    private static Clause ParseClause(List<string> tokens, ref int i, string text, SpecLocation where, Func<string, NameRef> resolve)
    {
        if (i + 2 > tokens.Count)
        {
            throw Error(where, text, "a clause is NAME op value (op one of = != < <= > >=) or NAME in (v1, v2)");
        }

        var name = resolve(tokens[i++]);
        var op = tokens[i++];
        if (op.Equals("in", StringComparison.OrdinalIgnoreCase))
        {
            if (i >= tokens.Count || tokens[i] != "(")
            {
                throw Error(where, text, "'in' is followed by a list in parentheses: NAME in (1, 2)");
            }

            i++;
            var values = new List<GeneratedValue>();
            while (i < tokens.Count && tokens[i] != ")")
            {
                values.Add(ParseValue(tokens[i++], where, text));
                if (i < tokens.Count && tokens[i] == ",")
                {
                    i++;
                }
            }

            if (i >= tokens.Count || values.Count == 0)
            {
                throw Error(where, text, "the list after 'in' is empty or its ')' is missing");
            }

            i++;
            return new Clause(name, Op.In, [.. values]);
        }

        var parsed = op switch
        {
            "=" or "==" => Op.Equal,
            "!=" or "<>" => Op.NotEqual,
            "<" => Op.Less,
            "<=" => Op.LessOrEqual,
            ">" => Op.Greater,
            ">=" => Op.GreaterOrEqual,
            _ => throw Error(where, text, $"'{op}' is not an operator; use = != < <= > >= or in"),
        };
        if (i >= tokens.Count)
        {
            throw Error(where, text, $"a value is missing after '{op}'");
        }

        var value = ParseValue(tokens[i++], where, text);
        if (value.IsBlank && parsed is not (Op.Equal or Op.NotEqual))
        {
            throw Error(where, text, "'blank' can only be compared with = or !=");
        }

        return new Clause(name, parsed, [value]);
    }

    private static GeneratedValue ParseValue(string token, SpecLocation where, string text)
    {
        if (token.Equals("blank", StringComparison.OrdinalIgnoreCase))
        {
            return GeneratedValue.Blank;
        }

        if (token.Length >= 2 && token[0] is '"' or '\'')
        {
            return GeneratedValue.OfText(token[1..^1]);
        }

        return decimal.TryParse(token, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)
            ? GeneratedValue.Of(number)
            : throw Error(where, text, $"'{token}' is not a value: write a number, a quoted text or blank");
    }

    private static List<string> Tokenise(string text, SpecLocation where)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c is '(' or ')' or ',')
            {
                tokens.Add(c.ToString());
                i++;
            }
            else if (c is '=' or '!' or '<' or '>')
            {
                var two = i + 1 < text.Length ? text.Substring(i, 2) : string.Empty;
                var op = two is "!=" or "<=" or ">=" or "<>" or "==" ? two : c.ToString();
                if (op == "!")
                {
                    throw Error(where, text, "'!' alone is not an operator; write !=");
                }

                tokens.Add(op);
                i += op.Length;
            }
            else if (c is '"' or '\'')
            {
                var end = text.IndexOf(c, i + 1);
                if (end < 0)
                {
                    throw Error(where, text, "a quoted text is not closed");
                }

                tokens.Add(text[i..(end + 1)]);
                i = end + 1;
            }
            else
            {
                var word = new StringBuilder();
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '.' or '-' or '+'))
                {
                    word.Append(text[i++]);
                }

                if (word.Length == 0)
                {
                    throw Error(where, text, $"unexpected character '{c}'");
                }

                tokens.Add(word.ToString());
            }
        }

        return tokens.Count > 0 ? tokens : throw Error(where, text, "the condition is empty");
    }

    private static GeneratorSpecException Error(SpecLocation where, string text, string problem) =>
        new(where, $"condition \"{text}\": {problem}.");

    private enum Op
    {
        Equal,
        NotEqual,
        Less,
        LessOrEqual,
        Greater,
        GreaterOrEqual,
        In,
    }

    private sealed record Clause(NameRef Name, Op Op, GeneratedValue[] Values)
    {
        public bool Holds(GeneratedValue value) => Op switch
        {
            Op.Equal => Same(value, Values[0]),
            Op.NotEqual => !Same(value, Values[0]),
            Op.In => Values.Any(v => Same(value, v)),
            _ => value.IsNumber && Values[0].IsNumber && Compare(value.Number, Values[0].Number),
        };

        private bool Compare(decimal left, decimal right) => Op switch
        {
            Op.Less => left < right,
            Op.LessOrEqual => left <= right,
            Op.Greater => left > right,
            _ => left >= right,
        };

        private static bool Same(GeneratedValue a, GeneratedValue b) =>
            a.IsBlank ? b.IsBlank
            : a.IsNumber ? b.IsNumber && a.Number == b.Number
            : !b.IsBlank && string.Equals(a.Text, b.Text ?? b.Number.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }
}
