using System.Globalization;
using System.IO.Compression;
using System.Text;
using Pipeline.Core.Ingest;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.Validation;

/// <summary>
/// The checks that need the whole upload, on small CSV bundles written here: an error in one record rejects the whole
/// case, structure (orphans), case rules over rosters, case variables (producer size at its thresholds), outliers.
/// </summary>
public sealed class CaseChecksTests
{
    private const string Survey = "peru-coffee-cacao";
    private const string ParticipantHeader = "REGION,PROVINCE,DISTRICT,QUEST_NO,B2_AGE,B3_SEX,B5_1_HH_SIZE,B5_2_1_MEN,B5_2_2_WOMEN,B5_3_1_AGE0_5,B5_3_2_AGE6_14,B5_3_3_AGE15_18,B5_3_4_AGE19_65,B5_3_5_AGE65P,B7_ALLIANCE,B7_START_YEAR,B7_END_YEAR,C1_DATE,C2_START_TIME,C2_END_TIME,C5_RESULT,Q1_PLOTS,Q3_CULTIVATED";
    private const string CropHeader = "REGION,PROVINCE,DISTRICT,QUEST_NO,Q4_CROP,Q4_1_AREA,Q4_1_UNIT,Q4_1_M2_PER_UNIT,Q4_2_PROD,Q4_2_UNIT,Q4_2_KG_PER_UNIT";

    [Fact]
    public async Task ErrorInARosterRow_RejectsTheWholeCase_AndTheRowsStillAddUp()
    {
        await using var result = await IngestAsync(
            Participants(Participant(1), Participant(2)),
            Crops(Crop(1, crop: "6", kg: "100"), Crop(1, crop: "77", kg: "50"), Crop(2, crop: "6", kg: "300")));

        Assert.Equal("CROP_REC:3/1/2;PARTICIPANT_REC:2/1/1", result.Counts);
        Assert.Equal(["2"], result.CuratedQuestNos("PARTICIPANT_REC"));
        var moved = result.Rejected("PARTICIPANT_REC").Single();
        Assert.StartsWith("case rejected: CROP_REC row 3: dict.value-set", moved.Reasons, StringComparison.Ordinal);
        Assert.Equal("1", moved.QuestNo);
    }

    [Fact]
    public async Task RosterRowsWithoutTheirCase_AreOrphans()
    {
        await using var result = await IngestAsync(Participants(Participant(1)), Crops(Crop(1, crop: "6", kg: "100"), Crop(9, crop: "6", kg: "100")));

        var orphan = Assert.Single(result.Issues, i => i.Rule == Rules.OrphanRecord);
        Assert.Equal(("CROP_REC", "9", "error"), (orphan.Record, orphan.QuestNo, orphan.Severity));
        Assert.Equal("CROP_REC:2/1/1;PARTICIPANT_REC:1/1/0", result.Counts);
    }

    [Fact]
    public async Task RosterFileUploadedAlone_IsAPartialExport_NotOrphans()
    {
        await using var result = await IngestAsync(Crops(Crop(9, crop: "6", kg: "100")));

        Assert.DoesNotContain(result.Issues, i => i.Rule == Rules.OrphanRecord);
        Assert.Equal("CROP_REC:1/1/0", result.Counts);
    }

    [Fact]
    public async Task CaseRule_NonCultivatorWithCropRecords_RejectsTheCase()
    {
        await using var result = await IngestAsync(Participants(Participant(1, q3: "2"), Participant(2, q3: "1")), Crops(Crop(1, crop: "6", kg: "100"), Crop(2, crop: "6", kg: "100")));

        var broken = Assert.Single(result.Issues, i => i.Rule == "skip.q3-not-cultivated-no-crops");
        Assert.Equal(("1", "error"), (broken.QuestNo, broken.Severity));
        Assert.Equal("CROP_REC:2/1/1;PARTICIPANT_REC:2/1/1", result.Counts);
    }

    [Fact]
    public async Task CaseRule_ParticipantFileAlone_DoesNotJudgeRosters()
    {
        await using var result = await IngestAsync(Participants(Participant(1, q3: "2")));

        Assert.Empty(result.Issues);
    }

    [Theory]
    [InlineData("1", "199.99", 1)] // coffee: small < 200 kg
    [InlineData("1", "200", 2)]    //         medium 200–600
    [InlineData("1", "600", 2)]
    [InlineData("1", "600.01", 3)] //         large > 600
    [InlineData("2", "249.99", 1)] // cacao: small < 250 kg
    [InlineData("2", "250", 2)]    //        medium 250–800
    [InlineData("2", "800", 2)]
    [InlineData("2", "800.01", 3)] //        large > 800
    public async Task ProducerSize_FromTheAllianceCropsKilograms_AtTheThresholds(string alliance, string kg, long size)
    {
        var crop = alliance == "1" ? "6" : "7";
        var other = alliance == "1" ? "7" : "6";
        await using var result = await IngestAsync(
            Participants(Participant(1, alliance: alliance)),
            Crops(Crop(1, crop: crop, kg: kg), Crop(1, crop: other, kg: "5000"), Crop(1, crop: "4", kg: "10")));

        var row = result.Curated("PARTICIPANT_REC", "PRODUCER_SIZE, ALLIANCE_CROP_KG, OTHER_CROPS, N_CROPS, YEARS_IN_ALLIANCE, _stratum, _weight").Single();
        Assert.Equal(size, (long)row[0]!);
        Assert.Equal(double.Parse(kg, CultureInfo.InvariantCulture), (double)row[1]!, 9);
        Assert.Equal((2L, 3L, 4L), ((long)row[2]!, (long)row[3]!, (long)row[4]!)); // two other crops; 2019 to 2022 counted inclusively
        var (stratum, weight) = alliance == "1" ? ("coffee-san-martin", 4154.0 / 155) : ("cacao-san-martin", 9037.0 / 157);
        Assert.Equal(stratum, row[5]);
        Assert.Equal(weight, (double)row[6]!, 12);
    }

    [Fact]
    public async Task ProducerSize_WithoutTheAllianceCrop_IsBlank()
    {
        await using var result = await IngestAsync(Participants(Participant(1, alliance: "1")), Crops(Crop(1, crop: "4", kg: "900")));

        var row = result.Curated("PARTICIPANT_REC", "PRODUCER_SIZE, COFFEE_KG, HAS_COFFEE, OTHER_CROPS").Single();
        Assert.Equal([null, null, 0L, 1L], row);
    }

    [Theory]
    [InlineData("1315", false)] // ln 1315 = 7.182 < median 2 + 3.5 × 1.4826 × MAD 1 = 7.189
    [InlineData("1335", true)]  // ln 1335 = 7.197 > 7.189
    public async Task Outlier_YieldFarFromItsCropAndRegion_IsAWarningThatKeepsTheRow(string kg, bool flagged)
    {
        // Ten yields whose logs are 0, 0, 1, 1, 2, 2, 3, 3, 4, 4 (kg on one hectare), and the one tested. Median of the
        // logs 2, median absolute deviation 1, robust z = (ln kg − 2) / 1.4826.
        string[] yields = ["1", "1", "2.72", "2.72", "7.39", "7.39", "20.09", "20.09", "54.6", "54.6", kg];
        var participants = Enumerable.Range(1, yields.Length).Select(q => Participant(q)).ToArray();
        var crops = yields.Select((y, i) => Crop(i + 1, crop: "6", kg: y)).ToArray();

        await using var result = await IngestAsync(Participants(participants), Crops(crops));

        var outliers = result.Issues.Where(i => i.Rule == "outlier.crop-yield").ToList();
        Assert.Equal(flagged ? ["11"] : [], outliers.Select(o => o.QuestNo));
        Assert.All(outliers, o => Assert.Equal("warning", o.Severity));
        Assert.Equal($"CROP_REC:11/11/0;PARTICIPANT_REC:11/11/0", result.Counts);
        var warned = result.Curated("CROP_REC", "QUEST_NO, _warnings").Where(r => r[1] is string w && w.Contains("outlier.crop-yield", StringComparison.Ordinal)).Select(r => r[0]!.ToString());
        Assert.Equal(flagged ? ["11"] : [], warned);
    }

    private static string Participant(int questNo, string alliance = "1", string q3 = "1") =>
        $"1,1,1,{questNo},45,1,3,1,2,0,1,0,2,0,{alliance},2019,2022,20221119,610,651,1,2,{q3}";

    private static string Crop(int questNo, string crop, string kg) =>
        $"1,1,1,{questNo},{crop},1,1,10000,{kg},1,1";

    private static (string Name, string Text) Participants(params string[] rows) => ("PARTICIPANT_REC.csv", ParticipantHeader + "\n" + string.Join("\n", rows) + "\n");

    private static (string Name, string Text) Crops(params string[] rows) => ("CROP_REC.csv", CropHeader + "\n" + string.Join("\n", rows) + "\n");

    private static async Task<Result> IngestAsync(params (string Name, string Text)[] files)
    {
        var pipeline = await TestPipeline.LocalAsync(await TestPipeline.PeruPacksAsync());
        var zip = Path.Combine(Directory.CreateTempSubdirectory("case-checks-").FullName, "export.zip");
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
        {
            foreach (var (name, text) in files)
            {
                await using var entry = archive.CreateEntry(name).Open();
                await entry.WriteAsync(Encoding.UTF8.GetBytes(text));
            }
        }

        var outcome = await pipeline.Get<IngestService>().IngestAsync(await pipeline.UploadAsync(Survey, zip));
        Assert.Equal(UploadStatus.Succeeded, outcome.Upload.Status);
        return new Result(pipeline, outcome.Upload);
    }

    private sealed class Result(TestPipeline pipeline, UploadRecord upload) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => pipeline.DisposeAsync();

        public string Counts => upload.CountsByRecord;

        public IReadOnlyList<(string Record, string QuestNo, string Rule, string Severity)> Issues =>
            DuckDb.Query($"select record, trim(case_key), rule, severity from read_parquet({Path(LakeZone.Reports, LakePaths.Issues(Survey, upload.UploadId))})")
                .Select(r => ((string)r[0]!, ((string)r[1]!)[5..].TrimStart('0'), (string)r[2]!, (string)r[3]!)).ToList();

        public IEnumerable<string> CuratedQuestNos(string record) => Curated(record, "QUEST_NO").Select(r => r[0]!.ToString()!);

        public List<object?[]> Curated(string record, string columns) =>
            DuckDb.Query($"select {columns} from read_parquet({Path(LakeZone.Curated, LakePaths.Curated(Survey, record, upload.UploadId))}) order by _source_row");

        public IEnumerable<(string QuestNo, string Reasons)> Rejected(string record) =>
            DuckDb.Query($"select QUEST_NO, _reasons from read_parquet({Path(LakeZone.Quarantine, LakePaths.Rejected(Survey, upload.UploadId, record))})")
                .Select(r => ((string)r[0]!, (string)r[1]!));

        private string Path(LakeZone zone, string path) => DuckDb.Literal(pipeline.DownloadAsync(zone, path).GetAwaiter().GetResult());
    }
}
