using System.Globalization;
using System.Text;
using Pipeline.Core.Dictionary;
using Pipeline.Core.Packs;
using Pipeline.Core.Readers;
using Pipeline.Readers.Tests.Support;

namespace Pipeline.Readers.Tests;

/// <summary>
/// Random cases written by the test-only writers (CSPro's encoding rules) and read back by the readers: the values must
/// come back equal. The acceptance round trip over the survey-pack generator's four formats (.dat, CSV, .csdb, .xlsx)
/// is in Pipeline.Generator.Tests' RoundTripTests. These writers cover dictionaries the generator does not take: the
/// three-level one (the generator writes one-level dictionaries only) and other packs than Peru's.
/// </summary>
public class RoundTripTests
{
    private const int Seeds = 30;
    private const int CasesPerSeed = 8;

    [Theory]
    [InlineData("household")]
    [InlineData("three-level")]
    public async Task RoundTrip_RandomCasesAsDat_ReadBackEqual(string packName)
    {
        var pack = await Fixture.PackAsync(packName);
        var total = 0;
        for (var seed = 1; seed <= Seeds; seed++)
        {
            var cases = TestCases.Random(pack.Dictionary, seed, CasesPerSeed);
            var dat = DatWriter.Write(pack.Dictionary, cases);
            await using var reader = await CsproTextDataReader.CreateAsync(Fixture.Bytes([.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes(dat)]), $"seed{seed}.dat", pack);

            var rows = await Fixture.ReadAllAsync(reader);

            AssertSame(pack, Expected(cases), rows, $"{packName} seed {seed} (.dat)");
            total += rows.Count;
        }

        Assert.True(total > 200, $"only {total} rows compared");
    }

    [Theory]
    [InlineData("household")]
    [InlineData("three-level")]
    public async Task RoundTrip_RandomCasesAsCsdb_ReadBackEqual(string packName)
    {
        var pack = await Fixture.PackAsync(packName);
        using var folder = new Fixture.TempFolder();
        var total = 0;
        for (var seed = 1; seed <= Seeds; seed++)
        {
            var cases = TestCases.Random(pack.Dictionary, seed, CasesPerSeed);
            var path = folder.File($"seed{seed}.csdb");
            CsdbWriter.Write(path, pack.Dictionary, string.Empty, cases);
            await using var file = File.OpenRead(path);
            await using var reader = await CsproDbReader.CreateAsync(file, $"seed{seed}.csdb", pack);

            var rows = await Fixture.ReadAllAsync(reader);

            AssertSame(pack, Expected(Enumerable.Reverse(cases)), rows, $"{packName} seed {seed} (.csdb)"); // the writer reverses file_order
            total += rows.Count;
        }

        Assert.True(total > 200, $"only {total} rows compared");
    }

    [Theory]
    [InlineData("household")]
    [InlineData("three-level")]
    public async Task RoundTrip_RandomCasesAsXlsx_ReadBackEqual(string packName)
    {
        var pack = await Fixture.PackAsync(packName);
        for (var seed = 1; seed <= Seeds / 3; seed++)
        {
            var cases = TestCases.Random(pack.Dictionary, seed, CasesPerSeed);
            var expected = Expected(cases);
            var sheets = new List<(string, IReadOnlyList<object?[]>)>();
            var ordered = new List<(DictionaryRecord, Dictionary<string, string?>)>();
            foreach (var record in pack.Dictionary.Records)
            {
                // As CSPro's export: the IDs of the record's level and its ancestors, then the items.
                var level = pack.Dictionary.Levels.Select((l, i) => (l, i)).First(x => x.l.Records.Contains(record)).i;
                var header = pack.Dictionary.Levels.Take(level + 1).SelectMany(l => l.IdItems).Select(i => i.Name)
                    .Concat(RecordLayout.For(pack, record).Columns.Where(c => !c.IsId).Select(c => c.Name)).ToList();
                var mine = expected.Where(e => e.Record == record).ToList();
                ordered.AddRange(mine);
                sheets.Add((record.Name, [[.. header], .. mine.Select(e => header.Select(h => Cell(pack.Dictionary.FindItem(h) ?? pack.Dictionary.FindItem(ItemName(h))!, e.Values.GetValueOrDefault(h))).ToArray())]));
            }

            await using var reader = await ExcelExportReader.CreateAsync(Fixture.Bytes(XlsxBuilder.Build([.. sheets])), $"seed{seed}.xlsx", pack);

            var rows = await Fixture.ReadAllAsync(reader);

            AssertSame(pack, ordered, rows, $"{packName} seed {seed} (.xlsx)");
        }
    }

    [Fact]
    public async Task RoundTrip_ThreeLevelTestCsdbWrittenAsDat_ReadsTheSameRows()
    {
        // A cross-check between two readers on real data: the rows of the real .csdb, written as .dat, read back the same.
        var pack = await Fixture.PackAsync("three-level");
        List<SourceRow> fromDb;
        await using (var file = Fixture.Open("csdb", "ThreeLevelTest.csdb"))
        await using (var db = await CsproDbReader.CreateAsync(file, "ThreeLevelTest.csdb", pack))
        {
            fromDb = await Fixture.ReadAllAsync(db);
        }

        var lines = new StringBuilder();
        foreach (var row in fromDb)
        {
            // The layouts carry the IDs of the record's level and the levels above, so the row has every ID it needs.
            var values = row.Layout.Columns.Select((c, i) => (c.Name, Value: row.Fields[i])).ToDictionary(x => x.Name, x => x.Value, StringComparer.OrdinalIgnoreCase);
            lines.Append(DatWriter.Line(pack.Dictionary, row.Layout.Record, values, values)).Append("\r\n");
        }

        await using var dat = await CsproTextDataReader.CreateAsync(Fixture.Bytes(Encoding.UTF8.GetBytes(lines.ToString())), "three.dat", pack);
        var fromDat = await Fixture.ReadAllAsync(dat);

        Assert.Equal(fromDb.Count, fromDat.Count);
        for (var r = 0; r < fromDb.Count; r++)
        {
            for (var c = 0; c < fromDb[r].Fields.Length; c++)
            {
                Assert.True(Same(fromDb[r].Layout.Columns[c].Item, fromDb[r].Fields[c], fromDat[r].Fields[c]), $"row {r + 1} {fromDb[r].Layout.Columns[c].Name}: {fromDb[r].Fields[c]} vs {fromDat[r].Fields[c]}");
            }
        }
    }

    /// <summary>Expected rows in CSPro's order: per case, a node's records then its children's; IDs of all levels included.</summary>
    private static List<(DictionaryRecord Record, Dictionary<string, string?> Values)> Expected(IEnumerable<TestNode> cases) =>
        cases.SelectMany(c => c.Flatten())
             .Select(x => (x.Record.Record, new Dictionary<string, string?>(x.Node.Ids.Concat(x.Record.Values), StringComparer.OrdinalIgnoreCase)))
             .ToList();

    private static void AssertSame(SurveyPack pack, List<(DictionaryRecord Record, Dictionary<string, string?> Values)> expected, List<SourceRow> rows, string what)
    {
        Assert.True(expected.Count == rows.Count, $"{what}: {expected.Count} rows written, {rows.Count} read");
        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            Assert.True(row.StructuralProblem is null, $"{what}, row {r + 1}: {row.StructuralProblem}");
            Assert.Equal(expected[r].Record.Name, row.Layout.Record.Name);
            var layout = RecordLayout.For(pack, expected[r].Record);
            for (var c = 0; c < layout.Columns.Count; c++)
            {
                var column = layout.Columns[c];
                var written = column.Subitem is { } sub ? StoredSlice(layout.Columns[sub.ParentColumn], expected[r].Values, sub.Offset, column.Item.Length) : expected[r].Values.GetValueOrDefault(column.Name);
                Assert.True(Same(column.Item, written, row.Fields[c]), $"{what}, row {r + 1}, {column.Name}: wrote '{written}', read '{row.Fields[c]}'");
            }
        }
    }

    /// <summary>
    /// What a subitem holds: its columns of the parent's value as CSPro stores it (numbers right-justified, zero-filled
    /// with the sign first or blank-filled; alpha padded with blanks). The test's own rule, not the reader's.
    /// </summary>
    private static string? StoredSlice(LayoutColumn parent, Dictionary<string, string?> values, int offset, int length)
    {
        var written = values.GetValueOrDefault(parent.Name);
        if (string.IsNullOrWhiteSpace(written))
        {
            return null;
        }

        Assert.Equal(0, parent.Item.Decimals); // the fixtures' parents of subitems are whole numbers or alpha
        var width = parent.Item.Length;
        var stored = parent.Item.DataType == ItemDataType.Alpha ? written.TrimEnd().PadRight(width)
            : !parent.Item.ZeroFill ? written.PadLeft(width)
            : written.StartsWith('-') ? "-" + written[1..].PadLeft(width - 1, '0')
            : written.PadLeft(width, '0');
        return stored.Substring(offset, length);
    }

    private static bool Same(DictionaryItem item, string? written, string? read)
    {
        if (string.IsNullOrWhiteSpace(written) || string.IsNullOrWhiteSpace(read))
        {
            return string.IsNullOrWhiteSpace(written) && string.IsNullOrWhiteSpace(read);
        }

        if (item.DataType == ItemDataType.Numeric && string.Equals(written.Trim(), read.Trim(), StringComparison.Ordinal))
        {
            return true; // also a value that is not a number ('*', '1-'), as found in both
        }

        if (item.DataType == ItemDataType.Alpha)
        {
            return string.Equals(written.TrimEnd(), read.TrimEnd(), StringComparison.Ordinal);
        }

        return NumberText.TryParseDecimal(written, out var a) && NumberText.TryParseDecimal(read, out var b) && a == b;
    }

    private static string ItemName(string column)
    {
        var underscore = column.LastIndexOf('_');
        return underscore > 0 && int.TryParse(column[(underscore + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out _)
            ? column[..underscore]
            : column;
    }

    private static object? Cell(DictionaryItem item, string? value) =>
        value is null ? null
        : item?.DataType == ItemDataType.Numeric ? decimal.Parse(value, NumberStyles.Number, CultureInfo.InvariantCulture)
        : value;
}
