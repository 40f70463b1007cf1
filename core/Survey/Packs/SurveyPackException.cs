namespace Pipeline.Core.Packs;

/// <summary>A survey pack that cannot be loaded; the message names the file and what to fix.</summary>
public sealed class SurveyPackException : Exception
{
    public SurveyPackException()
    {
    }

    public SurveyPackException(string message)
        : base(message)
    {
    }

    public SurveyPackException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
