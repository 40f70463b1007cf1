using System.ComponentModel.DataAnnotations;

namespace Pipeline.Generator;

/// <summary>What <see cref="ExportGenerator"/> writes. Validate with <c>ValidateDataAnnotations().ValidateOnStart()</c> when bound from configuration; <see cref="ExportGenerator.GenerateAsync"/> validates too.</summary>
public sealed class GeneratorOptions
{
    /// <summary>
    /// Number of cases. Default 565, the planned sample of Annex C, which allocates exactly the planned n_h per stratum.
    /// Any other number is allocated in proportion (each stratum within one case of its share). At most the spec's
    /// <c>MaxCases</c> (49,505,049 for the Peru pack), beyond which case keys would repeat.
    /// </summary>
    [Range(1L, long.MaxValue)]
    public long Cases { get; set; } = 565;

    /// <summary>
    /// Seed of the run. Case k is drawn from a generator seeded with the seed and k, so the same seed gives the same
    /// bytes, and case k is the same whatever <see cref="Cases"/> is. Default 20221119 (a fieldwork day): among the seeds
    /// 20221107–20221306, one whose 565-case sample lands within 3 points of every calibration target of the pack
    /// (docs/generator.md); another seed differs from the targets by sampling error, up to about 6 points.
    /// </summary>
    public int Seed { get; set; } = 20221119;

    /// <summary>
    /// Formats to write. Default all: <c>&lt;dictionary&gt;.dat</c>, one <c>&lt;RECORD&gt;.csv</c> per record,
    /// <c>&lt;dictionary&gt;.csdb</c> and <c>&lt;dictionary&gt;.xlsx</c>. Each case is drawn once and handed to every
    /// format. The .csdb is the slowest (SQLite inserts); leave it out of very large runs. With .xlsx, a run whose
    /// records need more rows than an Excel sheet holds (<see cref="XlsxLimits.MaxDataRows"/>) is refused before
    /// anything is written; leave it out of runs of several hundred thousand cases.
    /// </summary>
    public ExportFormats Formats { get; set; } = ExportFormats.All;

    /// <summary>
    /// Faults to inject: <c>kind=rate,...</c> (rate per case, 0–1), a bare kind for 1%, <c>all</c>, or empty for none.
    /// Default empty: every case is clean. Kinds: bad-code, out-of-range, non-numeric, skip, sum, extreme, other-specify,
    /// duplicate-id, orphan (case faults, at most one per case), latin1, truncated (file faults, on or off; text files only).
    /// Every injected fault is listed in <c>faults.csv</c>.
    /// </summary>
    public string Faults { get; set; } = string.Empty;

    /// <summary>
    /// Folder the files go to; created if missing; files of the same names are replaced. Default <c>generated</c>,
    /// relative to the working directory.
    /// </summary>
    [Required(AllowEmptyStrings = false)]
    public string OutputFolder { get; set; } = "generated";

    /// <summary>
    /// What to do when the cases do not fit the design: allocated in proportion to the planned sample, some stratum would
    /// get more cases than its universe N_h, and the findings refuse such a design (issue #19). Default false: the run is
    /// refused, naming the stratum and the most cases that fit (about 15,100 for the Peru pack). True: every universe is
    /// multiplied by the smallest whole factor that makes room, and a copy of the pack with those universes is written to
    /// <c>&lt;OutputFolder&gt;/pack/&lt;pack id&gt;</c> (a subfolder, so <c>run &lt;OutputFolder&gt;</c> still ingests exports only); ingest
    /// and estimate with <c>--packs &lt;OutputFolder&gt;/pack</c>. Estimates stay unbiased; their standard errors are those of
    /// a population that many times larger.
    /// </summary>
    public bool ScaleUniverses { get; set; }

    /// <summary>The spec file. Default null: <c>generator.yaml</c> in the survey pack's folder.</summary>
    public string? SpecPath { get; set; }
}
