using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pipeline.Core.Engine;
using Pipeline.Core.Ingest;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Core.Privacy;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.EndToEnd;

/// <summary>
/// Issue #18, cleanup: what a lost publish race, a stalled or dead worker, or a killed process leaves behind is removed,
/// and the ledger never keeps an upload "Processing" that nobody processes. On the local-folder backend and on Azurite.
/// The real kill -9 is in <see cref="KillDuringIngestTests"/>.
/// </summary>
public sealed class CrashCleanupTests
{
    private const string Survey = "peru-coffee-cacao";

    [Theory]
    [InlineData("local")]
    [InlineData("azurite")]
    public async Task Ingest_ElevenConcurrentUploadsThreeIdentical_LeaveNoUnpublishedCuratedFiles(string backend)
    {
        await using var pipeline = await CreateAsync(backend);
        var paths = await UploadElevenWithThreeIdenticalAsync(pipeline);
        // All eleven write their files and meet at the manifest write: the three identical ones all race to publish.
        var atTheManifest = new CountdownGate(paths.Count);
        var lake = new InterceptingLake(pipeline.Lake)
        {
            BeforeWrite = (zone, path, _) => zone == LakeZone.Curated && path == CurrentViewManifest.PathOf(Survey) ? atTheManifest.ArriveAsync() : Task.CompletedTask,
        };
        var service = Service(pipeline, lake);

        var ingests = paths.Select(p => Task.Run(() => service.IngestAsync(p))).ToList();
        _ = Task.WhenAny(ingests).ContinueWith(_ => atTheManifest.Open(), TaskScheduler.Default); // one that ends early must not hold the others
        var outcomes = await Task.WhenAll(ingests);

        Assert.All(outcomes, o => Assert.True(o.Upload.Status == UploadStatus.Succeeded, $"{o.Upload.BlobPath}: {o.Upload.Status} {o.Upload.ErrorSummary}"));
        var copies = outcomes.Where(o => o.Upload.BlobPath.Contains("/copy-", StringComparison.Ordinal)).ToList();
        var winner = Assert.Single(copies, c => c.Upload.DuplicateOf.Length == 0);
        var losers = copies.Where(c => c != winner).ToList();
        Assert.All(losers, l => Assert.Equal(winner.Upload.UploadId, l.Upload.DuplicateOf));
        var (view, _) = await new CurrentViewStore(pipeline.Lake).ReadAsync(Survey, default);
        Assert.Equal(9, view.Uploads.Count);
        var listed = view.Uploads.SelectMany(u => u.Records.Values.SelectMany(parts => parts)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(listed, await CuratedFilesAsync(pipeline.Lake));
        foreach (var loser in losers)
        {
            Assert.Empty(await ListAsync(pipeline.Lake, LakeZone.Quarantine, $"{Survey}/{loser.Upload.UploadId}/"));
            Assert.NotNull(await pipeline.Lake.GetInfoAsync(LakeZone.Reports, LakePaths.Summary(Survey, loser.Upload.UploadId), default)); // kept for the field team
        }
    }

    [Theory]
    [InlineData("local")]
    [InlineData("azurite")]
    public async Task Ingest_WorkerStalledPastItsLeaseWhileItsContentWasPublished_NextDeliveryTakesOverAndRemovesItsCuratedFiles(string backend)
    {
        var time = new ShiftedTime();
        await using var pipeline = await CreateAsync(backend, time);
        var stalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var wakeUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var lake = new InterceptingLake(pipeline.Lake)
        {
            AfterWrite = async (zone, path, _) =>
            {
                if (zone == LakeZone.Curated && path.Contains("/upload_id=", StringComparison.Ordinal))
                {
                    stalled.TrySetResult();
                    await wakeUp.Task; // the worker hangs with its first curated file written, as a dead one would
                }
            },
        };
        var path = await pipeline.UploadAsync(Survey, RepoPaths.PeruSample, "first.csv");
        var stalledIngest = Task.Run(() => Service(pipeline, lake).IngestAsync(path));
        await stalled.Task.WaitAsync(TimeSpan.FromMinutes(2));
        var uploadId = Assert.Single(await UploadsAsync(pipeline), u => u.Status == UploadStatus.Processing).UploadId;
        var ingest = pipeline.Get<IngestService>();
        var other = await ingest.IngestAsync(await pipeline.UploadAsync(Survey, RepoPaths.PeruSample, "again.csv"));
        Assert.Equal(string.Empty, other.Upload.DuplicateOf);
        var duplicate = await ingest.IngestAsync(path); // within the lease: the stalled worker still owns it
        Assert.True(duplicate.AlreadyProcessed);
        Assert.True(duplicate.InProgressElsewhere);
        Assert.Contains($"another delivery of the same upload ({uploadId}) is processing it, with a lease until", duplicate.Message, StringComparison.Ordinal);
        Assert.Contains(await CuratedFilesAsync(pipeline.Lake), f => f.Contains($"/upload_id={uploadId}/", StringComparison.Ordinal));

        time.Advance(new IngestOptions().LeaseDuration + TimeSpan.FromMinutes(1));
        var retry = await ingest.IngestAsync(path);

        Assert.Equal(UploadStatus.Succeeded, retry.Upload.Status);
        Assert.Equal(2, retry.Upload.Attempts);
        Assert.Equal(other.Upload.UploadId, retry.Upload.DuplicateOf);
        var (view, _) = await new CurrentViewStore(pipeline.Lake).ReadAsync(Survey, default);
        Assert.Equal(view.Uploads.SelectMany(u => u.Records.Values.SelectMany(parts => parts)).Order(StringComparer.Ordinal), await CuratedFilesAsync(pipeline.Lake));

        // The stalled worker wakes up and fails: the later attempt's outcome stands.
        wakeUp.SetException(new IOException("the stalled worker wakes up"));
        await Assert.ThrowsAsync<IOException>(() => stalledIngest);
        var row = await pipeline.Ledger.GetUploadAsync(Survey, uploadId, default);
        Assert.Equal(UploadStatus.Succeeded, row!.Status);
        Assert.Equal(2, row.Attempts);
    }

    [Fact]
    public async Task Ingest_OfASurveyWithAnUploadWhoseWorkerStopped_MarksItFailedSayingTheNextDeliveryRetries()
    {
        await using var pipeline = await TestPipeline.LocalAsync(await TestPipeline.PeruPacksAsync());
        var now = DateTimeOffset.UtcNow;
        var stopped = new UploadRecord { SurveyId = Survey, UploadId = "stopped", BlobPath = $"{Survey}/stopped.csv", Status = UploadStatus.Processing, Attempts = 1, Deliveries = 1, LeaseUntilUtc = now.AddMinutes(-1), ReceivedUtc = now.AddHours(-1) };
        var live = stopped with { UploadId = "live", BlobPath = $"{Survey}/live.csv", LeaseUntilUtc = now.AddMinutes(30) };
        await pipeline.Ledger.SaveUploadAsync(stopped, default);
        await pipeline.Ledger.SaveUploadAsync(live, default);

        var outcome = await pipeline.Get<IngestService>().IngestAsync(await pipeline.UploadAsync(Survey, RepoPaths.PeruSample));

        Assert.Equal(UploadStatus.Succeeded, outcome.Upload.Status);
        var swept = await pipeline.Ledger.GetUploadAsync(Survey, "stopped", default);
        Assert.Equal(UploadStatus.Failed, swept!.Status);
        Assert.Null(swept.LeaseUntilUtc);
        Assert.StartsWith("The worker stopped before finishing attempt 1 (its lease expired at ", swept.ErrorSummary, StringComparison.Ordinal);
        Assert.EndsWith("); the next delivery retries it.", swept.ErrorSummary, StringComparison.Ordinal);
        Assert.Equal(UploadStatus.Processing, (await pipeline.Ledger.GetUploadAsync(Survey, "live", default))!.Status);
    }

    [Fact]
    public async Task IngestServiceStart_TempFilesAStoppedProcessLeftOlderThanTheLease_AreDeletedNewerAndOwnOnesKept()
    {
        var stale = TempFile("0dead000", TimeSpan.FromHours(2));
        var recent = TempFile("0dead000", TimeSpan.FromMinutes(5));
        var own = TempFile(PipelineTemp.InstanceId, TimeSpan.FromHours(2));
        try
        {
            await using var pipeline = await TestPipeline.LocalAsync(await TestPipeline.PeruPacksAsync());

            _ = pipeline.Get<IngestService>();

            Assert.False(File.Exists(stale), "a temp file of a stopped process, older than the lease, was kept");
            Assert.True(File.Exists(recent), "a temp file younger than the lease was deleted: its process may be alive");
            Assert.True(File.Exists(own), "a temp file of this process was deleted");
        }
        finally
        {
            File.Delete(stale);
            File.Delete(recent);
            File.Delete(own);
        }
    }

    internal static async Task<List<string>> CuratedFilesAsync(ILakeStore lake) =>
        (await ListAsync(lake, LakeZone.Curated, Survey + "/")).Where(p => p != CurrentViewManifest.PathOf(Survey)).ToList();

    internal static async Task<List<string>> ListAsync(ILakeStore lake, LakeZone zone, string prefix)
    {
        var paths = new List<string>();
        await foreach (var blob in lake.ListAsync(zone, prefix, default))
        {
            paths.Add(blob.Path);
        }

        return paths;
    }

    internal static async Task<List<UploadRecord>> UploadsAsync(TestPipeline pipeline)
    {
        var rows = new List<UploadRecord>();
        await foreach (var row in pipeline.Ledger.ListUploadsAsync(Survey, default))
        {
            rows.Add(row);
        }

        return rows;
    }

    private static string TempFile(string instance, TimeSpan age)
    {
        Directory.CreateDirectory(PipelineTemp.Folder);
        var file = Path.Combine(PipelineTemp.Folder, $"{PipelineTemp.Prefix}{instance}-{Guid.NewGuid():N}.parquet");
        File.WriteAllBytes(file, [1, 2, 3]);
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow - age);
        return file;
    }

    /// <summary>Eight different slices of the sample and three copies of a ninth under other names.</summary>
    private static async Task<List<string>> UploadElevenWithThreeIdenticalAsync(TestPipeline pipeline)
    {
        var lines = await File.ReadAllLinesAsync(RepoPaths.PeruSample);
        var paths = new List<string>();
        for (var part = 0; part < 9; part++)
        {
            var file = Path.Combine(Path.GetTempPath(), $"slice-{Guid.NewGuid():N}.csv");
            await File.WriteAllLinesAsync(file, lines.Take(1).Concat(lines.Skip(1 + (part * 12)).Take(12)));
            var names = part < 8 ? [$"batch-{part:00}.csv"] : new[] { "copy-a.csv", "copy-b.csv", "copy-c.csv" };
            foreach (var name in names)
            {
                paths.Add(await pipeline.UploadAsync(Survey, file, name));
            }

            File.Delete(file);
        }

        return paths;
    }

    private static async Task<TestPipeline> CreateAsync(string backend, TimeProvider? time = null)
    {
        var packs = await TestPipeline.PeruPacksAsync();
        return backend == "azurite" ? await TestPipeline.AzuriteAsync(packs, time) : await TestPipeline.LocalAsync(packs, time);
    }

    private static IngestService Service(TestPipeline pipeline, ILakeStore lake) => new(
        lake,
        pipeline.Ledger,
        pipeline.Get<SurveyPackCatalog>(),
        pipeline.Get<Pseudonymiser>(),
        pipeline.Get<IQualityReportRenderer>(),
        pipeline.Get<IOptions<IngestOptions>>(),
        pipeline.Get<TimeProvider>(),
        NullLogger<IngestService>.Instance);

    private sealed class CountdownGate(int count)
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _arrived;

        public Task ArriveAsync()
        {
            if (Interlocked.Increment(ref _arrived) == count)
            {
                _open.TrySetResult();
            }

            return _open.Task.WaitAsync(TimeSpan.FromMinutes(5));
        }

        public void Open() => _open.TrySetResult();
    }
}
