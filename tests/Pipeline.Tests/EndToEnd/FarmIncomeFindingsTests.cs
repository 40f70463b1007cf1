using System.Globalization;
using Pipeline.Core.Findings;
using Pipeline.Core.Ingest;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Core.Reporting;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.EndToEnd;

/// <summary>
/// The farm-income fixture through the pipeline (local backend): a proportion, a mean of a real item and a total with
/// a "don't know" code, by the head's sex, a domain that crosses the strata and has no case in the South. Every cell of
/// fact_findings.parquet, read by DuckDB, must equal an independent per-case implementation of the textbook formulas
/// written here from the fixture CSV (<see cref="Reference"/>), to 1e-9 relative.
/// </summary>
public sealed class FarmIncomeFindingsTests : IAsyncLifetime
{
    private const string Survey = "farm-income";
    private static readonly Dictionary<long, long> Universe = new() { [1] = 40, [2] = 60, [3] = 25 };

    private TestPipeline _pipeline = null!;
    private SurveyPack _pack = null!;
    private FindingsRun _run = null!;
    private List<Dictionary<string, double?>> _cases = null!;

    public async Task InitializeAsync()
    {
        _pipeline = await TestPipeline.LocalAsync(await TestPipeline.FixturePacksAsync());
        _pack = _pipeline.Get<SurveyPackCatalog>().Find(Survey)!;
        var sample = RepoPaths.Fixture("packs/farm-income/sample/FARM_REC.csv");
        var outcome = await _pipeline.Get<IngestService>().IngestAsync(await _pipeline.UploadAsync(Survey, sample));
        Assert.Equal(UploadStatus.Succeeded, outcome.Upload.Status);
        Assert.Equal(0, outcome.Upload.RowsRejected);
        _run = await _pipeline.Get<FindingsService>().RecomputeAsync(_pack);
        _cases = ReadCsv(sample);
    }

    public async Task DisposeAsync() => await _pipeline.DisposeAsync();

    [Fact]
    public async Task Findings_EveryIndicatorAndCell_EqualThePerCaseTextbookImplementation()
    {
        var fact = await _pipeline.DownloadAsync(LakeZone.Findings, FindingsPaths.Table(Survey, _run.Status.Record.RunId, "fact_findings"));
        var rows = DuckDb.Query($"select indicator_id, cell_key, estimate, standard_error, ci_low, ci_high, deff, unweighted_n, degrees_of_freedom from read_parquet({DuckDb.Literal(fact)})");

        Assert.Equal(3 * 3, rows.Count); // three indicators × (all, male, female)
        foreach (var row in rows)
        {
            var (indicator, cell) = ((string)row[0]!, (string)row[1]!);
            var expected = Reference(_pack.Indicators.Indicators.Single(i => i.Id == indicator), Domain(cell));
            var actual = row[2..].Select(v => Convert.ToDouble(v, CultureInfo.InvariantCulture)).ToArray();
            var what = $"{indicator} {cell}";
            Close(expected.Estimate, actual[0], $"{what} estimate");
            Close(expected.Se, actual[1], $"{what} standard error");
            Close(expected.Low, actual[2], $"{what} CI low");
            Close(expected.High, actual[3], $"{what} CI high");
            Close(expected.Deff, actual[4], $"{what} deff");
            Assert.Equal(expected.N, (long)actual[5]);
            Assert.Equal(15 - 3, (long)actual[6]);
        }
    }

    [Fact]
    public async Task Findings_EveryIndicatorAndCell_EqualRSurveyPackage()
    {
        // Computed by R's survey package with Fixtures/r/farm-income.R (svydesign with strata and fpc, svymean/svytotal
        // with deff on subset() domains, svyciprop(method = "logit") with the full design's df); the fixture's first
        // line names the R and survey versions. docs/findings-method.md shows the same calls.
        var reference = DuckDb.Query($"select indicator_id, cell_key, estimate, standard_error, ci_low, ci_high, deff from read_csv({DuckDb.Literal(RepoPaths.Fixture("r/farm-income-survey.csv"))}, comment = '#', header = true)");
        var fact = await _pipeline.DownloadAsync(LakeZone.Findings, FindingsPaths.Table(Survey, _run.Status.Record.RunId, "fact_findings"));
        var ours = DuckDb.Query($"select indicator_id, cell_key, estimate, standard_error, ci_low, ci_high, deff from read_parquet({DuckDb.Literal(fact)})")
            .ToDictionary(r => ((string)r[0]!, (string)r[1]!), r => r[2..].Select(v => Convert.ToDouble(v, CultureInfo.InvariantCulture)).ToArray());

        Assert.Equal(3 * 3, reference.Count);
        foreach (var row in reference)
        {
            var key = ((string)row[0]!, (string)row[1]!);
            var expected = row[2..].Select(v => Convert.ToDouble(v, CultureInfo.InvariantCulture)).ToArray();
            string[] names = ["estimate", "standard error", "CI low", "CI high", "deff"];
            for (var i = 0; i < names.Length; i++)
            {
                Close(expected[i], ours[key][i], $"{key.Item1} {key.Item2} {names[i]} (R survey)");
            }
        }
    }

    [Fact]
    public void MeanOfARealItem_UsesTheDecimalsNotRoundedValues()
    {
        var all = _run.Rows.Single(r => r.IndicatorId == "hectares-mean" && r.CellKey == "all").Estimate;
        // Farm 9 left HECTARES blank: it is out of the denominator, not a zero.
        Assert.Equal(14, all.UnweightedDenominator);
        Assert.Equal(Reference(_pack.Indicators.Indicators.Single(i => i.Id == "hectares-mean"), _ => true).Estimate, all.Estimate, 1e-12);
        var rounded = Reference(_pack.Indicators.Indicators.Single(i => i.Id == "hectares-mean"), _ => true, Math.Round).Estimate;
        Assert.True(Math.Abs(all.Estimate - rounded) > 0.01, $"the mean {all.Estimate} looks computed on rounded hectares ({rounded})");
        Assert.Equal(IndicatorStatistic.Mean, all.Statistic);
    }

    [Fact]
    public void DomainFemaleHeads_EqualsTheFullDesignFormulaAndDiffersFromSubsettingTheData()
    {
        // Female heads: 2 farms in the North, 2 in the Centre, none in the South. Estimated on the full design, every
        // sampled farm of a stratum counts in n_h (a farm outside the domain adds zeros); "subsetting" keeps only the
        // four farms and re-derives n_h = 2, 2 and drops the South, as svydesign(..., data = subset) would.
        var indicator = _pack.Indicators.Indicators.Single(i => i.Id == "hectares-mean");
        var female = _run.Rows.Single(r => r.IndicatorId == indicator.Id && r.CellKey == "head-sex=2").Estimate;

        var fullDesign = Reference(indicator, Domain("head-sex=2"));
        var subset = SubsetStandardError(indicator, Domain("head-sex=2"));

        Assert.Equal(fullDesign.Estimate, female.Estimate, fullDesign.Estimate * 1e-9);
        Assert.Equal(fullDesign.Se, female.StandardError, fullDesign.Se * 1e-9);
        Assert.True(Math.Abs(subset - female.StandardError) > 0.1 * female.StandardError, $"full-design SE {female.StandardError} and subset SE {subset} should differ");
        Assert.Equal(12, female.DegreesOfFreedom); // the full design's 15 farms − 3 strata, not the subset's 4 − 2
        Assert.Contains("small-cell", _run.Rows.Single(r => r.IndicatorId == indicator.Id && r.CellKey == "head-sex=2").Flags);
    }

    [Fact]
    public async Task Comparison_EveryPublishedValue_HasOneRowWithEstimateCiAndDifference()
    {
        var runId = _run.Status.Record.RunId;
        var parquet = await _pipeline.DownloadAsync(LakeZone.Findings, FindingsPaths.Table(Survey, runId, "comparison"));
        var csv = await _pipeline.DownloadAsync(LakeZone.Findings, FindingsReportPublisher.PathOf(Survey, runId, FindingsReportPublisher.ComparisonCsvFile));
        const string columns = "indicator_id, cell_key, reference, statistic, published, estimate, ci_low, ci_high, unweighted_n, published_in_ci, difference";

        var fromParquet = DuckDb.Query($"select {columns} from read_parquet({DuckDb.Literal(parquet)}) order by indicator_id, cell_key");
        var fromCsv = DuckDb.Query($"select {columns} from read_csv({DuckDb.Literal(csv)}, header = true, all_varchar = true) order by indicator_id, cell_key");

        var published = _pack.Indicators.Indicators.SelectMany(i => i.Published.Select(p => (i.Id, Cell: p.Key, Value: p.Value))).OrderBy(p => p.Id, StringComparer.Ordinal).ThenBy(p => p.Cell, StringComparer.Ordinal).ToList();
        Assert.Equal(published.Count, fromParquet.Count);
        for (var i = 0; i < published.Count; i++)
        {
            var row = fromParquet[i];
            var fact = _run.Rows.Single(r => r.IndicatorId == published[i].Id && r.CellKey == published[i].Cell).Estimate;
            Assert.Equal((published[i].Id, published[i].Cell), ((string)row[0]!, (string)row[1]!));
            Assert.Equal(published[i].Value, Convert.ToDouble(row[4], CultureInfo.InvariantCulture));
            Assert.Equal(fact.Estimate, Convert.ToDouble(row[5], CultureInfo.InvariantCulture));
            Assert.Equal(fact.CiLow, Convert.ToDouble(row[6], CultureInfo.InvariantCulture));
            Assert.Equal(fact.CiHigh, Convert.ToDouble(row[7], CultureInfo.InvariantCulture));
            Assert.Equal(fact.UnweightedDenominator, Convert.ToInt64(row[8], CultureInfo.InvariantCulture));
            Assert.Equal(published[i].Value >= fact.CiLow && published[i].Value <= fact.CiHigh ? "yes" : "no", row[9]);
            Assert.Equal(fact.Estimate - published[i].Value, Convert.ToDouble(row[10], CultureInfo.InvariantCulture));
            Assert.Equal(fact.Statistic.Name(), row[3]);

            // The CSV holds the same values (reals in round-trip form).
            for (var c = 0; c < row.Length; c++)
            {
                Assert.Equal(Convert.ToString(row[c], CultureInfo.InvariantCulture), Convert.ToString(fromCsv[i][c], CultureInfo.InvariantCulture));
            }
        }
    }

    private static Func<Dictionary<string, double?>, bool> Domain(string cell) => cell switch
    {
        "all" => _ => true,
        _ => c => c["HEAD_SEX"] == double.Parse(cell.Split('=')[1], CultureInfo.InvariantCulture),
    };

    private sealed record Expected(double Estimate, double Se, double Low, double High, double Deff, long N);

    /// <summary>y of a case for the indicator, or null when the case is not in its denominator.</summary>
    private static double? ValueOf(IndicatorDefinition indicator, Dictionary<string, double?> c, Func<double, double> transform)
    {
        if (c[indicator.Item] is not { } v || indicator.ExcludeFromDenominator.Contains((long)v))
        {
            return null;
        }

        return indicator.Kind == IndicatorStatistic.Proportion ? (indicator.Outcome.Contains((long)v) ? 1 : 0) : transform(v);
    }

    /// <summary>
    /// The textbook formulas case by case (Lohr, Sampling: Design and Analysis, 2nd ed., §3.2 for totals, §4.1 and
    /// §9.1 for ratios, §4.3 for domains): per farm x = 1 in the domain's denominator, y its value (0 outside);
    /// V = Σ_h N_h² (1 − n_h/N_h) s²_h / n_h over all n_h farms of each stratum, of e = y − R̂x for a ratio, of y for a
    /// total. CI: logit for a proportion, ± t·SE otherwise, t with 15 − 3 df. Deff as R survey's svymean/svytotal.
    /// </summary>
    private Expected Reference(IndicatorDefinition indicator, Func<Dictionary<string, double?>, bool> domain, Func<double, double>? transform = null)
    {
        var perCase = _cases.Select(c =>
        {
            var value = domain(c) ? ValueOf(indicator, c, transform ?? (v => v)) : null;
            var h = (long)c["REGION"]!.Value;
            return (H: h, W: (double)Universe[h] / _cases.Count(o => o["REGION"] == h), X: value is null ? 0.0 : 1.0, Y: value ?? 0.0);
        }).ToList();
        var ty = perCase.Sum(c => c.W * c.Y);
        var tx = perCase.Sum(c => c.W * c.X);
        var ratio = ty / tx;
        var total = indicator.Kind == IndicatorStatistic.Total;
        double v = 0;
        foreach (var stratum in perCase.GroupBy(c => c.H))
        {
            var n = stratum.Count();
            var residuals = stratum.Select(c => total ? c.Y : c.Y - (ratio * c.X)).ToList();
            var mean = residuals.Average();
            var s2 = residuals.Sum(e => (e - mean) * (e - mean)) / (n - 1);
            v += (double)Universe[stratum.Key] * Universe[stratum.Key] * (1 - ((double)n / Universe[stratum.Key])) * s2 / n;
        }

        var estimate = total ? ty : ratio;
        var se = total ? Math.Sqrt(v) : Math.Sqrt(v) / tx;
        const double t = 2.1788128296672284; // qt(0.975, 12)
        var (low, high) = indicator.Kind == IndicatorStatistic.Proportion
            ? (Expit(Logit(ratio) - (t * se / (ratio * (1 - ratio)))), Expit(Logit(ratio) + (t * se / (ratio * (1 - ratio)))))
            : (estimate - (t * se), estimate + (t * se));

        var respondents = perCase.Where(c => c.X > 0).ToList();
        var count = respondents.Count;
        var s2Srs = count / (count - 1.0) * respondents.Sum(c => c.W * (c.Y - ratio) * (c.Y - ratio)) / tx;
        var srs = (1 - (count / tx)) * s2Srs / count * (total ? tx * tx : 1);
        return new Expected(estimate, se, low, high, se * se / srs, count);
    }

    /// <summary>The naive alternative: keep the domain's respondents only and treat them as the sample (n'_h, f = n'_h/N_h).</summary>
    private double SubsetStandardError(IndicatorDefinition indicator, Func<Dictionary<string, double?>, bool> domain)
    {
        var kept = _cases.Where(domain).Select(c => (H: (long)c["REGION"]!.Value, Y: ValueOf(indicator, c, v => v))).Where(c => c.Y is not null)
            .Select(c => (c.H, W: (double)Universe[c.H] / _cases.Count(o => o["REGION"] == c.H), Y: c.Y!.Value)).ToList();
        var ratio = kept.Sum(c => c.W * c.Y) / kept.Sum(c => c.W);
        double v = 0;
        foreach (var stratum in kept.GroupBy(c => c.H).Where(g => g.Count() > 1))
        {
            var n = stratum.Count();
            var u = stratum.Select(c => c.W * (c.Y - ratio)).ToList();
            var mean = u.Average();
            v += (1 - ((double)n / Universe[stratum.Key])) * n / (n - 1.0) * u.Sum(x => (x - mean) * (x - mean));
        }

        return Math.Sqrt(v) / kept.Sum(c => c.W);
    }

    private static List<Dictionary<string, double?>> ReadCsv(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        return lines.Skip(1).Select(l => l.Split(',').Select((v, i) => (header[i], v.Length == 0 ? (double?)null : double.Parse(v, CultureInfo.InvariantCulture)))
            .ToDictionary(x => x.Item1, x => x.Item2)).ToList();
    }

    private static void Close(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= Math.Abs(expected) * 1e-9, $"{what}: expected {expected:R}, got {actual:R}");

    private static double Logit(double p) => Math.Log(p / (1 - p));

    private static double Expit(double v) => 1 / (1 + Math.Exp(-v));
}
