using Pipeline.Core.Ingest;
using Pipeline.Generator.Cases;
using Pipeline.Generator.Tests.Support;

namespace Pipeline.Generator.Tests;

/// <summary>
/// What the generator writes, read back by the pipeline's own readers (CsproTextDataReader, DelimitedExportReader,
/// CsproDbReader), compared field by field with the cases drawn again from the same seed, over many seeds.
/// </summary>
public class RoundTripTests
{
    private const int Seeds = 10;
    private const int CasesPerSeed = 40;

    [Theory]
    [InlineData("dat")]
    [InlineData("csv")]
    [InlineData("csdb")]
    public async Task Generate_ManySeeds_ReadersReadBackEveryValue(string format)
    {
        var compared = 0L;
        for (var seed = 1; seed <= Seeds; seed++)
        {
            using var folder = new TempFolder();
            var formats = format switch { "dat" => ExportFormats.Dat, "csv" => ExportFormats.Csv, _ => ExportFormats.Csdb };
            await Generated.RunAsync(folder.Path, CasesPerSeed, seed, formats);
            var expected = (await Generated.CasesAsync(CasesPerSeed, seed)).SelectMany(c => c.Records).ToList();

            var rows = format switch
            {
                "dat" => await Generated.ReadDatAsync(folder.File("PERU_ALLIANCES.dat")),
                "csv" => await Generated.ReadCsvAsync(folder.Path),
                _ => await Generated.ReadCsdbAsync(folder.File("PERU_ALLIANCES.csdb")),
            };

            // The CSV export has one file per record, read in dictionary order: compare record by record, in case order.
            if (format == "csv")
            {
                var records = (await Generated.PeruPackAsync()).Dictionary.Records.Select(r => r.Name).ToList();
                expected = [.. expected.Select((r, i) => (r, i)).OrderBy(x => records.IndexOf(x.r.Record.Name)).ThenBy(x => x.i).Select(x => x.r)];
            }

            compared += Compare(expected, rows, $"seed {seed} ({format})");
        }

        Assert.True(compared > 100_000, $"only {compared} values compared");
    }

    private static long Compare(List<GeneratedRecord> expected, List<SourceRow> rows, string where)
    {
        Assert.Equal(expected.Count, rows.Count);
        var compared = 0L;
        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            var want = expected[r];
            Assert.True(row.StructuralProblem is null, $"{where}, row {r + 1}: {row.StructuralProblem}");
            Assert.Equal(want.Record.Name, row.Layout.Record.Name);
            for (var c = 0; c < want.Layout.Columns.Count; c++)
            {
                var column = want.Layout.Columns[c];
                var read = row.Fields[row.Layout.IndexOf(column.Name)];
                Assert.True(
                    Generated.Same(read, want.Values[c], column.Item),
                    $"{where}, case {want.CaseKey}, {want.Record.Name} occurrence {want.Occurrence}, {column.Name}: wrote {Generated.Show(want.Values[c])}, read '{read}'");
                compared++;
            }
        }

        return compared;
    }
}
