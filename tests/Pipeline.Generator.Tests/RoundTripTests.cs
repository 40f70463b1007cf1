using Pipeline.Core.Readers;
using Pipeline.Generator.Cases;
using Pipeline.Generator.Tests.Support;

namespace Pipeline.Generator.Tests;

/// <summary>
/// What the generator writes, read back by the pipeline's own readers (CsproTextDataReader, DelimitedExportReader,
/// CsproDbReader, ExcelExportReader), compared field by field with the cases drawn again from the same seed, over many
/// seeds (issue #4, acceptance 3).
/// </summary>
public class RoundTripTests
{
    private const int Seeds = 10;
    private const int CasesPerSeed = 40;

    /// <summary>
    /// Every case fault: faults the readers read through. Not the file faults: a truncated file loses its last row in the
    /// text formats only, and DelimitedExportReader reads CSV as UTF-8 only, so Latin-1 accents come back as U+FFFD.
    /// </summary>
    private const string ReadableFaults = "bad-code=0.04,out-of-range=0.04,non-numeric=0.04,skip=0.04,sum=0.04,extreme=0.04,other-specify=0.04,duplicate-id=0.04,orphan=0.04";

    private static readonly string[] Formats = ["dat", "csv", "csdb", "xlsx"];

    [Theory]
    [InlineData("dat")]
    [InlineData("csv")]
    [InlineData("csdb")]
    [InlineData("xlsx")]
    public async Task Generate_ManySeeds_ReadersReadBackEveryValue(string format)
    {
        var compared = 0L;
        for (var seed = 1; seed <= Seeds; seed++)
        {
            using var folder = new TempFolder();
            await Generated.RunAsync(folder.Path, CasesPerSeed, seed, FormatOf(format));
            var expected = (await Generated.CasesAsync(CasesPerSeed, seed)).SelectMany(c => c.Records).ToList();

            var rows = await ReadAsync(format, folder);

            compared += Compare(await InFileOrderAsync(format, expected), rows, $"seed {seed} ({format})");
        }

        Assert.True(compared > 100_000, $"only {compared} values compared");
    }

    [Theory]
    [InlineData("")]
    [InlineData(ReadableFaults)]
    public async Task Generate_OneRunInFourFormats_ManySeeds_EveryFormatReadsBackTheSameValues(string faults)
    {
        const int seeds = 6;
        const int cases = 60;
        var compared = 0L;
        for (var seed = 101; seed < 101 + seeds; seed++)
        {
            using var folder = new TempFolder();
            await Generated.RunAsync(folder.Path, cases, seed, ExportFormats.All, faults);
            var drawn = await Generated.CasesAsync(cases, seed, faults);
            var expected = drawn.SelectMany(c => c.Records).ToList();
            var duplicated = drawn.GroupBy(c => c.Key).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
            var read = new Dictionary<string, List<SourceRow>>();
            foreach (var format in Formats)
            {
                read[format] = await ReadAsync(format, folder);
            }

            // Each format against the cases as drawn (with their faults) ...
            foreach (var format in Formats)
            {
                compared += Compare(await InFileOrderAsync(format, expected), read[format], $"seed {seed} ({format}, faults '{faults}')", duplicated);
            }

            // ... and against each other, record by record, item by item: the .dat as read is the reference.
            var datByRecord = await InFileOrderAsync("csv", read["dat"]);
            AssertSameRows(read["dat"], read["csdb"], $"seed {seed}, .dat vs .csdb");
            AssertSameRows(datByRecord, read["csv"], $"seed {seed}, .dat vs CSV");
            AssertSameRows(datByRecord, read["xlsx"], $"seed {seed}, .dat vs .xlsx");
        }

        Assert.True(compared > 100_000, $"only {compared} values compared");
    }

    private static ExportFormats FormatOf(string format) => format switch
    {
        "dat" => ExportFormats.Dat,
        "csv" => ExportFormats.Csv,
        "csdb" => ExportFormats.Csdb,
        _ => ExportFormats.Xlsx,
    };

    private static async Task<List<SourceRow>> ReadAsync(string format, TempFolder folder) => format switch
    {
        "dat" => await Generated.ReadDatAsync(folder.File("PERU_ALLIANCES.dat")),
        "csv" => await Generated.ReadCsvAsync(folder.Path),
        "csdb" => await Generated.ReadCsdbAsync(folder.File("PERU_ALLIANCES.csdb")),
        _ => await Generated.ReadXlsxAsync(folder.File("PERU_ALLIANCES.xlsx")),
    };

    /// <summary>
    /// Records in the order a format's reader gives them: case by case for .dat and .csdb; record by record (a file or
    /// a sheet per record, in dictionary order), cases in order within each, for CSV and .xlsx.
    /// </summary>
    private static async Task<List<T>> InFileOrderAsync<T>(string format, List<T> caseOrder)
    {
        if (format is "dat" or "csdb")
        {
            return caseOrder;
        }

        var records = (await Generated.PeruPackAsync()).Dictionary.Records.Select(r => r.Name).ToList();
        return [.. caseOrder.Select((r, i) => (r, i)).OrderBy(x => records.IndexOf(RecordName(x.r))).ThenBy(x => x.i).Select(x => x.r)];

        static string RecordName(T row) => row switch
        {
            GeneratedRecord g => g.Record.Name,
            SourceRow s => s.Layout.Record.Name,
            _ => throw new ArgumentException($"not a row: {row}"),
        };
    }

    /// <summary>
    /// Compares every value. A row may carry a structural problem only when its case key is in
    /// <paramref name="duplicatedKeys"/>: a duplicate-id case right after the case it copies reads, in .dat, as one
    /// case with its main record twice; the values are still read, and compared.
    /// </summary>
    private static long Compare(List<GeneratedRecord> expected, List<SourceRow> rows, string where, HashSet<string>? duplicatedKeys = null)
    {
        Assert.Equal(expected.Count, rows.Count);
        var compared = 0L;
        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            var want = expected[r];
            Assert.True(row.StructuralProblem is null || duplicatedKeys?.Contains(want.CaseKey) == true, $"{where}, row {r + 1}: {row.StructuralProblem}");
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

    private static void AssertSameRows(List<SourceRow> reference, List<SourceRow> other, string where)
    {
        Assert.Equal(reference.Count, other.Count);
        for (var r = 0; r < reference.Count; r++)
        {
            Assert.Equal(reference[r].Layout.Record.Name, other[r].Layout.Record.Name);
            for (var c = 0; c < reference[r].Layout.Columns.Count; c++)
            {
                var column = reference[r].Layout.Columns[c];
                var theirs = other[r].Fields[other[r].Layout.IndexOf(column.Name)];
                Assert.True(
                    Generated.Same(theirs, GeneratedValue.Parse(reference[r].Fields[c], column.Item), column.Item),
                    $"{where}, {column.Name} of {reference[r].Layout.Record.Name} row {r + 1}: '{reference[r].Fields[c]}' vs '{theirs}'");
            }
        }
    }
}
