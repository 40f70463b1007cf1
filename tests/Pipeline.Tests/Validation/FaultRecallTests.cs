using System.IO.Compression;
using System.Text.Json;
using Pipeline.Core.Ingest;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Generator;
using Pipeline.Tests.Support;
using Sylvan.Data.Csv;

namespace Pipeline.Tests.Validation;

/// <summary>
/// Issue #5, acceptance 1: the generator injects every fault kind (several seeds, .dat and a CSV bundle); every injected
/// fault is reported on its case with the rule that should catch it (recall 100%), and no error-level issue is raised
/// on a case without a fault (precision 100%). Faults are listed by the generator in faults.csv, independently of the
/// validator. Also checks that an error rejects the whole case and that the rows add up.
/// </summary>
public sealed class FaultRecallTests
{
    private const string Survey = "peru-coffee-cacao";

    /// <summary>Which rule must report each fault kind, and whether it must name the fault's item.</summary>
    private static readonly Dictionary<string, (Func<string, bool> Rule, bool SameItem)> Expected = new(StringComparer.Ordinal)
    {
        ["bad-code"] = (r => r == Rules.OutOfValueSet, true),
        ["out-of-range"] = (r => r == Rules.OutOfValueSet, true),
        ["non-numeric"] = (r => r == Rules.NotANumber, true),
        ["skip"] = (r => r.StartsWith("skip.", StringComparison.Ordinal), true),
        ["sum"] = (r => r.StartsWith("consistency.household-", StringComparison.Ordinal), false),
        ["extreme"] = (r => r.StartsWith("outlier.", StringComparison.Ordinal), false),
        ["other-specify"] = (r => r.StartsWith("specify.", StringComparison.Ordinal), true),
        ["duplicate-id"] = (r => r == Rules.DuplicateCase, false),
        ["orphan"] = (r => r == Rules.OrphanRecord, false),
        ["truncated"] = (r => r == Rules.FieldCount, false),
    };

    [Theory]
    [InlineData(11, "dat")]
    [InlineData(22, "dat")]
    [InlineData(33, "dat")]
    [InlineData(11, "csv")]
    [InlineData(44, "csv")]
    public async Task AllFaultKinds_AreEachReportedByTheirRule_AndCleanCasesRaiseNoError(int seed, string format)
    {
        await using var pipeline = await TestPipeline.LocalAsync(await TestPipeline.PeruPacksAsync());
        var pack = pipeline.Get<SurveyPackCatalog>().Find(Survey)!;
        var folder = Directory.CreateTempSubdirectory("faults-").FullName;
        var formats = format == "dat" ? ExportFormats.Dat : ExportFormats.Csv;
        var generated = await new ExportGenerator().GenerateAsync(pack, new GeneratorOptions { Seed = seed, Formats = formats, Faults = "all=0.03", OutputFolder = folder }, default);
        var upload = format == "dat" ? Path.Combine(folder, "PERU_ALLIANCES.dat") : ZipCsvFiles(folder);

        var outcome = await pipeline.Get<IngestService>().IngestAsync(await pipeline.UploadAsync(Survey, upload));

        Assert.Equal(UploadStatus.Succeeded, outcome.Upload.Status);
        var faults = await ReadFaultsAsync(generated.FaultManifestPath);
        Assert.All(Expected.Keys.Append("latin1"), kind => Assert.Contains(faults, f => f["kind"] == kind)); // every kind was injected
        var issues = DuckDb.Query($"select case_key, record, item, rule, severity from read_parquet({DuckDb.Literal(await pipeline.DownloadAsync(LakeZone.Reports, LakePaths.Issues(Survey, outcome.Upload.UploadId)))})")
            .Select(r => (Case: ((string)r[0]!).Trim(), Record: (string)r[1]!, Item: (string)r[2]!, Rule: (string)r[3]!, Severity: (string)r[4]!)).ToList();

        // Recall: each fault is reported on its case by the rule for its kind.
        foreach (var fault in faults.Where(f => f["kind"] != "latin1"))
        {
            var (rule, sameItem) = Expected[fault["kind"]];
            var reported = issues.Any(i => i.Case == fault["case_key"] && rule(i.Rule) && (!sameItem || i.Item == fault["item"]));
            Assert.True(reported, $"seed {seed} {format}: {fault["kind"]} fault on case {fault["case_key"]} {fault["record"]}.{fault["item"]} = '{fault["value"]}' was not reported by its rule; issues on that case: {string.Join("; ", issues.Where(i => i.Case == fault["case_key"]).Select(i => $"{i.Rule} {i.Item}"))}");
        }

        // latin1: the files were written in Windows-1252; the reader decodes them as such and says so.
        using (var summary = JsonDocument.Parse(await File.ReadAllTextAsync(await pipeline.DownloadAsync(LakeZone.Reports, LakePaths.Summary(Survey, outcome.Upload.UploadId)))))
        {
            Assert.Equal("windows-1252", summary.RootElement.GetProperty("encoding").GetString());
            foreach (var record in summary.RootElement.GetProperty("records").EnumerateArray())
            {
                Assert.Equal(record.GetProperty("read").GetInt64(), record.GetProperty("curated").GetInt64() + record.GetProperty("rejected").GetInt64());
            }
        }

        Assert.DoesNotContain(issues, i => i.Rule == Pipeline.Core.Cleaning.RecordCleaner.UnknownPlaceRule); // accents decoded right: every place is known

        // Precision: no error on a case without a fault.
        var faultyCases = faults.Select(f => f["case_key"]).Where(k => k.Length > 0).ToHashSet(StringComparer.Ordinal);
        var falseErrors = issues.Where(i => i.Severity == "error" && !faultyCases.Contains(i.Case)).ToList();
        Assert.True(falseErrors.Count == 0, $"seed {seed} {format}: errors on clean cases: {string.Join("; ", falseErrors.Take(10).Select(i => $"{i.Case} {i.Record}.{i.Item} {i.Rule}"))}");

        // An error rejects the whole case: no curated row of any record belongs to a case with an error.
        var errorCases = issues.Where(i => i.Severity == "error").Select(i => i.Case).ToHashSet(StringComparer.Ordinal);
        foreach (var record in pack.Dictionary.Records)
        {
            var path = LakePaths.Curated(Survey, record.Name, outcome.Upload.UploadId);
            var keys = DuckDb.Query($"select distinct trim(_case_key) from read_parquet({DuckDb.Literal(await pipeline.DownloadAsync(LakeZone.Curated, path))})").Select(r => (string)r[0]!);
            Assert.DoesNotContain(keys, errorCases.Contains);
        }
    }

    private static string ZipCsvFiles(string folder)
    {
        var zip = Path.Combine(folder, "export.zip");
        using var archive = ZipFile.Open(zip, ZipArchiveMode.Create);
        foreach (var csv in Directory.EnumerateFiles(folder, "*_REC.csv").Order(StringComparer.Ordinal))
        {
            archive.CreateEntryFromFile(csv, Path.GetFileName(csv));
        }

        return zip;
    }

    private static async Task<List<Dictionary<string, string>>> ReadFaultsAsync(string path)
    {
        var faults = new List<Dictionary<string, string>>();
        using var text = File.OpenText(path);
        await using var csv = await CsvDataReader.CreateAsync(text);
        while (await csv.ReadAsync())
        {
            faults.Add(Enumerable.Range(0, csv.FieldCount).ToDictionary(csv.GetName, csv.GetString, StringComparer.Ordinal));
        }

        return faults;
    }
}
