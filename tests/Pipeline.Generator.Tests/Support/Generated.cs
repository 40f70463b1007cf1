using System.Globalization;
using Pipeline.Core.Packs;
using Pipeline.Core.Readers;
using Pipeline.Core.Validation;
using Pipeline.Core.Values;
using Pipeline.Generator.Cases;
using Pipeline.Generator.Faults;
using Pipeline.Generator.Spec;

namespace Pipeline.Generator.Tests.Support;

/// <summary>The real Peru pack, runs of the generator into temporary folders, and the readers reading them back.</summary>
public static class Generated
{
    private static readonly string Folder = Path.Combine(RepoRoot(), "survey-packs", "peru-coffee-cacao");
    private static readonly Lazy<Task<SurveyPack>> Pack = new(() => SurveyPack.LoadAsync(Folder));
    private static readonly Lazy<Task<GeneratorSpec>> Spec = new(async () => await GeneratorSpec.LoadAsync(await Pack.Value));

    public static string PackFolder => Folder;

    public static Task<SurveyPack> PeruPackAsync() => Pack.Value;

    public static Task<GeneratorSpec> PeruSpecAsync() => Spec.Value;

    /// <summary>Runs the generator into <paramref name="folder"/>.</summary>
    public static async Task<GeneratorResult> RunAsync(string folder, long cases, int seed = 20221119, ExportFormats formats = ExportFormats.Dat | ExportFormats.Csv, string faults = "")
    {
        var pack = await PeruPackAsync();
        var options = new GeneratorOptions { Cases = cases, Seed = seed, Formats = formats, Faults = faults, OutputFolder = folder };
        return await new ExportGenerator(new FixedTime()).GenerateAsync(pack, options, CancellationToken.None);
    }

    /// <summary>The cases 1..n of a seed, drawn again (without writing), with the case faults of <paramref name="faults"/> as a run injects them.</summary>
    public static async Task<List<GeneratedCase>> CasesAsync(long count, int seed = 20221119, string faults = "")
    {
        var spec = await PeruSpecAsync();
        var source = new CaseSource(spec, seed);
        var injector = new FaultInjector(spec, FaultPlan.Parse(faults), seed);
        var cases = new List<GeneratedCase>();
        for (var i = 0; i < count; i++)
        {
            var generated = source.Next();
            injector.Apply(generated);
            cases.Add(generated);
        }

        return cases;
    }

    /// <summary>Every row of every CSV file of a run, read by the pipeline's delimited-export reader.</summary>
    public static async Task<List<SourceRow>> ReadCsvAsync(string folder)
    {
        var pack = await PeruPackAsync();
        var rows = new List<SourceRow>();
        foreach (var record in pack.Dictionary.Records)
        {
            var path = Path.Combine(folder, record.Name + ".csv");
            await using var reader = await DelimitedExportReader.CreateAsync(File.OpenRead(path), Path.GetFileName(path), ',', pack, CancellationToken.None);
            rows.AddRange(await ReadAllAsync(reader));
        }

        return rows;
    }

    public static async Task<List<SourceRow>> ReadDatAsync(string path)
    {
        var pack = await PeruPackAsync();
        await using var reader = await CsproTextDataReader.CreateAsync(File.OpenRead(path), Path.GetFileName(path), pack);
        return await ReadAllAsync(reader);
    }

    public static async Task<List<SourceRow>> ReadCsdbAsync(string path)
    {
        var pack = await PeruPackAsync();
        await using var file = File.OpenRead(path);
        await using var reader = await CsproDbReader.CreateAsync(file, Path.GetFileName(path), pack);
        return await ReadAllAsync(reader);
    }

    public static async Task<List<SourceRow>> ReadXlsxAsync(string path)
    {
        var pack = await PeruPackAsync();
        await using var file = File.OpenRead(path);
        await using var reader = await ExcelExportReader.CreateAsync(file, Path.GetFileName(path), pack);
        return await ReadAllAsync(reader);
    }

    public static async Task<List<SourceRow>> ReadAllAsync(IExportReader reader)
    {
        var rows = new List<SourceRow>();
        await foreach (var row in reader.ReadAsync(CancellationToken.None))
        {
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>The case key of a row read back (CSPro's: the ID items zero-filled).</summary>
    public static string KeyOf(SourceRow row)
    {
        var values = row.Layout.Columns.Select((c, i) => GeneratedValue.Parse(row.Fields[i], c.Item)).ToArray();
        return Pipeline.Generator.Cases.CaseKeys.Of(row.Layout, values);
    }

    /// <summary>Rows grouped into cases by key, in file order of first appearance.</summary>
    public static List<(string Key, List<SourceRow> Rows)> ByCase(IEnumerable<SourceRow> rows) =>
        rows.GroupBy(KeyOf).Select(g => (g.Key, g.ToList())).ToList();

    /// <summary>The text of a column of a row read back.</summary>
    public static string? Field(this SourceRow row, string column)
    {
        var index = row.Layout.IndexOf(column);
        Assert.True(index >= 0, $"record {row.Layout.Record.Name} has no column {column}");
        return row.Fields[index];
    }

    /// <summary>Runs the pipeline's own row validator over rows (one per record, as the ingest does).</summary>
    public static List<RowIssue> Validate(IEnumerable<SourceRow> rows)
    {
        var validators = new Dictionary<RecordLayout, RowValidator>();
        var issues = new List<RowIssue>();
        foreach (var row in rows)
        {
            if (!validators.TryGetValue(row.Layout, out var validator))
            {
                validators[row.Layout] = validator = new RowValidator(row.Layout);
            }

            validator.Validate(row, new CellValue[row.Layout.Columns.Count], issues, out _);
        }

        return issues;
    }

    /// <summary>Compares a value read back with the generated one: numbers as numbers, texts as texts.</summary>
    public static bool Same(string? read, GeneratedValue expected, Pipeline.Core.Dictionary.DictionaryItem item)
    {
        var actual = GeneratedValue.Parse(read, item);
        return expected.IsBlank ? actual.IsBlank
            : expected.IsNumber ? actual.IsNumber && actual.Number == expected.Number
            : string.Equals(actual.Text, expected.Text?.TrimEnd(' '), StringComparison.Ordinal);
    }

    public static string Show(GeneratedValue value) => value.IsBlank ? "(blank)" : value.IsNumber ? value.Number.ToString(CultureInfo.InvariantCulture) : $"'{value.Text}'";

    internal static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pipeline.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Pipeline.sln above {AppContext.BaseDirectory}.");
    }

    /// <summary>A fixed clock: the CSPro DB's revision stamp is the only use of time in the generator.</summary>
    private sealed class FixedTime : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(2022, 11, 26, 12, 0, 0, TimeSpan.Zero);
    }
}

/// <summary>A fresh temporary folder for a test, deleted at dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"generator-tests-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a failing test; the OS cleans the temp folder.
        }
    }
}
