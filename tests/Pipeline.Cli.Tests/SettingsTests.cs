namespace Pipeline.Cli.Tests;

/// <summary>Bad settings fail at start-up, before any upload, with one line naming the setting as an operator writes it.</summary>
public sealed class SettingsTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("Ingest__Parquet__RowGroupsPerFile", "0", "Ingest:Parquet:RowGroupsPerFile must be between 1 and")]
    [InlineData("Ingest__Parquet__MaxBufferedCells", "10", "Ingest:Parquet:MaxBufferedCells must be between 1000 and")]
    [InlineData("Ingest__MaxAttempts", "0", "Ingest:MaxAttempts must be between 1 and 100")]
    [InlineData("Ingest__Readers__CsproDb__MaxRowsPerCase", "0", "Ingest:Readers:CsproDb:MaxRowsPerCase must be between 1 and")]
    [InlineData("Ingest__Readers__Zip__MaxCompressionRatio", "1", "Ingest:Readers:Zip:MaxCompressionRatio must be between 2 and")]
    [InlineData("Findings__Confidence", "2", "Findings:Confidence must be between 0.5 and 0.999")]
    public async Task Ingest_BadSetting_FailsAtStartWithOneLineNamingIt(string setting, string value, string says)
    {
        var result = await CliProcess.RunAsync(new Dictionary<string, string> { [setting] = value }, "ingest", CliProcess.PeruSlice, "--survey", "peru-coffee-cacao", "--lake", _temp.Lake);

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = Assert.Single(result.Errors);
        Assert.StartsWith($"error: {says}", line, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Output, l => l.StartsWith("Ingested", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Output, l => l.Contains("   at ", StringComparison.Ordinal)); // no stack trace on stdout either
    }
}
