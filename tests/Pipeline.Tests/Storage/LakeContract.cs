using System.Text;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.Storage;

/// <summary>
/// The storage contract every backend must honour. Each backend runs the same tests: <see cref="LocalFolderLakeContract"/>
/// over a temp folder, <see cref="AzuriteLakeContract"/> over Azurite through the Azure SDK.
/// </summary>
public abstract class LakeContract : IAsyncLifetime
{
    private TestPipeline? _pipeline;

    protected TestPipeline Pipeline => _pipeline!;

    private ILakeStore Lake => Pipeline.Lake;

    private ILedger Ledger => Pipeline.Ledger;

    protected abstract Task<TestPipeline> CreateAsync(SurveyPackCatalog packs);

    public async Task InitializeAsync() => _pipeline = await CreateAsync(await TestPipeline.FixturePacksAsync());

    public async Task DisposeAsync() => await Pipeline.DisposeAsync();

    [Fact]
    public async Task Write_ThenRead_ReturnsSameBytesAndSize()
    {
        var etag = await WriteAsync(LakeZone.Curated, "s/a/part.bin", "hello lake");

        Assert.Equal("hello lake", await ReadAsync(LakeZone.Curated, "s/a/part.bin"));
        var info = await Lake.GetInfoAsync(LakeZone.Curated, "s/a/part.bin", default);
        Assert.NotNull(info);
        Assert.Equal(10, info.Size);
        Assert.Equal(etag, info.ETag);
    }

    [Fact]
    public async Task ReadSmall_ReturnsBytesWithTheETagOfThatVersion()
    {
        var etag = await WriteAsync(LakeZone.Findings, "s/current.json", "{\"run\":1}");

        var blob = await Lake.ReadSmallAsync(LakeZone.Findings, "s/current.json", default);

        Assert.NotNull(blob);
        Assert.Equal("{\"run\":1}", Encoding.UTF8.GetString(blob.Content.Span));
        Assert.Equal(etag, blob.ETag);
        Assert.Null(await Lake.ReadSmallAsync(LakeZone.Findings, "s/missing.json", default));
    }

    [Fact]
    public async Task OpenRead_WithStaleETag_Conflicts()
    {
        var first = await WriteAsync(LakeZone.Incoming, "s/export.csv", "v1");
        await WriteAsync(LakeZone.Incoming, "s/export.csv", "version 2");

        await Assert.ThrowsAsync<LakeConflictException>(async () =>
        {
            await using var stream = await Lake.OpenReadAsync(LakeZone.Incoming, "s/export.csv", default, first);
            await stream.ReadExactlyAsync(new byte[2]);
        });
    }

    [Fact]
    public async Task Ledger_ConditionalSave_InsertOnlyAndIfMatch()
    {
        var upload = new UploadRecord { SurveyId = "tiny-survey", UploadId = "c1", BlobPath = "tiny-survey/c.csv", Status = UploadStatus.Processing, Deliveries = 1 };

        await Ledger.SaveUploadAsync(upload, default, LakeETag.None);
        await Assert.ThrowsAsync<LakeConflictException>(() => Ledger.SaveUploadAsync(upload, default, LakeETag.None));
        var entry = await Ledger.GetUploadEntryAsync("tiny-survey", "c1", default);
        await Ledger.SaveUploadAsync(upload with { Deliveries = 2 }, default, entry!.ETag);
        await Assert.ThrowsAsync<LakeConflictException>(() => Ledger.SaveUploadAsync(upload with { Deliveries = 3 }, default, entry.ETag));

        Assert.Equal(2, (await Ledger.GetUploadAsync("tiny-survey", "c1", default))!.Deliveries);
    }

    [Fact]
    public async Task GetInfo_MissingBlob_IsNull() =>
        Assert.Null(await Lake.GetInfoAsync(LakeZone.Raw, "nothing/here.csv", default));

    [Fact]
    public async Task OpenRead_MissingBlob_ThrowsNotFound() =>
        await Assert.ThrowsAsync<LakeBlobNotFoundException>(() => Lake.OpenReadAsync(LakeZone.Raw, "nothing/here.csv", default));

    [Fact]
    public async Task Write_IfNoneMatch_FailsWhenBlobExists()
    {
        await WriteAsync(LakeZone.Findings, "s/current.json", "one", LakeETag.None);

        await Assert.ThrowsAsync<LakeConflictException>(() => WriteAsync(LakeZone.Findings, "s/current.json", "two", LakeETag.None));
        Assert.Equal("one", await ReadAsync(LakeZone.Findings, "s/current.json"));
    }

    [Fact]
    public async Task Write_IfMatchCurrentETag_ReplacesAndStaleETagFails()
    {
        var first = await WriteAsync(LakeZone.Findings, "s/current.json", "one", LakeETag.None);
        var second = await WriteAsync(LakeZone.Findings, "s/current.json", "two-longer", first);

        Assert.NotEqual(first, second);
        await Assert.ThrowsAsync<LakeConflictException>(() => WriteAsync(LakeZone.Findings, "s/current.json", "three", first));
        Assert.Equal("two-longer", await ReadAsync(LakeZone.Findings, "s/current.json"));
    }

    [Fact]
    public async Task Write_ConcurrentConditionalWrites_ExactlyOneWins()
    {
        var start = await WriteAsync(LakeZone.Findings, "s/pointer.json", "start", LakeETag.None);

        var attempts = Enumerable.Range(0, 8).Select(async i =>
        {
            try
            {
                await WriteAsync(LakeZone.Findings, "s/pointer.json", $"writer-{i}", start);
                return true;
            }
            catch (LakeConflictException)
            {
                return false;
            }
        }).ToList();
        var results = await Task.WhenAll(attempts);

        Assert.Single(results, r => r);
        Assert.StartsWith("writer-", await ReadAsync(LakeZone.Findings, "s/pointer.json"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_ByPrefix_ReturnsOnlyMatchesInPathOrder()
    {
        await WriteAsync(LakeZone.Curated, "s/rec/upload_id=b/part.parquet", "b");
        await WriteAsync(LakeZone.Curated, "s/rec/upload_id=a/part.parquet", "a");
        await WriteAsync(LakeZone.Curated, "s/other/x.parquet", "x");

        var paths = new List<string>();
        await foreach (var blob in Lake.ListAsync(LakeZone.Curated, "s/rec/", default))
        {
            paths.Add(blob.Path);
        }

        Assert.Equal(["s/rec/upload_id=a/part.parquet", "s/rec/upload_id=b/part.parquet"], paths);
    }

    [Fact]
    public async Task Copy_BetweenZones_KeepsContentAndSource()
    {
        await WriteAsync(LakeZone.Incoming, "s/export.csv", "A,B\n1,2\n");

        await Lake.CopyAsync(LakeZone.Incoming, "s/export.csv", LakeZone.Raw, "s/u1/export.csv", default);

        Assert.Equal("A,B\n1,2\n", await ReadAsync(LakeZone.Raw, "s/u1/export.csv"));
        Assert.NotNull(await Lake.GetInfoAsync(LakeZone.Incoming, "s/export.csv", default));
    }

    [Fact]
    public async Task Delete_RemovesBlob_AndMissingIsFine()
    {
        await WriteAsync(LakeZone.Reports, "s/r.json", "{}");

        await Lake.DeleteAsync(LakeZone.Reports, "s/r.json", default);
        await Lake.DeleteAsync(LakeZone.Reports, "s/r.json", default);

        Assert.Null(await Lake.GetInfoAsync(LakeZone.Reports, "s/r.json", default));
    }

    [Fact]
    public async Task Ledger_SaveThenGetAndList_RoundTripsEveryField()
    {
        var upload = new UploadRecord
        {
            SurveyId = "tiny-survey", UploadId = "u1", BlobPath = "tiny-survey/x.csv", ETag = "\"0x1\"", ContentSha256 = "ab", SizeBytes = 123,
            Format = "delimited", Status = UploadStatus.Succeeded, Attempts = 2, RowsRead = 10, RowsCurated = 8, RowsRejected = 2,
            CountsByRecord = "MAIN_REC:10/8/2", ReceivedUtc = new DateTimeOffset(2026, 11, 1, 2, 0, 0, TimeSpan.Zero),
            CompletedUtc = new DateTimeOffset(2026, 11, 1, 2, 0, 5, TimeSpan.Zero), DurationMs = 5000, ErrorSummary = string.Empty,
        };

        await Ledger.SaveUploadAsync(upload, default);
        await Ledger.SaveUploadAsync(upload with { UploadId = "u2", Status = UploadStatus.Rejected, ErrorSummary = "bad" }, default);

        Assert.Equal(upload, await Ledger.GetUploadAsync("tiny-survey", "u1", default));
        Assert.Null(await Ledger.GetUploadAsync("tiny-survey", "nope", default));
        var all = new List<UploadRecord>();
        await foreach (var u in Ledger.ListUploadsAsync("tiny-survey", default))
        {
            all.Add(u);
        }

        Assert.Equal(["u1", "u2"], all.Select(u => u.UploadId).Order());
    }

    [Fact]
    public async Task Ledger_FindingsRuns_RoundTrip()
    {
        var run = new FindingsRunRecord
        {
            SurveyId = "tiny-survey", RunId = "r1", Status = FindingsRunStatus.Skipped, InputsFingerprint = "f", Uploads = 3, Cases = 7, Cells = 3,
            StartedUtc = new DateTimeOffset(2026, 11, 1, 2, 0, 0, TimeSpan.Zero), DurationMs = 12, Message = "No new data.",
        };

        await Ledger.SaveFindingsRunAsync(run, default);

        var runs = new List<FindingsRunRecord>();
        await foreach (var r in Ledger.ListFindingsRunsAsync("tiny-survey", default))
        {
            runs.Add(r);
        }

        Assert.Equal(run, Assert.Single(runs));
    }

    private async Task<string> WriteAsync(LakeZone zone, string path, string text, string? ifMatch = null)
    {
        using var content = new MemoryStream(Encoding.UTF8.GetBytes(text));
        return await Lake.WriteAsync(zone, path, content, ifMatch, default);
    }

    private async Task<string> ReadAsync(LakeZone zone, string path)
    {
        await using var stream = await Lake.OpenReadAsync(zone, path, default);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }
}

public sealed class LocalFolderLakeContract : LakeContract
{
    protected override Task<TestPipeline> CreateAsync(SurveyPackCatalog packs) => TestPipeline.LocalAsync(packs);
}

public sealed class AzuriteLakeContract : LakeContract
{
    protected override Task<TestPipeline> CreateAsync(SurveyPackCatalog packs) => TestPipeline.AzuriteAsync(packs);
}
