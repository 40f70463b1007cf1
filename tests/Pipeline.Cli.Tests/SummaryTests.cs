namespace Pipeline.Cli.Tests;

/// <summary>The final summary line and the exit code of the commands that ingest.</summary>
public sealed class SummaryTests : IDisposable
{
    private const string Survey = "peru-coffee-cacao";
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Ingest_AcceptedExport_Exit0AndSummaryLineLast()
    {
        var result = await CliProcess.RunAsync("ingest", CliProcess.PeruSlice, "--survey", Survey, "--lake", _temp.Lake);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"^1 upload: 1 accepted, 0 rejected; (\d+) rows read = \d+ curated \+ \d+ rejected$", result.Output[^1]);
        Assert.Contains(result.Output, l => l.StartsWith($"Ingested {Survey}/PARTICIPANT_REC.csv: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_FolderWithOneRejectedUpload_Exit1AndSummaryCountsIt()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_temp.Path, "exports")).FullName;
        File.Copy(CliProcess.PeruSlice, Path.Combine(folder, "a-good.csv"));
        File.WriteAllBytes(Path.Combine(folder, "b-garbage.bin"), [0x00, 0x01, 0x02, 0xFF, 0xFE, 0x00, 0x13, 0x37]);

        var result = await CliProcess.RunAsync("run", folder, "--survey", Survey, "--lake", _temp.Lake);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains(result.Output, l => l.StartsWith($"Rejected {Survey}/b-garbage.bin: ", StringComparison.Ordinal));
        Assert.Matches(@"^2 uploads: 1 accepted, 1 rejected; \d+ rows read = \d+ curated \+ \d+ rejected$", result.Output[^1]);
    }
}
