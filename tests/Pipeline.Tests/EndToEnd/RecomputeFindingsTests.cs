using System.Globalization;
using Microsoft.Azure.Functions.Worker;
using Pipeline.Core.Findings;
using Pipeline.Core.Ingest;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Functions;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.EndToEnd;

/// <summary>The RecomputeFindings timer function against Azurite, on the hand-computable tiny-survey pack.</summary>
public sealed class RecomputeFindingsTests : IAsyncLifetime
{
    private const string Survey = "tiny-survey";
    private TestPipeline _pipeline = null!;

    public async Task InitializeAsync() => _pipeline = await TestPipeline.AzuriteAsync(await TestPipeline.FixturePacksAsync());

    public async Task DisposeAsync() => await _pipeline.DisposeAsync();

    [Fact]
    public async Task RecomputeFindings_FiredTwice_OneCurrentRunWithHandComputedValues()
    {
        var path = await _pipeline.UploadAsync(Survey, RepoPaths.Fixture("packs/tiny-survey/sample/MAIN_REC.csv"));
        await _pipeline.Get<IngestService>().IngestAsync(path);
        var function = new RecomputeFindings(_pipeline.Get<FindingsService>(), _pipeline.Get<SurveyPackCatalog>());

        await function.RunAsync(new TimerInfo(), CancellationToken.None);
        await function.RunAsync(new TimerInfo(), CancellationToken.None);

        var runs = new List<FindingsRunRecord>();
        await foreach (var run in _pipeline.Ledger.ListFindingsRunsAsync(Survey, default))
        {
            runs.Add(run);
        }

        var succeeded = Assert.Single(runs, r => r.Status == FindingsRunStatus.Succeeded);
        Assert.Single(runs, r => r.Status == FindingsRunStatus.Skipped);
        Assert.Equal(succeeded.RunId, await _pipeline.Get<FindingsService>().CurrentRunAsync(Survey, default));
        Assert.Equal(7, succeeded.Cases);

        var fact = await _pipeline.DownloadAsync(LakeZone.Findings, FindingsPaths.Table(Survey, succeeded.RunId, "fact_findings"));
        var rows = DuckDb.Query($"select cell_key, estimate, standard_error, ci_low, ci_high, weighted_numerator, weighted_denominator, unweighted_n, degrees_of_freedom from read_parquet({DuckDb.Literal(fact)}) order by cell_key")
            .ToDictionary(r => (string)r[0]!, r => r.Skip(1).Select(v => Convert.ToDouble(v, CultureInfo.InvariantCulture)).ToArray());

        // Derivation in StratifiedRatioTests: R = 17/28, V = 717/12005, df = 5, logit CI with t(0.975, 5).
        Assert.Equal(["all", "alliance=1", "alliance=2"], rows.Keys.Order(StringComparer.Ordinal));
        var all = rows["all"];
        Assert.Equal(17.0 / 28, all[0], 1e-15);
        Assert.Equal(Math.Sqrt(717.0 / 12005), all[1], 1e-15);
        Assert.Equal(0.0998860267629351, all[2], 1e-12);
        Assert.Equal(0.9556011788695163, all[3], 1e-12);
        Assert.Equal(85.0 / 6, all[4], 1e-12);
        Assert.Equal(70.0 / 3, all[5], 1e-12);
        Assert.Equal([6.0, 5.0], all[6..]);
        Assert.Equal(0.75, rows["alliance=1"][0], 1e-15);
        Assert.Equal(Math.Sqrt(0.0375), rows["alliance=1"][1], 1e-15);
        Assert.Equal(0.5, rows["alliance=2"][0], 1e-15);
    }

    [Fact]
    public async Task RecomputeFindings_CorrectedReUpload_ReplacesTheCaseAndKeepsTheOldVersionInHistory()
    {
        var service = _pipeline.Get<FindingsService>();
        var pack = _pipeline.Get<SurveyPackCatalog>().Find(Survey)!;
        var original = await _pipeline.Get<IngestService>().IngestAsync(await _pipeline.UploadAsync(Survey, RepoPaths.Fixture("packs/tiny-survey/sample/MAIN_REC.csv")));
        var first = await service.RecomputeAsync(pack);

        // The field team corrects case 7: "don't know" (9) becomes "yes" (1), and re-uploads only that case.
        var corrected = Path.Combine(Path.GetTempPath(), $"corrected-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(corrected, "CASE_NO,ALLIANCE,Q,RESPONDENT_NAME\n7,2,1,Gina Torres\n");
        var fix = await _pipeline.Get<IngestService>().IngestAsync(await _pipeline.UploadAsync(Survey, corrected, "MAIN_REC-corrected.csv"));
        var second = await service.RecomputeAsync(pack);

        Assert.Equal(FindingsRunStatus.Succeeded, second.Status.Record.Status);
        Assert.NotEqual(first.Status.Record.RunId, second.Status.Record.RunId);
        Assert.Equal(7, second.Status.Record.Cases); // case 7 replaced, not added
        // B now has yes, no, yes: Ŷ = 2.5·3 + (20/3)·2, X̂ = 2.5·4 + (20/3)·3 → R̂ = (7.5 + 40/3) / 30.
        Assert.Equal((7.5 + (40.0 / 3)) / 30, second.Rows.Single(r => r.CellKey == "all").Estimate.Estimate, 1e-15);
        Assert.Equal(second.Status.Record.RunId, await service.CurrentRunAsync(Survey, default));

        // History: both versions stay in the lake and in the manifest, oldest first.
        var (view, _) = await new CurrentViewStore(_pipeline.Lake).ReadAsync(Survey, default);
        Assert.Equal([original.Upload.UploadId, fix.Upload.UploadId], view.Uploads.Select(u => u.UploadId));
        var old = await _pipeline.DownloadAsync(LakeZone.Curated, Assert.Single(view.Uploads[0].Records["MAIN_REC"]));
        Assert.Equal(9L, DuckDb.Scalar<long>($"select Q from read_parquet({DuckDb.Literal(old)}) where CASE_NO = 7"));
    }
}
