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

    [Fact]
    public async Task DefaultSample_ComparisonTable_ListsEveryPublishedFigureWithTheRecomputedEstimateAndItsCi()
    {
        await using var pipeline = await TestPipeline.LocalAsync(await TestPipeline.PeruPacksAsync());
        var pack = pipeline.Get<SurveyPackCatalog>().Find(Survey)!;
        var folder = Directory.CreateTempSubdirectory("generated-").FullName;
        await new ExportGenerator().GenerateAsync(pack, new GeneratorOptions { Formats = ExportFormats.Dat, OutputFolder = folder }, default);
        await pipeline.Get<IngestService>().IngestAsync(await pipeline.UploadAsync(Survey, Path.Combine(folder, "PERU_ALLIANCES.dat")));

        var run = await pipeline.Get<FindingsService>().RecomputeAsync(pack);

        var comparison = await pipeline.DownloadAsync(LakeZone.Findings, FindingsPaths.Table(Survey, run.Status.Record.RunId, "comparison"));
        var rows = DuckDb.Query($"select indicator_id, cell_key, reference, published, estimate, ci_low, ci_high, unweighted_n, published_in_ci from read_parquet({DuckDb.Literal(comparison)}) where source = 'report'")
            .ToDictionary(r => ((string)r[0]!, (string)r[1]!));
        var benchmarks = pack.Indicators.Indicators.Sum(i => i.Benchmarks.Sum(b => b.Value.Count));
        Assert.True(benchmarks > 0);
        Assert.Equal(benchmarks, DuckDb.Scalar<long>($"select count(*) from read_parquet({DuckDb.Literal(comparison)}) where source in ('ENA 2019', 'ENAHO 2021') and estimate is not null"));
        var published = pack.Indicators.Indicators.SelectMany(i => i.Published.Select(p => (Indicator: i, Cell: p.Key, Value: p.Value))).ToList();
        Assert.NotEmpty(published);
        Assert.Equal(published.Count, rows.Count);
        foreach (var (indicator, cell, value) in published)
        {
            Assert.True(rows.TryGetValue((indicator.Id, cell), out var row), $"{indicator.Id} {cell} (published {value}) has no row in the comparison table");
            Assert.Equal(indicator.Reference, row![2]);
            Assert.Equal(value, Convert.ToDouble(row[3], System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(row[4] is double && row[5] is double && row[6] is double, $"{indicator.Id} {cell}: no estimate or interval");
            Assert.InRange((double)row[4]!, (double)row[5]!, (double)row[6]!);
            Assert.True(Convert.ToInt64(row[7], System.Globalization.CultureInfo.InvariantCulture) > 0);
            Assert.Contains(row[8], new object[] { "yes", "no" });
        }
    }
}
