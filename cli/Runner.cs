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
    private readonly IngestTally _tally = new();

    /// <summary>
    /// Loads the packs, checks <paramref name="survey"/> (when given) names a loaded one, starts the host (which validates
    /// every options class) and runs <paramref name="command"/>. Each expected failure is one line on standard error and
    /// exit code <see cref="ExitCodes.Usage"/>.
    /// </summary>
    public static async Task<int> RunAsync(RunnerSettings settings, string? survey, Func<Runner, CancellationToken, Task<int>> command, CancellationToken cancellationToken)
    {
        var running = false; // set once the command runs: its failures are not usage errors
        try
        {
            var packsFolder = settings.Packs?.FullName ?? DefaultPacksFolder();
            var packs = await SurveyPackCatalog.LoadAsync(packsFolder, cancellationToken);
            if (survey is not null && Usage.KnownSurvey(packs, survey, packsFolder) is { } unknown)
            {
                return await Usage.FailAsync(unknown);
            }

            PackCommands.ReportBroken(packs);
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = Environment.CurrentDirectory });
            builder.Logging.SetMinimumLevel(settings.Verbose ? LogLevel.Information : LogLevel.Warning);
            // A host that fails to start (a bad setting) logs the exception with its stack; the CLI says it in one line.
            builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
            var backend = settings.Connection is { Length: > 0 } connection
                ? LakeBackend.AzureFromConfiguration(new ConfigurationBuilder().AddInMemoryCollection([new(PipelineServices.ConnectionName, connection)]).Build())
                : LakeBackend.LocalFolder(settings.LakeFolder.FullName);
            if (builder.Configuration["Pseudonymisation:Key"] is not { Length: > 0 })
            {
                builder.Configuration["Pseudonymisation:Key"] = settings.Connection is null
                    ? await LocalKey.GetOrCreateAsync(settings.LakeFolder, cancellationToken)
                    : throw new InvalidOperationException("Set the environment variable Pseudonymisation__Key (at least 32 characters) to use a shared lake; pseudonyms must be the same for every writer.");
            }

            builder.Services.AddSurveyPipeline(builder.Configuration, packs, backend);
            using var host = builder.Build();
            await host.StartAsync(cancellationToken); // validates every options class
            await backend.EnsureCreatedAsync(host.Services.GetRequiredService<IOptions<LakeOptions>>().Value, cancellationToken);
            int exit;
            running = true;
            try
            {
                exit = await command(new Runner(host.Services, settings, Console.Out), cancellationToken);
            }
            catch (Exception e) when (e is SurveyPackException or InputFileException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
            {
                // What the user named is wrong or unreadable. Anything else while a command runs (storage down, disk full, a
                // bug) is not a usage error: it reaches Program's handler, exit code 3.
                return await Usage.FailAsync(e.Message);
            }

            await host.StopAsync(cancellationToken);
            return exit;
        }
        catch (Exception e) when (!running && e is SurveyPackException or InvalidOperationException or OptionsValidationException or InputFileException or IOException or UnauthorizedAccessException)
        {
            // Setting up: a bad setting, a missing key, a lake folder that cannot be made.
            return await Usage.FailAsync(e.Message);
        }
        catch (AggregateException e) when (e.InnerExceptions.All(i => i is OptionsValidationException))
        {
            // ValidateOnStart reports every options class that failed together.
            return await Usage.FailAsync(string.Join(" ", e.InnerExceptions.Select(i => i.Message)));
        }
    }

    /// <summary>The <c>ingest</c> command: one file, then the summary line.</summary>
    public async Task<int> IngestCommandAsync(string survey, FileInfo file, CancellationToken cancellationToken)
    {
        var exit = await IngestFilesAsync(survey, [file], cancellationToken);
        await output.WriteLineAsync(_tally.Line());
        return exit;
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

        await output.WriteLineAsync();
        await output.WriteLineAsync(_tally.Line());
        return _tally.ExitCode;
    }

    /// <summary>The <c>run</c> command: every file of a folder, the findings, then the summary line.</summary>
    public async Task<int> RunFolderAsync(string survey, DirectoryInfo folder, CancellationToken cancellationToken)
    {
        var files = folder.EnumerateFiles().OrderBy(f => f.Name, StringComparer.Ordinal).ToArray();
        var exit = await IngestFilesAsync(survey, files, cancellationToken);
        exit = Math.Max(exit, await FindingsAsync(survey, force: false, cancellationToken));
        await output.WriteLineAsync();
        await output.WriteLineAsync(_tally.Line());
        return exit;
    }

    /// <summary>Uploads files to incoming/&lt;survey&gt;/ and ingests them one by one. Exit code 1 when a file was rejected.</summary>
    public async Task<int> IngestFilesAsync(string survey, IReadOnlyList<FileInfo> files, CancellationToken cancellationToken)
    {
        var lake = services.GetRequiredService<ILakeStore>();
        var ingest = services.GetRequiredService<IngestService>();
        var exit = ExitCodes.Accepted;
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
            _tally.Add(outcome);
            if (outcome.Succeeded)
            {
                await output.WriteLineAsync($"Ingested {path}: {u.RowsRead} rows read = {u.RowsCurated} curated + {u.RowsRejected} rejected (upload {u.UploadId}{(outcome.AlreadyProcessed ? ", already done" : string.Empty)}){Skipped(u)}");
            }
            else
            {
                exit = ExitCodes.SomeRejected;
                await output.WriteLineAsync($"{(outcome.InProgressElsewhere ? "In progress" : "Rejected")} {path}: {outcome.Message}");
            }
        }

        return exit;
    }

    public async Task<int> FindingsAsync(string? survey, bool force, CancellationToken cancellationToken)
    {
        var catalog = services.GetRequiredService<SurveyPackCatalog>();
        var selected = survey is null ? catalog.Packs : [catalog.Find(survey)!]; // RunAsync checked the id
        foreach (var pack in selected)
        {
            await PrintFindingsAsync(pack, force, cancellationToken);
        }

        return ExitCodes.Accepted;
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

    // What the reader skipped as CSPro does (deleted .csdb cases, erased .dat lines): said, so no case goes unseen.
    private static string Skipped(UploadRecord u) =>
        (u.DeletedCases, u.ErasedLines) switch
        {
            (0, 0) => string.Empty,
            (var d, 0) => $"; {d} deleted cases not read",
            (0, var e) => $"; {e} erased lines not read",
            (var d, var e) => $"; {d} deleted cases and {e} erased lines not read",
        };

    public static string DefaultPacksFolder()
    {
        var bundled = Path.Combine(AppContext.BaseDirectory, "survey-packs");
        return Directory.Exists(bundled) ? bundled : Path.Combine(Environment.CurrentDirectory, "survey-packs");
    }
}
