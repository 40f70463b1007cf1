using System.Text.RegularExpressions;
using Pipeline.Core.Lake;
using Pipeline.Core.Reporting;
using Pipeline.Reporting.Tests.Support;

namespace Pipeline.Reporting.Tests;

/// <summary>
/// The findings report of the sample run, opened in headless Chromium as a reader would: the charts must be drawn
/// (Chart.js ran: the page counts its charts), the screenshot must show them, every indicator must be there, and the
/// page must not reach for the network.
/// </summary>
[Collection(SampleRunCollection.Name)]
public sealed partial class FindingsReportTests(SampleRun sample)
{
    private const string Survey = "peru-coffee-cacao";

    /// <summary>Set to 1 to refresh docs/img/findings-report.png from this run.</summary>
    private const string UpdateDocsVariable = "UPDATE_DOCS_IMAGES";

    [Fact]
    public async Task FindingsReport_SampleRun_ChartJsDrawsOneChartPerIndicatorInHeadlessChromium()
    {
        var page = await PageAsync();

        var dom = await Chromium.DumpDomAsync(page);

        var rendered = ChartsRendered().Match(dom);
        Assert.True(rendered.Success, "The page script did not finish: no data-charts-rendered on <body>. Chromium's DOM:\n" + dom[..Math.Min(dom.Length, 2000)]);
        var errors = ChartErrors().Match(dom);
        Assert.False(errors.Success, "Charts failed: " + errors.Groups[1].Value);
        Assert.Equal(sample.Pack.Indicators.Indicators.Count, int.Parse(rendered.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task FindingsReport_SampleRun_ScreenshotShowsTheCharts()
    {
        var page = await PageAsync();
        var full = Path.Combine(RepoPaths.Output, "findings-report.png");
        var top = Path.Combine(RepoPaths.Output, "findings-report-top.png");

        await Chromium.ScreenshotAsync(page, full, 1280, 4000);
        await Chromium.ScreenshotAsync(page, top, 1280, 1500);

        foreach (var png in new[] { full, top })
        {
            var image = Png.Read(png);
            Assert.Equal(1280, image.Width);
            // Text, axes, bars, hatching and anti-aliasing give thousands of colours; a blank or unstyled page a handful.
            Assert.True(image.DistinctColors() > 500, $"{png} has only {image.DistinctColors()} colours: the charts were probably not drawn.");
            Assert.True(image.InkedShare() > 0.03, $"{png} is {image.InkedShare():P1} inked: nearly blank.");
        }

        var docs = Path.Combine(RepoPaths.Root, "docs", "img", "findings-report.png");
        if (!File.Exists(docs) || Environment.GetEnvironmentVariable(UpdateDocsVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(docs)!);
            File.Copy(top, docs, overwrite: true);
        }
    }

    [Fact]
    public async Task FindingsReport_SampleRun_HasASectionForEveryIndicatorOfTheCatalogue()
    {
        var html = await File.ReadAllTextAsync(await PageAsync());

        foreach (var indicator in sample.Pack.Indicators.Indicators)
        {
            Assert.Contains($"data-indicator-id=\"{indicator.Id}\"", html, StringComparison.Ordinal);
            Assert.Contains(System.Net.WebUtility.HtmlEncode(indicator.Title), html, StringComparison.Ordinal);
        }

        Assert.Contains(sample.Run.Status.Record.RunId, html, StringComparison.Ordinal);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(sample.Run.Status.Record.Message), html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FindingsReport_SampleRun_ShowsPublishedValuesAndFlagsBesideTheEstimates()
    {
        var html = await File.ReadAllTextAsync(await PageAsync());
        var published = sample.Run.Rows.First(r => r.Published is not null);
        var small = sample.Run.Rows.First(r => r.Flags.Contains("small-cell"));

        // The table row of the cell shows the published value, and the flag badge of a small cell.
        Assert.Matches(new Regex($"data-cell-key=\"{Regex.Escape(published.CellKey)}\"[^\\n]*{(published.Published!.Value * 100).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)}%"), html);
        Assert.Matches(new Regex($"data-cell-key=\"{Regex.Escape(small.CellKey)}\"[^\\n]*class=\"flag small-cell\""), html);
    }

    [Fact]
    public async Task FindingsReport_Page_FetchesNothingFromTheNetwork()
    {
        var html = await File.ReadAllTextAsync(await PageAsync());

        Assert.Contains("Content-Security-Policy\" content=\"default-src 'none'", html, StringComparison.Ordinal);
        Assert.DoesNotMatch(new Regex("(src|href)\\s*=\\s*[\"']?(https?:)?//", RegexOptions.IgnoreCase), html);
        Assert.Contains("Chart.js v4", html, StringComparison.Ordinal); // the library is inlined, not linked
    }

    [Fact]
    public async Task FindingsReport_IndicatorWithoutRows_StillGetsItsSectionSayingSo()
    {
        var report = await FindingsReport.CreateAsync(TimeProvider.System);
        var firstOnly = sample.Run.Rows.Where(r => r.IndicatorId == sample.Pack.Indicators.Indicators[0].Id).ToList();
        using var output = new MemoryStream();

        await report.WriteHtmlAsync(sample.Pack, sample.Run.Status.Record, firstOnly, output);

        var html = System.Text.Encoding.UTF8.GetString(output.ToArray());
        var last = sample.Pack.Indicators.Indicators[^1];
        Assert.Contains($"data-indicator-id=\"{last.Id}\"", html, StringComparison.Ordinal);
        Assert.Contains("This run has no result for this indicator.", html, StringComparison.Ordinal);
    }

    /// <summary>The page the run published into its run folder (written by FindingsReportPublisher), as a local file.</summary>
    private Task<string> PageAsync() =>
        sample.DownloadAsync(LakeZone.Findings, FindingsReportPublisher.PathOf(Survey, sample.Run.Status.Record.RunId, FindingsReportPublisher.HtmlFile));

    [GeneratedRegex("<body[^>]*data-charts-rendered=\"(\\d+)\"")]
    private static partial Regex ChartsRendered();

    [GeneratedRegex("<body[^>]*data-charts-errors=\"([^\"]*)\"")]
    private static partial Regex ChartErrors();
}
