using System.Text.RegularExpressions;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using DocumentFormat.OpenXml.Validation;
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
/// The report and the exports of a run with a proportion, a mean (hectares) and a total (soles): the farm-income
/// fixture pack of Pipeline.Tests, run through the real pipeline on a local-folder lake. Means and totals are shown in
/// their unit (the pack's `unit:`), never as percentages; the page stays readable at a phone's and a laptop's width.
/// </summary>
public sealed partial class MeansAndTotalsReportTests : IAsyncLifetime
{
    private const string Survey = "farm-income";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "pipeline-reporting-tests", Guid.NewGuid().ToString("N"));
    private ServiceProvider _services = null!;
    private SurveyPack _pack = null!;
    private FindingsRun _run = null!;

    private static string FixturePacks => Path.Combine(RepoPaths.Root, "tests", "Pipeline.Tests", "Fixtures", "packs");

    public async Task InitializeAsync()
    {
        var packs = await SurveyPackCatalog.LoadAsync(FixturePacks);
        _pack = packs.Find(Survey)!;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Pseudonymisation:Key"] = "reporting-tests-only-pseudonymisation-key-0123456789" }).Build();
        var backend = LakeBackend.LocalFolder(_folder);
        _services = new ServiceCollection().AddLogging().AddSurveyPipeline(configuration, packs, backend).BuildServiceProvider(validateScopes: true);
        await backend.EnsureCreatedAsync(_services.GetRequiredService<IOptions<LakeOptions>>().Value, CancellationToken.None);
        var lake = _services.GetRequiredService<ILakeStore>();
        await using (var csv = File.OpenRead(Path.Combine(FixturePacks, Survey, "sample", "FARM_REC.csv")))
        {
            await lake.WriteAsync(LakeZone.Incoming, $"{Survey}/FARM_REC.csv", csv, null, CancellationToken.None);
        }

        var outcome = await _services.GetRequiredService<IngestService>().IngestAsync($"{Survey}/FARM_REC.csv");
        Assert.True(outcome.Succeeded, outcome.Upload.ErrorSummary);
        _run = await _services.GetRequiredService<FindingsService>().RecomputeAsync(_pack);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task Report_MeanAndTotal_ShownInThePacksUnitsAndReadableAtPhoneAndLaptopWidths()
    {
        var page = await DownloadAsync(FindingsReportPublisher.HtmlFile, "farm-income-report.html");
        var html = await File.ReadAllTextAsync(page);
        var mean = _run.Rows.Single(r => r.IndicatorId == "hectares-mean" && r.CellKey == "all").Estimate;
        var total = _run.Rows.Single(r => r.IndicatorId == "income-total" && r.CellKey == "all").Estimate;

        // The table rows show hectares with two decimals and soles with thousands separators, never a percentage.
        var meanRow = TableRow(html, "hectares-mean", "all");
        Assert.Contains($"<td>{mean.Estimate.ToString("#,0.00", System.Globalization.CultureInfo.InvariantCulture)}</td>", meanRow, StringComparison.Ordinal);
        Assert.DoesNotContain("%", meanRow, StringComparison.Ordinal);
        var totalRow = TableRow(html, "income-total", "all");
        Assert.Contains($"<td>{total.Estimate.ToString("#,0", System.Globalization.CultureInfo.InvariantCulture)}</td>", totalRow, StringComparison.Ordinal);
        Assert.DoesNotContain("%", totalRow, StringComparison.Ordinal);
        Assert.Contains("%", TableRow(html, "coop-member", "all"), StringComparison.Ordinal);

        // The pack's units: in the table header, after the numbers on the bars, and on the scale.
        Assert.Contains("<th>Recomputed (ha)</th>", Section(html, "hectares-mean"), StringComparison.Ordinal);
        Assert.Contains($"<strong>{mean.Estimate.ToString("#,0.00", System.Globalization.CultureInfo.InvariantCulture)} ha</strong>", Section(html, "hectares-mean"), StringComparison.Ordinal);
        Assert.Contains("<th>Recomputed (soles)</th>", Section(html, "income-total"), StringComparison.Ordinal);
        Assert.Contains($"<strong>{total.Estimate.ToString("#,0", System.Globalization.CultureInfo.InvariantCulture)} soles</strong>", Section(html, "income-total"), StringComparison.Ordinal);
        Assert.DoesNotContain("Unit:", Section(html, "coop-member"), StringComparison.Ordinal);

        foreach (var width in PageLayout.Widths)
        {
            var layout = await PageLayout.MeasureAsync(page, width, Path.Combine(RepoPaths.Output, $"farm-income-report-{width}.png"));
            PageLayout.AssertReadable(layout, page, width);
        }
    }

    [Fact]
    public void Scale_MeanOrTotal_EndsAtARoundNumberAboveTheHighestValue()
    {
        Assert.Equal(1, FindingsReportBars.Nice(0.7));
        Assert.Equal(2.5, FindingsReportBars.Nice(2.1));
        Assert.Equal(50_000, FindingsReportBars.Nice(41_234));
        Assert.Equal(1_000_000, FindingsReportBars.Nice(1_000_000));
        Assert.Equal(2_000_000, FindingsReportBars.Nice(1_000_001));
    }

    [Fact]
    public async Task ExcelExport_MeanAndTotalRows_AreNotFormattedAsPercentages()
    {
        var xlsx = await DownloadAsync(FindingsReportPublisher.XlsxFile, "farm-income.xlsx");

        using var document = SpreadsheetDocument.Open(xlsx, isEditable: false);
        Assert.Empty(new OpenXmlValidator().Validate(document));
        var part = document.WorkbookPart!;
        var percentStyles = part.WorkbookStylesPart!.Stylesheet!.CellFormats!.Elements<CellFormat>()
            .Select((f, i) => (f, i)).Where(x => x.f.NumberFormatId?.Value == 10).Select(x => (uint)x.i).ToHashSet();
        var sheet = part.WorksheetParts.First(w => part.GetIdOfPart(w) == part.Workbook.Sheets!.Elements<Sheet>().First().Id!.Value);
        var rows = sheet.Worksheet.Descendants<Row>().ToList();
        var estimateColumn = Column(FindingsExport.Columns.ToList().IndexOf("estimate"));
        var statisticColumn = Column(FindingsExport.Columns.ToList().IndexOf("statistic"));

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows.Skip(1))
        {
            var cells = row.Elements<Cell>().ToDictionary(c => Regex.Replace(c.CellReference!.Value!, "[0-9]", string.Empty));
            var statistic = cells[statisticColumn].InnerText;
            if (!cells.TryGetValue(estimateColumn, out var estimate))
            {
                continue; // no estimate (empty cell)
            }

            var isPercent = estimate.StyleIndex is { } s && percentStyles.Contains(s.Value);
            Assert.Equal(statistic == "proportion", isPercent);
            seen.Add(statistic);
        }

        Assert.Equal(["mean", "proportion", "total"], seen.Order(StringComparer.Ordinal));
    }

    private async Task<string> DownloadAsync(string file, string name)
    {
        var target = Path.Combine(RepoPaths.Output, name);
        await using var source = await _services.GetRequiredService<ILakeStore>().OpenReadAsync(LakeZone.Findings, FindingsReportPublisher.PathOf(Survey, _run.Status.Record.RunId, file), CancellationToken.None);
        await using var output = File.Create(target);
        await source.CopyToAsync(output);
        return target;
    }

    /// <summary>The report table row of one cell, inside the indicator's section.</summary>
    private static string TableRow(string html, string indicator, string cell)
    {
        var section = Section(html, indicator);
        var start = section.IndexOf($"<tr data-cell-key=\"{cell}\"", StringComparison.Ordinal);
        return section[start..section.IndexOf("</tr>", start, StringComparison.Ordinal)];
    }

    private static string Column(int index) => Regex.Replace(XlsxReference(index), "[0-9]", string.Empty);

    private static string XlsxReference(int column)
    {
        var letters = string.Empty;
        for (var c = column + 1; c > 0; c = (c - 1) / 26)
        {
            letters = (char)('A' + ((c - 1) % 26)) + letters;
        }

        return letters + "1";
    }

    private static string Section(string html, string indicator)
    {
        var start = html.IndexOf($"<section class=\"indicator\" id=\"indicator-{indicator}\"", StringComparison.Ordinal);
        return html[start..html.IndexOf("</section>", start, StringComparison.Ordinal)];
    }
}
