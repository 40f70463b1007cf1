using Pipeline.Core.Packs;
using Pipeline.Core.Readers;
using Pipeline.Generator.Cases;
using Pipeline.Core.Validation;
using Pipeline.Generator.Tests.Support;

namespace Pipeline.Generator.Tests;

/// <summary>
/// Subitems are views of their parent (CSPro stores only the parent): the generator writes the drawn subitems into the
/// parent's text, so every format carries one consistent value that the readers cut again. Uses the readers' fidelity
/// pack (a DATE with YEAR/MONTH/DAY, a subitem of a repeating item, a subitem with its own occurrences).
/// </summary>
public class SubitemTests
{
    [Fact]
    public async Task Generate_DictionaryWithSubitems_EveryFormatReadsTheSameSubitemsInsideTheirValueSets()
    {
        using var folder = new TempFolder();
        var pack = await FidelityPackAsync(folder.File("pack"));
        var output = folder.File("out");
        var options = new GeneratorOptions { Cases = 40, Seed = 17, Formats = ExportFormats.Dat | ExportFormats.Csv | ExportFormats.Csdb | ExportFormats.Xlsx, OutputFolder = output };
        await new ExportGenerator().GenerateAsync(pack, options, CancellationToken.None);

        var dat = await ReadAsync(pack, Directory.GetFiles(output, "*.dat").Single());
        var csdb = await ReadAsync(pack, Directory.GetFiles(output, "*.csdb").Single());
        var xlsx = await ReadAsync(pack, Directory.GetFiles(output, "*.xlsx").Single());
        var csv = new List<SourceRow>();
        foreach (var file in pack.Dictionary.Records.Select(r => Path.Combine(output, r.Name + ".csv")))
        {
            csv.AddRange(await ReadAsync(pack, file));
        }

        var houses = dat.Where(r => r.Layout.Record.Name == "HOUSE_REC").ToList();
        Assert.Equal(40, houses.Count);
        Assert.Contains(houses, r => r.Field("VISIT_DAY") is not null);
        foreach (var other in new[] { csdb, xlsx, csv })
        {
            Assert.Equal(Subitems(dat), Subitems(other));
        }

        // The drawn YEAR/MONTH/DAY and DIGITs are in their value sets, and the parent holds them.
        Assert.DoesNotContain(Generated.Validate(dat), i => i.Rule == Pipeline.Core.Packs.Rules.OutOfValueSet);
        Assert.All(houses.Where(r => r.Field("VISIT") is not null), r =>
            Assert.Equal(r.Field("VISIT")!.PadLeft(8, '0'), r.Field("VISIT_YEAR") + r.Field("VISIT_MONTH") + r.Field("VISIT_DAY")));
    }

    private static List<string> Subitems(List<SourceRow> rows) =>
        rows.Select(r => r.Layout.Record.Name + ":" + string.Join('|', Enumerable.Range(0, r.Fields.Length)
                .Where(i => r.Layout.Columns[i].IsId || r.Layout.Columns[i].Subitem is not null)
                .Select(i => $"{r.Layout.Columns[i].Name}={Generated.Show(GeneratedValue.Parse(r.Fields[i], r.Layout.Columns[i].Item))}")))
            .Order(StringComparer.Ordinal).ToList();

    private static async Task<List<SourceRow>> ReadAsync(SurveyPack pack, string path)
    {
        await using var file = File.OpenRead(path);
        var head = new byte[8192];
        var read = await file.ReadAsync(head);
        file.Position = 0;
        await using var reader = await ExportReaders.OpenAsync(file, head.AsMemory(0, read), Path.GetFileName(path), pack, default);
        return await Generated.ReadAllAsync(reader);
    }

    /// <summary>The readers' fidelity pack, copied with a generator spec that numbers cases by HHID.</summary>
    private static async Task<SurveyPack> FidelityPackAsync(string folder)
    {
        var source = Path.Combine(Generated.RepoRoot(), "tests", "Pipeline.Readers.Tests", "Fixtures", "packs", "fidelity");
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(folder, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        await File.WriteAllTextAsync(Path.Combine(folder, "generator.yaml"), """
            version: 1
            ids:
              sequence: HHID
            """);
        return await SurveyPack.LoadAsync(folder);
    }
}
