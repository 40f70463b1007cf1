using System.Net;
using System.Text.RegularExpressions;
using Pipeline.Core.Findings;
using Pipeline.Core.Lake;
using Pipeline.Core.Reporting;
using Pipeline.Reporting.Tests.Support;

namespace Pipeline.Reporting.Tests;

/// <summary>
/// The findings report of the sample run, opened in headless Chromium as a reader would: at a phone's and a laptop's
/// width no text overlaps other text and nothing makes the page scroll sideways; every indicator is there, listed in the
/// contents; published values outside the interval are marked and counted; flags are in words; the page fetches nothing.
/// </summary>
[Collection(SampleRunCollection.Name)]
public sealed partial class FindingsReportTests(SampleRun sample)
{
    private const string Survey = "peru-coffee-cacao";

    [Theory]
    [InlineData(390)]
    [InlineData(1366)]
    public async Task FindingsReport_SampleRunInChromium_NoTextOverlapsAndNothingScrollsSideways(int width)
    {
        var page = await PageAsync();
        var png = Path.Combine(RepoPaths.Output, $"findings-report-{width}.png");

        // The picture starts at the legend: the key, then the first indicator's bars (14 cells) and table.
        var layout = await PageLayout.MeasureAsync(page, width, png, width < 640 ? 1700 : 1300, screenshotFrom: "section.legend");

        PageLayout.AssertReadable(layout, page, width);
        // The whole page was measured, not an empty one: every table cell and bar label is a text box.
        Assert.True(layout.TextBoxes > sample.Run.Rows.Count * 10, $"Only {layout.TextBoxes} text boxes for {sample.Run.Rows.Count} cells.");
        var image = Png.Read(png);
        Assert.Equal(width, image.Width);
        Assert.True(image.DistinctColors() > 100, $"{png} has only {image.DistinctColors()} colours: the page was probably not drawn.");
    }

    [Fact]
    public async Task FindingsReport_SampleRun_DrawsOneBarPerCellOfEveryIndicator()
    {
        var html = await File.ReadAllTextAsync(await PageAsync());

        foreach (var indicator in sample.Pack.Indicators.Indicators)
        {
            var section = Section(html, indicator.Id);
            var cells = sample.Run.Rows.Where(r => r.IndicatorId == indicator.Id).Select(r => r.CellKey).ToList();
            var bars = BarRow().Matches(section[..section.IndexOf("</figure>", StringComparison.Ordinal)]).Select(m => m.Groups[1].Value).ToList();
            Assert.Equal(cells, bars);
        }
    }

    [Fact]
    public async Task FindingsReport_SampleRun_ContentsLinkEveryIndicatorSection()
    {
        var html = await File.ReadAllTextAsync(await PageAsync());
        var toc = html.IndexOf("<nav class=\"toc\"", StringComparison.Ordinal);
        var contents = html[toc..html.IndexOf("</nav>", toc, StringComparison.Ordinal)];

        foreach (var indicator in sample.Pack.Indicators.Indicators)
        {
            Assert.Contains($"<a href=\"#indicator-{indicator.Id}\">", contents, StringComparison.Ordinal);
            Assert.Contains($"id=\"indicator-{indicator.Id}\"", html, StringComparison.Ordinal);
        }

        Assert.Contains("<a href=\"#summary\">", contents, StringComparison.Ordinal);
        Assert.Contains("id=\"summary\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FindingsReport_PublishedValueOutsideTheInterval_IsMarkedAndCounted()
    {
        var html = await File.ReadAllTextAsync(await PageAsync());
        // Expected from the run's rows, by the definition: a published value below the lower or above the upper bound.
        var compared = sample.Run.Rows.Where(r => r.Published is not null && !double.IsNaN(r.Estimate.CiLow) && !double.IsNaN(r.Estimate.CiHigh) && !r.Flags.Contains(StratifiedRatio.FlagDegenerateCi)).ToList();
        var outside = compared.Where(r => r.Published < r.Estimate.CiLow || r.Published > r.Estimate.CiHigh).ToList();

        Assert.NotEmpty(outside); // the sample run has some: otherwise this test shows nothing
        Assert.Contains($"data-published-compared=\"{compared.Count}\" data-published-outside=\"{outside.Count}\"", html, StringComparison.Ordinal);
        // The page opens in the pack's language (Spanish for Peru); its words come from that catalogue.
        var texts = ReportTexts.For(sample.Pack.Language);
        var outsideShort = WebUtility.HtmlEncode(texts["findings.mark.outside_short"]);
        Assert.Contains(WebUtility.HtmlEncode(texts.Format("findings.summary.overall", outside.Count, compared.Count, "95%")), html, StringComparison.Ordinal);
        foreach (var row in compared)
        {
            var section = Section(html, row.IndicatorId);
            var bar = BarRowOf(section, row.CellKey);
            var tableRow = section[section.IndexOf($"<tr data-cell-key=\"{row.CellKey}\"", StringComparison.Ordinal)..];
            tableRow = tableRow[..tableRow.IndexOf("</tr>", StringComparison.Ordinal)];
            var isOutside = outside.Contains(row);
            Assert.True(isOutside == bar.Contains(" outside\"", StringComparison.Ordinal), $"{row.IndicatorId} {row.CellKey}: bar marked {!isOutside}, expected {isOutside}.");
            Assert.Equal(isOutside, bar.Contains(outsideShort, StringComparison.Ordinal));
            Assert.Equal(isOutside, tableRow.Contains(outsideShort, StringComparison.Ordinal));
        }

        foreach (var indicator in outside.GroupBy(r => r.IndicatorId))
        {
            Assert.Contains(WebUtility.HtmlEncode(texts.Format("findings.indicator.outside", indicator.Count(), compared.Count(r => r.IndicatorId == indicator.Key))), Section(html, indicator.Key), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task FindingsReport_Flags_AreShownInWordsWithALegend()
    {
        var html = await File.ReadAllTextAsync(await PageAsync());
        var flags = sample.Run.Rows.SelectMany(r => r.Flags).Distinct(StringComparer.Ordinal).ToList();

        Assert.Contains("small-cell", flags);
        var texts = ReportTexts.For(sample.Pack.Language);
        foreach (var flag in flags)
        {
            // The badge says the flag in words; the id is only in the class and the tooltip, never the text a reader sees.
            Assert.DoesNotContain($">{flag}<", html, StringComparison.Ordinal);
            Assert.Contains($"<span class=\"flag {flag}\" title=\"{flag}\">{WebUtility.HtmlEncode(FindingsReport.FlagName(flag, texts))}</span>", html, StringComparison.Ordinal);
            // The notes explain it.
            var notes = html[html.IndexOf("id=\"notes\"", StringComparison.Ordinal)..];
            Assert.Matches(new Regex($"<dt><span class=\"flag {Regex.Escape(flag)}\"[^<]*>{Regex.Escape(WebUtility.HtmlEncode(FindingsReport.FlagName(flag, texts)))}</span></dt><dd>[^<]{{20,}}</dd>"), notes);
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
        Assert.Matches(new Regex($"<tr data-cell-key=\"{Regex.Escape(published.CellKey)}\"[^\\n]*{(published.Published!.Value * 100).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)}%"), Section(html, published.IndicatorId));
        Assert.Matches(new Regex($"<tr data-cell-key=\"{Regex.Escape(small.CellKey)}\"[^\\n]*class=\"flag small-cell\""), Section(html, small.IndicatorId));
    }

    [Fact]
    public async Task FindingsReport_Page_FetchesNothingFromTheNetwork()
    {
        var html = await File.ReadAllTextAsync(await PageAsync());

        Assert.Contains("Content-Security-Policy\" content=\"default-src 'none'", html, StringComparison.Ordinal);
        Assert.DoesNotMatch(new Regex("(src|href)\\s*=\\s*[\"']?(https?:)?//", RegexOptions.IgnoreCase), html);
        // The bars are HTML: the one script is the language switch's, inline (the Peru pack has two languages).
        Assert.Single(Regex.Matches(html, "<script", RegexOptions.IgnoreCase));
        Assert.DoesNotMatch(new Regex("<script[^>]*src", RegexOptions.IgnoreCase), html);
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

    /// <summary>An indicator's section of the page.</summary>
    private static string Section(string html, string indicator)
    {
        var start = html.IndexOf($"<section class=\"indicator\" id=\"indicator-{indicator}\"", StringComparison.Ordinal);
        return html[start..html.IndexOf("</section>", start, StringComparison.Ordinal)];
    }

    private static string BarRowOf(string section, string cell)
    {
        var match = BarRow().Matches(section).First(m => m.Groups[1].Value == cell);
        return section[match.Index..section.IndexOf('\n', match.Index)];
    }

    [GeneratedRegex("<div class=\"bar-row[^\"]*\" data-cell-key=\"([^\"]+)\"")]
    private static partial Regex BarRow();
}
