using System.Text;
using Pipeline.Core.Packs;
using Pipeline.Generator;

namespace Pipeline.Tests.Hostile;

/// <summary>
/// The valid exports the hostile inputs are made from: a few cases of the Peru pack from the generator, in every format,
/// and the personal values in them (names, GPS, surveyors) that the PII scan looks for afterwards.
/// </summary>
public sealed class CorpusSeeds
{
    /// <summary>Fake personal values planted by hand-made cases (never produced by the generator).</summary>
    public const string PlantedName = "Zenobia Quispetupa Hualcamayo";
    public const string PlantedX = "-77.123457";
    public const string PlantedY = "-08.654321";
    public const string PlantedBadX = "-76.5x3816";
    public const string PlantedLatin1Name = "Ñuñez Ávila Pérez";

    public required byte[] Dat { get; init; }

    public required byte[] ParticipantCsv { get; init; }

    public required byte[] PlotCsv { get; init; }

    public required byte[] Csdb { get; init; }

    public required byte[] Xlsx { get; init; }

    public required string Dcf { get; init; }

    public required IReadOnlyList<string> PersonalValues { get; init; }

    public static async Task<CorpusSeeds> CreateAsync(SurveyPack pack, string folder)
    {
        await new ExportGenerator(TimeProvider.System).GenerateAsync(pack, new GeneratorOptions { Cases = 4, Seed = 18, OutputFolder = folder }, CancellationToken.None);
        var participant = await File.ReadAllBytesAsync(Path.Combine(folder, "PARTICIPANT_REC.csv"));
        return new CorpusSeeds
        {
            Dat = await File.ReadAllBytesAsync(Path.Combine(folder, "PERU_ALLIANCES.dat")),
            ParticipantCsv = participant,
            PlotCsv = await File.ReadAllBytesAsync(Path.Combine(folder, "PLOT_REC.csv")),
            Csdb = await File.ReadAllBytesAsync(Path.Combine(folder, "PERU_ALLIANCES.csdb")),
            Xlsx = await File.ReadAllBytesAsync(Path.Combine(folder, "PERU_ALLIANCES.xlsx")),
            Dcf = await File.ReadAllTextAsync(Path.Combine(pack.Folder, pack.Manifest.Dictionary)),
            PersonalValues = [.. PersonalValuesOf(Encoding.UTF8.GetString(participant)), PlantedName, PlantedX, PlantedY, PlantedBadX, PlantedLatin1Name],
        };
    }

    /// <summary>The generated CSV's lines (header first), without a BOM.</summary>
    public static List<string[]> Rows(byte[] csv) =>
        [.. Encoding.UTF8.GetString(csv).TrimStart('\uFEFF').Split(["\r\n", "\n"], StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(','))];

    public static byte[] Csv(IEnumerable<string[]> rows, char delimiter = ',') =>
        Encoding.UTF8.GetBytes(string.Concat(rows.Select(r => string.Join(delimiter, r) + "\r\n")));

    private static IEnumerable<string> PersonalValuesOf(string csv)
    {
        var rows = Rows(Encoding.UTF8.GetBytes(csv));
        var personal = new[] { "B1_NAME", "A5_X", "A5_Y", "C3_SURVEYOR", "C4_SUPERVISOR" }.Select(n => Array.IndexOf(rows[0], n)).ToArray();
        return rows.Skip(1).SelectMany(r => personal.Select(i => r[i])).Where(v => v.Length >= 6).Distinct(StringComparer.Ordinal);
    }
}
