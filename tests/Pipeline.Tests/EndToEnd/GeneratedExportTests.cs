using Pipeline.Core.Findings;
using Pipeline.Core.Ingest;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Generator;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.EndToEnd;

/// <summary>The survey-pack generator's exports through the whole pipeline: clean data and calibration.</summary>
public sealed class GeneratedExportTests
{
    private const string Survey = "peru-coffee-cacao";

    [Fact]
    public async Task DefaultSample_IngestedFromDat_IsCleanAndLandsWithin5PointsOfTheHeadlines()
    {
        await using var pipeline = await TestPipeline.LocalAsync(await TestPipeline.PeruPacksAsync());
        var pack = pipeline.Get<SurveyPackCatalog>().Find(Survey)!;
        var folder = Directory.CreateTempSubdirectory("generated-").FullName;
        await new ExportGenerator().GenerateAsync(pack, new GeneratorOptions { Formats = ExportFormats.Dat, OutputFolder = folder }, default);

        var outcome = await pipeline.Get<IngestService>().IngestAsync(await pipeline.UploadAsync(Survey, Path.Combine(folder, "PERU_ALLIANCES.dat")));
        var run = await pipeline.Get<FindingsService>().RecomputeAsync(pack);

        Assert.Equal(UploadStatus.Succeeded, outcome.Upload.Status);
        Assert.Equal(0, outcome.Upload.RowsRejected);
        var issues = await pipeline.DownloadAsync(LakeZone.Reports, LakePaths.Issues(Survey, outcome.Upload.UploadId));
        // Clean cases break no rule of the pack; the only issues allowed are outlier warnings (the sample's yields are
        // drawn independently of areas, so a few are far from their group's median: questions, not errors).
        Assert.Equal(0L, DuckDb.Scalar<long>($"select count(*) from read_parquet({DuckDb.Literal(issues)}) where severity = 'error' or rule not like 'outlier.%'"));
        Assert.Equal(565, run.Status.Record.Cases);

        // Calibration of the sample data (docs/generator.md), not a test of the estimator: Figures 9, 12, 13.
        foreach (var (indicator, cell) in new[] { ("q12-association-member", "all"), ("q12-association-member", "alliance=1"), ("q12-association-member", "alliance=2"), ("q29-applied-for-loan", "alliance=1"), ("q29-applied-for-loan", "alliance=2"), ("q43-uses-internet", "all") })
        {
            var row = run.Rows.Single(r => r.IndicatorId == indicator && r.CellKey == cell);
            Assert.True(Math.Abs(row.Estimate.Estimate - row.Published!.Value) <= 0.05, $"{indicator} {cell}: {row.Estimate.Estimate:P1} vs published {row.Published:P1}");
        }
    }
}
