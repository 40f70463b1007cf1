using Pipeline.Core.Packs;

namespace Pipeline.Core.Validation;

/// <summary>One problem found in one row. <see cref="Value"/> is masked for personal-data items.</summary>
public sealed record RowIssue(long Row, string CaseKey, string Record, string Item, string Value, string Rule, IssueSeverity Severity, string Message);
