using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Core.Findings;
using Pipeline.Core.Ingest;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Core.Reporting;
using Pipeline.Reporting.Tests.Support;
using Pipeline.Storage;

namespace Pipeline.Reporting.Tests;

/// <summary>
/// The two pages `demo` writes, made the way `demo` makes them (the bundled whole-survey export
/// <c>sample/PERU_ALLIANCES.dat</c>, 565 interviews with injected faults, ingested into a local-folder lake, then the
/// findings recomputed and published), opened in headless Chromium at a phone's and a laptop's width: no text overlaps
/// and nothing scrolls sideways. The README's pictures are these screenshots: they are written to docs/img when missing
/// or when UPDATE_DOCS_IMAGES=1.
/// </summary>
public sealed class DemoReportsTests(DemoReportsTests.DemoRun demo) : IClassFixture<DemoReportsTests.DemoRun>
{
    private const string UpdateDocsVariable = "UPDATE_DOCS_IMAGES";

    [Theory]
    [InlineData("findings-report", 390)]
    [InlineData("findings-report", 1366)]
    [InlineData("quality-report", 390)]
    [InlineData("quality-report", 1366)]
    public async Task DemoReport_InChromium_NoTextOverlapsAndNothingScrollsSideways(string report, int width)
    {
        var page = report == "findings-report" ? demo.FindingsReport : demo.QualityReport;
        var png = Path.Combine(RepoPaths.Output, $"demo-{report}-{width}.png");
        // The findings picture starts at the legend (the key, then the first indicator's 14 bars); the quality report at its top.
        var from = report == "findings-report" ? "section.legend" : null;

        var layout = await PageLayout.MeasureAsync(page, width, png, width < 640 ? 1700 : 1250, from);

        PageLayout.AssertReadable(layout, page, width);
        Assert.Equal(width, Png.Read(png).Width);
        var docs = Path.Combine(RepoPaths.Root, "docs", "img", $"{report}-{width}.png");
        if (!File.Exists(docs) || Environment.GetEnvironmentVariable(UpdateDocsVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(docs)!);
            File.Copy(png, docs, overwrite: true);
        }
    }

    /// <summary>What <c>demo</c> does for the Peru pack, once for the class.</summary>
    public sealed class DemoRun : IAsyncLifetime
    {
        private const string Survey = "peru-coffee-cacao";
        private readonly string _folder = Path.Combine(Path.GetTempPath(), "pipeline-reporting-tests", Guid.NewGuid().ToString("N"));
        private ServiceProvider? _services;

        public string FindingsReport { get; private set; } = null!;

        public string QualityReport { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            var packs = await SurveyPackCatalog.LoadAsync(RepoPaths.SurveyPacks);
            var pack = packs.Find(Survey)!;
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Pseudonymisation:Key"] = "reporting-tests-only-pseudonymisation-key-0123456789" }).Build();
            var backend = LakeBackend.LocalFolder(_folder);
            _services = new ServiceCollection().AddLogging().AddSurveyPipeline(configuration, packs, backend).BuildServiceProvider(validateScopes: true);
            await backend.EnsureCreatedAsync(_services.GetRequiredService<IOptions<LakeOptions>>().Value, CancellationToken.None);
            var lake = _services.GetRequiredService<ILakeStore>();
            var export = Path.Combine(RepoPaths.SurveyPacks, Survey, "sample", "PERU_ALLIANCES.dat");
            await using (var content = File.OpenRead(export))
            {
                await lake.WriteAsync(LakeZone.Incoming, $"{Survey}/PERU_ALLIANCES.dat", content, null, CancellationToken.None);
            }

            var outcome = await _services.GetRequiredService<IngestService>().IngestAsync($"{Survey}/PERU_ALLIANCES.dat");
            Assert.True(outcome.Succeeded, outcome.Upload.ErrorSummary);
            var run = await _services.GetRequiredService<FindingsService>().RecomputeAsync(pack, force: true);
            await new FindingsReportPublisher(lake, TimeProvider.System).PublishAsync(pack, run.Status.Record, run.Rows, 0.95, CancellationToken.None);
            FindingsReport = await DownloadAsync(lake, LakeZone.Findings, FindingsReportPublisher.PathOf(Survey, run.Status.Record.RunId, FindingsReportPublisher.HtmlFile), "demo-findings-report.html");
            QualityReport = await DownloadAsync(lake, LakeZone.Reports, LakePaths.QualityReport(Survey, outcome.Upload.UploadId), "demo-quality-report.html");
        }

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

        private static async Task<string> DownloadAsync(ILakeStore lake, LakeZone zone, string path, string name)
        {
            var file = Path.Combine(RepoPaths.Output, name);
            await using var source = await lake.OpenReadAsync(zone, path, CancellationToken.None);
            await using var target = File.Create(file);
            await source.CopyToAsync(target);
            return file;
        }
    }
}
