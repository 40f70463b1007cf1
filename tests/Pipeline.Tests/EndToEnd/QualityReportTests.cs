using System.Globalization;
using System.Text.RegularExpressions;
using Pipeline.Core.Ingest;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Core.Quality;
using Pipeline.Generator;
using Pipeline.Reporting.Tests.Support;
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
    public async Task QualityReport_SampleUpload_RendersEverySectionInChromium()
    {
        var dom = await Chromium.DumpDomAsync(_html);

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
    public async Task QualityReport_SampleUpload_ScreenshotIsProduced()
    {
        var png = Path.Combine(AppContext.BaseDirectory, "test-output", "quality-report.png");
        Directory.CreateDirectory(Path.GetDirectoryName(png)!);

        await Chromium.ScreenshotAsync(_html, png);

        Assert.True(new FileInfo(png).Length > 20_000, "the screenshot is (nearly) blank");
        // The README's pictures come from the demo's pages: Pipeline.Reporting.Tests' DemoReportsTests.
    }

    [Theory]
    [InlineData(390)]
    [InlineData(1366)]
    public async Task QualityReport_SampleUploadInChromium_NoTextOverlapsAndNothingScrollsSideways(int width)
    {
        var png = Path.Combine(AppContext.BaseDirectory, "test-output", $"quality-report-{width}.png");
        Directory.CreateDirectory(Path.GetDirectoryName(png)!);

        var layout = await PageLayout.MeasureAsync(_html, width, png, width < 640 ? 1700 : 1300);

        PageLayout.AssertReadable(layout, _html, width);
        Assert.True(layout.TextBoxes > 200, $"Only {layout.TextBoxes} text boxes: the page was not measured whole.");
    }

    [GeneratedRegex("<td>P-[0-9a-f]{16}</td>")]
    private static partial Regex SurveyorPseudonym();
}

/// <summary>
/// The report's enumerator table against the lake's own rows: every interview row and every rejected case of a surveyor,
/// whether the row was rejected while reading or its case was rejected later by the end-of-upload checks (roster errors,
/// case rules, missing records).
/// </summary>
public sealed partial class EnumeratorErrorsTests
{
    private const string Survey = "peru-coffee-cacao";

    [Fact]
    public async Task QualityReport_CasesRejectedByTheEndOfUploadChecks_CountAgainstTheirSurveyor()
    {
        await using var pipeline = await TestPipeline.LocalAsync(await TestPipeline.PeruPacksAsync());
        var folder = Directory.CreateTempSubdirectory("enumerators-").FullName;
        try
        {
            await new ExportGenerator().GenerateAsync(pipeline.Get<SurveyPackCatalog>().Find(Survey)!, new GeneratorOptions { Formats = ExportFormats.Dat, Faults = "all=0.05", OutputFolder = folder }, default);
            var outcome = await pipeline.Get<IngestService>().IngestAsync(await pipeline.UploadAsync(Survey, Path.Combine(folder, "PERU_ALLIANCES.dat")));
            var curated = DuckDb.Literal(await pipeline.DownloadAsync(LakeZone.Curated, LakePaths.Curated(Survey, "PARTICIPANT_REC", outcome.Upload.UploadId)));
            var rejected = DuckDb.Literal(await pipeline.DownloadAsync(LakeZone.Quarantine, LakePaths.Rejected(Survey, outcome.Upload.UploadId, "PARTICIPANT_REC")));
            var page = File.ReadAllText(await pipeline.DownloadAsync(LakeZone.Reports, LakePaths.QualityReport(Survey, outcome.Upload.UploadId)));
            // The page holds one body per language of the dictionary (the pack's first): the table of the first is enough.
            var html = page[..page.IndexOf("</main>", StringComparison.Ordinal)];

            // Expected, from the Parquet: a surveyor's interviews are its participant rows, curated or rejected; its cases
            // with errors are its rejected participant rows (moved there by a row error or by a case-level rejection).
            var expected = DuckDb.Query($"""
                select surveyor, count(*), count(*) filter (where rejected)
                from (select C3_SURVEYOR as surveyor, false as rejected from read_parquet({curated})
                      union all select C3_SURVEYOR, true from read_parquet({rejected}))
                where surveyor is not null and trim(surveyor) <> '' group by surveyor order by surveyor
                """).ToDictionary(r => (string)r[0]!, r => (Interviews: Convert.ToInt64(r[1], CultureInfo.InvariantCulture), Errors: Convert.ToInt64(r[2], CultureInfo.InvariantCulture)));
            var reported = EnumeratorRow().Matches(html).ToDictionary(m => m.Groups[1].Value, m => (Interviews: long.Parse(m.Groups[2].Value.Replace(",", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture), Share: m.Groups[3].Value));

            Assert.True(outcome.Upload.RowsRejected > 0);
            Assert.Contains(expected.Values, e => e.Errors > 0);
            Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), reported.Keys.Order(StringComparer.Ordinal));
            foreach (var (surveyor, (interviews, errors)) in expected)
            {
                Assert.Equal(interviews, reported[surveyor].Interviews);
                Assert.Equal(EnumeratorStats.Share(errors, interviews), reported[surveyor].Share);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [GeneratedRegex("<tr><td>(P-[0-9a-f]{16})</td><td class=\"n\">([0-9,]+)</td><td class=\"n\">[^<]*</td><td class=\"n\">[^<]*</td><td class=\"n\">([^<]*)</td></tr>")]
    private static partial Regex EnumeratorRow();
}
