using System.IO.Compression;
using System.Text;
using Pipeline.Core.Ingest;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.EndToEnd;

/// <summary>
/// A zip that carries the dictionary its data was written with: the same layout as the survey pack's is ingested; another
/// layout rejects the upload, naming the first difference (Fixtures/household-packs/household).
/// </summary>
public sealed class BundledDictionaryTests
{
    private const string Survey = "household";
    private const string Data = "2001102\r\n30011\r\n";

    private static string PackDictionary => File.ReadAllText(RepoPaths.Fixture(Path.Combine("household-packs", Survey, "dictionary", "HOUSEHOLD.dcf")));

    [Fact]
    public async Task Zip_WithThePacksDictionaryRelabelled_IsIngested()
    {
        var dictionary = PackDictionary.Replace("Label=Rooms", "Label=Number of rooms", StringComparison.Ordinal);

        var upload = await IngestZipAsync(dictionary);

        Assert.Equal((UploadStatus.Succeeded, 2L, 2L), (upload.Status, upload.RowsRead, upload.RowsCurated));
    }

    [Fact]
    public async Task Zip_WhoseDictionaryMovedAnItem_IsRejectedNamingTheFirstDifference()
    {
        var dictionary = PackDictionary.Replace("Name=H_ROOMS\nStart=6", "Name=H_ROOMS\nStart=7", StringComparison.Ordinal);

        var upload = await IngestZipAsync(dictionary);

        Assert.Equal((UploadStatus.Rejected, 0L), (upload.Status, upload.RowsRead));
        Assert.Contains(
            "bundle.zip/HOUSEHOLD.dcf: the dictionary in the zip is not the layout of survey 'household''s dictionary (dictionary/HOUSEHOLD.dcf): record HOUSING: item H_ROOMS starts at 7 in the bundled dictionary, 6 in the pack's. Upload data entered with the survey's dictionary",
            upload.ErrorSummary,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Zip_WhoseDictionaryCannotBeRead_IsRejectedSayingSo()
    {
        var upload = await IngestZipAsync("[Dictionary]\r\nVersion=CSPro 7.7\r\nRecordTypeStart=x\r\n");

        Assert.Equal(UploadStatus.Rejected, upload.Status);
        Assert.Contains("bundle.zip/HOUSEHOLD.dcf: the dictionary in the zip cannot be read, so it cannot be compared with survey 'household''s:", upload.ErrorSummary, StringComparison.Ordinal);
    }

    private static async Task<UploadRecord> IngestZipAsync(string dictionary)
    {
        await using var pipeline = await TestPipeline.LocalAsync(await SurveyPackCatalog.LoadAsync(RepoPaths.Fixture("household-packs")));
        var folder = Directory.CreateTempSubdirectory("bundled-dictionary-").FullName;
        try
        {
            var zip = Path.Combine(folder, "bundle.zip");
            using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
            {
                foreach (var (name, text) in new[] { ("HOUSEHOLD.dcf", dictionary), ("HOUSEHOLD.dat", Data) })
                {
                    await using var entry = archive.CreateEntry(name).Open();
                    await entry.WriteAsync(Encoding.UTF8.GetBytes(text));
                }
            }

            var outcome = await pipeline.Get<IngestService>().IngestAsync(await pipeline.UploadAsync(Survey, zip));
            return outcome.Upload;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
