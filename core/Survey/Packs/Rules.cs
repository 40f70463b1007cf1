namespace Pipeline.Core.Packs;

/// <summary>The rule ids the validator reports. Stable: reports and tests refer to them.</summary>
public static class Rules
{
    public const string NotANumber = "dict.numeric";
    public const string OutOfValueSet = "dict.value-set";
    public const string TooLong = "dict.length";
    public const string InvalidDate = "dict.date";
    public const string MissingId = "struct.id-missing";
    public const string DuplicateCase = "struct.duplicate-case";
    public const string FieldCount = "struct.field-count";
    public const string OrphanRecord = "struct.orphan-record";
    public const string MissingRecord = "struct.missing-record";
}
