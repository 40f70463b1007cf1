using System.Globalization;
using System.Text;
using Pipeline.Core.Packs;
using Pipeline.Generator.Writers;
using Sylvan.Data.Csv;

namespace Pipeline.Generator;

/// <summary>
/// Whether a number of cases, allocated in proportion to the planned sample (<see cref="Cases.StratumSequence"/>), fits
/// the universes of strata.csv: the findings refuse a stratum with more sampled cases than its universe (issue #19). When
/// it does not, the generator refuses the run, or, asked to (<see cref="GeneratorOptions.ScaleUniverses"/>), multiplies
/// every universe by <see cref="Factor"/> and writes a copy of the pack with those universes next to the exports.
/// </summary>
public sealed record DesignFit(long Factor, long MaxCases, string TightestStratum)
{
    /// <summary>The fit of <paramref name="cases"/> to the sampled strata of <paramref name="strata"/>.</summary>
    public static DesignFit Of(IReadOnlyList<Stratum> strata, long cases)
    {
        ArgumentNullException.ThrowIfNull(strata);
        var sampled = strata.Where(s => s.PlannedSample > 0).ToList();
        var planned = sampled.Sum(s => s.PlannedSample);
        long factor = 1, max = long.MaxValue;
        var tightest = string.Empty;
        foreach (var s in sampled)
        {
            // The sequence keeps every stratum within one case of its share, so it never exceeds ceil(cases·n_h/n).
            var share = (long)Math.Ceiling((double)cases * s.PlannedSample / planned);
            var fits = s.Universe <= 0 ? 0 : (long)Math.Floor((double)s.Universe * planned / s.PlannedSample);
            if (fits < max)
            {
                (max, tightest) = (fits, s.Id);
            }

            factor = Math.Max(factor, s.Universe <= 0 ? long.MaxValue : (share + s.Universe - 1) / s.Universe);
        }

        return new DesignFit(factor, max, tightest);
    }

    /// <summary>
    /// Copies the pack folder to <paramref name="folder"/>/&lt;pack id&gt; with every universe of strata.csv multiplied by
    /// <see cref="Factor"/> (planned samples unchanged, so weights grow by the factor) and returns the pack's copy.
    /// </summary>
    public async Task<string> WriteScaledPackAsync(SurveyPack pack, string folder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pack);
        var target = Path.Combine(folder, pack.Id);
        foreach (var file in Directory.EnumerateFiles(pack.Folder, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(target, Path.GetRelativePath(pack.Folder, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy, overwrite: true);
        }

        var items = pack.Manifest.Design.StratumItems;
        string[] names = ["stratum_id", .. items, "label", "universe", "planned_sample"];
        var rows = pack.Strata.Select(s => (string?[])[
            s.Id,
            .. items.Select(i => s.Codes[i].ToString(CultureInfo.InvariantCulture)),
            s.Label,
            (s.Universe * Factor).ToString(CultureInfo.InvariantCulture),
            s.PlannedSample.ToString(CultureInfo.InvariantCulture)]).ToList();
        var strata = Path.Combine(target, pack.Manifest.Design.Strata);
        await using (var text = new StreamWriter(strata, append: false, new UTF8Encoding(false)))
        {
            using var reader = new RowBatchReader(names, rows);
            await CsvDataWriter.Create(text, new CsvDataWriterOptions { NewLine = "\r\n", WriteHeaders = true }).WriteAsync(reader, cancellationToken).ConfigureAwait(false);
        }

        return target;
    }
}
