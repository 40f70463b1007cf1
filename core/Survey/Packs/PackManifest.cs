namespace Pipeline.Core.Packs;

/// <summary>The <c>pack.yaml</c> of a survey pack, as an analyst writes it. Paths are relative to the pack folder.</summary>
public sealed class PackManifest
{
    /// <summary>Short id, also the first folder of an upload's path (<c>incoming/&lt;id&gt;/...</c>).</summary>
    public string Id { get; init; } = string.Empty;

    public string Title { get; init; } = string.Empty;

    /// <summary>
    /// The language of the pack's outputs for people (reports, exports, the fact table's labels): a language code of the
    /// dictionary's <c>[Languages]</c> (e.g. <c>es</c>, case-insensitive). Null: the dictionary's first language. The
    /// other languages stay available (a switch in the HTML reports, a label column per language in the lake).
    /// </summary>
    public string? Language { get; init; }

    /// <summary>The survey's title in the dictionary's other languages, by language code (<c>titleIn: {es: ...}</c>).</summary>
    public IReadOnlyDictionary<string, string> TitleIn { get; init; } = System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty;

    /// <summary>The CSPro dictionary (.dcf) the exports are checked against.</summary>
    public string Dictionary { get; init; } = string.Empty;

    public DesignManifest Design { get; init; } = new();

    public PersonalDataManifest PersonalData { get; init; } = new();

    /// <summary>The indicator catalogue (YAML).</summary>
    public string Indicators { get; init; } = string.Empty;

    /// <summary>The rule catalogue (YAML): skip patterns and consistency checks. Optional.</summary>
    public string? Rules { get; init; }

    /// <summary>The cleaning steps file (e.g. cleaning.yaml); optional: without it, only the dictionary's special values apply (text is curated as read, right-trimmed).</summary>
    public string? Cleaning { get; init; }

    /// <summary>What the per-upload quality report tabulates (enumerator item, interview times, don't-know codes).</summary>
    public QualityManifest Quality { get; init; } = new();

    /// <summary>
    /// Items that hold dates, with their CSPro date format (<c>C1_DATE: YYYYMMDD</c>): they become DATE columns in the
    /// curated lake, and a value that is no calendar date is an issue. Needed for items the dictionary does not capture
    /// as dates (no <c>CaptureType=Date</c>); an entry here wins over the dictionary's format, and <c>none</c> keeps a
    /// date-captured item a number. Default: none, so only the dictionary's date items are dates.
    /// </summary>
    public IReadOnlyDictionary<string, string> Dates { get; init; } = System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty;

    /// <summary>The value of a <see cref="Dates"/> entry that keeps an item the dictionary captures as a date a number.</summary>
    public const string NotADate = "none";
}

public sealed class DesignManifest
{
    /// <summary>CSV with one row per stratum: <c>stratum_id</c>, one column per stratum item, <c>label</c>, <c>universe</c>, <c>planned_sample</c>.</summary>
    public string Strata { get; init; } = string.Empty;

    /// <summary>Dictionary items whose codes together identify a case's stratum.</summary>
    public IReadOnlyList<string> StratumItems { get; init; } = [];

    /// <summary>Cells with fewer respondents than this are flagged <c>small-cell</c>. Default 30.</summary>
    public int SmallCellThreshold { get; init; } = 30;

    /// <summary>
    /// What a findings run does when the data contradict the design: a stratum with more sampled cases than its universe
    /// (n_h &gt; N_h), a sampled stratum whose universe is missing or zero, or cases whose stratum codes match no row of
    /// strata.csv. <see cref="InvalidDesignFail"/> (default): the run fails naming the stratum and both numbers, as R's
    /// survey package refuses "FPC implies &gt;100% sampling". <see cref="InvalidDesignWithoutFpc"/>: the run goes on,
    /// such a stratum is estimated without the finite population correction (a stratum without universe and cases
    /// outside the design are left out), and the coverage note says so.
    /// </summary>
    public string InvalidDesign { get; init; } = InvalidDesignFail;

    public const string InvalidDesignFail = "fail";

    public const string InvalidDesignWithoutFpc = "estimate-without-fpc";
}

public sealed class PersonalDataManifest
{
    /// <summary>Items removed before anything reaches the curated lake (names, coordinates).</summary>
    public IReadOnlyList<string> Drop { get; init; } = [];

    /// <summary>Items replaced by a keyed pseudonym (HMAC-SHA256) so that, e.g., a surveyor keeps a stable id.</summary>
    public IReadOnlyList<string> Pseudonymise { get; init; } = [];
}
