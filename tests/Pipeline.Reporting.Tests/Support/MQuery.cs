using System.Text;

namespace Pipeline.Reporting.Tests.Support;

/// <summary>A token of Power Query M: enough of the language to check a query file's structure.</summary>
public sealed record MToken(MTokenKind Kind, string Text, int Line);

public enum MTokenKind
{
    Identifier,
    String,
    Number,
    Symbol,
}

/// <summary>
/// A small reader of Power Query M query files: tokens (comments skipped; "" in strings; #"quoted identifiers"),
/// structural checks (brackets balanced, every let has its in, every if its then and else) and the column list of
/// each <c>Table.TransformColumnTypes(table, {{"name", type}, ...})</c>. Not an M evaluator: the queries cannot run here.
/// </summary>
public sealed class MQuery
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "and", "as", "each", "else", "error", "false", "if", "in", "is", "let", "meta", "not", "null", "or", "otherwise",
        "section", "shared", "then", "true", "try", "type", "optional", "nullable",
        "any", "anynonnull", "binary", "date", "datetime", "datetimezone", "duration", "function", "list", "logical", "none", "number", "record", "table", "text", "time",
    };

    private MQuery(string file, IReadOnlyList<MToken> tokens)
    {
        File = file;
        Tokens = tokens;
    }

    public string File { get; }

    public IReadOnlyList<MToken> Tokens { get; }

    public static MQuery Read(string file) => new(file, Tokenize(System.IO.File.ReadAllText(file), file));

    public static MQuery Parse(string text, string name = "<text>") => new(name, Tokenize(text, name));

    /// <summary>Structural problems, each naming the file and line; empty when the file reads as well-formed M.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        var open = new Stack<MToken>();
        var pairs = new Dictionary<string, string> { [")"] = "(", ["}"] = "{", ["]"] = "[" };
        foreach (var t in Tokens.Where(t => t.Kind == MTokenKind.Symbol))
        {
            if (t.Text is "(" or "{" or "[")
            {
                open.Push(t);
            }
            else if (pairs.TryGetValue(t.Text, out var opener))
            {
                if (open.Count == 0 || open.Peek().Text != opener)
                {
                    problems.Add($"{File}, line {t.Line}: '{t.Text}' closes nothing open" + (open.Count > 0 ? $" (open: '{open.Peek().Text}' from line {open.Peek().Line})" : string.Empty));
                    return problems;
                }

                open.Pop();
            }
        }

        problems.AddRange(open.Select(t => $"{File}, line {t.Line}: '{t.Text}' is never closed"));
        Expect(problems, "let", "in");
        Expect(problems, "if", "then");
        Expect(problems, "if", "else");
        if (Tokens.Count == 0)
        {
            problems.Add($"{File}: no expression");
        }

        return problems;
    }

    /// <summary>Every <c>Table.TransformColumnTypes</c> call's column list, in file order: (name, M type as written).</summary>
    public IReadOnlyList<IReadOnlyList<(string Name, string Type)>> TypedColumnLists()
    {
        var lists = new List<IReadOnlyList<(string, string)>>();
        for (var i = 0; i + 1 < Tokens.Count; i++)
        {
            if (Tokens[i].Text == "Table.TransformColumnTypes" && Tokens[i + 1].Text == "(")
            {
                var at = SkipArgument(i + 2);
                if (Tokens[at].Text != ",")
                {
                    throw new FormatException($"{File}, line {Tokens[i].Line}: Table.TransformColumnTypes without a column list.");
                }

                lists.Add(ReadPairs(at + 1));
            }
        }

        return lists;
    }

    /// <summary>
    /// Names the file uses that it does not define: identifiers outside record brackets that are neither keywords,
    /// library functions (dotted names), let variables, nor function parameters. They must be other queries of the kit.
    /// </summary>
    public IReadOnlySet<string> ExternalNames()
    {
        var defined = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Tokens.Count; i++)
        {
            var t = Tokens[i];
            if (t.Kind != MTokenKind.Identifier || i + 1 >= Tokens.Count)
            {
                continue;
            }

            var next = Tokens[i + 1].Text;
            var previous = i > 0 ? Tokens[i - 1].Text : string.Empty;
            if (next == "=" || ((previous is "(" or ",") && next is "as" or ")" or ","))
            {
                defined.Add(t.Text);
            }
        }

        var used = new HashSet<string>(StringComparer.Ordinal);
        var depth = 0;
        foreach (var t in Tokens)
        {
            if (t.Text == "[")
            {
                depth++;
            }
            else if (t.Text == "]")
            {
                depth--;
            }
            else if (depth == 0 && t.Kind == MTokenKind.Identifier && !t.Text.Contains('.', StringComparison.Ordinal) && !Keywords.Contains(t.Text) && !t.Text.StartsWith('#'))
            {
                used.Add(t.Text);
            }
        }

        used.ExceptWith(defined);
        return used;
    }

    private void Expect(List<string> problems, string first, string second)
    {
        var a = Tokens.Count(t => t.Kind == MTokenKind.Identifier && t.Text == first);
        var b = Tokens.Count(t => t.Kind == MTokenKind.Identifier && t.Text == second);
        if (a != b)
        {
            problems.Add($"{File}: {a} '{first}' but {b} '{second}'");
        }
    }

    /// <summary>Index of the ',' or ')' that ends the argument starting at <paramref name="start"/>.</summary>
    private int SkipArgument(int start)
    {
        var depth = 0;
        for (var i = start; i < Tokens.Count; i++)
        {
            var s = Tokens[i].Text;
            if (Tokens[i].Kind != MTokenKind.Symbol)
            {
                continue;
            }

            if (s is "(" or "{" or "[")
            {
                depth++;
            }
            else if (s is ")" or "}" or "]")
            {
                if (depth == 0)
                {
                    return i;
                }

                depth--;
            }
            else if (s == "," && depth == 0)
            {
                return i;
            }
        }

        throw new FormatException($"{File}: unterminated argument list.");
    }

    private List<(string, string)> ReadPairs(int at)
    {
        var pairs = new List<(string, string)>();
        Require(at, "{");
        at++;
        while (Tokens[at].Text != "}")
        {
            Require(at, "{");
            var name = Tokens[at + 1];
            if (name.Kind != MTokenKind.String)
            {
                throw new FormatException($"{File}, line {name.Line}: expected a quoted column name, found '{name.Text}'.");
            }

            Require(at + 2, ",");
            var end = SkipArgument(at + 3);
            Require(end, "}");
            pairs.Add((name.Text, string.Join(' ', Tokens.Skip(at + 3).Take(end - at - 3).Select(t => t.Text))));
            at = end + 1;
            if (Tokens[at].Text == ",")
            {
                at++;
            }
        }

        return pairs;
    }

    private void Require(int at, string symbol)
    {
        if (at >= Tokens.Count || Tokens[at].Text != symbol || Tokens[at].Kind != MTokenKind.Symbol)
        {
            var found = at < Tokens.Count ? $"'{Tokens[at].Text}' on line {Tokens[at].Line}" : "the end of the file";
            throw new FormatException($"{File}: expected '{symbol}', found {found}.");
        }
    }

    private static List<MToken> Tokenize(string text, string file)
    {
        var tokens = new List<MToken>();
        var line = 1;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\n')
            {
                line++;
                i++;
            }
            else if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '/' && At(text, i + 1) == '/')
            {
                while (i < text.Length && text[i] != '\n')
                {
                    i++;
                }
            }
            else if (c == '/' && At(text, i + 1) == '*')
            {
                var end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    throw new FormatException($"{file}, line {line}: comment never closed.");
                }

                line += text.AsSpan(i, end - i).Count('\n');
                i = end + 2;
            }
            else if (c == '"' || (c == '#' && At(text, i + 1) == '"'))
            {
                var startLine = line;
                var quoted = c == '#';
                i += quoted ? 2 : 1;
                var value = new StringBuilder();
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw new FormatException($"{file}, line {startLine}: string never closed.");
                    }

                    if (text[i] == '"' && At(text, i + 1) == '"')
                    {
                        value.Append('"');
                        i += 2;
                    }
                    else if (text[i] == '"')
                    {
                        i++;
                        break;
                    }
                    else
                    {
                        line += text[i] == '\n' ? 1 : 0;
                        value.Append(text[i++]);
                    }
                }

                tokens.Add(new MToken(quoted ? MTokenKind.Identifier : MTokenKind.String, quoted ? "#\"" + value + "\"" : value.ToString(), startLine));
            }
            else if (char.IsLetter(c) || c == '_' || c == '#')
            {
                var start = i++;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '.'))
                {
                    i++;
                }

                tokens.Add(new MToken(MTokenKind.Identifier, text[start..i], line));
            }
            else if (char.IsDigit(c))
            {
                var start = i++;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '.'))
                {
                    i++;
                }

                tokens.Add(new MToken(MTokenKind.Number, text[start..i], line));
            }
            else
            {
                var two = i + 1 < text.Length ? text.Substring(i, 2) : string.Empty;
                var symbol = two is "=>" or "<>" or "<=" or ">=" or ".." or "??" ? two : c.ToString();
                tokens.Add(new MToken(MTokenKind.Symbol, symbol, line));
                i += symbol.Length;
            }
        }

        return tokens;
    }

    private static char At(string text, int i) => i < text.Length ? text[i] : '\0';
}
