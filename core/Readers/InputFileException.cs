namespace Pipeline.Core.Readers;

/// <summary>
/// An upload that cannot be read as a whole. The message says which file, where (row, column) when known,
/// what was found, what was expected and what to do. Bad rows are not exceptions: they are <c>RowIssue</c>s.
/// </summary>
public sealed class InputFileException : Exception
{
    public InputFileException(string file, string problem, string whatToDo, long? row = null, string? column = null, Exception? inner = null)
        : base(Compose(file, problem, whatToDo, row, column), inner)
    {
        File = file;
        Row = row;
        Column = column;
        Problem = problem;
        WhatToDo = whatToDo;
    }

    public InputFileException()
    {
        File = Problem = WhatToDo = string.Empty;
    }

    public InputFileException(string message)
        : base(message)
    {
        File = Problem = WhatToDo = string.Empty;
    }

    public InputFileException(string message, Exception innerException)
        : base(message, innerException)
    {
        File = Problem = WhatToDo = string.Empty;
    }

    public string File { get; }

    /// <summary>1-based row of the file (the header is row 1), when the problem has one.</summary>
    public long? Row { get; }

    public string? Column { get; }

    public string Problem { get; }

    public string WhatToDo { get; }

    private static string Compose(string file, string problem, string whatToDo, long? row, string? column)
    {
        var where = file;
        if (row is not null)
        {
            where += $", row {row}";
        }

        if (column is not null)
        {
            where += $", column {column}";
        }

        return $"{where}: {problem} {whatToDo}";
    }
}
