using System.Text;

namespace Pipeline.Cli.Tests;

/// <summary>
/// A value of a personal-data item that breaks a rule is shown as «ITEM value» everywhere: issue messages, the quarantine,
/// the report, the ledger, the logs and the console. Only the raw zone keeps the upload as it came.
/// </summary>
public sealed class PersonalDataTests : IDisposable
{
    private const string Name = "Zoila Quispe Mamani";
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Ingest_NameInAGpsItem_IsMaskedInEveryOutputButRaw()
    {
        // A5_X (a coordinate, personal data) holds a name: a format error that used to quote the value.
        var lines = await File.ReadAllLinesAsync(CliProcess.PeruSlice);
        lines[1] = lines[1].Replace("-76.553816", Name, StringComparison.Ordinal);
        var export = Path.Combine(_temp.Path, "PARTICIPANT_REC.csv");
        await File.WriteAllLinesAsync(export, lines);

        var result = await CliProcess.RunAsync("ingest", export, "--survey", "peru-coffee-cacao", "--lake", _temp.Lake, "--verbose");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain(result.Output.Concat(result.Errors), l => l.Contains(Name, StringComparison.Ordinal));
        var outside = Directory.EnumerateFiles(_temp.Lake, "*", SearchOption.AllDirectories)
            .Where(f => !IsUnder(f, "raw") && !IsUnder(f, "incoming"))
            .ToList();
        Assert.NotEmpty(outside);
        Assert.All(outside, f => Assert.False(Contains(f, Name), $"{f} holds the name in clear"));
        Assert.Contains(outside, f => Contains(f, "«A5_X value»"));
    }

    private bool IsUnder(string file, string zone) => file.StartsWith(Path.Combine(_temp.Lake, zone) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    // Parquet pages are Snappy-compressed, which copies a first occurrence literally, so a byte search finds the text.
    private static bool Contains(string file, string text) =>
        File.ReadAllBytes(file).AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;
}
