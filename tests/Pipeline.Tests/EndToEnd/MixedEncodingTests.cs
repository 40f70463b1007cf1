using System.Text;
using Pipeline.Core.Ingest;
using Pipeline.Core.Lake;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.EndToEnd;

/// <summary>
/// Issue #18, acceptance 3: a UTF-8 file with a BOM whose later lines are Latin-1 used to become U+FFFD and split one
/// surveyor into several pseudonyms. A file is decoded one way; a line that contradicts it is an issue naming the line.
/// </summary>
public sealed class MixedEncodingTests
{
    private const string Survey = "peru-coffee-cacao";

    [Fact]
    public async Task Dat_BomFileWithLatin1Lines_NamesTheFirstBadLineAndOneSurveyorStaysOnePseudonym()
    {
        await using var pipeline = await TestPipeline.LocalAsync(await TestPipeline.PeruPacksAsync());
        var folder = Directory.CreateTempSubdirectory("mixed-encoding-").FullName;
        var sample = await File.ReadAllBytesAsync(Path.Combine(RepoPaths.PeruPack, "sample", "PERU_ALLIANCES.dat"));
        var lines = (System.Text.Unicode.Utf8.IsValid(sample) ? Encoding.UTF8 : Encoding.Latin1).GetString(sample).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var half = lines.Length / 2;
        var firstBad = Enumerable.Range(half, lines.Length - half).First(i => lines[i].Any(c => c > 127)) + 1;
        var clean = Path.Combine(folder, "clean.dat");
        var mixed = Path.Combine(folder, "mixed.dat");
        await File.WriteAllBytesAsync(clean, [.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes(string.Join("\r\n", lines) + "\r\n")]);
        await File.WriteAllBytesAsync(mixed, [.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes(string.Join("\r\n", lines[..half]) + "\r\n"), .. Encoding.Latin1.GetBytes(string.Join("\r\n", lines[half..]) + "\r\n")]);

        var cleanUpload = await pipeline.Get<IngestService>().IngestAsync(await pipeline.UploadAsync(Survey, clean));
        var mixedUpload = await pipeline.Get<IngestService>().IngestAsync(await pipeline.UploadAsync(Survey, mixed));

        var issues = await pipeline.DownloadAsync(LakeZone.Reports, LakePaths.Issues(Survey, mixedUpload.Upload.UploadId));
        var messages = DuckDb.Query($"select message from read_parquet({DuckDb.Literal(issues)}) where message like '%not valid UTF-8%' order by row").Select(r => (string)r[0]!).ToList();
        Assert.Contains($"line {firstBad} is not valid UTF-8 (byte", messages[0], StringComparison.Ordinal);
        Assert.Contains("although the file starts with a UTF-8 byte-order mark", messages[0], StringComparison.Ordinal);
        Assert.DoesNotContain(messages, m => m.Contains('\uFFFD', StringComparison.Ordinal));
        var surveyorsClean = await SurveyorsAsync(pipeline, cleanUpload);
        var surveyorsMixed = await SurveyorsAsync(pipeline, mixedUpload);
        Assert.NotEmpty(surveyorsMixed);
        Assert.Subset(surveyorsClean, surveyorsMixed);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Csv_BomFileWithLatin1Lines_IsRejectedNamingTheFirstBadLineWithoutQuotingIt()
    {
        await using var pipeline = await TestPipeline.LocalAsync(await TestPipeline.PeruPacksAsync());
        var folder = Directory.CreateTempSubdirectory("mixed-encoding-").FullName;
        var lines = await File.ReadAllLinesAsync(RepoPaths.PeruSample, Encoding.UTF8);
        var firstBad = Enumerable.Range(61, lines.Length - 61).First(i => lines[i].Any(c => c > 127)) + 1;
        var mixed = Path.Combine(folder, "PARTICIPANT_REC.csv");
        await File.WriteAllBytesAsync(mixed, [.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes(string.Join("\r\n", lines[..61]) + "\r\n"), .. Encoding.Latin1.GetBytes(string.Join("\r\n", lines[61..]) + "\r\n")]);

        var outcome = await pipeline.Get<IngestService>().IngestAsync(await pipeline.UploadAsync(Survey, mixed));

        Assert.Equal(UploadStatus.Rejected, outcome.Upload.Status);
        var error = await File.ReadAllTextAsync(await pipeline.DownloadAsync(LakeZone.Quarantine, LakePaths.FileError(Survey, outcome.Upload.UploadId)));
        Assert.Contains($"line {firstBad} is not valid UTF-8", error, StringComparison.Ordinal);
        var surveyors = lines.Skip(1).SelectMany(l => l.Split(',')).Where(v => v.Contains(' ', StringComparison.Ordinal)).Distinct().ToList();
        Assert.DoesNotContain(surveyors, error.Contains);
        Directory.Delete(folder, recursive: true);
    }

    private static async Task<HashSet<string>> SurveyorsAsync(TestPipeline pipeline, IngestOutcome outcome)
    {
        var curated = await pipeline.DownloadAsync(LakeZone.Curated, LakePaths.Curated(Survey, "PARTICIPANT_REC", outcome.Upload.UploadId));
        return DuckDb.Query($"select distinct C3_SURVEYOR from read_parquet({DuckDb.Literal(curated)}) where C3_SURVEYOR is not null").Select(r => (string)r[0]!).ToHashSet(StringComparer.Ordinal);
    }
}
