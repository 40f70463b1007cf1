namespace Pipeline.Core.Conditions;

/// <summary>A condition or value expression that does not parse: where (a character position) and what was expected.</summary>
public sealed class ConditionSyntaxException : FormatException
{
    public ConditionSyntaxException()
        : this(string.Empty, 0, "the expression does not parse")
    {
    }

    public ConditionSyntaxException(string message)
        : this(string.Empty, 0, message)
    {
    }

    public ConditionSyntaxException(string message, Exception innerException)
        : base(message, innerException)
    {
        Expression = string.Empty;
        Problem = message;
    }

    public ConditionSyntaxException(string expression, int position, string problem)
        : base($"in '{expression}' at character {position + 1}: {problem}.")
    {
        Expression = expression;
        Position = position;
        Problem = problem;
    }

    /// <summary>The text that was parsed.</summary>
    public string Expression { get; }

    /// <summary>0-based position in <see cref="Expression"/> of the token the parser stopped at.</summary>
    public int Position { get; }

    /// <summary>What was expected and found, without the expression (for callers that quote it their own way).</summary>
    public string Problem { get; }
}
