using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Core.Findings;
using Pipeline.Core.Ingest;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Core.Privacy;
using Pipeline.Core.Reporting;
using Pipeline.Storage.Azure;
using Pipeline.Storage.LocalFolder;

namespace Pipeline.Storage;

/// <summary>
/// Wires the pipeline for a host (the Functions app or the CLI): options bound and validated at start-up, the lake on
/// Azure Storage or on a local folder, and the core services.
/// </summary>
public static class PipelineServices
{
    /// <summary>Name of the connection setting: a connection string, or a section with blobServiceUri/tableServiceUri.</summary>
    public const string ConnectionName = "LakeStorage";

    /// <summary>Registers options, storage and core services. The survey packs are loaded beforehand; a broken one is in <see cref="SurveyPackCatalog.Broken"/> (log it with <see cref="LogBrokenPacks"/>).</summary>
    public static IServiceCollection AddSurveyPipeline(this IServiceCollection services, IConfiguration configuration, SurveyPackCatalog packs, LakeBackend backend)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(backend);
        // Source-generated validators (no reflection), run at start-up; their messages name the setting as configured.
        services.AddOptions<LakeOptions>()
            .Bind(configuration.GetSection(LakeOptions.SectionName))
            .Configure(o => o.IncomingContainer = configuration["IncomingContainer"] is { Length: > 0 } c ? c : o.IncomingContainer)
            .ValidateOnStart();
        services.AddOptions<IngestOptions>().Bind(configuration.GetSection(IngestOptions.SectionName)).ValidateOnStart();
        services.AddOptions<FindingsOptions>().Bind(configuration.GetSection(FindingsOptions.SectionName)).ValidateOnStart();
        services.AddOptions<PseudonymisationOptions>().Bind(configuration.GetSection(PseudonymisationOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<LakeOptions>>(new SettingNamesValidator<LakeOptions>(LakeOptions.SectionName, new ValidateLakeOptions()));
        services.AddSingleton<IValidateOptions<IngestOptions>>(new SettingNamesValidator<IngestOptions>(IngestOptions.SectionName, new ValidateIngestOptions()));
        services.AddSingleton<IValidateOptions<FindingsOptions>>(new SettingNamesValidator<FindingsOptions>(FindingsOptions.SectionName, new ValidateFindingsOptions()));
        services.AddSingleton<IValidateOptions<PseudonymisationOptions>>(new SettingNamesValidator<PseudonymisationOptions>(PseudonymisationOptions.SectionName, new ValidatePseudonymisationOptions()));

        services.AddSingleton(packs);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new Pseudonymiser(sp.GetRequiredService<IOptions<PseudonymisationOptions>>().Value.Key));
        services.AddSingleton(sp => backend.CreateStore(sp.GetRequiredService<IOptions<LakeOptions>>().Value));
        services.AddSingleton(sp => backend.CreateLedger(sp.GetRequiredService<IOptions<LakeOptions>>().Value));
        // The reporting layer's renderers behind the ingest's and the findings' output ports.
        services.AddSingleton<IQualityReportRenderer, QualityReportRenderer>();
        services.AddSingleton<IFindingsPublisher, FindingsPublisher>();
        services.AddSingleton<IngestService>();
        services.AddSingleton<FindingsService>();
        return services;
    }

    /// <summary>
    /// Logs each broken pack of <paramref name="packs"/> once, as a warning: the host runs on with the others, and an
    /// upload to a broken pack is rejected with the same reason.
    /// </summary>
    public static void LogBrokenPacks(SurveyPackCatalog packs, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(packs);
        ArgumentNullException.ThrowIfNull(logger);
        foreach (var broken in packs.Broken)
        {
            logger.LogWarning("Survey pack {Pack} in {Folder} is broken and skipped; uploads to it are rejected until it is fixed: {Problems}", broken.Id, broken.Folder, broken.Summary);
        }
    }
}

/// <summary>Where the lake lives: Azure Storage (or Azurite) through the Azure SDK, or a local folder.</summary>
public abstract class LakeBackend
{
    public abstract ILakeStore CreateStore(LakeOptions options);

    public abstract ILedger CreateLedger(LakeOptions options);

    /// <summary>Creates missing containers, tables or folders.</summary>
    public abstract Task EnsureCreatedAsync(LakeOptions options, CancellationToken cancellationToken);

    public static LakeBackend LocalFolder(string root) => new LocalFolderBackend(root);

    public static LakeBackend Azure(BlobServiceClient blobs, TableServiceClient tables) => new AzureBackend(blobs, tables);

    /// <summary>
    /// Azure clients from configuration: <c>LakeStorage</c> as a connection string (Azurite, local runs), or identity-based
    /// settings <c>LakeStorage__blobServiceUri</c>, <c>LakeStorage__tableServiceUri</c> and optionally
    /// <c>LakeStorage__clientId</c> (a user-assigned managed identity), as the Functions runtime reads them.
    /// </summary>
    public static LakeBackend AzureFromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration[PipelineServices.ConnectionName] is { Length: > 0 } connectionString)
        {
            return Azure(new BlobServiceClient(connectionString, BlobOptions()), new TableServiceClient(connectionString, TableOptions()));
        }

        var section = configuration.GetSection(PipelineServices.ConnectionName);
        var blobUri = section["blobServiceUri"] ?? section["serviceUri"];
        var tableUri = section["tableServiceUri"];
        if (blobUri is null || tableUri is null)
        {
            throw new InvalidOperationException(
                "No lake storage configured: set LakeStorage to a connection string, or LakeStorage__blobServiceUri and LakeStorage__tableServiceUri for identity-based access.");
        }

        var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = section["clientId"] });
        return Azure(new BlobServiceClient(new Uri(blobUri), credential, BlobOptions()), new TableServiceClient(new Uri(tableUri), credential, TableOptions()));
    }

    /// <summary>
    /// Blob client options: transient failures (timeouts, 408/429/500/502/503/504, dropped connections) are retried by the
    /// Azure SDK up to 5 times with exponential backoff from 0.5 s to 30 s; a failure that outlasts that fails the upload's
    /// attempt, and the trigger's own retry takes over.
    /// </summary>
    public static BlobClientOptions BlobOptions()
    {
        var options = new BlobClientOptions();
        SetRetry(options.Retry);
        return options;
    }

    /// <summary>Table client options, with the same retry policy as <see cref="BlobOptions"/>.</summary>
    public static TableClientOptions TableOptions()
    {
        var options = new TableClientOptions();
        SetRetry(options.Retry);
        return options;
    }

    private static void SetRetry(global::Azure.Core.RetryOptions retry)
    {
        retry.Mode = global::Azure.Core.RetryMode.Exponential;
        retry.MaxRetries = 5;
        retry.Delay = TimeSpan.FromMilliseconds(500);
        retry.MaxDelay = TimeSpan.FromSeconds(30);
    }

    private sealed class LocalFolderBackend(string root) : LakeBackend
    {
        public override ILakeStore CreateStore(LakeOptions options) => new LocalFolderLakeStore(root, options);

        public override ILedger CreateLedger(LakeOptions options) => new LocalFolderLedger(root, options);

        public override Task EnsureCreatedAsync(LakeOptions options, CancellationToken cancellationToken)
        {
            _ = new LocalFolderLakeStore(root, options); // creates the zone folders
            return Task.CompletedTask;
        }
    }

    private sealed class AzureBackend(BlobServiceClient blobs, TableServiceClient tables) : LakeBackend
    {
        public override ILakeStore CreateStore(LakeOptions options) => new AzureBlobLakeStore(blobs, options);

        public override ILedger CreateLedger(LakeOptions options) => new AzureTableLedger(tables, options);

        public override async Task EnsureCreatedAsync(LakeOptions options, CancellationToken cancellationToken)
        {
            await new AzureBlobLakeStore(blobs, options).EnsureContainersAsync(cancellationToken).ConfigureAwait(false);
            await new AzureTableLedger(tables, options).EnsureTablesAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
