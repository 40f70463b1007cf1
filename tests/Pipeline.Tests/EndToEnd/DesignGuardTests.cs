using System.Text;
using Pipeline.Core.Findings;
using Pipeline.Core.Ingest;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.EndToEnd;

/// <summary>
/// Design guards (issue #19): data that contradict strata.csv stop the findings run with the stratum and both numbers,
/// unless the pack chooses to estimate such strata without finite population correction.
/// </summary>
public sealed class DesignGuardTests
{
    private const string Survey = "tiny-survey";

    [Fact]
    public async Task Findings_StratumSampleLargerThanItsUniverse_FailsNamingStratumAndBothNumbers()
    {
        await using var pipeline = await TestPipeline.AzuriteAsync(await TestPipeline.FixturePacksAsync());
        await IngestElevenCasesInAllianceAAsync(pipeline);
        var service = pipeline.Get<FindingsService>();

        var error = await Assert.ThrowsAsync<SurveyPackException>(() => service.RecomputeAsync(pipeline.Get<SurveyPackCatalog>().Find(Survey)!));

        Assert.Contains("stratum a has n_h = 11 sampled cases, more than its universe N_h = 10 in design/strata.csv", error.Message, StringComparison.Ordinal);
        Assert.Contains("design.invalidDesign: estimate-without-fpc", error.Message, StringComparison.Ordinal);
        var runs = new List<FindingsRunRecord>();
        await foreach (var run in pipeline.Ledger.ListFindingsRunsAsync(Survey, default))
        {
            runs.Add(run);
        }

        Assert.Contains("n_h = 11", Assert.Single(runs, r => r.Status == FindingsRunStatus.Failed).Message, StringComparison.Ordinal);
        Assert.Null(await service.CurrentRunAsync(Survey, default));
    }

    [Fact]
    public async Task Findings_PackSaysEstimateWithoutFpc_SucceedsAndSaysSoInTheCoverageNote()
    {
        var packs = Path.Combine(Path.GetTempPath(), $"design-guard-{Guid.NewGuid():N}");
        try
        {
            CopyFolder(RepoPaths.Fixture("packs/tiny-survey"), Path.Combine(packs, Survey));
            var manifest = Path.Combine(packs, Survey, "pack.yaml");
            await File.WriteAllTextAsync(manifest, (await File.ReadAllTextAsync(manifest)).Replace("  smallCellThreshold: 3\n", "  smallCellThreshold: 3\n  invalidDesign: estimate-without-fpc\n", StringComparison.Ordinal));
            await using var pipeline = await TestPipeline.AzuriteAsync(await SurveyPackCatalog.LoadAsync(packs));
            await IngestElevenCasesInAllianceAAsync(pipeline);

            var result = await pipeline.Get<FindingsService>().RecomputeAsync(pipeline.Get<SurveyPackCatalog>().Find(Survey)!);

            Assert.Equal(FindingsRunStatus.Succeeded, result.Status.Record.Status);
            Assert.Contains("stratum a has n_h = 11 sampled cases, more than its universe N_h = 10", result.Status.Record.Message, StringComparison.Ordinal);
            Assert.Contains("estimated without finite population correction", result.Status.Record.Message, StringComparison.Ordinal);
            Assert.All(result.Rows.Where(r => r.Estimate.UnweightedDenominator >= 2), r => Assert.True(r.Estimate.StandardError > 0, r.CellKey));
        }
        finally
        {
            Directory.Delete(packs, recursive: true);
        }
    }

    /// <summary>Stratum a (ALLIANCE 1) has N = 10 in the fixture; 11 cases there, 3 in b.</summary>
    private static async Task IngestElevenCasesInAllianceAAsync(TestPipeline pipeline)
    {
        var csv = new StringBuilder("CASE_NO,ALLIANCE,Q,RESPONDENT_NAME\n");
        for (var i = 1; i <= 14; i++)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"{i},{(i <= 11 ? 1 : 2)},{(i % 2) + 1},Name {i}\n");
        }

        var file = Path.Combine(Path.GetTempPath(), $"over-universe-{Guid.NewGuid():N}.csv");
        try
        {
            await File.WriteAllTextAsync(file, csv.ToString());
            var outcome = await pipeline.Get<IngestService>().IngestAsync(await pipeline.UploadAsync(Survey, file, "MAIN_REC.csv"));
            Assert.Equal(14, outcome.Upload.RowsCurated);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
