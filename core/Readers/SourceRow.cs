namespace Pipeline.Core.Readers;

/// <summary>
/// One record occurrence as read from an upload, before validation: raw text per layout column (null when the file had
/// no such column or the row was short). <see cref="Row"/> is the 1-based row of the file, the header being row 1.
/// </summary>
public sealed record SourceRow(RecordLayout Layout, long Row, string?[] Fields, string? StructuralProblem);
