using System.Diagnostics;
using System.Text;
using Pipeline.Core.Engine;
using Pipeline.Core.Ingest;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Generator;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.EndToEnd;

/// <summary>
/// Issue #18, acceptance 5, as it happens in production: the CLI ingests a large generated upload against Azurite in a
/// child process, which is killed (SIGKILL, no clean-up code runs) while it writes its curated part files; then the
/// next delivery runs in this process with the clock past the lease.
/// </summary>
public sealed class KillDuringIngestTests
{
    private const string Survey = "peru-coffee-cacao";

    [Fact]
    public async Task Ingest_KilledWhileWritingCuratedFiles_NextDeliveryGivesOneCompleteResultAndNoProcessingRowOrOrphanFile()
    {
        var packs = await TestPipeline.PeruPacksAsync();
        var export = await GenerateAsync(packs.Find(Survey)!);
        try
        {
            await KillThenDeliverAgainAsync(packs, export);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(export.Path)!, recursive: true);
        }
    }

    private static async Task KillThenDeliverAgainAsync(SurveyPackCatalog packs, GeneratedFile export)
    {
        var prefix = Azurite.NewPrefix();
        var path = $"{Survey}/{Path.GetFileName(export.Path)}";
        var tempBefore = TempFilesOfOtherProcesses();

        await using (var observer = await TestPipeline.AzuriteAsync(packs, prefix: prefix))
        {
            await KillWhileWritingCuratedFilesAsync(observer, export.Path);
            var killed = Assert.Single(await CrashCleanupTests.UploadsAsync(observer));
            Assert.Equal(UploadStatus.Processing, killed.Status); // what the kill leaves: a row nobody processes ...
            Assert.NotEmpty(await CuratedFilesOfAsync(observer.Lake, killed.UploadId)); // ... and files nobody lists
        }

        var leftTemp = TempFilesOfOtherProcesses().Except(tempBefore).ToList();
        Assert.NotEmpty(leftTemp); // the killed process's temporary Parquet files: nothing deleted them
        var time = new ShiftedTime(new IngestOptions().LeaseDuration + TimeSpan.FromMinutes(1));
        await using var next = await TestPipeline.AzuriteAsync(packs, time, prefix: prefix);

        var outcome = await next.Get<IngestService>().IngestAsync(path);

        var upload = outcome.Upload;
        Assert.True(upload.Status == UploadStatus.Succeeded, $"the next delivery ended {upload.Status}: {upload.ErrorSummary}");
        Assert.Equal(2, upload.Attempts);
        Assert.Equal(export.Rows, upload.RowsRead);
        Assert.Equal(upload.RowsRead, upload.RowsCurated + upload.RowsRejected);
        Assert.DoesNotContain(await CrashCleanupTests.UploadsAsync(next), u => u.Status == UploadStatus.Processing && u.LeaseUntilUtc <= time.GetUtcNow());
        var (view, _) = await new CurrentViewStore(next.Lake).ReadAsync(Survey, default);
        var published = Assert.Single(view.Uploads);
        Assert.Equal(upload.UploadId, published.UploadId);
        Assert.Equal(published.Records.Values.SelectMany(parts => parts).Order(StringComparer.Ordinal), await CrashCleanupTests.CuratedFilesAsync(next.Lake));
        var curatedRows = 0L;
        foreach (var file in published.Records.Values.SelectMany(parts => parts))
        {
            curatedRows += DuckDb.Scalar<long>($"select count(*) from read_parquet({DuckDb.Literal(await next.DownloadAsync(LakeZone.Curated, file))})");
        }

        Assert.Equal(upload.RowsCurated, curatedRows);
        Assert.NotNull(await next.Lake.GetInfoAsync(LakeZone.Reports, LakePaths.Summary(Survey, upload.UploadId), default));
        Assert.All(leftTemp, f => Assert.False(File.Exists(f), $"{f}, left by the killed process, is still there"));
    }

    /// <summary>
    /// Runs the CLI's ingest in a child process over the same containers and kills it once a curated part file exists
    /// that the current view does not list. Small row groups, one per file, make that phase long enough to hit.
    /// </summary>
    private static async Task KillWhileWritingCuratedFilesAsync(TestPipeline observer, string export)
    {
        using var child = Process.Start(ChildStartInfo(observer, export)) ?? throw new InvalidOperationException("dotnet did not start");
        var output = new StringBuilder();
        child.OutputDataReceived += (_, e) => Append(output, e.Data);
        child.ErrorDataReceived += (_, e) => Append(output, e.Data);
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        try
        {
            var deadline = DateTime.UtcNow.AddMinutes(5);
            while (!await UnpublishedCuratedFileExistsAsync(observer.Lake))
            {
                Assert.False(child.HasExited, $"the CLI finished before it could be killed mid-write (exit {(child.HasExited ? child.ExitCode : 0)}); make the upload larger. Output:\n{Text(output)}");
                Assert.True(DateTime.UtcNow < deadline, $"no curated file after 5 minutes. Output:\n{Text(output)}");
                await Task.Delay(20);
            }
        }
        finally
        {
            child.Kill(entireProcessTree: true); // SIGKILL: no finally block, no Dispose, no ledger write runs in the child
            await child.WaitForExitAsync();
        }
    }

    private static ProcessStartInfo ChildStartInfo(TestPipeline observer, string export)
    {
        var cli = Path.Combine(RepoPaths.Root, "cli", "bin", RepoPaths.Configuration, "net10.0", "survey-pipeline.dll");
        Assert.True(File.Exists(cli), $"{cli} is missing: build the CLI (dotnet build cli -c {RepoPaths.Configuration}).");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { cli, "ingest", export, "--survey", Survey, "--connection", Azurite.ConnectionString, "--packs", RepoPaths.SurveyPacks, "--verbose" })
        {
            start.ArgumentList.Add(argument);
        }

        var options = observer.LakeOptions;
        start.Environment["IncomingContainer"] = options.IncomingContainer;
        start.Environment["Lake__RawContainer"] = options.RawContainer;
        start.Environment["Lake__CuratedContainer"] = options.CuratedContainer;
        start.Environment["Lake__QuarantineContainer"] = options.QuarantineContainer;
        start.Environment["Lake__ReportsContainer"] = options.ReportsContainer;
        start.Environment["Lake__FindingsContainer"] = options.FindingsContainer;
        start.Environment["Lake__UploadsTable"] = options.UploadsTable;
        start.Environment["Lake__FindingsRunsTable"] = options.FindingsRunsTable;
        start.Environment["Pseudonymisation__Key"] = TestPipeline.PseudonymKey;
        start.Environment["Ingest__Parquet__RowGroupRows"] = "100";
        start.Environment["Ingest__Parquet__RowGroupsPerFile"] = "1";
        return start;
    }

    private static async Task<bool> UnpublishedCuratedFileExistsAsync(ILakeStore lake)
    {
        var (view, _) = await new CurrentViewStore(lake).ReadAsync(Survey, default);
        var listed = view.Uploads.SelectMany(u => u.Records.Values.SelectMany(parts => parts)).ToHashSet(StringComparer.Ordinal);
        return (await CrashCleanupTests.CuratedFilesAsync(lake)).Any(f => !listed.Contains(f));
    }

    private static async Task<List<string>> CuratedFilesOfAsync(ILakeStore lake, string uploadId) =>
        (await CrashCleanupTests.CuratedFilesAsync(lake)).Where(f => f.Contains($"/upload_id={uploadId}/", StringComparison.Ordinal)).ToList();

    /// <summary>A .dat of the Peru pack large enough that writing its curated files takes a while.</summary>
    private static async Task<GeneratedFile> GenerateAsync(SurveyPack pack)
    {
        var folder = Path.Combine(Path.GetTempPath(), "pipeline-tests", "kill-" + Guid.NewGuid().ToString("N"));
        var result = await new ExportGenerator().GenerateAsync(pack, new GeneratorOptions { Cases = 4_000, Formats = ExportFormats.Dat, OutputFolder = folder }, default);
        return Assert.Single(result.Files);
    }

    private static HashSet<string> TempFilesOfOtherProcesses() =>
        Directory.Exists(PipelineTemp.Folder)
            ? Directory.EnumerateFiles(PipelineTemp.Folder, PipelineTemp.Prefix + "*").Where(f => !Path.GetFileName(f).StartsWith($"{PipelineTemp.Prefix}{PipelineTemp.InstanceId}-", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal)
            : [];

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
