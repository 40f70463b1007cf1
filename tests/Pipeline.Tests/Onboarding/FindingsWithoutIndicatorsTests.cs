using Pipeline.Core.Findings;
using Pipeline.Core.Ingest;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Generator;
using Pipeline.Generator.Spec;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.Onboarding;

/// <summary>
/// A new pack has no indicator yet: its findings run must still count the cases (rows of the case record), not say
/// "0 cases" and list every stratum as having no sample.
/// </summary>
public sealed class FindingsWithoutIndicatorsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("findings-no-indicator-").FullName;

    [Fact]
    public async Task Findings_PackInitPackWithNoIndicator_CountsTheCasesOfTheCaseRecord()
    {
        // The Kenya census: its first record is an optional person roster; the case record is HOUSING_REC.
        var packs = Path.Combine(_root, "packs");
        var scaffold = await PackScaffold.WriteAsync(RepoPaths.Fixture("cspro-samples/kenya-census-2019_CensusMainShortForm.dcf"), Path.Combine(packs, "kenya"));
        await ScaffoldedPacks.FillInUniversesAsync(scaffold.Folder);
        var pack = await SurveyPack.LoadAsync(scaffold.Folder);
        Assert.Empty(pack.Indicators.Indicators);
        var cases = Math.Min(30, (await GeneratorSpec.LoadAsync(pack)).MaxCases);
        var exports = Path.Combine(_root, "exports");
        await new ExportGenerator().GenerateAsync(pack, new GeneratorOptions { Cases = cases, Formats = ExportFormats.Dat, OutputFolder = exports }, default);

        await using var pipeline = await TestPipeline.LocalAsync(await SurveyPackCatalog.LoadAsync(packs));
        var outcome = await pipeline.Get<IngestService>().IngestAsync(await pipeline.UploadAsync(pack.Id, Directory.EnumerateFiles(exports, "*.dat").Single()));
        var run = await pipeline.Get<FindingsService>().RecomputeAsync(pack);

        Assert.Equal(UploadStatus.Succeeded, outcome.Upload.Status);
        Assert.Equal(cases, run.Status.Record.Cases);
        Assert.Empty(run.Rows);
        var sampled = pack.Strata.Count(s => !run.Status.Record.Message.Contains($"{s.Id} (N=", StringComparison.Ordinal));
        Assert.InRange(sampled, 1, cases);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
