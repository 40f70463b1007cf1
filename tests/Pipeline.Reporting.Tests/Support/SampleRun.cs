using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Core.Findings;
using Pipeline.Core.Ingest;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Core.Readers;
using Pipeline.Core.Reporting;
using Pipeline.Storage;

namespace Pipeline.Reporting.Tests.Support;

/// <summary>
/// The real pipeline, run once in-process on a local-folder lake: the bundled sample export is ingested, every other
/// record of the dictionary gets a one-row export (so that each record has a curated Parquet file written by ingest
/// itself), the findings are recomputed, and the labels table and the report files are published.
/// </summary>
public sealed class SampleRun : IAsyncLifetime
{
    /// <summary>Test-only key; production keys come from Key Vault.</summary>
    private const string PseudonymKey = "reporting-tests-only-pseudonymisation-key-0123456789";
    private const string Survey = "peru-coffee-cacao";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "pipeline-reporting-tests", Guid.NewGuid().ToString("N"));
    private ServiceProvider? _services;

    public SurveyPack Pack { get; private set; } = null!;

    public FindingsRun Run { get; private set; } = null!;

    public ILakeStore Lake => _services!.GetRequiredService<ILakeStore>();

    public CurrentViewManifest View { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var packs = await SurveyPackCatalog.LoadAsync(RepoPaths.SurveyPacks);
        Pack = packs.Find(Survey) ?? throw new InvalidOperationException($"No pack {Survey} under {RepoPaths.SurveyPacks}.");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Pseudonymisation:Key"] = PseudonymKey }).Build();
        var backend = LakeBackend.LocalFolder(_folder);
        _services = new ServiceCollection().AddLogging().AddSurveyPipeline(configuration, packs, backend).BuildServiceProvider(validateScopes: true);
        await backend.EnsureCreatedAsync(_services.GetRequiredService<IOptions<LakeOptions>>().Value, CancellationToken.None);

        await IngestAsync(Path.GetFileName(RepoPaths.PeruSample), await File.ReadAllBytesAsync(RepoPaths.PeruSample));
        var (view, _) = await new CurrentViewStore(Lake).ReadAsync(Survey, CancellationToken.None);
        foreach (var record in Pack.Dictionary.Records.Where(r => !view.Uploads.Any(u => u.Records.ContainsKey(r.Name))))
        {
            await IngestAsync($"{record.Name}-one-row.csv", OneRowExport(record));
        }

        View = (await new CurrentViewStore(Lake).ReadAsync(Survey, CancellationToken.None)).Manifest;
        Run = await _services.GetRequiredService<FindingsService>().RecomputeAsync(Pack, force: true);
        await LabelsTable.PublishAsync(Lake, Pack);
        await new FindingsReportPublisher(Lake, TimeProvider.System).PublishAsync(Pack, Run.Status.Record, Run.Rows, 0.95, CancellationToken.None);
    }

    /// <summary>Copies a lake file to the test output folder (for DuckDB and for people) and returns its path.</summary>
    public async Task<string> DownloadAsync(LakeZone zone, string path)
    {
        var file = Path.Combine(RepoPaths.Output, "lake", zone.ToString().ToLowerInvariant(), path.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await using var source = await Lake.OpenReadAsync(zone, path, CancellationToken.None);
        await using var target = File.Create(file);
        await source.CopyToAsync(target);
        return file;
    }

    /// <summary>The curated Parquet file of a record in the current view (the latest upload holding it).</summary>
    public string CuratedPathOf(string record) => View.Uploads.Last(u => u.Records.ContainsKey(record)).Records[record][0];

    public async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private async Task IngestAsync(string name, byte[] content)
    {
        var path = $"{Survey}/{name}";
        using (var stream = new MemoryStream(content))
        {
            await Lake.WriteAsync(LakeZone.Incoming, path, stream, null, CancellationToken.None);
        }

        var outcome = await _services!.GetRequiredService<IngestService>().IngestAsync(path);
        if (!outcome.Succeeded)
        {
            throw new InvalidOperationException($"Ingest of {path} failed: {outcome.Upload.ErrorSummary}");
        }
    }

    /// <summary>
    /// A CSPro-style delimited export of one record: the header of its items and one row with the first sample case's
    /// IDs and blank items. Valid or rejected, the row makes ingest write the record's curated Parquet file.
    /// </summary>
    private byte[] OneRowExport(Core.Dictionary.DictionaryRecord record)
    {
        var layout = RecordLayout.For(Pack, record);
        var sampleLines = File.ReadLines(RepoPaths.PeruSample).Take(2).ToArray();
        var sampleHeader = sampleLines[0].Split(',');
        var sampleRow = sampleLines[1].Split(',');
        var values = layout.Columns.Select(c => c.IsId && Array.IndexOf(sampleHeader, c.Name) is var i and >= 0 ? sampleRow[i] : string.Empty);
        var csv = string.Join(',', layout.Columns.Select(c => c.Name)) + "\n" + string.Join(',', values) + "\n";
        return Encoding.UTF8.GetBytes(csv);
    }
}

/// <summary>One pipeline run shared by every test class of the collection.</summary>
[CollectionDefinition(Name)]
public sealed class SampleRunCollection : ICollectionFixture<SampleRun>
{
    public const string Name = "sample run";
}
