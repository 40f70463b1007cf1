using System.Text;
using Pipeline.Core.Packs;
using Pipeline.Core.Readers;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.Core;

public sealed class FormatDetectorTests
{
    [Theory]
    [InlineData("A,B,C\r\n1,2,3\r\n", UploadFormat.Delimited, ',')]
    [InlineData("A;B;C\n1;2;3\n", UploadFormat.Delimited, ';')]
    [InlineData("A\tB\tC\n1\t2\t3\n", UploadFormat.Delimited, '\t')]
    [InlineData("\"A,1\";B;C\n", UploadFormat.Delimited, ';')]
    [InlineData("[Dictionary]\r\nName=X\r\n", UploadFormat.Dictionary, '\0')]
    [InlineData("just one word\n", UploadFormat.Unknown, '\0')]
    public void Detect_TextHeads_ClassifiesByContent(string head, UploadFormat format, char delimiter)
    {
        Assert.Equal((format, delimiter), FormatDetector.Detect(Encoding.UTF8.GetBytes(head)));
    }

    [Fact]
    public void Detect_SqliteHeader_IsCsproDb() =>
        Assert.Equal(UploadFormat.CsproDb, FormatDetector.Detect("SQLite format 3\0rest"u8).Format);

    [Fact]
    public void Detect_ZipHeader_IsZip() =>
        Assert.Equal(UploadFormat.Zip, FormatDetector.Detect(new byte[] { 0x50, 0x4B, 0x03, 0x04, 0, 0 }).Format);

    [Fact]
    public void Detect_BinaryJunk_IsUnknown() =>
        Assert.Equal(UploadFormat.Unknown, FormatDetector.Detect(new byte[] { 1, 2, 0, 7, 200, 3 }).Format);

    [Fact]
    public void Detect_Empty_IsEmpty() =>
        Assert.Equal(UploadFormat.Empty, FormatDetector.Detect([]).Format);

    [Fact]
    public void Detect_BomAndBlankLinesOnly_IsEmpty() =>
        Assert.Equal(UploadFormat.Empty, FormatDetector.Detect([.. Encoding.UTF8.Preamble, .. "\r\n  \r\n"u8]).Format);

    [Fact]
    public void Detect_AWholeSniffOfBlanks_IsNotEmpty_SinceDataMayFollow() =>
        Assert.Equal(UploadFormat.Unknown, FormatDetector.Detect(Enumerable.Repeat((byte)'\n', FormatDetector.SniffLength).ToArray()).Format);

    [Fact]
    public void Detect_ExactlyASniffOfBlanks_IsNotEmpty_SinceTheHeadCannotTellItFromALongerFile() =>
        Assert.Equal(UploadFormat.Unknown, FormatDetector.Detect(Enumerable.Repeat((byte)' ', FormatDetector.SniffLength).ToArray()).Format);

    [Fact]
    public async Task Open_LongFileStartingWithBlanks_SaysTheFirst8KiBAreBlanks()
    {
        var pack = await SurveyPack.LoadAsync(RepoPaths.PeruPack);
        var bytes = Enumerable.Repeat((byte)'\n', FormatDetector.SniffLength + 100).Concat("A,B\n1,2\n"u8.ToArray()).ToArray();
        using var content = new MemoryStream(bytes);

        var e = await Assert.ThrowsAsync<InputFileException>(() => ExportReaders.OpenAsync(content, bytes.AsMemory(0, FormatDetector.SniffLength), "blank-start.csv", pack, default));

        Assert.Equal("blank-start.csv", e.File);
        Assert.Equal("the first 8 KiB are only blanks (spaces, tabs, line ends), so the format cannot be told; an export of no case is shorter.", e.Problem);
        Assert.StartsWith("Remove the blank lines at the start of the file", e.WhatToDo, StringComparison.Ordinal);
    }
}
