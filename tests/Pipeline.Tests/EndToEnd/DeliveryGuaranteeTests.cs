using System.Globalization;
using Azure;
using Azure.Core;
using Pipeline.Core.Ingest;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.EndToEnd;

/// <summary>
/// Exactly-once results from at-least-once delivery, against Azurite: storage failures and cancellations injected at
/// every request of an ingest, concurrent uploads, and the give-up path.
/// </summary>
public sealed class DeliveryGuaranteeTests
{
    private const string Survey = "peru-coffee-cacao";

    public enum Fault
    {
        StorageFailure,
        Cancellation,
    }

    [Theory]
    [InlineData(Fault.StorageFailure)]
    [InlineData(Fault.Cancellation)]
    public async Task Ingest_FaultAtEveryRequest_NeverShowsAPartialUploadAndARetryEqualsACleanRun(Fault fault)
    {
        var packs = await TestPipeline.PeruPacksAsync();
        var (requests, clean) = await CleanRunAsync(packs);
        Assert.InRange(requests, 10, 200);

        for (var n = 1; n <= requests; n++)
        {
            var prefix = Azurite.NewPrefix();
            using var cancel = new CancellationTokenSource();
            var policy = fault == Fault.StorageFailure ? FaultInjectionPolicy.FailAt(n) : FaultInjectionPolicy.CancelAt(n, cancel);
            string path;
            await using (var faulty = await TestPipeline.AzuriteAsync(packs, policy: policy, prefix: prefix))
            {
                path = await faulty.UploadAsync(Survey, RepoPaths.PeruSample);
                policy.Arm();
                try
                {
                    await faulty.Get<IngestService>().IngestAsync(path, cancellationToken: cancel.Token);
                }
                catch (Exception e) when (e is RequestFailedException or OperationCanceledException)
                {
                }

                await AssertNoPartialUploadVisibleAsync(faulty, $"fault at request {n}");
            }

            await using var healthy = await TestPipeline.AzuriteAsync(packs, prefix: prefix);
            var outcome = await healthy.Get<IngestService>().IngestAsync(path);
            Assert.True(outcome.Upload.Status == UploadStatus.Succeeded, $"fault at request {n}: retry ended {outcome.Upload.Status}: {outcome.Upload.ErrorSummary}");
            var (view, _) = await new CurrentViewStore(healthy.Lake).ReadAsync(Survey, default);
            var published = Assert.Single(view.Uploads);
            Assert.Equal(clean, await ContentAsync(healthy, Assert.Single(published.Records["PARTICIPANT_REC"])));
        }
    }

    [Fact]
    public async Task Ingest_TenDifferentUploadsAtOnce_LedgerAndCurrentViewAgree()
    {
        await using var pipeline = await TestPipeline.AzuriteAsync(await TestPipeline.PeruPacksAsync());
        var lines = File.ReadAllLines(RepoPaths.PeruSample);
        var paths = new List<string>();
        for (var part = 0; part < 10; part++)
        {
            var file = Path.Combine(Path.GetTempPath(), $"part-{Guid.NewGuid():N}.csv");
            await File.WriteAllLinesAsync(file, lines.Take(1).Concat(lines.Skip(1 + (part * 12)).Take(12)));
            paths.Add(await pipeline.UploadAsync(Survey, file, $"batch-{part:00}.csv"));
        }

        var outcomes = await Task.WhenAll(paths.Select(p => pipeline.Get<IngestService>().IngestAsync(p)));

        Assert.All(outcomes, o => Assert.Equal(UploadStatus.Succeeded, o.Upload.Status));
        Assert.Equal(120, outcomes.Sum(o => o.Upload.RowsRead));
        Assert.Equal(outcomes.Sum(o => o.Upload.RowsRead), outcomes.Sum(o => o.Upload.RowsCurated + o.Upload.RowsRejected));
        var (view, _) = await new CurrentViewStore(pipeline.Lake).ReadAsync(Survey, default);
        Assert.Equal(outcomes.Select(o => o.Upload.UploadId).Order(), view.Uploads.Select(u => u.UploadId).Order());
        var ledger = new List<UploadRecord>();
        await foreach (var row in pipeline.Ledger.ListUploadsAsync(Survey, default))
        {
            ledger.Add(row);
        }

        Assert.Equal(10, ledger.Count(r => r.Status == UploadStatus.Succeeded));
        var files = new List<string>();
        foreach (var upload in view.Uploads)
        {
            files.Add(await pipeline.DownloadAsync(LakeZone.Curated, Assert.Single(upload.Records["PARTICIPANT_REC"])));
        }

        var list = string.Join(", ", files.Select(DuckDb.Literal));
        Assert.Equal(outcomes.Sum(o => o.Upload.RowsCurated), DuckDb.Scalar<long>($"select count(*) from read_parquet([{list}])"));
    }

    [Fact]
    public async Task Ingest_StorageDownOnEveryAttempt_GivesUpAfterMaxAttemptsAndReturnsNormally()
    {
        var packs = await TestPipeline.PeruPacksAsync();
        var prefix = Azurite.NewPrefix();
        var curatedWrites = FaultInjectionPolicy.FailWhen(m => m.Request.Method == RequestMethod.Put && m.Request.Uri.Path.Contains($"/{prefix}-curated/", StringComparison.Ordinal) && !m.Request.Uri.Path.EndsWith("_current.json", StringComparison.Ordinal));
        await using var pipeline = await TestPipeline.AzuriteAsync(packs, policy: curatedWrites, prefix: prefix, settings: new() { ["Ingest:MaxAttempts"] = "2" });
        var path = await pipeline.UploadAsync(Survey, RepoPaths.PeruSample);
        curatedWrites.Arm();

        await Assert.ThrowsAsync<RequestFailedException>(() => pipeline.Get<IngestService>().IngestAsync(path)); // attempt 1: the host retries
        var outcome = await pipeline.Get<IngestService>().IngestAsync(path); // attempt 2: gives up, no poison loop

        Assert.Equal(UploadStatus.Rejected, outcome.Upload.Status);
        Assert.Equal(2, outcome.Upload.Attempts);
        Assert.Contains("failed 2 times", outcome.Upload.ErrorSummary, StringComparison.Ordinal);
        Assert.NotNull(await pipeline.Lake.GetInfoAsync(LakeZone.Quarantine, LakePaths.FileError(Survey, outcome.Upload.UploadId), default));
        var (view, _) = await new CurrentViewStore(pipeline.Lake).ReadAsync(Survey, default);
        Assert.Empty(view.Uploads);
    }

    [Fact]
    public async Task Ingest_TransientErrorOnEveryFirstTry_SucceedsThroughTheSdkRetries()
    {
        var packs = await TestPipeline.PeruPacksAsync();
        var flaky = new FlakyTransport();
        await using var pipeline = await TestPipeline.AzuriteAsync(packs, policy: null, settings: null, retryPolicy: flaky);
        var path = await pipeline.UploadAsync(Survey, RepoPaths.PeruSample);
        flaky.Arm();

        var outcome = await pipeline.Get<IngestService>().IngestAsync(path);

        Assert.Equal(UploadStatus.Succeeded, outcome.Upload.Status);
        Assert.True(flaky.Failures > 10, $"only {flaky.Failures} failures were injected");
    }

    /// <summary>A clean ingest's request count (to place faults) and its curated content (to compare retries with).</summary>
    private static async Task<(int Requests, string Content)> CleanRunAsync(SurveyPackCatalog packs)
    {
        var counter = FaultInjectionPolicy.CountOnly();
        await using var clean = await TestPipeline.AzuriteAsync(packs, policy: counter);
        var path = await clean.UploadAsync(Survey, RepoPaths.PeruSample);
        counter.Arm();
        var outcome = await clean.Get<IngestService>().IngestAsync(path);
        Assert.Equal(UploadStatus.Succeeded, outcome.Upload.Status);
        return (counter.Count, await ContentAsync(clean, LakePaths.Curated(Survey, "PARTICIPANT_REC", outcome.Upload.UploadId)));
    }

    /// <summary>Every upload the current view lists is complete: each file exists and holds what the ledger counted.</summary>
    private static async Task AssertNoPartialUploadVisibleAsync(TestPipeline pipeline, string context)
    {
        var (view, _) = await new CurrentViewStore(pipeline.Lake).ReadAsync(Survey, default);
        foreach (var upload in view.Uploads)
        {
            foreach (var file in upload.Records.Values.SelectMany(parts => parts))
            {
                var info = await pipeline.Lake.GetInfoAsync(LakeZone.Curated, file, default);
                Assert.True(info is not null, $"{context}: the view lists {file}, which does not exist");
                var local = await pipeline.DownloadAsync(LakeZone.Curated, file);
                Assert.Equal(115L, DuckDb.Scalar<long>($"select count(*) from read_parquet({DuckDb.Literal(local)})"));
            }
        }
    }

    /// <summary>The curated rows as text, without the columns that name the upload or its time.</summary>
    private static async Task<string> ContentAsync(TestPipeline pipeline, string curatedPath)
    {
        var file = await pipeline.DownloadAsync(LakeZone.Curated, curatedPath);
        var rows = DuckDb.Query($"select * exclude (_upload_id, _ingested_utc) from read_parquet({DuckDb.Literal(file)}) order by _source_row");
        return string.Join('\n', rows.Select(r => string.Join('|', r.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)))));
    }
}
