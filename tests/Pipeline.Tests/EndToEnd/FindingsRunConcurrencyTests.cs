using Azure.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pipeline.Core.Findings;
using Pipeline.Core.Ingest;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Core.Reporting;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.EndToEnd;

/// <summary>
/// Issue #7, acceptance 4: whatever happens to findings runs, <c>current.json</c> names one complete, readable run
/// folder. Two runs racing for the pointer, a run that crashes half-way through its folder, a pointer write that fails
/// or whose response is lost; on the local-folder backend and on Azurite. Crashes are injected on the real stores
/// (<see cref="InterceptingLake"/>) or in the HTTP pipeline (<see cref="FaultInjectionPolicy"/>).
/// </summary>
public sealed class FindingsRunConcurrencyTests
{
    private const string Survey = "tiny-survey";

    /// <summary>Every file a complete run folder holds.</summary>
    private static readonly string[] RunFiles =
    [
        "comparison.csv", "comparison.parquet", "dim_cell.parquet", "dim_indicator.parquet", "dim_run.parquet", "fact_findings.parquet",
        FindingsReportPublisher.HtmlFile, FindingsReportPublisher.CsvFile, FindingsReportPublisher.XlsxFile,
    ];

    [Theory]
    [InlineData("local")]
    [InlineData("azurite")]
    public async Task TwoConcurrentRuns_RacingForThePointer_LeaveOneCurrentRunAndRecordTheLoserAsSupersededNamingTheWinner(string backend)
    {
        await using var pipeline = await CreateAsync(backend);
        var pack = await IngestSampleAsync(pipeline);
        // Both runs read the (absent) pointer, compute and write their folders, then meet here and switch together.
        var bothAtThePointer = new CountdownGate(2);
        var lake = new InterceptingLake(pipeline.Lake)
        {
            BeforeWrite = (zone, path, _) => IsPointer(zone, path) ? bothAtThePointer.ArriveAsync() : Task.CompletedTask,
        };
        var service = Service(pipeline, lake);

        var runs = await Task.WhenAll(Task.Run(() => service.RecomputeAsync(pack)), Task.Run(() => service.RecomputeAsync(pack)));

        var current = await service.CurrentRunAsync(Survey, default);
        var ids = runs.Select(r => r.Status.Record.RunId).ToList();
        Assert.NotEqual(ids[0], ids[1]);
        Assert.Contains(current, ids);
        var superseded = Assert.Single(runs, r => r.Status.Record.Status == FindingsRunStatus.Superseded);
        Assert.NotEqual(current, superseded.Status.Record.RunId);
        Assert.StartsWith($"Superseded: run {current} switched the pointer first and is current", superseded.Status.Record.Message, StringComparison.Ordinal);
        await AssertCompleteRunAsync(pipeline, current!, 17.0 / 28);
        await AssertCompleteRunAsync(pipeline, superseded.Status.Record.RunId, 17.0 / 28); // kept for history, never current
        var ledger = await RunsAsync(pipeline);
        Assert.Equal(current, Assert.Single(ledger, r => r.Status == FindingsRunStatus.Succeeded).RunId);
        Assert.Equal(superseded.Status.Record.RunId, Assert.Single(ledger, r => r.Status == FindingsRunStatus.Superseded).RunId);
    }

    [Theory]
    [InlineData("local")]
    [InlineData("azurite")]
    public async Task RunCrashingHalfwayThroughItsFolder_LeavesThePreviousRunCurrent_AndALaterRunSucceeds(string backend)
    {
        await using var pipeline = await CreateAsync(backend);
        var pack = await IngestSampleAsync(pipeline);
        var first = await pipeline.Get<FindingsService>().RecomputeAsync(pack);
        await IngestCorrectionAsync(pipeline);
        // The crash: the report files and dim_indicator are written, dim_cell never is.
        var lake = new InterceptingLake(pipeline.Lake)
        {
            BeforeWrite = (zone, path, _) => zone == LakeZone.Findings && path.EndsWith("/dim_cell.parquet", StringComparison.Ordinal)
                ? throw new IOException("Injected crash while writing dim_cell.parquet")
                : Task.CompletedTask,
        };

        var error = await Assert.ThrowsAsync<IOException>(() => Service(pipeline, lake).RecomputeAsync(pack));

        Assert.Contains("Injected crash", error.Message, StringComparison.Ordinal);
        Assert.Equal(first.Status.Record.RunId, await pipeline.Get<FindingsService>().CurrentRunAsync(Survey, default));
        await AssertCompleteRunAsync(pipeline, first.Status.Record.RunId, 17.0 / 28);
        var failed = Assert.Single(await RunsAsync(pipeline), r => r.Status == FindingsRunStatus.Failed);
        Assert.Contains("previous run stays current", failed.Message, StringComparison.Ordinal);
        var partial = await FilesAsync(pipeline, failed.RunId);
        Assert.Contains("dim_indicator.parquet", partial);
        Assert.DoesNotContain("dim_cell.parquet", partial);
        Assert.DoesNotContain("fact_findings.parquet", partial); // written last: the history query never sees a partial run

        var later = await pipeline.Get<FindingsService>().RecomputeAsync(pack);

        Assert.Equal(FindingsRunStatus.Succeeded, later.Status.Record.Status);
        Assert.Equal(later.Status.Record.RunId, await pipeline.Get<FindingsService>().CurrentRunAsync(Survey, default));
        await AssertCompleteRunAsync(pipeline, later.Status.Record.RunId, (7.5 + (40.0 / 3)) / 30); // the corrected case 7 is in
    }

    [Fact]
    public async Task PointerWriteFailingWithAStorageOutage_LeavesThePreviousRunCurrent_AndALaterRunSucceeds()
    {
        var packs = await TestPipeline.FixturePacksAsync();
        var prefix = Azurite.NewPrefix();
        var outage = FaultInjectionPolicy.FailWhen(m => m.Request.Method == RequestMethod.Put
            && m.Request.Uri.Path.Contains($"/{prefix}-findings/", StringComparison.Ordinal)
            && m.Request.Uri.Path.EndsWith($"/{Survey}/current.json", StringComparison.Ordinal));
        await using var pipeline = await TestPipeline.AzuriteAsync(packs, policy: outage, prefix: prefix);
        var pack = await IngestSampleAsync(pipeline);
        var first = await pipeline.Get<FindingsService>().RecomputeAsync(pack);
        await IngestCorrectionAsync(pipeline);
        outage.Arm();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => pipeline.Get<FindingsService>().RecomputeAsync(pack));

        Assert.Contains("Injected failure", error.Message, StringComparison.Ordinal);
        Assert.Equal(first.Status.Record.RunId, await pipeline.Get<FindingsService>().CurrentRunAsync(Survey, default));
        await AssertCompleteRunAsync(pipeline, first.Status.Record.RunId, 17.0 / 28);
        var failed = Assert.Single(await RunsAsync(pipeline), r => r.Status == FindingsRunStatus.Failed);
        Assert.Equal(RunFiles.Order(StringComparer.Ordinal), await FilesAsync(pipeline, failed.RunId)); // complete, but never named

        // The outage is over: a pipeline over the same containers, without the fault.
        await using var healthy = await TestPipeline.AzuriteAsync(packs, prefix: prefix);
        var later = await healthy.Get<FindingsService>().RecomputeAsync(pack);

        Assert.Equal(later.Status.Record.RunId, await healthy.Get<FindingsService>().CurrentRunAsync(Survey, default));
        await AssertCompleteRunAsync(healthy, later.Status.Record.RunId, (7.5 + (40.0 / 3)) / 30);
    }

    [Theory]
    [InlineData("conflict")]
    [InlineData("io")]
    public async Task PointerWriteThatLandedButLostItsResponse_TheRunKnowsItIsCurrent(string lostAs)
    {
        await using var pipeline = await CreateAsync("local");
        var pack = await IngestSampleAsync(pipeline);
        // A storage client that retries a conditional write whose first attempt landed gets 412 on the retry (its own
        // change); a timeout gives no answer at all. Either way the pointer names the run.
        var lake = new InterceptingLake(pipeline.Lake)
        {
            AfterWrite = (zone, path, _) => IsPointer(zone, path)
                ? throw (lostAs == "conflict" ? new LakeConflictException("412 on the retry of a write that landed") : new IOException("The response never came"))
                : Task.CompletedTask,
        };

        var run = await Service(pipeline, lake).RecomputeAsync(pack);

        Assert.Equal(run.Status.Record.RunId, await pipeline.Get<FindingsService>().CurrentRunAsync(Survey, default));
        Assert.DoesNotContain("Another run", run.Status.Record.Message, StringComparison.Ordinal);
        Assert.Equal(FindingsRunStatus.Succeeded, Assert.Single(await RunsAsync(pipeline)).Status);
        await AssertCompleteRunAsync(pipeline, run.Status.Record.RunId, 17.0 / 28);
    }

    private static bool IsPointer(LakeZone zone, string path) => zone == LakeZone.Findings && path == FindingsPaths.Current(Survey);

    private static async Task<TestPipeline> CreateAsync(string backend) => backend == "azurite"
        ? await TestPipeline.AzuriteAsync(await TestPipeline.FixturePacksAsync())
        : await TestPipeline.LocalAsync(await TestPipeline.FixturePacksAsync());

    /// <summary>A findings service over <paramref name="lake"/> and the pipeline's own ledger.</summary>
    private static FindingsService Service(TestPipeline pipeline, ILakeStore lake) =>
        new(lake, pipeline.Ledger, new FindingsPublisher(lake, TimeProvider.System), Options.Create(new FindingsOptions()), TimeProvider.System, NullLogger<FindingsService>.Instance);

    private static async Task<SurveyPack> IngestSampleAsync(TestPipeline pipeline)
    {
        var outcome = await pipeline.Get<IngestService>().IngestAsync(await pipeline.UploadAsync(Survey, RepoPaths.Fixture("packs/tiny-survey/sample/MAIN_REC.csv")));
        Assert.Equal(UploadStatus.Succeeded, outcome.Upload.Status);
        return pipeline.Get<SurveyPackCatalog>().Find(Survey)!;
    }

    /// <summary>New data, so that the next run is not skipped: case 7's "don't know" corrected to "yes".</summary>
    private static async Task IngestCorrectionAsync(TestPipeline pipeline)
    {
        var corrected = Path.Combine(Path.GetTempPath(), $"corrected-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(corrected, "CASE_NO,ALLIANCE,Q,RESPONDENT_NAME\n7,2,1,Gina Torres\n");
        var outcome = await pipeline.Get<IngestService>().IngestAsync(await pipeline.UploadAsync(Survey, corrected, "MAIN_REC-corrected.csv"));
        Assert.Equal(UploadStatus.Succeeded, outcome.Upload.Status);
    }

    /// <summary>
    /// The run folder has every file, and its tables, read by DuckDB, belong to the run: fact_findings and dim_run say
    /// the run id, and the "all" estimate is the expected one.
    /// </summary>
    private static async Task AssertCompleteRunAsync(TestPipeline pipeline, string runId, double allEstimate)
    {
        Assert.Equal(RunFiles.Order(StringComparer.Ordinal), await FilesAsync(pipeline, runId));
        var fact = await pipeline.DownloadAsync(LakeZone.Findings, FindingsPaths.Table(Survey, runId, "fact_findings"));
        var dimRun = await pipeline.DownloadAsync(LakeZone.Findings, FindingsPaths.Table(Survey, runId, "dim_run"));
        Assert.Equal([runId], DuckDb.Query($"select distinct run_id from read_parquet({DuckDb.Literal(fact)})").Select(r => (string)r[0]!));
        Assert.Equal(runId, DuckDb.Scalar<string>($"select run_id from read_parquet({DuckDb.Literal(dimRun)})"));
        var all = DuckDb.Scalar<double>($"select estimate from read_parquet({DuckDb.Literal(fact)}) where cell_key = 'all'");
        Assert.Equal(allEstimate, all, 1e-15);
    }

    private static async Task<List<string>> FilesAsync(TestPipeline pipeline, string runId)
    {
        var folder = FindingsPaths.RunFolder(Survey, runId);
        var files = new List<string>();
        await foreach (var blob in pipeline.Lake.ListAsync(LakeZone.Findings, folder, default))
        {
            files.Add(blob.Path[folder.Length..]);
        }

        return files.Order(StringComparer.Ordinal).ToList();
    }

    private static async Task<List<FindingsRunRecord>> RunsAsync(TestPipeline pipeline)
    {
        var runs = new List<FindingsRunRecord>();
        await foreach (var run in pipeline.Ledger.ListFindingsRunsAsync(Survey, default))
        {
            runs.Add(run);
        }

        return runs;
    }

    /// <summary>Lets callers through only when <c>count</c> of them have arrived (or fails after a minute: a run that never came).</summary>
    private sealed class CountdownGate(int count)
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _arrived;

        public Task ArriveAsync()
        {
            if (Interlocked.Increment(ref _arrived) == count)
            {
                _open.SetResult();
            }

            return _open.Task.WaitAsync(TimeSpan.FromMinutes(1));
        }
    }
}
