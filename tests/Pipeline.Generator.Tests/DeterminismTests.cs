using System.Text;
using Pipeline.Generator.Tests.Support;

namespace Pipeline.Generator.Tests;

/// <summary>Same seed, same bytes; case k does not depend on how many cases are asked for.</summary>
public class DeterminismTests
{
    [Fact]
    public async Task Generate_SameSeedTwice_WritesTheSameBytes()
    {
        using var first = new TempFolder();
        using var second = new TempFolder();

        var a = await Generated.RunAsync(first.Path, 150, seed: 7, formats: ExportFormats.Dat | ExportFormats.Csv | ExportFormats.Xlsx);
        var b = await Generated.RunAsync(second.Path, 150, seed: 7, formats: ExportFormats.Dat | ExportFormats.Csv | ExportFormats.Xlsx);

        Assert.Equal(a.Files.Count, b.Files.Count);
        foreach (var file in a.Files)
        {
            var name = Path.GetFileName(file.Path);
            Assert.True(File.ReadAllBytes(file.Path).AsSpan().SequenceEqual(File.ReadAllBytes(second.File(name))), $"{name} differs between two runs with seed 7");
        }
    }

    [Fact]
    public async Task Generate_AnotherSeed_WritesOtherData()
    {
        using var first = new TempFolder();
        using var second = new TempFolder();

        await Generated.RunAsync(first.Path, 50, seed: 1, formats: ExportFormats.Dat);
        await Generated.RunAsync(second.Path, 50, seed: 2, formats: ExportFormats.Dat);

        Assert.False(File.ReadAllBytes(first.File("PERU_ALLIANCES.dat")).AsSpan().SequenceEqual(File.ReadAllBytes(second.File("PERU_ALLIANCES.dat"))));
    }

    [Fact]
    public async Task Generate_TenAndHundredCases_FirstTenCasesAreIdentical()
    {
        using var ten = new TempFolder();
        using var hundred = new TempFolder();

        await Generated.RunAsync(ten.Path, 10, seed: 42);
        await Generated.RunAsync(hundred.Path, 100, seed: 42);

        // .dat: the ten-case file is the start of the hundred-case file, line for line.
        var shortDat = File.ReadAllBytes(ten.File("PERU_ALLIANCES.dat"));
        var longDat = File.ReadAllBytes(hundred.File("PERU_ALLIANCES.dat"));
        Assert.True(longDat.AsSpan().StartsWith(shortDat), "the 10-case .dat is not the start of the 100-case .dat");

        // CSV: each record file of the ten-case run is the start of the hundred-case one.
        foreach (var csv in Directory.GetFiles(ten.Path, "*.csv").Where(f => !f.EndsWith("faults.csv", StringComparison.Ordinal)))
        {
            var shortText = await File.ReadAllTextAsync(csv, Encoding.UTF8);
            var longText = await File.ReadAllTextAsync(hundred.File(Path.GetFileName(csv)), Encoding.UTF8);
            Assert.StartsWith(shortText, longText, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Generate_CaseK_IsTheSameInEveryFormat()
    {
        using var folder = new TempFolder();
        await Generated.RunAsync(folder.Path, 30, seed: 5, formats: ExportFormats.All);

        var dat = await Generated.ReadDatAsync(folder.File("PERU_ALLIANCES.dat"));
        var csdb = await Generated.ReadCsdbAsync(folder.File("PERU_ALLIANCES.csdb"));

        Assert.Equal(dat.Count, csdb.Count);
        for (var i = 0; i < dat.Count; i++)
        {
            Assert.Equal(Generated.KeyOf(dat[i]), Generated.KeyOf(csdb[i]));
            for (var c = 0; c < dat[i].Layout.Columns.Count; c++)
            {
                var item = dat[i].Layout.Columns[c].Item;
                Assert.True(Generated.Same(csdb[i].Fields[c], Cases.GeneratedValue.Parse(dat[i].Fields[c], item), item), $"row {i + 1}, {dat[i].Layout.Columns[c].Name}: .dat '{dat[i].Fields[c]}', .csdb '{csdb[i].Fields[c]}'");
            }
        }
    }
}
