using System.Globalization;
using Pipeline.Core.Findings;
using Pipeline.Core.Ingest;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Generator;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.EndToEnd;

/// <summary>
/// Calibration of the generator against the report (issue #19, acceptance 3): a large generated sample, ingested and
/// estimated by the real pipeline (the `.dat` through <see cref="IngestService"/>, then <see cref="FindingsService"/>
/// over the pack copy whose universes the generator scaled so that the design is valid), puts every published figure
/// of indicators.yaml within 3 points of the report (a mean within 5%), design-weighted, as the findings compare them
/// (<see cref="FindingsComparison"/>). docs/generator.md, "Calibration", has the measured table.
/// </summary>
public sealed class PublishedFiguresCalibrationTests
{
    private const string Survey = "peru-coffee-cacao";

    /// <summary>
    /// 100,000 cases: the smallest published cell (small coffee non-members, Box I) then has about 4,700 cases, a
    /// binomial standard error of 0.7 points, so ±3 points is more than four of them for any seed. At 50,000 cases the
    /// default seed's small-coffee "unnecessary" lands 3.1 points off (48.9% against 52%, three standard errors: chance,
    /// another seed gives 51.6%).
    /// </summary>
    private const long Cases = 100_000;

    private const double ProportionTolerance = 0.03;
    private const double MeanRelativeTolerance = 0.05;

    /// <summary>
    /// Published figures that the generator does not reproduce, each with the reason written in docs/generator.md
    /// ("Calibration", "Exceptions"). Keyed "indicator cell". None today: every published figure holds together with the
    /// others (the docs show why the crossings that look contradictory are not).
    /// </summary>
    private static readonly Dictionary<string, string> DocumentedExceptions = new(StringComparer.Ordinal);

    [Fact]
    public async Task Findings_OverAHundredThousandGeneratedCases_PutEveryPublishedFigureWithinThreePoints()
    {
        var pack = (await TestPipeline.PeruPacksAsync()).Find(Survey)!;
        var folder = Path.Combine(Path.GetTempPath(), $"calibration-{Guid.NewGuid():N}");
        try
        {
            var generated = await new ExportGenerator().GenerateAsync(pack, new GeneratorOptions { Cases = Cases, Formats = ExportFormats.Dat, OutputFolder = folder, ScaleUniverses = true }, default);
            var packs = await SurveyPackCatalog.LoadAsync(Path.GetDirectoryName(generated.ScaledPackFolder)!);
            var scaled = packs.Find(Survey)!;

            await using var pipeline = await TestPipeline.LocalAsync(packs);
            var dat = generated.Files.Single(f => f.Format == ExportFormats.Dat).Path;
            var ingest = await pipeline.Get<IngestService>().IngestAsync(await pipeline.UploadAsync(Survey, dat));
            Assert.Equal(UploadStatus.Succeeded, ingest.Upload.Status);
            var run = await pipeline.Get<FindingsService>().RecomputeAsync(scaled);
            Assert.Equal(FindingsRunStatus.Succeeded, run.Status.Record.Status);

            var published = FindingsComparison.Rows(scaled, run.Rows).Where(r => r.Source == FindingsComparison.ReportSource).ToList();

            // Every published value of the catalogue is compared (68 figures), each with an estimate.
            Assert.Equal(pack.Indicators.Indicators.Sum(i => i.Published.Count), published.Count);
            Assert.All(published, r => Assert.False(double.IsNaN(r.Estimate), $"{Key(r)}: no estimate ({string.Join(", ", r.Flags)})"));

            var outside = published.Where(r => !Within(r)).ToList();
            var undocumented = outside.Where(r => !DocumentedExceptions.ContainsKey(Key(r))).Select(Describe).ToList();
            Assert.True(undocumented.Count == 0, $"{undocumented.Count} of {published.Count} published figures are off:\n{string.Join("\n", undocumented)}");
            // Published in words rather than as cells: distrust stays between 33% and 40% in every group but large cacao
            // (Box I, footnote 14); loan approval is above 60% in every group (Figure 11).
            var rows = run.Rows.ToLookup(r => r.IndicatorId);
            Assert.All(
                rows["box1-q13-distrust"].Where(r => r.BreakdownId == "alliance-size" && r.CellKey != "alliance-size=23" && r.Estimate.UnweightedDenominator > 0),
                r => Assert.InRange(r.Estimate.Estimate, 0.33 - ProportionTolerance, 0.40 + ProportionTolerance));
            Assert.All(
                rows["q31-loan-approved"].Where(r => r.Estimate.UnweightedDenominator > 0),
                r => Assert.True(r.Estimate.Estimate > 0.60, $"q31 {r.CellKey}: {r.Estimate.Estimate:P1}"));

            // Figure 10 prints no values, but says that larger producers more often saw their income grow or hold, the
            // difference more pronounced within coffee.
            double Cell(string indicator, string cell) => rows[indicator].Single(r => r.CellKey == cell).Estimate.Estimate;
            foreach (var crop in new[] { "coffee", "cacao" })
            {
                var id = $"q9-2-{crop}-income-grew-or-stable";
                Assert.True(Cell(id, "size=1") < Cell(id, "size=2") && Cell(id, "size=2") < Cell(id, "size=3"), $"{id} by size: {Cell(id, "size=1"):P1}, {Cell(id, "size=2"):P1}, {Cell(id, "size=3"):P1}");
            }

            Assert.True(
                Cell("q9-2-coffee-income-grew-or-stable", "size=3") - Cell("q9-2-coffee-income-grew-or-stable", "size=1")
                > Cell("q9-2-cacao-income-grew-or-stable", "size=3") - Cell("q9-2-cacao-income-grew-or-stable", "size=1"),
                "Figure 10: the gap between large and small is wider in coffee");

            var stale = DocumentedExceptions.Keys.Except(outside.Select(Key)).ToList();
            Assert.True(stale.Count == 0, $"documented exceptions that now hold (remove them from the test and the docs): {string.Join(", ", stale)}");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task DocumentedExceptions_EachIsInTheGeneratorDocsWithItsReason()
    {
        var docs = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "docs", "generator.md"));
        var calibration = docs[docs.IndexOf("## Calibration", StringComparison.Ordinal)..];

        Assert.Contains("### Exceptions", calibration, StringComparison.Ordinal);
        Assert.All(DocumentedExceptions, e =>
        {
            Assert.Contains(e.Key, calibration, StringComparison.Ordinal);
            Assert.Contains(e.Value, calibration, StringComparison.Ordinal);
        });
    }

    private static bool Within(ComparisonRow row) => row.Statistic == IndicatorStatistic.Proportion
        ? Math.Abs(row.Difference) <= ProportionTolerance
        : Math.Abs(row.Difference) <= MeanRelativeTolerance * Math.Abs(row.Published);

    private static string Key(ComparisonRow row) => $"{row.IndicatorId} {row.CellKey}";

    private static string Describe(ComparisonRow row) => string.Create(
        CultureInfo.InvariantCulture,
        $"{Key(row)} ({row.Reference}): estimate {row.Estimate:0.####}, published {row.Published:0.####}, n {row.UnweightedN}");
}
