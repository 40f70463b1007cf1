namespace Pipeline.Cli.Tests;

/// <summary>
/// Acceptance #7 of issue 18: every error path prints exactly one line on standard error, naming the path (or argument)
/// and what to do, and returns the documented exit code (README, "The command line").
/// </summary>
public sealed class ErrorPathTests : IDisposable
{
    private const string Survey = "peru-coffee-cacao";
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Ingest_MissingFile_OneLineNamingItAndExit2()
    {
        var missing = Path.Combine(_temp.Path, "no-such-export.dat");

        var result = await CliProcess.RunAsync("ingest", missing, "--survey", Survey, "--lake", _temp.Lake);

        AssertUsageError(result, missing, "no such file");
    }

    [Fact]
    public async Task Ingest_FolderGivenAsFile_OneLineSuggestingRunAndExit2()
    {
        var result = await CliProcess.RunAsync("ingest", _temp.Path, "--survey", Survey, "--lake", _temp.Lake);

        AssertUsageError(result, _temp.Path, "is a folder, not a file");
        Assert.Contains($"use 'run {_temp.Path}", result.Errors[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_FileGivenAsFolder_OneLineSuggestingIngestAndExit2()
    {
        var file = _temp.File("export.csv", "A,B\n1,2\n");

        var result = await CliProcess.RunAsync("run", file, "--survey", Survey, "--lake", _temp.Lake);

        AssertUsageError(result, file, "is a file, not a folder");
        Assert.Contains($"use 'ingest {file}", result.Errors[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_MissingFolder_OneLineNamingItAndExit2()
    {
        var missing = Path.Combine(_temp.Path, "no-such-folder");

        var result = await CliProcess.RunAsync("run", missing, "--survey", Survey, "--lake", _temp.Lake);

        AssertUsageError(result, missing, "no such folder");
    }

    [Theory]
    [InlineData("../../x")]
    [InlineData("a/b")]
    [InlineData("..")]
    public async Task Ingest_SurveyThatIsAPath_OneLineAndExit2_NothingWritten(string survey)
    {
        var file = _temp.File("export.csv", "A,B\n1,2\n");

        var result = await CliProcess.RunAsync("ingest", file, "--survey", survey, "--lake", _temp.Lake);

        AssertUsageError(result, $"--survey '{survey}'", "is not a survey pack id");
        Assert.False(Directory.Exists(_temp.Lake), "A rejected argument must not create the lake.");
    }

    [Fact]
    public async Task Ingest_UnknownSurvey_OneLineListingKnownPacksAndExit2()
    {
        var file = _temp.File("export.csv", "A,B\n1,2\n");

        var result = await CliProcess.RunAsync("ingest", file, "--survey", "no-such-survey", "--lake", _temp.Lake);

        AssertUsageError(result, "'no-such-survey'", "no survey pack");
        Assert.Contains($"known: {Survey}", result.Errors[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Findings_UnknownSurvey_OneLineAndExit2()
    {
        var result = await CliProcess.RunAsync("findings", "--survey", "no-such-survey", "--lake", _temp.Lake);

        AssertUsageError(result, "'no-such-survey'", "no survey pack");
    }

    [Fact]
    public async Task Ingest_LakeIsAFile_OneLineNamingItAndExit2()
    {
        var export = _temp.File("export.csv", "A,B\n1,2\n");
        var lake = _temp.File("lake-file", "not a folder");

        var result = await CliProcess.RunAsync("ingest", export, "--survey", Survey, "--lake", lake);

        AssertUsageError(result, lake, "is a file, not a folder");
    }

    [Fact]
    public async Task Ingest_MissingPacksFolder_OneLineNamingItAndExit2()
    {
        var export = _temp.File("export.csv", "A,B\n1,2\n");
        var packs = Path.Combine(_temp.Path, "no-packs");

        var result = await CliProcess.RunAsync("ingest", export, "--survey", Survey, "--lake", _temp.Lake, "--packs", packs);

        AssertUsageError(result, packs, "no such folder");
    }

    [Fact]
    public async Task Ingest_WithoutSurvey_OneLineNamingTheOptionAndExit2()
    {
        var export = _temp.File("export.csv", "A,B\n1,2\n");

        var result = await CliProcess.RunAsync("ingest", export, "--lake", _temp.Lake);

        AssertUsageError(result, "--survey", "required");
    }

    [Fact]
    public async Task UnknownOption_OneLineNamingItAndExit2()
    {
        var result = await CliProcess.RunAsync("demo", "--no-such-option");

        AssertUsageError(result, "--no-such-option", "--help");
    }

    [Fact]
    public async Task Help_ListsTheExitCodes()
    {
        var result = await CliProcess.RunAsync("--help");

        Assert.Equal(0, result.ExitCode);
        var help = string.Join(' ', result.Output);
        Assert.Contains("0 all uploads accepted", help, StringComparison.Ordinal);
        Assert.Contains("1 some upload rejected", help, StringComparison.Ordinal);
        Assert.Contains("2 usage", help, StringComparison.Ordinal);
    }

    private static void AssertUsageError(CliResult result, string names, string says)
    {
        Assert.True(result.ExitCode == 2, result.ToString());
        var line = Assert.Single(result.Errors);
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(names, line, StringComparison.Ordinal);
        Assert.Contains(says, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", line, StringComparison.Ordinal); // no stack trace
    }
}
