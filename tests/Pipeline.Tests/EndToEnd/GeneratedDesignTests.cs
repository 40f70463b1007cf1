using System.ComponentModel.DataAnnotations;
using Pipeline.Core.Findings;
using Pipeline.Core.Ingest;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Generator;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.EndToEnd;

/// <summary>
/// The generator and the design (issue #19): a sample that outgrows the universes of strata.csv is refused, or, asked
/// to, written with a copy of the pack whose universes hold it, and the findings accept that design with every standard
/// error above 0.
/// </summary>
public sealed class GeneratedDesignTests
{
    private const string Survey = "peru-coffee-cacao";

    [Fact]
    public void DesignFit_TwoSampledStrata_GivesTheMostCasesAndTheWholeFactorThatMakesRoom()
    {
        var strata = new List<Stratum>
        {
            new("coffee-san-martin", "San Martín", new Dictionary<string, long>(), 4154, 155),
            new("coffee-huanuco", "Huánuco", new Dictionary<string, long>(), 3343, 125),
            new("coffee-amazonas", "Amazonas", new Dictionary<string, long>(), 219, 0),
        };

        var fit = DesignFit.Of(strata, 20_000);

        // Huánuco: 3343 · 280 / 125 = 7488.3; San Martín: 4154 · 280 / 155 = 7504.0. 20,000 cases put
        // ceil(20000 · 125/280) = 8929 into Huánuco, 2.67 times its universe: the universes must triple.
        Assert.Equal(7488, fit.MaxCases);
        Assert.Equal("coffee-huanuco", fit.TightestStratum);
        Assert.Equal(3, fit.Factor);
        Assert.Equal(1, DesignFit.Of(strata, 7488).Factor);
    }

    [Fact]
    public async Task Generate_MoreCasesThanTheUniversesHold_IsRefusedBeforeAnythingIsWritten()
    {
        var pack = (await TestPipeline.PeruPacksAsync()).Find(Survey)!;
        var folder = Path.Combine(Path.GetTempPath(), $"design-refused-{Guid.NewGuid():N}");

        var error = await Assert.ThrowsAsync<ValidationException>(() => new ExportGenerator().GenerateAsync(pack, new GeneratorOptions { Cases = 20_000, Formats = ExportFormats.Dat, OutputFolder = folder }, default));

        Assert.Contains("more cases than its universe in design/strata.csv", error.Message, StringComparison.Ordinal);
        Assert.Contains("--scale-universes", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public async Task Generate_ScaledUniverses_FindingsAcceptTheDesignWithEveryStandardErrorAboveZero()
    {
        var pack = (await TestPipeline.PeruPacksAsync()).Find(Survey)!;
        var cases = DesignFit.Of(pack.Strata, 1).MaxCases + 500; // just past what the real universes hold
        var folder = Path.Combine(Path.GetTempPath(), $"design-scaled-{Guid.NewGuid():N}");
        try
        {
            var result = await new ExportGenerator().GenerateAsync(pack, new GeneratorOptions { Cases = cases, Formats = ExportFormats.Dat, OutputFolder = folder, ScaleUniverses = true }, default);
            Assert.Equal(2, result.UniverseFactor);
            var packs = await SurveyPackCatalog.LoadAsync(Path.GetDirectoryName(result.ScaledPackFolder)!);
            var scaled = packs.Find(Survey)!;
            Assert.Equal(pack.Strata.Select(s => s.Universe * 2), scaled.Strata.Select(s => s.Universe));

            await using var pipeline = await TestPipeline.LocalAsync(packs);
            var dat = result.Files.Single(f => f.Format == ExportFormats.Dat).Path;
            var outcome = await pipeline.Get<IngestService>().IngestAsync(await pipeline.UploadAsync(Survey, dat));
            Assert.Equal(UploadStatus.Succeeded, outcome.Upload.Status);
            var run = await pipeline.Get<FindingsService>().RecomputeAsync(scaled);

            Assert.Equal(FindingsRunStatus.Succeeded, run.Status.Record.Status);
            Assert.All(run.Rows.Where(r => r.Estimate.UnweightedDenominator >= 2 && !(r.Estimate.Statistic == IndicatorStatistic.Proportion && r.Estimate.Estimate is 0 or 1)), r => Assert.True(r.Estimate.StandardError > 0, $"{r.IndicatorId} {r.CellKey}"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
