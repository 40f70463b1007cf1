namespace Pipeline.Tests.Hostile;

/// <summary>The classes of issue #18 a hostile input belongs to.</summary>
public enum HostileClass
{
    /// <summary>Valid exports, unchanged: the baseline the other cases are compared with.</summary>
    Control,
    Crash,
    ResourceBomb,
    SilentChange,
    UnclearMessage,
    PersonalData,
    /// <summary>Seeded random damage (truncation, flipped bytes, inserted junk) of each format.</summary>
    Corruption,
}

/// <summary>What the pipeline must do with an input.</summary>
public enum Verdict
{
    Rejected,
    Accepted,

    /// <summary>Either is right (the input is odd but may be read); whichever it is, it must be done cleanly.</summary>
    Either,
}

/// <summary>
/// The expectation of one input. <paramref name="RowsFlagged"/>: when accepted, some rows must be rejected (the
/// hostile part must not pass unseen). <paramref name="MaxRejectedRows"/>: when accepted, at most this many.
/// <paramref name="MessageMustNotContain"/>/<paramref name="MessageMustContainAny"/>: words of the rejection message.
/// </summary>
public sealed record Expectation(
    Verdict Verdict,
    bool RowsFlagged = false,
    long? MaxRejectedRows = null,
    IReadOnlyList<string>? MessageMustNotContain = null,
    IReadOnlyList<string>? MessageMustContainAny = null);

/// <summary>One generated hostile input: its file name (the case name and the extension), class, bytes and expectation.</summary>
public sealed record HostileCase(string Name, HostileClass Class, string Extension, Func<CorpusSeeds, byte[]> Build, Expectation Expect, string Why)
{
    public string FileName => Name + Extension;
}
