using Pipeline.Core.Packs;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.Packs;

/// <summary>The Peru catalogue against the survey-based figures the report publishes (survey-brief.md).</summary>
public sealed class IndicatorCatalogueTests
{
    // Every survey-based item of the brief's table, each either in the catalogue or in the list of known gaps below.
    private static readonly string[] BriefItems =
    [
        "Figure 9", "Finding 3", "Box I", "Figure 10", "Finding 4", "Figure 11", "Finding 1", "Figure 12", "Figure 13", "Figure 14",
        "Figure 15", "Figure 16", "Figure 17", "Figure 18", "Figure 21", "Figure 19", "Figure 20", "Figure 22", "Finding 11",
        "Figure 24", "Figure 25", "Figure 26", "Figure 27", "Figure 28", "Figure 29",
    ];

    // Figures that cannot be expressed yet, with the reason. Empty: every figure of the brief has an entry (the last
    // ones came with cleaning.yaml's case variables, producer size, and means). A new gap must say why here.
    private static readonly Dictionary<string, string> KnownGaps = new(StringComparer.Ordinal);

    [Fact]
    public async Task Catalogue_EveryBriefFigure_IsCoveredOrAKnownGap()
    {
        var pack = await SurveyPack.LoadAsync(RepoPaths.PeruPack);
        var covered = pack.Indicators.Indicators.SelectMany(i => i.Reference.Replace("Figures ", "Figure ", StringComparison.Ordinal).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(r => r.StartsWith("Figure", StringComparison.Ordinal) || r.StartsWith("Finding", StringComparison.Ordinal) || r.StartsWith("Box", StringComparison.Ordinal) ? r : "Figure " + r)).ToHashSet(StringComparer.Ordinal);

        var unaccounted = BriefItems.Where(b => !covered.Contains(b) && !KnownGaps.ContainsKey(b)).ToList();
        Assert.True(unaccounted.Count == 0, $"figures of the brief with no catalogue entry and no stated gap: {string.Join(", ", unaccounted)}");
        Assert.DoesNotContain(KnownGaps.Keys, covered.Contains); // a gap that got covered must leave the gap list
    }

    [Fact]
    public async Task Catalogue_PublishedValues_AreForDefinedCellsAndProportionsAreBetween0And1()
    {
        var pack = await SurveyPack.LoadAsync(RepoPaths.PeruPack);

        foreach (var indicator in pack.Indicators.Indicators)
        {
            foreach (var (cell, value) in indicator.Published)
            {
                if (indicator.Kind == IndicatorStatistic.Proportion)
                {
                    Assert.InRange(value, 0, 1); // means and totals are published in the item's unit
                }

                var breakdown = cell.Split('=')[0];
                Assert.True(cell == "all" || indicator.Breakdowns.Contains(breakdown), $"{indicator.Id}: published cell '{cell}' is not one of its breakdowns");
            }
        }
    }
}
