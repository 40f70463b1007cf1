namespace Pipeline.Generator.Faults;

/// <summary>The faults the generator can inject. Names on the command line and in faults.csv are the kebab-case ones.</summary>
public enum FaultKind
{
    /// <summary><c>bad-code</c>: a code outside an item's value set (Q12 = 3).</summary>
    BadCode,

    /// <summary><c>out-of-range</c>: a number outside an item's range (age 112, a year 2031).</summary>
    OutOfRange,

    /// <summary><c>non-numeric</c>: a letter typed for a digit in a numeric item (40 as 4O).</summary>
    NonNumeric,

    /// <summary><c>skip</c>: an answer where the questionnaire skips the question.</summary>
    Skip,

    /// <summary><c>sum</c>: counts that do not add up (men + women ≠ household size).</summary>
    Sum,

    /// <summary><c>extreme</c>: a yield or income × 100 (faults.extreme in generator.yaml).</summary>
    Extreme,

    /// <summary><c>other-specify</c>: "other" chosen, with a text that repeats an answer the question lists.</summary>
    OtherSpecify,

    /// <summary><c>duplicate-id</c>: a case with the IDs of an earlier case.</summary>
    DuplicateId,

    /// <summary><c>orphan</c>: roster records whose case has no main record.</summary>
    Orphan,

    /// <summary><c>latin1</c>: a whole text file encoded as Windows-1252 instead of UTF-8.</summary>
    Latin1,

    /// <summary><c>truncated</c>: a text file cut in the middle of its last line.</summary>
    Truncated,
}
