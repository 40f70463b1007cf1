using System.Text;
using Pipeline.Core.Readers;
using Pipeline.Generator.Cases;
using Pipeline.Generator.Faults;
using Pipeline.Generator.Rules;
using Pipeline.Generator.Tests.Support;
using Sylvan.Data.Csv;

namespace Pipeline.Generator.Tests;

/// <summary>Every injected fault is listed in faults.csv and is in the files, at the place the manifest says.</summary>
public class FaultTests
{
    [Theory]
    [InlineData("bad-code", CaseRules.Names.ValueSet)]
    [InlineData("out-of-range", CaseRules.Names.ValueSet)]
    [InlineData("non-numeric", CaseRules.Names.ValueSet)]
    [InlineData("skip", CaseRules.Names.Skip)]
    [InlineData("sum", CaseRules.Names.Sum)]
    [InlineData("extreme", CaseRules.Names.Extreme)]
    [InlineData("other-specify", CaseRules.Names.OtherSpecify)]
    public async Task Generate_ValueFault_IsListedAndInEveryFileAtThatPlace(string kind, string rule)
    {
        using var folder = new TempFolder();
        var result = await Generated.RunAsync(folder.Path, 200, seed: 9, faults: $"{kind}=0.3");
        var manifest = await ManifestAsync(result.FaultManifestPath);
        var csv = Generated.ByCase(await Generated.ReadCsvAsync(folder.Path)).ToDictionary(c => c.Key, c => c.Rows);
        var dat = Generated.ByCase(await Generated.ReadDatAsync(folder.File("PERU_ALLIANCES.dat"))).ToDictionary(c => c.Key, c => c.Rows);
        var rules = new CaseRules(await Generated.PeruSpecAsync());

        Assert.True(manifest.Count >= 20, $"only {manifest.Count} {kind} faults in 200 cases at rate 0.3");
        Assert.All(manifest, f => Assert.Equal(kind, f["kind"]));
        foreach (var fault in manifest)
        {
            foreach (var (format, cases) in new[] { ("csv", csv), ("dat", dat) })
            {
                var row = RowAt(cases[fault["case_key"]], fault["record"], int.Parse(fault["occurrence"], System.Globalization.CultureInfo.InvariantCulture));
                var item = row.Layout.Columns[row.Layout.IndexOf(fault["item"])].Item;
                Assert.True(Generated.Same(row.Field(fault["item"]), GeneratedValue.Parse(fault["value"], item), item), $"{format}: case {fault["case_key"]} {fault["record"]}.{fault["item"]} holds '{row.Field(fault["item"])}', the manifest says '{fault["value"]}'");
            }

            var broken = rules.Check(rules.FromExport(1, csv[fault["case_key"]].Select(r => (r.Layout, (IReadOnlyList<string?>)r.Fields))));
            Assert.Contains(broken, v => v.Rule == rule);
        }
    }

    [Fact]
    public async Task Generate_DuplicateIdFault_RepeatsTheKeyOfAnEarlierCase()
    {
        using var folder = new TempFolder();
        var result = await Generated.RunAsync(folder.Path, 200, seed: 9, faults: "duplicate-id=0.2");
        var manifest = await ManifestAsync(result.FaultManifestPath);
        var main = (await Generated.ReadCsvAsync(folder.Path)).Where(r => r.Layout.Record.Name == "PARTICIPANT_REC").ToList();

        Assert.NotEmpty(manifest);
        foreach (var fault in manifest)
        {
            Assert.Equal(fault["case_key"], fault["value"]);
            Assert.True(main.Count(r => Generated.KeyOf(r) == fault["case_key"]) >= 2, $"key {fault["case_key"]} appears once");
            Assert.DoesNotContain(main, r => Generated.KeyOf(r) == fault["original"]);
        }
    }

    [Fact]
    public async Task Generate_OrphanFault_LeavesRosterRecordsWithoutTheirMainRecord()
    {
        using var folder = new TempFolder();
        var result = await Generated.RunAsync(folder.Path, 200, seed: 9, faults: "orphan=0.2");
        var manifest = await ManifestAsync(result.FaultManifestPath);
        var rows = await Generated.ReadCsvAsync(folder.Path);
        var dat = await Generated.ReadDatAsync(folder.File("PERU_ALLIANCES.dat"));

        Assert.NotEmpty(manifest);
        foreach (var fault in manifest)
        {
            foreach (var file in new[] { rows, dat })
            {
                Assert.DoesNotContain(file, r => r.Layout.Record.Name == "PARTICIPANT_REC" && Generated.KeyOf(r) == fault["case_key"]);
                Assert.Contains(file, r => r.Layout.Record.Name == fault["record"] && Generated.KeyOf(r) == fault["case_key"]);
            }
        }
    }

    [Fact]
    public async Task Generate_Latin1Fault_EncodesEveryTextFileAsWindows1252()
    {
        using var folder = new TempFolder();
        var result = await Generated.RunAsync(folder.Path, 60, seed: 9, faults: "latin1");
        var manifest = await ManifestAsync(result.FaultManifestPath);
        var windows1252 = CodePagesEncodingProvider.Instance.GetEncoding(1252)!;

        Assert.Equal(7, manifest.Count); // the .dat and six CSV files
        foreach (var fault in manifest)
        {
            var bytes = await File.ReadAllBytesAsync(folder.File(fault["file"]));
            Assert.Equal("latin1", fault["kind"]);
            Assert.False(bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble), $"{fault["file"]} starts with a UTF-8 BOM");
            if (bytes.Any(b => b >= 0x80))
            {
                Assert.False(System.Text.Unicode.Utf8.IsValid(bytes), $"{fault["file"]} is still valid UTF-8");
            }
        }

        var participants = windows1252.GetString(await File.ReadAllBytesAsync(folder.File("PARTICIPANT_REC.csv")));
        Assert.Contains("á", participants, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_TruncatedFault_CutsEachTextFileInsideItsLastLine()
    {
        using var folder = new TempFolder();
        var result = await Generated.RunAsync(folder.Path, 60, seed: 9, faults: "truncated");
        var manifest = await ManifestAsync(result.FaultManifestPath);

        Assert.Equal(7, manifest.Count);
        foreach (var fault in manifest)
        {
            var bytes = await File.ReadAllBytesAsync(folder.File(fault["file"]));
            Assert.Equal(long.Parse(fault["value"], System.Globalization.CultureInfo.InvariantCulture), bytes.Length);
            Assert.True(long.Parse(fault["original"], System.Globalization.CultureInfo.InvariantCulture) > bytes.Length);
            Assert.NotEqual((byte)'\n', bytes[^1]);
            Assert.NotEmpty(fault["case_key"]);
            Assert.NotEmpty(fault["item"]);
        }

        var dat = manifest.Single(f => f["file"] == "PERU_ALLIANCES.dat");
        var lastLine = Encoding.UTF8.GetString(await File.ReadAllBytesAsync(folder.File("PERU_ALLIANCES.dat"))).Split("\r\n")[^1];
        Assert.Equal(dat["case_key"], lastLine[1..10]);
    }

    [Fact]
    public async Task Generate_AllFaults_CasesOutsideTheManifestBreakNoRule()
    {
        using var folder = new TempFolder();
        var result = await Generated.RunAsync(folder.Path, 400, seed: 13, faults: "all=0.04");
        var manifest = await ManifestAsync(result.FaultManifestPath);
        var faulty = manifest.Select(f => f["case_key"]).ToHashSet(StringComparer.Ordinal);
        faulty.UnionWith(manifest.Select(f => f["original"]));
        var rules = new CaseRules(await Generated.PeruSpecAsync());
        var cases = Generated.ByCase(await Generated.ReadCsvAsync(folder.Path));

        Assert.True(manifest.Select(f => f["kind"]).Distinct().Count() >= 9, $"kinds: {string.Join(", ", manifest.Select(f => f["kind"]).Distinct())}");
        foreach (var (key, rows) in cases.Where(c => !faulty.Contains(c.Key)))
        {
            // The truncated file cut the last case short; every other case outside the manifest is clean.
            var violations = rules.Check(rules.FromExport(1, rows.Select(r => (r.Layout, (IReadOnlyList<string?>)r.Fields))));
            Assert.True(violations.Count == 0, $"case {key}: {string.Join("; ", violations.Select(v => $"{v.Record}.{v.Item} {v.Rule}: {v.Message}"))}");
        }
    }

    [Fact]
    public void FaultPlan_UnknownKind_SaysWhichKindsThereAre()
    {
        var error = Assert.Throws<FormatException>(() => FaultPlan.Parse("bad-code=0.1,typo=0.2"));

        Assert.Contains("'typo' is not a fault kind", error.Message, StringComparison.Ordinal);
        Assert.Contains("out-of-range", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FaultPlan_RateOutsideZeroToOne_SaysWhatIsExpected()
    {
        var error = Assert.Throws<FormatException>(() => FaultPlan.Parse("skip=2"));

        Assert.Contains("'skip=2' needs a rate between 0 and 1", error.Message, StringComparison.Ordinal);
    }

    private static SourceRow RowAt(List<SourceRow> rows, string record, int occurrence) =>
        rows.Where(r => r.Layout.Record.Name == record).ElementAt(occurrence - 1);

    private static async Task<List<Dictionary<string, string>>> ManifestAsync(string path)
    {
        var rows = new List<Dictionary<string, string>>();
        await using var csv = await CsvDataReader.CreateAsync(path);
        while (await csv.ReadAsync())
        {
            rows.Add(Enumerable.Range(0, csv.FieldCount).ToDictionary(csv.GetName, csv.GetString, StringComparer.Ordinal));
        }

        return rows;
    }
}
