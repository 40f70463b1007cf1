using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Pipeline.Core.Readers;
using Pipeline.Readers.Tests.Support;
using static Pipeline.Readers.Tests.Support.ZipBuilder;

namespace Pipeline.Readers.Tests;

public class ZipBundleTests
{
    private static byte[] FileBytes(params string[] parts) => File.ReadAllBytes(Fixture.Path(parts));

    [Fact]
    public async Task Open_BundleWithDictionaryDataAndCompanions_ClassifiesEntriesFromContent()
    {
        var zip = Zip(
            ("survey/HOUSEHOLD.dcf", FileBytes("packs", "household", "dictionary", "HOUSEHOLD.dcf")),
            ("survey/household.dat", FileBytes("dat", "household.dat")),
            ("survey/household.dat.csidx", [1, 2, 3]),
            ("__MACOSX/survey/._household.dat", [0, 5, 22]),
            ("survey/ThreeLevelTest.csdb", FileBytes("csdb", "ThreeLevelTest.csdb")),
            ("survey/export.xlsx", XlsxBuilder.Build(("HOUSING_REC", [["CLUSTER", "HH"], [1, 1]]))));

        await using var bundle = await ZipBundle.OpenAsync(Fixture.Bytes(zip), "upload.zip");

        Assert.Equal("survey/HOUSEHOLD.dcf", bundle.Dictionary!.Name);
        Assert.Equal(["survey/household.dat", "survey/ThreeLevelTest.csdb", "survey/export.xlsx"], bundle.DataEntries.Select(e => e.Name));
        Assert.Equal([UploadFormat.Unknown, UploadFormat.CsproDb, UploadFormat.Zip], bundle.DataEntries.Select(e => e.Format));
        Assert.True(bundle.DataEntries[2].IsWorkbook);
        Assert.Equal(["survey/household.dat.csidx", "__MACOSX/survey/._household.dat"], bundle.IgnoredEntries.Select(e => e.Name));
        var dictionary = await bundle.ReadDictionaryAsync();
        Assert.Equal("HOUSEHOLD_DICT", dictionary!.Name);
    }

    [Fact]
    public async Task OpenEntry_DatInBundle_StreamsIntoTheTextReader()
    {
        var zip = Zip(("household.dat", FileBytes("dat", "household.dat")));
        await using var bundle = await ZipBundle.OpenAsync(Fixture.Bytes(zip), "upload.zip");
        var entry = bundle.DataEntries[0];

        await using var reader = await CsproTextDataReader.CreateAsync(bundle.OpenEntry(entry), bundle.DisplayName(entry), await Fixture.PackAsync("household"));
        var rows = await Fixture.ReadAllAsync(reader);

        Assert.Equal(6, rows.Count);
        Assert.Equal("upload.zip/household.dat", reader.FileName);
    }

    [Fact]
    public void IsOfficePackage_WorkbookVersusBundle_TellsThemApartFromTheFirstBytes()
    {
        Assert.True(ZipBundle.IsOfficePackage(XlsxBuilder.Build(("PERSON_REC", [["CLUSTER"]]))));
        Assert.False(ZipBundle.IsOfficePackage(Zip(("household.dat", [65]))));
    }

    [Fact]
    public async Task Dispose_Bundle_DeletesTheTemporaryCopy()
    {
        // This bundle's own copy: other test assemblies, running at the same time, spool .zip files to the same folder.
        var bundle = await ZipBundle.OpenAsync(Fixture.Bytes(Zip(("a.dat", FileBytes("dat", "household.dat")))), "upload.zip");
        Assert.True(File.Exists(bundle.SpoolPath));

        await bundle.DisposeAsync();

        Assert.False(File.Exists(bundle.SpoolPath), $"{bundle.SpoolPath} is still there");
    }

    // ---- malformed zips ----
    [Fact]
    public async Task Open_ZipBombByRatio_NamesEntryRatioAndLimit()
    {
        var zip = Zip(("bomb.dat", new byte[20 * 1024 * 1024]));

        var error = await Fixture.FileErrorAsync(async () => await ZipBundle.OpenAsync(Fixture.Bytes(zip), "bomb.zip"));

        Assert.Equal("bomb.zip", error.File);
        Assert.Contains("entry 'bomb.dat' expands", error.Message, StringComparison.Ordinal);
        Assert.Contains("→ 20971520 bytes); the limit is 100 times. This looks like a zip bomb.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_TotalUncompressedOverLimit_NamesTheEntryWhereItIsReached()
    {
        // Each entry is under the 1 MiB ratio threshold, so only the total trips.
        var text = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("H0010010012345 3Ann\r\n", 600 * 1024 / 21)));
        var zip = Zip(("a.dat", text), ("b.dat", text));
        var options = new ZipBundleOptions { MaxTotalUncompressedBytes = 1024 * 1024 + 2048 };

        var error = await Fixture.FileErrorAsync(async () => await ZipBundle.OpenAsync(Fixture.Bytes(zip), "big.zip", options));

        Assert.Contains("big.zip: the zip's entries add up to more than 1 MiB uncompressed (reached at entry 'b.dat')", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_TooManyEntries_SaysCountAndLimit()
    {
        var zip = Zip(Enumerable.Range(0, 1001).Select(i => ($"f{i}.dat", new byte[] { 65 })).ToArray());

        var error = await Fixture.FileErrorAsync(async () => await ZipBundle.OpenAsync(Fixture.Bytes(zip), "many.zip"));

        Assert.Contains("many.zip: the zip has 1001 entries; the limit is 1000.", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../evil.dat", "climbs out of the zip with '..'")]
    [InlineData("data/../../evil.dat", "climbs out of the zip with '..'")]
    [InlineData("..\\evil.dat", "climbs out of the zip with '..'")]
    [InlineData("/etc/passwd", "has an absolute path")]
    [InlineData("\\\\server\\share\\x.dat", "has an absolute path")]
    [InlineData("C:\\Windows\\x.dat", "has a drive letter")]
    public async Task Open_HostileEntryName_IsRejectedBeforeAnythingIsExtracted(string name, string problem)
    {
        var zip = Zip(("ok.dat", [65]), (name, [65]));

        var error = await Fixture.FileErrorAsync(async () => await ZipBundle.OpenAsync(Fixture.Bytes(zip), "hostile.zip"));

        Assert.Contains($"hostile.zip: entry '{name}' {problem}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_ZipInsideZip_IsRefusedAsNested()
    {
        var inner = Zip(("household.dat", FileBytes("dat", "household.dat")));
        var zip = Zip(("inner.zip", inner));

        var error = await Fixture.FileErrorAsync(async () => await ZipBundle.OpenAsync(Fixture.Bytes(zip), "nested.zip"));

        Assert.Contains("nested.zip: entry 'inner.zip' is itself a zip; zips inside zips are not accepted (nesting depth limit 1)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_TwoDictionaries_SaysWhichOnes()
    {
        var dcf = FileBytes("packs", "household", "dictionary", "HOUSEHOLD.dcf");
        var zip = Zip(("a.dcf", dcf), ("b.dcf", FileBytes("dictionaries", "idb-population-data.v80-json.dcf")), ("d.dat", FileBytes("dat", "household.dat")));

        var error = await Fixture.FileErrorAsync(async () => await ZipBundle.OpenAsync(Fixture.Bytes(zip), "two.zip"));

        Assert.Contains("two.zip: the zip holds two dictionaries, 'a.dcf' and 'b.dcf'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_OnlyADictionary_SaysThereIsNoData()
    {
        var zip = Zip(("a.dcf", FileBytes("packs", "household", "dictionary", "HOUSEHOLD.dcf")));

        var error = await Fixture.FileErrorAsync(async () => await ZipBundle.OpenAsync(Fixture.Bytes(zip), "dconly.zip"));

        Assert.Contains("dconly.zip: the zip holds no data file (entries: 'a.dcf')", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_TruncatedZip_SaysCentralDirectoryIsMissing()
    {
        var zip = Zip(("household.dat", FileBytes("dat", "household.dat")));

        var error = await Fixture.FileErrorAsync(async () => await ZipBundle.OpenAsync(Fixture.Bytes(zip[..(zip.Length / 2)]), "cut.zip"));

        Assert.Contains("cut.zip: this is not a valid zip bundle: the zip's central directory", error.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_EmptyUpload_SaysEmpty()
    {
        var error = await Fixture.FileErrorAsync(async () => await ZipBundle.OpenAsync(Fixture.Bytes([]), "empty.zip"));

        Assert.StartsWith("empty.zip: the file is empty.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenEntry_EntryLyingAboutItsSize_StopsAtTheDeclaredSize()
    {
        var content = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("H0010010012345 3Ann\r\n", 2000)));
        var zip = Zip(("liar.dat", content));
        PatchUncompressedSize(zip, 1000);

        var error = await Fixture.FileErrorAsync(async () =>
        {
            await using var bundle = await ZipBundle.OpenAsync(Fixture.Bytes(zip), "liar.zip");
            await using var stream = bundle.OpenEntry(bundle.DataEntries[0]);
            await stream.CopyToAsync(Stream.Null);
        });

        Assert.Equal("liar.zip", error.File);
        Assert.Contains("entry 'liar.dat' does not match its checksum (CRC-32) after 1000 bytes", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Rewrites the uncompressed size of every entry in the local headers and the central directory.</summary>
    private static void PatchUncompressedSize(byte[] zip, uint size)
    {
        for (var i = 0; i + 4 <= zip.Length; i++)
        {
            var signature = BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(i));
            if (signature == 0x04034b50)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(i + 22), size);
            }
            else if (signature == 0x02014b50)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(i + 24), size);
            }
        }
    }
}
