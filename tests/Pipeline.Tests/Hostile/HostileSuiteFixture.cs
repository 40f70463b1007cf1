using Pipeline.Tests.Support;

namespace Pipeline.Tests.Hostile;

/// <summary>Generates the corpus and runs it once through the child process; the tests then judge the results.</summary>
public sealed class HostileSuiteFixture : IAsyncLifetime
{
    public const string Survey = "peru-coffee-cacao";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "hostile-suite", Guid.NewGuid().ToString("N"));

    public string Lake => Path.Combine(_root, "lake");

    public string LogFile => Path.Combine(_root, "pipeline.log");

    public CorpusSeeds Seeds { get; private set; } = null!;

    public IReadOnlyDictionary<string, ProbeResult> Results { get; private set; } = new Dictionary<string, ProbeResult>();

    public async Task InitializeAsync()
    {
        var inputs = Path.Combine(_root, "inputs");
        Directory.CreateDirectory(inputs);
        var packs = await TestPipeline.PeruPacksAsync();
        Seeds = await CorpusSeeds.CreateAsync(packs.Find(Survey)!, Path.Combine(_root, "seeds"));
        foreach (var input in HostileCorpus.All)
        {
            await File.WriteAllBytesAsync(Path.Combine(inputs, input.FileName), input.Build(Seeds));
        }

        var runner = new ProbeRunner(inputs, Lake, RepoPaths.SurveyPacks, Survey, LogFile);
        Results = await runner.RunAsync([.. HostileCorpus.All.Select(c => c.FileName)]);
        await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "hostile-results.md"), HostileReport.Table(Results));

        // The inputs are large (up to a few hundred MB); the lake and the log stay for the PII scan until disposal.
        Directory.Delete(inputs, recursive: true);
    }

    public Task DisposeAsync()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }

        return Task.CompletedTask;
    }
}
