namespace Pipeline.Core.Dictionary;

/// <summary>A dictionary file that cannot be read. The message names the file, the line and what was expected.</summary>
public sealed class DictionaryFormatException : Exception
{
    public DictionaryFormatException(string file, int line, string problem)
        : base($"{file}, line {line}: {problem}")
    {
        File = file;
        Line = line;
    }

    public DictionaryFormatException()
    {
        File = string.Empty;
    }

    public DictionaryFormatException(string message)
        : base(message)
    {
        File = string.Empty;
    }

    public DictionaryFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        File = string.Empty;
    }

    public string File { get; }

    public int Line { get; }
}
