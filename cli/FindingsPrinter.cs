using System.Globalization;
using Pipeline.Core.Findings;
using Pipeline.Core.Packs;

namespace Pipeline.Cli;

/// <summary>Prints a findings run as a plain-text table: estimate, 95% CI, n, the report's value, flags.</summary>
internal static class FindingsPrinter
{
    public static async Task PrintAsync(TextWriter output, SurveyPack pack, FindingsRun run)
    {
        var record = run.Status.Record;
        await output.WriteLineAsync();
        await output.WriteLineAsync($"Findings — {pack.Manifest.Title}");
        await output.WriteLineAsync($"Run {record.RunId}: {record.Status}, {record.Cases} cases from {record.Uploads} uploads. {record.Message}");
        if (run.Rows.Count == 0)
        {
            return;
        }

        await output.WriteLineAsync($"{"Indicator",-26} {"Cell",-28} {"Estimate",8} {"95% CI",15} {"n",5} {"Report",7}  Flags");
        foreach (var row in run.Rows)
        {
            var e = row.Estimate;
            var ci = double.IsNaN(e.CiLow) ? "–" : $"{Shown(e.Statistic, e.CiLow)}–{Shown(e.Statistic, e.CiHigh)}";
            var published = row.Published is { } p ? Shown(e.Statistic, p) : string.Empty;
            var cell = row.CellKey == "all" ? "All" : $"{row.CellLabel} ({row.CellKey})";
            await output.WriteLineAsync($"{Cut(row.IndicatorId, 26),-26} {Cut(cell, 28),-28} {Shown(e.Statistic, e.Estimate),8} {ci,15} {e.UnweightedDenominator,5} {published,7}  {string.Join(',', row.Flags)}");
        }
    }

    /// <summary>A proportion as a percentage, a mean with two decimals, a total as a whole number.</summary>
    private static string Shown(IndicatorStatistic statistic, double v) => double.IsNaN(v) ? "–" : statistic switch
    {
        IndicatorStatistic.Mean => v.ToString("0.00", CultureInfo.InvariantCulture),
        IndicatorStatistic.Total => v.ToString("0", CultureInfo.InvariantCulture),
        _ => (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%",
    };

    private static string Cut(string s, int n) => s.Length <= n ? s : s[..(n - 1)] + "…";
}
