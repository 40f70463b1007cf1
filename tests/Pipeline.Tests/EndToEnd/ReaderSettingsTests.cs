using System.IO.Compression;
using Microsoft.Extensions.Options;
using Pipeline.Core.Ingest;
using Pipeline.Core.Lake;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.EndToEnd;

/// <summary>
/// The readers' limits are settings (issue #18): <c>Ingest:Readers:*</c> reaches the reader that an upload's format
/// selects, also inside a zip bundle, and the defaults are those documented.
/// </summary>
public sealed class ReaderSettingsTests
{
    private const string Survey = "peru-coffee-cacao";

    [Fact]
    public async Task Ingest_ZipOverTheConfiguredEntryLimit_IsRejectedNamingTheLimit()
    {
        var settings = new Dictionary<string, string?> { ["Ingest:Readers:Zip:MaxEntries"] = "1" };
        await using var pipeline = await TestPipeline.AzuriteAsync(await TestPipeline.PeruPacksAsync(), settings: settings);
        var bundle = Path.Combine(Path.GetTempPath(), $"reader-settings-{Guid.NewGuid():N}.zip");
        try
        {
            using (var zip = ZipFile.Open(bundle, ZipArchiveMode.Create))
            {
                zip.CreateEntryFromFile(Path.Combine(RepoPaths.PeruPack, "sample", "PERU_ALLIANCES.dat"), "PERU_ALLIANCES.dat");
                zip.CreateEntryFromFile(Path.Combine(RepoPaths.PeruPack, "dictionary", "PERU_ALLIANCES.dcf"), "PERU_ALLIANCES.dcf");
            }

            var outcome = await pipeline.Get<IngestService>().IngestAsync(await pipeline.UploadAsync(Survey, bundle));

            Assert.Equal(UploadStatus.Rejected, outcome.Upload.Status);
            Assert.Contains("the zip has 2 entries; the limit is 1.", outcome.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(bundle);
        }
    }

    [Fact]
    public async Task Readers_Settings_BindEveryReaderSectionAndKeepTheDocumentedDefaults()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Ingest:Readers:CsproText:MaxLineBytes"] = "2048",
            ["Ingest:Readers:Delimited:MaxRecordLength"] = "8192",
            ["Ingest:Readers:Excel:MaxErrorCells"] = "7",
            ["Ingest:Readers:CsproDb:MaxRowsPerCase"] = "500",
        };
        await using var pipeline = await TestPipeline.AzuriteAsync(await TestPipeline.PeruPacksAsync(), settings: settings);

        var readers = pipeline.Get<IOptions<IngestOptions>>().Value.Readers;

        Assert.Equal(2048, readers.CsproText.MaxLineBytes);
        Assert.Equal(8192, readers.Delimited.MaxRecordLength);
        Assert.Equal(7, readers.Excel.MaxErrorCells);
        Assert.Equal(500, readers.CsproDb.MaxRowsPerCase);
        Assert.Equal(1000, readers.Zip.MaxEntries);
        Assert.Equal(100, readers.Zip.MaxCompressionRatio);
    }
}
