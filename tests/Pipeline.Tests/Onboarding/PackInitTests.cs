using Microsoft.Data.Sqlite;
using Pipeline.Core.Ingest;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Generator;
using Pipeline.Generator.Spec;
using Pipeline.Tests.Support;
using Xunit.Abstractions;

namespace Pipeline.Tests.Onboarding;

/// <summary>
/// Acceptance 8 of issue #17: pack init on each real dictionary of ../shared/cspro-samples/ (copied to
/// Fixtures/cspro-samples) gives a pack that loads, generates and ingests with no hand edit.
/// </summary>
public sealed class PackInitTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("pack-init-").FullName;

    public static TheoryData<string> SampleDictionaries => new()
    {
        "idb-population-data.v70-text.dcf",
        "idb-population-data.v80-json.dcf",
        "kenya-census-2019_CensusMainShortForm.dcf",
        "value-processor.v81-json.dcf",
    };

    [Theory]
    [MemberData(nameof(SampleDictionaries))]
    public async Task PackInit_SampleDictionary_GeneratedExportIngestsWithCountsAddingUp(string dictionary)
    {
        var packs = Path.Combine(_root, "packs");
        var scaffold = await PackScaffold.WriteAsync(RepoPaths.Fixture(Path.Combine("cspro-samples", dictionary)), Path.Combine(packs, Path.GetFileNameWithoutExtension(dictionary)));

        await ScaffoldedPacks.FillInUniversesAsync(scaffold.Folder);
        var check = await SurveyPack.CheckAsync(scaffold.Folder);
        Assert.True(check.IsClean, string.Join(Environment.NewLine, check.Problems));
        var pack = check.Pack!;
        var spec = await GeneratorSpec.LoadAsync(pack);
        var cases = Math.Min(40, spec.MaxCases);
        var exports = Path.Combine(_root, "exports");
        var generated = await new ExportGenerator().GenerateAsync(pack, new GeneratorOptions { Cases = cases, Formats = ExportFormats.Dat | ExportFormats.Csdb, OutputFolder = exports }, default);

        await using var pipeline = await TestPipeline.LocalAsync(await SurveyPackCatalog.LoadAsync(packs));
        foreach (var file in generated.Files.Where(f => f.Format is ExportFormats.Dat or ExportFormats.Csdb))
        {
            var outcome = await pipeline.Get<IngestService>().IngestAsync(await pipeline.UploadAsync(pack.Id, file.Path));

            output.WriteLine($"{Path.GetFileName(file.Path)}: {outcome.Upload.RowsRead} read, {outcome.Upload.RowsCurated} curated, {outcome.Upload.RowsRejected} rejected");
            Assert.True(outcome.Upload.Status == UploadStatus.Succeeded, $"{file.Path}: {outcome.Upload.ErrorSummary}");
            Assert.True(outcome.Upload.RowsRead > 0, $"{file.Path}: no row read");
            Assert.Equal(outcome.Upload.RowsRead, outcome.Upload.RowsCurated + outcome.Upload.RowsRejected);
        }
    }

    [Fact]
    public async Task PackInit_KenyaCensus_StratifiesByCountyAndSuggestsPersonalItemsInCommentsOnly()
    {
        var scaffold = await PackScaffold.WriteAsync(RepoPaths.Fixture("cspro-samples/kenya-census-2019_CensusMainShortForm.dcf"), Path.Combine(_root, "kenya"));

        var pack = await SurveyPack.LoadAsync(scaffold.Folder);
        Assert.Equal("kenya", pack.Id);
        Assert.Equal(["COUNTY"], pack.Manifest.Design.StratumItems);
        Assert.Equal(47, pack.Strata.Count);
        Assert.Equal(("county-1", 1L, 1L, 1L), (pack.Strata[0].Id, pack.Strata[0].Codes["COUNTY"], pack.Strata[0].Universe, pack.Strata[0].PlannedSample));
        Assert.Empty(pack.Manifest.PersonalData.Drop);
        Assert.Empty(pack.Manifest.PersonalData.Pseudonymise);
        Assert.Contains("GPS_LATITUDE", scaffold.Plan.SuggestedPersonal);
        var manifest = await File.ReadAllTextAsync(Path.Combine(scaffold.Folder, "pack.yaml"));
        Assert.Contains("#   P00, P62, GPS_LATITUDE", manifest, StringComparison.Ordinal);
        Assert.Contains("FILL IN universe and planned_sample", manifest, StringComparison.Ordinal);
        Assert.Empty(pack.Rules.Rules);
        Assert.Empty(pack.Indicators.Indicators);
    }

    /// <summary>docs/adding-a-survey.md, step by step: init, switch on the example indicator, generate, ingest, findings.</summary>
    [Theory]
    [InlineData("kenya-census-2019_CensusMainShortForm.dcf")]
    [InlineData("value-processor.v81-json.dcf")]
    public async Task PackInit_ExampleIndicatorSwitchedOn_FindingsEstimateItOverEveryGeneratedCase(string dictionary)
    {
        var packs = Path.Combine(_root, "walk");
        var scaffold = await PackScaffold.WriteAsync(RepoPaths.Fixture(Path.Combine("cspro-samples", dictionary)), Path.Combine(packs, "survey"));
        var indicators = Path.Combine(scaffold.Folder, "indicators.yaml");
        var inExample = false;
        var lines = new List<string>();
        foreach (var line in await File.ReadAllLinesAsync(indicators))
        {
            inExample = line == "# ---- example ----" || (inExample && line != "# ---- end of example ----");
            if (line is not ("breakdowns: []" or "indicators: []"))
            {
                lines.Add(inExample && line.StartsWith("# ", StringComparison.Ordinal) && line != "# ---- example ----" ? line[2..] : line);
            }
        }

        await File.WriteAllLinesAsync(indicators, lines);
        await ScaffoldedPacks.FillInUniversesAsync(scaffold.Folder);
        var pack = await SurveyPack.LoadAsync(scaffold.Folder);
        var indicator = Assert.Single(pack.Indicators.Indicators);
        var cases = Math.Min(60, (await GeneratorSpec.LoadAsync(pack)).MaxCases);
        await new ExportGenerator().GenerateAsync(pack, new GeneratorOptions { Cases = cases, Formats = ExportFormats.Dat, OutputFolder = Path.Combine(_root, "walk-exports") }, default);

        await using var pipeline = await TestPipeline.LocalAsync(await SurveyPackCatalog.LoadAsync(packs));
        var dat = Directory.EnumerateFiles(Path.Combine(_root, "walk-exports"), "*.dat").Single();
        var outcome = await pipeline.Get<IngestService>().IngestAsync(await pipeline.UploadAsync(pack.Id, dat));
        var run = await pipeline.Get<Pipeline.Core.Findings.FindingsService>().RecomputeAsync(pack);

        Assert.Equal(UploadStatus.Succeeded, outcome.Upload.Status);
        Assert.Equal(cases, run.Status.Record.Cases);
        var all = run.Rows.Single(r => r.IndicatorId == indicator.Id && r.CellKey == "all");
        Assert.InRange(all.Estimate.Estimate, 0.0, 1.0);
    }

    [Fact]
    public async Task PackInit_ValueProcessorWithOneNumericId_WritesOneAllCasesStratum()
    {
        var scaffold = await PackScaffold.WriteAsync(RepoPaths.Fixture("cspro-samples/value-processor.v81-json.dcf"), Path.Combine(_root, "vp"));

        var pack = await SurveyPack.LoadAsync(scaffold.Folder);
        Assert.Empty(pack.Manifest.Design.StratumItems);
        var stratum = Assert.Single(pack.Strata);
        Assert.Equal(("all", 1L, 1L), (stratum.Id, stratum.Universe, stratum.PlannedSample));
        Assert.Equal("ID", scaffold.Plan.SequenceItem);
    }

    [Fact]
    public async Task PackInit_OneDictionaryTwice_TheOutFoldersNamesAreTheIdsSoBothPacksLoad()
    {
        var dictionary = RepoPaths.Fixture("cspro-samples/value-processor.v81-json.dcf");
        var packs = Path.Combine(_root, "two");
        await PackScaffold.WriteAsync(dictionary, Path.Combine(packs, "Round_1"));
        await PackScaffold.WriteAsync(dictionary, Path.Combine(packs, "round-2"));

        var catalog = await SurveyPackCatalog.LoadAsync(packs);

        Assert.Equal(["round-1", "round-2"], catalog.Packs.Select(p => p.Id).Order(StringComparer.Ordinal));
        Assert.Empty(catalog.Broken);
    }

    [Fact]
    public async Task PackInit_FolderWithAPack_IsRefusedWithoutOverwriting()
    {
        var dictionary = RepoPaths.Fixture("cspro-samples/value-processor.v81-json.dcf");
        var folder = Path.Combine(_root, "again");
        await PackScaffold.WriteAsync(dictionary, folder);

        var e = await Assert.ThrowsAsync<SurveyPackException>(() => PackScaffold.WriteAsync(dictionary, folder));

        Assert.Contains($"{Path.Combine(folder, "pack.yaml")}: already exists; pack init does not overwrite a pack", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// The three-level ThreeLevelTest.csdb: its own dictionary (meta.dictionary) through pack init, then the real file
    /// ingested. The generator writes one-level dictionaries only, so the data is the sample's own single case.
    /// </summary>
    [Fact]
    public async Task PackInit_ThreeLevelCsdbDictionary_IngestsTheRealCsdbWithCountsAddingUp()
    {
        var csdb = RepoPaths.Fixture("cspro-samples/ThreeLevelTest.csdb");
        var dcf = Path.Combine(_root, "ThreeLevelTest.dcf");
        await using (var connection = new SqliteConnection($"Data Source={csdb};Mode=ReadOnly;Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT dictionary FROM meta";
            await File.WriteAllTextAsync(dcf, (string)(await command.ExecuteScalarAsync())!);
        }

        var packs = Path.Combine(_root, "packs3");
        var scaffold = await PackScaffold.WriteAsync(dcf, Path.Combine(packs, "three-level"));
        var check = await SurveyPack.CheckAsync(scaffold.Folder);
        Assert.True(check.IsClean, string.Join(Environment.NewLine, check.Problems));
        var spec = await Assert.ThrowsAsync<GeneratorSpecException>(() => GeneratorSpec.LoadAsync(check.Pack!));
        Assert.Contains("has 3 levels; the generator writes one-level dictionaries only", spec.Message, StringComparison.Ordinal);

        await using var pipeline = await TestPipeline.LocalAsync(await SurveyPackCatalog.LoadAsync(packs));
        var outcome = await pipeline.Get<IngestService>().IngestAsync(await pipeline.UploadAsync(check.Id, csdb));

        output.WriteLine($"ThreeLevelTest.csdb: {outcome.Upload.RowsRead} read, {outcome.Upload.RowsCurated} curated, {outcome.Upload.RowsRejected} rejected");
        Assert.True(outcome.Upload.Status == UploadStatus.Succeeded, outcome.Upload.ErrorSummary);
        Assert.True(outcome.Upload.RowsRead > 0);
        Assert.Equal(outcome.Upload.RowsRead, outcome.Upload.RowsCurated + outcome.Upload.RowsRejected);
    }

    [Fact]
    public async Task PackInit_DictionaryFileNameWithHash_PackYamlQuotesItAndLoads()
    {
        var dcf = Path.Combine(_root, "Survey #2: round 1.dcf");
        File.Copy(Path.Combine(RepoPaths.FixturePacks, "tiny-survey", "dictionary", "TINY.dcf"), dcf);

        var scaffold = await PackScaffold.WriteAsync(dcf, Path.Combine(_root, "survey-2"));

        Assert.Contains("dictionary: \"dictionary/Survey #2: round 1.dcf\"", await File.ReadAllTextAsync(Path.Combine(scaffold.Folder, "pack.yaml")), StringComparison.Ordinal);
        var pack = await SurveyPack.LoadAsync(scaffold.Folder);
        Assert.Equal("dictionary/Survey #2: round 1.dcf", pack.Manifest.Dictionary);
    }

    [Fact]
    public async Task Plan_SubitemThatLooksPersonal_SuggestsItsParent()
    {
        var dcf = Path.Combine(_root, "CONTACT.dcf");
        var text = (await File.ReadAllTextAsync(Path.Combine(RepoPaths.FixturePacks, "tiny-survey", "dictionary", "TINY.dcf")))
            .Replace("Label=Respondent name\r\nName=RESPONDENT_NAME", "Label=Contact block\r\nName=CONTACT", StringComparison.Ordinal);
        await File.WriteAllTextAsync(dcf, text + "\r\n[Item]\r\nLabel=Phone number\r\nName=RESP_PHONE\r\nStart=7\r\nLen=10\r\nItemType=SubItem\r\nDataType=Alpha\r\n");

        var plan = PackScaffold.Plan(await Pipeline.Core.Dictionary.DictionaryReader.ReadFileAsync(dcf));

        Assert.Equal(["CONTACT"], plan.SuggestedPersonal);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
