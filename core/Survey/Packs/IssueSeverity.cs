namespace Pipeline.Core.Packs;

/// <summary>How bad a broken rule is.</summary>
public enum IssueSeverity
{
    /// <summary>The case is kept and flagged.</summary>
    Warning,

    /// <summary>The case is rejected to quarantine.</summary>
    Error,
}
