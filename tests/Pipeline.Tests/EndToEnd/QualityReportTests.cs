using System.Text.RegularExpressions;
using Pipeline.Core.Ingest;
using Pipeline.Core.Lake;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.EndToEnd;

/// <summary>The per-upload data-quality report, rendered by a real headless browser.</summary>
public sealed partial class QualityReportTests : IAsyncLifetime
{
    private const string Survey = "peru-coffee-cacao";
    private TestPipeline _pipeline = null!;
    private string _html = null!;

    public async Task InitializeAsync()
    {
        _pipeline = await TestPipeline.LocalAsync(await TestPipeline.PeruPacksAsync());
        var outcome = await _pipeline.Get<IngestService>().IngestAsync(await _pipeline.UploadAsync(Survey, RepoPaths.PeruSample));
        _html = await _pipeline.DownloadAsync(LakeZone.Reports, LakePaths.QualityReport(Survey, outcome.Upload.UploadId));
        File.Move(_html, _html = Path.ChangeExtension(_html, ".html"));
    }

    public async Task DisposeAsync() => await _pipeline.DisposeAsync();

    [Fact]
    public void QualityReport_SampleUpload_RendersEverySectionInChromium()
    {
        var dom = Chromium.DumpDom(_html);

        foreach (var id in new[] { "accounting", "rules", "issues", "enumerators", "specify", "marginals" })
        {
            Assert.Contains($"id=\"{id}\"", dom, StringComparison.Ordinal);
        }

        Assert.Contains("<td>PARTICIPANT_REC</td><td class=\"n\">120</td><td class=\"n\">115</td><td class=\"n\">5</td>", dom, StringComparison.Ordinal);
        Assert.Contains("struct.duplicate-case", dom, StringComparison.Ordinal);
        Assert.Contains("result.not-completed", dom, StringComparison.Ordinal);
        Assert.Equal(5, SurveyorPseudonym().Matches(dom).Select(m => m.Value).Distinct().Count());
    }

    [Fact]
    public void QualityReport_SampleUpload_ScreenshotIsProduced()
    {
        var png = Path.Combine(AppContext.BaseDirectory, "test-output", "quality-report.png");
        Directory.CreateDirectory(Path.GetDirectoryName(png)!);

        Chromium.Screenshot(_html, png);

        Assert.True(new FileInfo(png).Length > 20_000, "the screenshot is (nearly) blank");
        var docs = Path.Combine(RepoPaths.Root, "docs", "img", "quality-report.png");
        if (!File.Exists(docs) || Environment.GetEnvironmentVariable("UPDATE_DOCS_IMAGES") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(docs)!);
            File.Copy(png, docs, overwrite: true);
        }
    }

    [GeneratedRegex("<td>P-[0-9a-f]{16}</td>")]
    private static partial Regex SurveyorPseudonym();
}
