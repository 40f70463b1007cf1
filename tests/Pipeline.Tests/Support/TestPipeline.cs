using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Storage;

namespace Pipeline.Tests.Support;

/// <summary>The pipeline's real services over a real backend (a temp folder or Azurite), isolated per test.</summary>
public sealed class TestPipeline : IAsyncDisposable
{
    /// <summary>Test-only key; production keys come from Key Vault.</summary>
    public const string PseudonymKey = "test-only-pseudonymisation-key-0123456789";

    private readonly string? _tempFolder;

    // Files handed out by DownloadAsync, deleted with the pipeline.
    private readonly System.Collections.Concurrent.ConcurrentBag<string> _downloads = [];

    private TestPipeline(ServiceProvider services, LakeBackend backend, string? tempFolder, BlobServiceClient? blobs)
    {
        Services = services;
        Backend = backend;
        _tempFolder = tempFolder;
        Blobs = blobs;
    }

    public ServiceProvider Services { get; }

    public LakeBackend Backend { get; }

    /// <summary>Set for the Azurite backend.</summary>
    public BlobServiceClient? Blobs { get; }

    public string? LocalFolder => _tempFolder;

    public ILakeStore Lake => Services.GetRequiredService<ILakeStore>();

    public ILedger Ledger => Services.GetRequiredService<ILedger>();

    public LakeOptions LakeOptions => Services.GetRequiredService<IOptions<LakeOptions>>().Value;

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    public static async Task<SurveyPackCatalog> PeruPacksAsync() => await SurveyPackCatalog.LoadAsync(RepoPaths.SurveyPacks);

    public static async Task<SurveyPackCatalog> FixturePacksAsync() => await SurveyPackCatalog.LoadAsync(RepoPaths.FixturePacks);

    public static Task<TestPipeline> LocalAsync(SurveyPackCatalog packs, TimeProvider? time = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "pipeline-tests", Guid.NewGuid().ToString("N"));
        return CreateAsync(packs, LakeBackend.LocalFolder(folder), folder, null, new Dictionary<string, string?>(), time);
    }

    /// <summary>
    /// A pipeline on Azurite. <paramref name="policy"/> is added to every storage request (fault injection);
    /// pass the same <paramref name="prefix"/> to get a second pipeline over the same containers and tables.
    /// </summary>
    public static Task<TestPipeline> AzuriteAsync(SurveyPackCatalog packs, TimeProvider? time = null, HttpPipelinePolicy? policy = null, string? prefix = null, Dictionary<string, string?>? settings = null, HttpPipelinePolicy? retryPolicy = null)
    {
        var connection = Azurite.ConnectionString;
        prefix ??= Azurite.NewPrefix();
        var blobOptions = LakeBackend.BlobOptions();
        var tableOptions = LakeBackend.TableOptions();
        if (policy is not null)
        {
            blobOptions.AddPolicy(policy, HttpPipelinePosition.PerCall);
            tableOptions.AddPolicy(policy, HttpPipelinePosition.PerCall);
        }

        if (retryPolicy is not null)
        {
            // Inside the SDK's retry loop; the test shortens the backoff so that tens of retries take well under a second.
            blobOptions.AddPolicy(retryPolicy, HttpPipelinePosition.PerRetry);
            tableOptions.AddPolicy(retryPolicy, HttpPipelinePosition.PerRetry);
            blobOptions.Retry.Delay = tableOptions.Retry.Delay = TimeSpan.FromMilliseconds(5);
        }

        var blobs = new BlobServiceClient(connection, blobOptions);
        var lakeSettings = new Dictionary<string, string?>(settings ?? [])
        {
            ["IncomingContainer"] = $"{prefix}-incoming",
            ["Lake:RawContainer"] = $"{prefix}-raw",
            ["Lake:CuratedContainer"] = $"{prefix}-curated",
            ["Lake:QuarantineContainer"] = $"{prefix}-quarantine",
            ["Lake:ReportsContainer"] = $"{prefix}-reports",
            ["Lake:FindingsContainer"] = $"{prefix}-findings",
            ["Lake:UploadsTable"] = $"{prefix}uploads",
            ["Lake:FindingsRunsTable"] = $"{prefix}runs",
        };
        return CreateAsync(packs, LakeBackend.Azure(blobs, new TableServiceClient(connection, tableOptions)), null, blobs, lakeSettings, time);
    }

    private static async Task<TestPipeline> CreateAsync(SurveyPackCatalog packs, LakeBackend backend, string? folder, BlobServiceClient? blobs, Dictionary<string, string?> settings, TimeProvider? time)
    {
        settings["Pseudonymisation:Key"] = PseudonymKey;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging().AddSurveyPipeline(configuration, packs, backend);
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        var provider = services.BuildServiceProvider(validateScopes: true);
        var pipeline = new TestPipeline(provider, backend, folder, blobs);
        await backend.EnsureCreatedAsync(pipeline.LakeOptions, CancellationToken.None);
        return pipeline;
    }

    /// <summary>Puts a local file into the incoming zone as a field team's upload would.</summary>
    public async Task<string> UploadAsync(string survey, string file, string? name = null)
    {
        var path = $"{survey}/{name ?? Path.GetFileName(file)}";
        await using var content = File.OpenRead(file);
        await Lake.WriteAsync(LakeZone.Incoming, path, content, null, CancellationToken.None);
        return path;
    }

    /// <summary>Copies a lake blob to a local temp file (for DuckDB), deleted when the pipeline is disposed.</summary>
    public async Task<string> DownloadAsync(LakeZone zone, string path)
    {
        var file = Path.Combine(Path.GetTempPath(), $"pipeline-test-{Guid.NewGuid():N}{Path.GetExtension(path)}");
        _downloads.Add(file);
        await using var source = await Lake.OpenReadAsync(zone, path, CancellationToken.None);
        await using var target = File.Create(file);
        await source.CopyToAsync(target);
        return file;
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        foreach (var file in _downloads)
        {
            File.Delete(file);
        }

        if (_tempFolder is not null && Directory.Exists(_tempFolder))
        {
            Directory.Delete(_tempFolder, recursive: true);
        }
    }
}
