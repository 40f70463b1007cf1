using Microsoft.Extensions.Logging;
using Pipeline.Core.Ingest;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Storage;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.Onboarding;

/// <summary>
/// Acceptance 9 of issue #17: a broken pack next to a good one. The catalog keeps the good one working, reports the
/// broken one (the hosts log it), and an upload to the broken one is rejected with why, not as an unknown survey.
/// </summary>
public sealed class BrokenPackTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("broken-packs-").FullName;

    public BrokenPackTests()
    {
        PackCheckTests.CopyFolder(Path.Combine(RepoPaths.FixturePacks, "tiny-survey"), Path.Combine(_root, "tiny-survey"));
        var broken = Path.Combine(_root, "broken-survey");
        PackCheckTests.CopyFolder(Path.Combine(RepoPaths.FixturePacks, "tiny-survey"), broken);
        File.WriteAllText(Path.Combine(broken, "pack.yaml"), File.ReadAllText(Path.Combine(broken, "pack.yaml")).Replace("id: tiny-survey", "id: broken-survey", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(broken, "design", "strata.csv"), "stratum_id,ALLIANCE,label,planned_sample\na,1,Alliance A,4\n");
    }

    private string BrokenStrata => Path.Combine(_root, "broken-survey", "design", "strata.csv");

    [Fact]
    public async Task Catalog_BrokenPackNextToAGoodOne_LoadsTheGoodOneAndKeepsTheBrokenOneWithItsProblem()
    {
        var catalog = await SurveyPackCatalog.LoadAsync(_root);

        Assert.Equal("tiny-survey", Assert.Single(catalog.Packs).Id);
        var broken = Assert.Single(catalog.Broken);
        Assert.Equal(("broken-survey", Path.Combine(_root, "broken-survey")), (broken.Id, broken.Folder));
        Assert.StartsWith($"{BrokenStrata}, line 1, column 5: column 'universe' is missing from the header", Assert.Single(broken.Problems), StringComparison.Ordinal);
        Assert.Null(catalog.Find("broken-survey"));
        Assert.Same(broken, catalog.FindBroken("broken-survey"));
    }

    [Fact]
    public async Task Ingest_BrokenPackNextToAGoodOne_GoodUploadSucceedsAndBrokenUploadIsRejectedWithWhy()
    {
        await using var pipeline = await TestPipeline.LocalAsync(await SurveyPackCatalog.LoadAsync(_root));
        var sample = Path.Combine(_root, "tiny-survey", "sample", "MAIN_REC.csv");

        var good = await pipeline.Get<IngestService>().IngestAsync(await pipeline.UploadAsync("tiny-survey", sample));
        var bad = await pipeline.Get<IngestService>().IngestAsync(await pipeline.UploadAsync("broken-survey", sample));

        Assert.Equal(UploadStatus.Succeeded, good.Upload.Status);
        Assert.Equal(7, good.Upload.RowsCurated);
        Assert.Equal(UploadStatus.Rejected, bad.Upload.Status);
        Assert.Contains("survey pack 'broken-survey' is broken and not loaded, so nothing can be ingested for it: ", bad.Upload.ErrorSummary, StringComparison.Ordinal);
        Assert.Contains("design/strata.csv, line 1, column 5: column 'universe' is missing from the header", bad.Upload.ErrorSummary, StringComparison.Ordinal);
        Assert.Contains("pack check survey-packs/broken-survey", bad.Upload.ErrorSummary, StringComparison.Ordinal);
        Assert.DoesNotContain(_root, bad.Upload.ErrorSummary, StringComparison.Ordinal);
        Assert.DoesNotContain("names no survey pack", bad.Upload.ErrorSummary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogBrokenPacks_BrokenPack_LogsOneWarningWithAMessageTemplate()
    {
        var catalog = await SurveyPackCatalog.LoadAsync(_root);
        var logger = new RecordingLogger();

        PipelineServices.LogBrokenPacks(catalog, logger);

        var (level, state) = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Warning, level);
        Assert.Equal("Survey pack {Pack} in {Folder} is broken and skipped; uploads to it are rejected until it is fixed: {Problems}", state["{OriginalFormat}"]);
        Assert.Equal("broken-survey", state["Pack"]);
        Assert.StartsWith("design/strata.csv, line 1, column 5", (string)state["Problems"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Catalog_PackYamlThatDoesNotParse_IsBrokenUnderItsFolderName()
    {
        var folder = Path.Combine(_root, "no-yaml");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "pack.yaml"), "id: no-yaml\ndesign: [\n");

        var catalog = await SurveyPackCatalog.LoadAsync(_root);

        var broken = catalog.FindBroken("no-yaml")!;
        Assert.StartsWith($"{Path.Combine(folder, "pack.yaml")}, line 2, column 9: ", Assert.Single(broken.Problems), StringComparison.Ordinal);
        Assert.Equal("tiny-survey", Assert.Single(catalog.Packs).Id);
    }

    [Fact]
    public async Task Catalog_TwoPacksWithOneId_KeepsTheFirstAndReportsTheSecondWithItsOtherProblems()
    {
        var copy = Path.Combine(_root, "tiny-survey-copy");
        PackCheckTests.CopyFolder(Path.Combine(RepoPaths.FixturePacks, "tiny-survey"), copy);
        await File.WriteAllTextAsync(Path.Combine(copy, "design", "strata.csv"), "stratum_id,ALLIANCE,label,universe,planned_sample\na,x,Alliance A,10,4\n");

        var catalog = await SurveyPackCatalog.LoadAsync(_root);

        Assert.Equal(Path.Combine(_root, "tiny-survey"), catalog.Find("tiny-survey")!.Folder);
        var duplicate = Assert.Single(catalog.Broken, b => b.Folder == copy);
        Assert.Equal(
            [
                $"{Path.Combine(copy, "pack.yaml")}: id 'tiny-survey' is already the id of the pack in {Path.Combine(_root, "tiny-survey")}; give each pack its own id.",
                $"{Path.Combine(copy, "design", "strata.csv")}, line 2, column 2: 'ALLIANCE' is 'x', not a whole number; write the code of ALLIANCE that selects this stratum.",
            ],
            duplicate.Problems);
    }

    [Fact]
    public async Task Catalog_PacksBrokenInEveryWay_EachIsAProblemWithFileAndLineAndTheGoodPackLoads()
    {
        var packs = new Dictionary<string, Func<string, Task>>
        {
            ["empty-drop"] = f => Edit(Path.Combine(f, "pack.yaml"), "drop: [RESPONDENT_NAME]", "drop:"),
            ["empty-design"] = f => Edit(Path.Combine(f, "pack.yaml"), "design:\n  strata: design/strata.csv\n  stratumItems: [ALLIANCE]\n  smallCellThreshold: 3\n", "design:\n"),
            ["unclosed-quote"] = f => File.WriteAllTextAsync(Path.Combine(f, "design", "strata.csv"), "stratum_id,ALLIANCE,label,universe,planned_sample\na,1,\"Alliance A,10,4\n"),
            ["held-catalogue"] = _ => Task.CompletedTask,
        };
        foreach (var (id, breakIt) in packs)
        {
            var folder = Path.Combine(_root, id);
            PackCheckTests.CopyFolder(Path.Combine(RepoPaths.FixturePacks, "tiny-survey"), folder);
            await Edit(Path.Combine(folder, "pack.yaml"), "id: tiny-survey", $"id: {id}");
            await breakIt(folder);
        }

        SurveyPackCatalog catalog;
        await using (new FileStream(Path.Combine(_root, "held-catalogue", "indicators.yaml"), FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            catalog = await SurveyPackCatalog.LoadAsync(_root);
        }

        Assert.Equal("tiny-survey", Assert.Single(catalog.Packs).Id);
        Assert.StartsWith($"{Path.Combine(_root, "empty-drop", "pack.yaml")}, line 10, column 8: 'personalData.drop' has no value", Assert.Single(catalog.FindBroken("empty-drop")!.Problems), StringComparison.Ordinal);
        Assert.StartsWith($"{Path.Combine(_root, "empty-design", "pack.yaml")}, line 5, column 8: 'design' has no value", catalog.FindBroken("empty-design")!.Problems[0], StringComparison.Ordinal);
        Assert.StartsWith($"{Path.Combine(_root, "unclosed-quote", "design", "strata.csv")}, line 2: ", Assert.Single(catalog.FindBroken("unclosed-quote")!.Problems), StringComparison.Ordinal);
        Assert.StartsWith($"{Path.Combine(_root, "held-catalogue", "indicators.yaml")}: cannot be read (", Assert.Single(catalog.FindBroken("held-catalogue")!.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void Summary_ManyProblems_ShowsTheFirstThreeWithPackRelativePathsAndCountsTheRest()
    {
        var folder = Path.Combine(_root, "many");
        var broken = new BrokenPack("many", folder, [.. Enumerable.Range(2, 5).Select(l => $"{Path.Combine(folder, "design", "strata.csv")}, line {l}: 'label' is empty; fill it in.")]);

        Assert.Equal(
            "design/strata.csv, line 2: 'label' is empty; fill it in. | design/strata.csv, line 3: 'label' is empty; fill it in. | design/strata.csv, line 4: 'label' is empty; fill it in. | and 2 more (pack check lists them all)",
            broken.Summary);
    }

    private static async Task Edit(string file, string from, string to)
    {
        var text = await File.ReadAllTextAsync(file);
        Assert.Contains(from, text, StringComparison.Ordinal);
        await File.WriteAllTextAsync(file, text.Replace(from, to, StringComparison.Ordinal));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private sealed class RecordingLogger : ILogger
    {
        public List<(LogLevel Level, Dictionary<string, object?> State)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, ((IEnumerable<KeyValuePair<string, object?>>)state!).ToDictionary(p => p.Key, p => p.Value)));
    }
}
