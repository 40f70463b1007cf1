using System.Globalization;
using System.Text;
using Pipeline.Core.Ingest;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.EndToEnd;

/// <summary>
/// Dictionaries as CSPro means them, through the whole ingest on a local lake (issue #17, acceptance 1, 3 and 4): a
/// linked value set checks answers, subitems reach the curated lake typed as their own definition and are checked
/// against their value sets, a subitem of a dropped item is dropped too, and alpha values keep their leading blanks.
/// The survey is the readers' fidelity pack (tests/Pipeline.Readers.Tests/Fixtures/packs/fidelity), as text and JSON.
/// </summary>
public sealed class DictionaryFidelityTests
{
    // HOUSE_REC: 'H', HHID, P319, P319R (linked value set), VISIT (YEAR/MONTH/DAY), NAME, PHONE (PHONE_AREA, dropped), TAG.
    private static readonly string[] Lines =
    [
        "H001" + "06" + "06" + "20240315" + " k        " + "0301234567" + " k",
        "P001" + "0712" + "1503" + "1 4",
        "H002" + "01" + "07" + "20240566" + "Zoë       " + "0309999999" + "k ",
    ];

    [Theory]
    [InlineData("FIDELITY.dcf")]
    [InlineData("FIDELITY.json.dcf")]
    public async Task Ingest_DictionaryWithLinkedValueSetSubitemsAndLeadingBlanks_CuratesAsCsproMeansIt(string dictionary)
    {
        await using var result = await IngestAsync(dictionary);

        // Case 1 is curated: its linked code 06, its date's subitems as integers, " k" with its leading blank.
        Assert.Equal(
            [[1L, 6L, 20240315L, 2024L, 3L, 15L, " k", " k"]],
            result.Curated("HOUSE_REC", "HHID, P319R, VISIT, VISIT_YEAR, VISIT_MONTH, VISIT_DAY, NAME, TAG").Select(r => r.Select(Normal).ToArray()));
        Assert.Equal(
            [["BIGINT", "BIGINT", "VARCHAR"]],
            result.Curated("HOUSE_REC", "typeof(VISIT_DAY), typeof(VISIT_YEAR), typeof(NAME)"));
        Assert.Equal([[7L, 15L, "1 4", 1L, null, 4L]], result.Curated("PERSON_REC", "AGE_YEARS_1, AGE_YEARS_2, DIGITS, DIGIT_1, DIGIT_2, DIGIT_3").Select(r => r.Select(Normal).ToArray()));

        // The value labels in the file's metadata keep the alpha code's leading blank.
        var labels = DuckDb.Scalar<string>($"select decode(value) from parquet_kv_metadata({result.File(LakeZone.Curated, LakePaths.Curated(Survey, "HOUSE_REC", result.UploadId))}) where decode(key) = 'value_labels'");
        using (var json = System.Text.Json.JsonDocument.Parse(labels))
        {
            Assert.Equal(["' k'=Leading blank", "'k'=No blank"], json.RootElement.GetProperty("TAG").EnumerateObject().Select(p => $"'{p.Name}'={p.Value.GetString()}"));
        }

        // Case 2 is rejected for its answer outside the linked value set and for day 66.
        Assert.Equal(
            [("P319R", "2", Rules.OutOfValueSet, "P319R=07 is not in value set P319R_VS1 (1–5 Improved, 6 Other, 98 Don't know, 99 Refused)."),
             ("VISIT_DAY", "2", Rules.OutOfValueSet, "VISIT_DAY=66 is not in value set VISIT_DAY_VS1 (1–31 Day,    Not applicable).")],
            result.Issues.Select(i => (i.Item, i.Case, i.Rule, i.Message)));
        Assert.Equal(["2"], result.Rejected("HOUSE_REC"));

        // PHONE is dropped as personal data, and so is its subitem, in the curated and the quarantined rows.
        Assert.DoesNotContain(result.Columns(LakeZone.Curated, LakePaths.Curated(Survey, "HOUSE_REC", result.UploadId)), c => c.StartsWith("PHONE", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Columns(LakeZone.Quarantine, LakePaths.Rejected(Survey, result.UploadId, "HOUSE_REC")), c => c.StartsWith("PHONE", StringComparison.Ordinal));
        Assert.Contains("VISIT_DAY", result.Columns(LakeZone.Quarantine, LakePaths.Rejected(Survey, result.UploadId, "HOUSE_REC")));
    }

    private const string Survey = "fidelity";

    private static object? Normal(object? value) => value switch
    {
        int i => (long)i,
        short s => (long)s,
        sbyte b => (long)b,
        _ => value,
    };

    private static async Task<Result> IngestAsync(string dictionary)
    {
        var packs = Directory.CreateTempSubdirectory("fidelity-packs-").FullName;
        var upload = Directory.CreateTempSubdirectory("fidelity-upload-").FullName;
        try
        {
            var source = Path.Combine(RepoPaths.Root, "tests", "Pipeline.Readers.Tests", "Fixtures", "packs", dictionary.Contains("json", StringComparison.Ordinal) ? "fidelity-json" : "fidelity");
            var target = Path.Combine(packs, Survey);
            foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
            {
                var to = Path.Combine(target, Path.GetRelativePath(source, file));
                Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                File.Copy(file, to);
            }

            var yaml = Path.Combine(target, "pack.yaml");
            await File.WriteAllTextAsync(yaml, (await File.ReadAllTextAsync(yaml)).Replace("id: fidelity-json", "id: fidelity", StringComparison.Ordinal));
            var pipeline = await TestPipeline.LocalAsync(await SurveyPackCatalog.LoadAsync(packs));
            var dat = Path.Combine(upload, "FIDELITY.dat");
            await File.WriteAllTextAsync(dat, string.Concat(Lines.Select(line => line + "\r\n")), new UTF8Encoding(true));
            var outcome = await pipeline.Get<IngestService>().IngestAsync(await pipeline.UploadAsync(Survey, dat));
            Assert.Equal(UploadStatus.Succeeded, outcome.Upload.Status);
            return new Result(pipeline, outcome.Upload);
        }
        finally
        {
            Directory.Delete(packs, recursive: true);
            Directory.Delete(upload, recursive: true);
        }
    }

    private sealed class Result(TestPipeline pipeline, UploadRecord upload) : IAsyncDisposable
    {
        public string UploadId => upload.UploadId;

        public ValueTask DisposeAsync() => pipeline.DisposeAsync();

        public IReadOnlyList<(string Item, string Case, string Rule, string Message)> Issues =>
            DuckDb.Query($"select item, trim(case_key), rule, message from read_parquet({Path(LakeZone.Reports, LakePaths.Issues(Survey, upload.UploadId))}) order by row, item")
                .Select(r => ((string)r[0]!, ((string)r[1]!).TrimStart('0'), (string)r[2]!, (string)r[3]!)).ToList();

        public List<object?[]> Curated(string record, string columns) =>
            DuckDb.Query($"select {columns} from read_parquet({Path(LakeZone.Curated, LakePaths.Curated(Survey, record, upload.UploadId))}) order by _source_row");

        public List<string> Rejected(string record) =>
            DuckDb.Query($"select HHID from read_parquet({Path(LakeZone.Quarantine, LakePaths.Rejected(Survey, upload.UploadId, record))}) order by _source_row")
                .Select(r => Convert.ToString(r[0], CultureInfo.InvariantCulture)!.TrimStart('0')).ToList();

        public List<string> Columns(LakeZone zone, string path) =>
            DuckDb.Query($"select column_name from (describe select * from read_parquet({Path(zone, path)}))").Select(r => (string)r[0]!).ToList();

        public string File(LakeZone zone, string path) => Path(zone, path);

        private string Path(LakeZone zone, string path) => DuckDb.Literal(pipeline.DownloadAsync(zone, path).GetAwaiter().GetResult());
    }
}
