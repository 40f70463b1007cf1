using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Core.Findings;
using Pipeline.Core.Ingest;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Core.Readers;
using Pipeline.Core.Reporting;
using Pipeline.Storage;

namespace Pipeline.Cli;

/// <summary>What the command line chose: where the lake is and where the packs are.</summary>
internal sealed record RunnerSettings(DirectoryInfo LakeFolder, string? Connection, DirectoryInfo? Packs, bool Verbose);

/// <summary>Builds the same services as the Functions app over the chosen backend and runs one command.</summary>
internal sealed class Runner(IServiceProvider services, RunnerSettings settings, TextWriter output)
{
    private const string DemoKeyFile = ".pseudonym-key";

    public static async Task<int> RunAsync(RunnerSettings settings, Func<Runner, CancellationToken, Task<int>> command, CancellationToken cancellationToken)
    {
        try
        {
            var packsFolder = settings.Packs?.FullName ?? DefaultPacksFolder();
            var packs = await SurveyPackCatalog.LoadAsync(packsFolder, cancellationToken);
            PackCommands.ReportBroken(packs);
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = Environment.CurrentDirectory });
            builder.Logging.SetMinimumLevel(settings.Verbose ? LogLevel.Information : LogLevel.Warning);
            var backend = settings.Connection is { Length: > 0 } connection
                ? LakeBackend.AzureFromConfiguration(new ConfigurationBuilder().AddInMemoryCollection([new(PipelineServices.ConnectionName, connection)]).Build())
                : LakeBackend.LocalFolder(settings.LakeFolder.FullName);
            if (builder.Configuration["Pseudonymisation:Key"] is not { Length: > 0 })
            {
                builder.Configuration["Pseudonymisation:Key"] = settings.Connection is null
                    ? await LocalKeyAsync(settings.LakeFolder, cancellationToken)
                    : throw new InvalidOperationException("Set the environment variable Pseudonymisation__Key (at least 32 characters) to use a shared lake; pseudonyms must be the same for every writer.");
            }

            builder.Services.AddSurveyPipeline(builder.Configuration, packs, backend);
            using var host = builder.Build();
            await host.StartAsync(cancellationToken); // validates every options class
            await backend.EnsureCreatedAsync(host.Services.GetRequiredService<IOptions<LakeOptions>>().Value, cancellationToken);
            var exit = await command(new Runner(host.Services, settings, Console.Out), cancellationToken);
            await host.StopAsync(cancellationToken);
            return exit;
        }
        catch (Exception e) when (e is SurveyPackException or InvalidOperationException or OptionsValidationException or InputFileException)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return 2;
        }
    }

    /// <summary>Uploads every sample export of every pack, ingests it, recomputes the findings and prints them.</summary>
    public async Task<int> DemoAsync(CancellationToken cancellationToken)
    {
        var where = settings.Connection is null ? settings.LakeFolder.FullName : "the storage account of --connection";
        await output.WriteLineAsync($"Lake: {where}");
        foreach (var pack in services.GetRequiredService<SurveyPackCatalog>().Packs)
        {
            var sampleFolder = new DirectoryInfo(Path.Combine(pack.Folder, "sample"));
            if (!sampleFolder.Exists)
            {
                continue; // a pack made by pack init ships no sample export
            }

            var samples = sampleFolder.EnumerateFiles().Where(f => f.Extension != ".md").OrderBy(f => f.Name, StringComparer.Ordinal).ToArray();
            await IngestFilesAsync(pack.Id, samples, cancellationToken);
            await PrintFindingsAsync(pack, force: true, cancellationToken);
        }

        return 0;
    }

    public async Task<int> RunFolderAsync(string survey, DirectoryInfo folder, CancellationToken cancellationToken)
    {
        if (!folder.Exists)
        {
            await Console.Error.WriteLineAsync(File.Exists(folder.FullName)
                ? $"error: {folder.FullName} is a file, not a folder; use 'ingest {folder.FullName} --survey {survey}' for one file."
                : $"error: {folder.FullName}: no such folder; give the folder that holds the exports.");
            return 2;
        }

        var files = folder.EnumerateFiles().OrderBy(f => f.Name, StringComparer.Ordinal).ToArray();
        var exit = await IngestFilesAsync(survey, files, cancellationToken);
        return Math.Max(exit, await FindingsAsync(survey, force: false, cancellationToken));
    }

    /// <summary>Uploads files to incoming/&lt;survey&gt;/ and ingests them one by one. Exit code 1 when a file was rejected.</summary>
    public async Task<int> IngestFilesAsync(string survey, IReadOnlyList<FileInfo> files, CancellationToken cancellationToken)
    {
        var lake = services.GetRequiredService<ILakeStore>();
        var ingest = services.GetRequiredService<IngestService>();
        if (files.FirstOrDefault(f => !f.Exists) is { } missing)
        {
            await Console.Error.WriteLineAsync(Directory.Exists(missing.FullName)
                ? $"error: {missing.FullName} is a folder; use 'run {missing.FullName} --survey {survey}' to ingest every export in it."
                : $"error: {missing.FullName}: no such file; give the path of an export file (.dat, .csv, .csdb, .xlsx or .zip).");
            return 2;
        }

        var exit = 0;
        foreach (var file in files)
        {
            var path = $"{survey}/{file.Name}";
            await using (var content = file.OpenRead())
            {
                await lake.WriteAsync(LakeZone.Incoming, path, content, ifMatch: null, cancellationToken);
            }

            var progress = new Progress<IngestProgress>(p => output.WriteLine($"  … {p.Rows:N0} rows read from {p.Upload}"));
            var outcome = await ingest.IngestAsync(path, progress, cancellationToken);
            var u = outcome.Upload;
            if (outcome.Succeeded)
            {
                await output.WriteLineAsync($"Ingested {path}: {u.RowsRead} rows read = {u.RowsCurated} curated + {u.RowsRejected} rejected (upload {u.UploadId}{(outcome.AlreadyProcessed ? ", already done" : string.Empty)}){Skipped(u)}");
            }
            else
            {
                exit = 1;
                await output.WriteLineAsync($"Rejected {path}: {u.ErrorSummary}");
            }
        }

        return exit;
    }

    public async Task<int> FindingsAsync(string? survey, bool force, CancellationToken cancellationToken)
    {
        var catalog = services.GetRequiredService<SurveyPackCatalog>();
        var selected = survey is null ? catalog.Packs : [catalog.Find(survey) ?? throw new InvalidOperationException($"No survey pack '{survey}'; known: {string.Join(", ", catalog.Packs.Select(p => p.Id))}.")];
        foreach (var pack in selected)
        {
            await PrintFindingsAsync(pack, force, cancellationToken);
        }

        return 0;
    }

    private async Task PrintFindingsAsync(SurveyPack pack, bool force, CancellationToken cancellationToken)
    {
        var run = await services.GetRequiredService<FindingsService>().RecomputeAsync(pack, force, cancellationToken);
        await FindingsPrinter.PrintAsync(output, pack, run);
        if (settings.Connection is null)
        {
            await output.WriteLineAsync($"Curated Parquet: {Path.Combine(settings.LakeFolder.FullName, "curated", pack.Id)}");
            await output.WriteLineAsync($"Findings tables: {Path.Combine(settings.LakeFolder.FullName, "findings", run.Status.RunFolder)}");
            await output.WriteLineAsync($"Findings report: {Path.Combine(settings.LakeFolder.FullName, "findings", run.Status.RunFolder, FindingsReportPublisher.HtmlFile)}");
        }
    }

    /// <summary>The local lake's own random key, made on first use: pseudonyms stay stable across local runs, and no key is built in.</summary>
    // What the reader skipped as CSPro does (deleted .csdb cases, erased .dat lines): said, so no case goes unseen.
    private static string Skipped(UploadRecord u) =>
        (u.DeletedCases, u.ErasedLines) switch
        {
            (0, 0) => string.Empty,
            (var d, 0) => $"; {d} deleted cases not read",
            (0, var e) => $"; {e} erased lines not read",
            (var d, var e) => $"; {d} deleted cases and {e} erased lines not read",
        };

    private static async Task<string> LocalKeyAsync(DirectoryInfo lakeFolder, CancellationToken cancellationToken)
    {
        lakeFolder.Create();
        var file = Path.Combine(lakeFolder.FullName, DemoKeyFile);
        if (!File.Exists(file))
        {
            await File.WriteAllTextAsync(file, Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)), cancellationToken);
        }

        return (await File.ReadAllTextAsync(file, cancellationToken)).Trim();
    }

    public static string DefaultPacksFolder()
    {
        var bundled = Path.Combine(AppContext.BaseDirectory, "survey-packs");
        return Directory.Exists(bundled) ? bundled : Path.Combine(Environment.CurrentDirectory, "survey-packs");
    }
}
