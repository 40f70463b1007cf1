using Pipeline.Core.Packs;

namespace Pipeline.Generator.Spec;

/// <summary>
/// A survey pack's <c>generator.yaml</c>, checked against the pack's dictionary: how each record and item is drawn,
/// the questionnaire's skip rules, the sums that must add up, and which items the fault injector may use. The format
/// is described in <c>docs/generator.md</c>. Every name in the file must be an item of the dictionary (or a latent or
/// derived variable the file defines); loading fails with the file, line and column otherwise.
/// </summary>
public sealed class GeneratorSpec
{
    /// <summary>The spec's file name in a pack folder.</summary>
    public const string DefaultFileName = "generator.yaml";

    internal GeneratorSpec(SurveyPack pack, string file)
    {
        Pack = pack;
        File = file;
    }

    public SurveyPack Pack { get; }

    /// <summary>The file the spec was read from (for messages).</summary>
    public string File { get; }

    /// <summary>The largest number of cases whose keys stay unique (the sequence item's cycle × the overflow codes).</summary>
    public long MaxCases { get; internal set; }

    /// <summary>The skip rules, as "if → blanks" descriptions, in file order.</summary>
    public IReadOnlyList<string> SkipRules => Skips.Select(s => s.Label).ToList();

    internal RecordPlan[] Records { get; set; } = [];

    internal RecordPlan Main => Records[MainIndex];

    internal int MainIndex { get; set; }

    internal LatentPlan[] Latents { get; set; } = [];

    internal DerivedPlan[] Derived { get; set; } = [];

    internal List<SkipRule> Skips { get; } = [];

    /// <summary>Items eligible for the <c>extreme</c> fault, with the threshold above which a value is extreme.</summary>
    internal List<(ItemPlan Item, decimal Above)> Extreme { get; } = [];

    internal decimal ExtremeFactor { get; set; } = 100;

    /// <summary>Pairs of an answer item and its "other (specify)" text item.</summary>
    internal List<(ItemPlan Base, ItemPlan Other)> OtherTexts { get; } = [];

    /// <summary>Loads <c>generator.yaml</c> (or <paramref name="path"/>) of the pack; throws <see cref="GeneratorSpecException"/> naming the problem.</summary>
    public static async Task<GeneratorSpec> LoadAsync(SurveyPack pack, string? path = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pack);
        path ??= Path.Combine(pack.Folder, DefaultFileName);
        if (!System.IO.File.Exists(path))
        {
            throw new GeneratorSpecException($"{path}: not found. Survey pack '{pack.Id}' needs a {DefaultFileName} to generate exports (see docs/generator.md).");
        }

        var text = await System.IO.File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        return Parse(pack, text, path);
    }

    /// <summary>Parses spec text; <paramref name="fileName"/> is used in messages.</summary>
    public static GeneratorSpec Parse(SurveyPack pack, string yaml, string fileName)
    {
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentNullException.ThrowIfNull(yaml);
        return new SpecParser(pack, fileName).Parse(yaml);
    }
}
