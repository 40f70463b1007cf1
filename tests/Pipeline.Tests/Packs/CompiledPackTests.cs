using Pipeline.Core.Conditions;
using Pipeline.Core.Ingest;
using Pipeline.Core.Packs;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.Packs;

/// <summary>A pack's expressions are parsed once, when it loads; uploads reuse them.</summary>
public sealed class CompiledPackTests
{
    private const string Survey = "peru-coffee-cacao";

    [Fact]
    public async Task Ingest_TwoUploads_ParsesNoExpressionAfterThePackLoaded()
    {
        int atLoad;
        SurveyPackCatalog packs;
        using (var load = ConditionParses.Count())
        {
            packs = await TestPipeline.PeruPacksAsync();
            atLoad = load.Parses;
        }

        await using var pipeline = await TestPipeline.LocalAsync(packs);
        using var uploads = ConditionParses.Count();
        var all = await pipeline.Get<IngestService>().IngestAsync(await pipeline.UploadAsync(Survey, Path.Combine(RepoPaths.PeruPack, "sample", "PERU_ALLIANCES.dat")));
        var slice = await pipeline.Get<IngestService>().IngestAsync(await pipeline.UploadAsync(Survey, RepoPaths.PeruSample));

        Assert.True(all.Succeeded && slice.Succeeded);
        Assert.True(all.Counts.Count > 1, "the .dat upload reads every record, so rosters, case rules and outliers run");
        Assert.True(atLoad > 0, "loading the pack parses its rules and cleaning expressions");
        Assert.Equal(0, uploads.Parses);
    }

    [Fact]
    public async Task Load_PeruPack_SeverityAndScopeAreTyped()
    {
        var pack = (await TestPipeline.PeruPacksAsync()).Find(Survey)!;

        Assert.Contains(pack.Rules.Rules, r => r.ScopeKind == RuleScope.Case);
        Assert.Contains(pack.Rules.Rules, r => r.SeverityLevel == RuleSeverity.Warning);
        Assert.All(pack.Rules.Rules.Where(r => r.Outlier is not null), r => Assert.NotEqual(RuleSeverity.Error, r.SeverityLevel));
    }
}
