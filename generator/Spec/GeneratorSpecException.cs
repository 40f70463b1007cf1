namespace Pipeline.Generator.Spec;

/// <summary>
/// <c>generator.yaml</c> cannot be used: the message names the file, the line and column, and what to change (an item
/// that is not in the dictionary, a code outside its value set, a condition that does not parse, ...).
/// </summary>
public sealed class GeneratorSpecException : Exception
{
    public GeneratorSpecException()
    {
    }

    public GeneratorSpecException(string message)
        : base(message)
    {
    }

    public GeneratorSpecException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal GeneratorSpecException(SpecLocation where, string message, Exception? innerException = null)
        : base($"{where}: {message}", innerException)
    {
        File = where.File;
        Line = where.Line;
        Column = where.Column;
    }

    /// <summary>The spec file, when the problem is in it.</summary>
    public string? File { get; }

    /// <summary>1-based line of the problem in <see cref="File"/>, or 0.</summary>
    public long Line { get; }

    /// <summary>1-based column of the problem in <see cref="File"/>, or 0.</summary>
    public long Column { get; }
}

/// <summary>A place in the spec file, for messages.</summary>
internal readonly record struct SpecLocation(string File, long Line, long Column)
{
    public override string ToString() => Line > 0 ? $"{File}, line {Line}, column {Column}" : File;
}
