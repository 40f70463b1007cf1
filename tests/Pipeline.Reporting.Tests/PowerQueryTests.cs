using Parquet;
using Parquet.Schema;
using Pipeline.Core.Findings;
using Pipeline.Core.Lake;
using Pipeline.Core.Reporting;
using Pipeline.Reporting.Tests.Support;

namespace Pipeline.Reporting.Tests;

/// <summary>
/// The Power BI kit (powerbi/*.pq) against what the pipeline really writes: each query's
/// Table.TransformColumnTypes list must name the columns of the Parquet file it reads, in order, with the M type
/// Parquet.Document gives each Parquet type. The Parquet comes from the real pipeline run on the bundled sample.
/// </summary>
[Collection(SampleRunCollection.Name)]
public sealed class PowerQueryTests(SampleRun sample)
{
    private const string Survey = "peru-coffee-cacao";

    /// <summary>Set to 1 to rewrite powerbi/curated/&lt;survey&gt;/*.pq from the pack (after a dictionary change).</summary>
    private const string UpdateVariable = "UPDATE_POWERBI_KIT";

    public static TheoryData<string> FindingsTables => new() { "fact_findings", "dim_indicator", "dim_cell", "dim_run", "comparison" };

    public static TheoryData<string> QueryFiles
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var file in Directory.EnumerateFiles(RepoPaths.PowerBi, "*.pq", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                data.Add(Path.GetRelativePath(RepoPaths.PowerBi, file).Replace('\\', '/'));
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(FindingsTables))]
    public async Task FindingsQuery_CurrentRunTable_DeclaresTheParquetColumnsAndTypes(string table)
    {
        var parquet = await sample.DownloadAsync(LakeZone.Findings, FindingsPaths.Table(Survey, sample.Run.Status.Record.RunId, table));

        var declared = Assert.Single(MQuery.Read(Path.Combine(RepoPaths.PowerBi, "findings", table + ".pq")).TypedColumnLists());

        Assert.Equal(await ParquetColumnsAsync(parquet), declared);
    }

    [Fact]
    public async Task FindingsHistoryQuery_EveryRun_DeclaresTheFactParquetColumnsAndTypes()
    {
        var parquet = await sample.DownloadAsync(LakeZone.Findings, FindingsPaths.Table(Survey, sample.Run.Status.Record.RunId, "fact_findings"));
        var query = MQuery.Read(Path.Combine(RepoPaths.PowerBi, "findings", "fact_findings_history.pq"));

        var expected = await ParquetColumnsAsync(parquet);

        Assert.Equal(expected, Assert.Single(query.TypedColumnLists()));
        var expandedNames = query.Tokens.SkipWhile(t => t.Text != "Table.ExpandTableColumn").TakeWhile(t => t.Text != "Typed")
            .Where(t => t.Kind == MTokenKind.String && t.Text is not ("run_started_utc" or "Data")).Select(t => t.Text);
        Assert.Equal(expected.Select(c => c.Name), expandedNames);
    }

    [Fact]
    public async Task CuratedQueries_EveryRecordOfTheDictionary_DeclareTheCuratedParquetColumnsAndTypes()
    {
        Assert.NotEmpty(sample.Pack.Dictionary.Records);
        foreach (var record in sample.Pack.Dictionary.Records)
        {
            var file = Path.Combine(RepoPaths.PowerBi, "curated", Survey, record.Name + ".pq");
            Assert.True(File.Exists(file), $"{file} is missing: run the tests with {UpdateVariable}=1 to generate the curated queries.");
            var parquet = await sample.DownloadAsync(LakeZone.Curated, sample.CuratedPathOf(record.Name));

            var declared = Assert.Single(MQuery.Read(file).TypedColumnLists());

            Assert.Equal(await ParquetColumnsAsync(parquet), declared);
        }
    }

    [Fact]
    public async Task CuratedQuery_DateItemOfThePack_IsTypedDateAsTheParquetDateColumn()
    {
        var parquet = await sample.DownloadAsync(LakeZone.Curated, sample.CuratedPathOf("PARTICIPANT_REC"));
        var declared = Assert.Single(MQuery.Read(Path.Combine(RepoPaths.PowerBi, "curated", Survey, "PARTICIPANT_REC.pq")).TypedColumnLists());

        Assert.Contains(("C1_DATE", "type date"), declared);
        Assert.Contains(("C1_DATE", "type date"), await ParquetColumnsAsync(parquet));
        Assert.Contains("{\"C1_DATE\", type date}", await PowerQueryKit.CuratedQueryAsync(sample.Pack, sample.Pack.Dictionary.FindRecord("PARTICIPANT_REC")!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LabelsQuery_LabelsTable_DeclaresTheLabelsParquetColumnsAndTypes()
    {
        var parquet = await sample.DownloadAsync(LakeZone.Curated, LabelsTable.PathOf(Survey));

        var declared = Assert.Single(MQuery.Read(Path.Combine(RepoPaths.PowerBi, "curated", "labels.pq")).TypedColumnLists());

        Assert.Equal(await ParquetColumnsAsync(parquet), declared);
    }

    [Fact]
    public async Task CuratedQueries_CommittedFiles_AreWhatTheGeneratorWritesForThePack()
    {
        var folder = Path.Combine(RepoPaths.PowerBi, "curated", Survey);
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            await PowerQueryKit.WriteCuratedQueriesAsync(sample.Pack, folder);
        }

        foreach (var record in sample.Pack.Dictionary.Records)
        {
            var file = Path.Combine(folder, record.Name + ".pq");
            var committed = File.Exists(file) ? (await File.ReadAllTextAsync(file)).ReplaceLineEndings("\n") : "(missing)";
            Assert.True(
                committed == await PowerQueryKit.CuratedQueryAsync(sample.Pack, record),
                $"{file} is not what PowerQueryKit generates from the survey pack (did the dictionary change?). Regenerate: {UpdateVariable}=1 dotnet test tests/Pipeline.Reporting.Tests --filter CuratedQueries_CommittedFiles");
        }

        var extra = Directory.EnumerateFiles(folder, "*.pq").Select(Path.GetFileNameWithoutExtension)
            .Where(n => sample.Pack.Dictionary.FindRecord(n!) is null).ToList();
        Assert.True(extra.Count == 0, $"Queries for records the dictionary no longer has: {string.Join(", ", extra)}; delete them.");
    }

    [Theory]
    [MemberData(nameof(QueryFiles))]
    public void QueryFile_AnyQueryOfTheKit_IsWellFormedAndUsesOnlyQueriesOfTheKit(string relative)
    {
        var query = MQuery.Read(Path.Combine(RepoPaths.PowerBi, relative));
        var kit = Directory.EnumerateFiles(RepoPaths.PowerBi, "*.pq", SearchOption.AllDirectories).Select(Path.GetFileNameWithoutExtension).ToHashSet(StringComparer.Ordinal);

        Assert.Empty(query.Problems());
        var unknown = query.ExternalNames().Where(n => !kit.Contains(n)).ToList();
        Assert.True(unknown.Count == 0, $"{relative} uses names that are no query of the kit: {string.Join(", ", unknown)}");
    }

    [Fact]
    public void MQuery_TransformColumnTypesWithCommentsAndEscapedQuotes_ReadsEveryPair()
    {
        var query = MQuery.Parse("""
            // a comment with "quotes" and {{"fake", type text}}
            let
                Source = #table({"a"}, {}),
                Typed = Table.TransformColumnTypes(Source, {
                    {"a ""quoted"" name", type text}, // trailing comment
                    /* block */ {"n", Int64.Type},
                    {"x", type nullable number}
                })
            in
                Typed
            """);

        var pairs = Assert.Single(query.TypedColumnLists());

        Assert.Equal([("a \"quoted\" name", "type text"), ("n", "Int64.Type"), ("x", "type nullable number")], pairs);
        Assert.Empty(query.Problems());
    }

    [Fact]
    public void MQuery_UnbalancedBracketsAndMissingIn_AreReportedWithTheLine()
    {
        var query = MQuery.Parse("let\n  A = {1, 2,\n  B = 3\n", "broken.pq");

        var problems = query.Problems();

        Assert.Contains(problems, p => p.Contains("broken.pq, line 2: '{' is never closed", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("1 'let' but 0 'in'", StringComparison.Ordinal));
    }

    /// <summary>The Parquet schema as the M types Parquet.Document gives it, in column order.</summary>
    private static async Task<List<(string Name, string Type)>> ParquetColumnsAsync(string file)
    {
        await using var stream = File.OpenRead(file);
        await using var reader = await ParquetReader.CreateAsync(stream);
        return reader.Schema.DataFields.Select(f => (f.Name, MTypeOf(f, file))).ToList();
    }

    private static string MTypeOf(DataField field, string file) => field switch
    {
        // INT32 with the logical type DATE (a date item of the dictionary or of pack.yaml's dates): Parquet.Document gives a
        // date. First: Parquet.Net reports such a field as adjusted to UTC too.
        DateTimeDataField { DateTimeFormat: DateTimeFormat.Date } => "type date",
        DateTimeDataField { IsAdjustedToUTC: true } => "type datetimezone",
        _ when field.ClrType == typeof(long) => "Int64.Type",
        _ when field.ClrType == typeof(double) => "type number",
        // Parquet.Net 6 reports UTF-8 columns as ReadOnlyMemory<char> when it reads a schema back.
        _ when field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>) => "type text",
        _ => throw new InvalidOperationException($"{file}: column {field.Name} has type {field.ClrType}, which the Power BI kit does not map yet."),
    };
}
