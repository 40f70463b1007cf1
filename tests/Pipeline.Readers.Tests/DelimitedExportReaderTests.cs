using System.Text;
using Pipeline.Core.Readers;
using Pipeline.Readers.Tests.Support;

namespace Pipeline.Readers.Tests;

/// <summary>Hostile and locale-specific delimited exports (issue #18), each built in code.</summary>
public class DelimitedExportReaderTests
{
    private static async Task<List<SourceRow>> ReadAsync(byte[] content, char delimiter = ',', string name = "HOUSING_REC.csv", DelimitedExportReaderOptions? options = null)
    {
        var pack = await Fixture.PackAsync("household");
        await using var reader = await DelimitedExportReader.CreateAsync(Fixture.Bytes(content), name, delimiter, pack, options, CancellationToken.None);
        return await Fixture.ReadAllAsync(reader);
    }

    private static async Task<IExportReader> OpenAsync(byte[] content, string name)
    {
        var pack = await Fixture.PackAsync("household");
        var head = content.AsMemory(0, Math.Min(content.Length, FormatDetector.SniffLength));
        return await ExportReaders.OpenAsync(Fixture.Bytes(content), head, name, pack, CancellationToken.None);
    }

    private static byte[] Utf8(params string[] lines) => Encoding.UTF8.GetBytes(string.Join("\r\n", lines) + "\r\n");

    [Fact]
    public async Task Read_SemicolonCsvWithDecimalCommas_ReadsThemAsDecimalPoints()
    {
        var rows = await ReadAsync(Utf8("CLUSTER;HH;INCOME;ROOMS;HEAD_NAME;WEIGHT", "1;1;12,5;3;Ann;-0,125", "1;2;1234;2;Bob, Jr;7"), delimiter: ';');

        Assert.Equal("12.5", rows[0].Field("INCOME"));
        Assert.Equal("-0.125", rows[0].Field("WEIGHT"));
        Assert.Equal("1234", rows[1].Field("INCOME"));
        Assert.Equal("Bob, Jr", rows[1].Field("HEAD_NAME")); // text keeps its commas
        Assert.Empty(Fixture.Validate(rows));
    }

    [Fact]
    public async Task Read_CommaInANumberOfACommaCsv_IsLeftForTheValidator()
    {
        var rows = await ReadAsync(Utf8("CLUSTER,HH,INCOME", "1,1,\"12,5\""));

        Assert.Equal("12,5", rows[0].Field("INCOME"));
    }

    [Fact]
    public async Task Read_RecordLongerThanTheLimit_IsRejectedNamingTheRowAndTheLimit()
    {
        var content = Utf8("CLUSTER,HH,HEAD_NAME", "1,1,Ann", "1,2,\"" + new string('x', 9000) + "\"");

        var error = await Fixture.FileErrorAsync(() => ReadAsync(content, options: new DelimitedExportReaderOptions { MaxRecordLength = 4096 }));

        Assert.Equal(3, error.Row);
        Assert.Contains("the record at row 3 is longer than the limit of 4096 characters (setting Ingest:Readers:Delimited:MaxRecordLength)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("MaxBufferSize", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("xxxx", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_RecordOf20KiBUnderTheDefaultLimit_IsRead()
    {
        var longName = new string('y', 20 * 1024);

        var rows = await ReadAsync(Utf8("CLUSTER,HH,HEAD_NAME", $"1,1,\"{longName}\""));

        Assert.Equal(longName, rows[0].Field("HEAD_NAME"));
    }

    [Fact]
    public async Task Create_HeaderlessCsv_IsRejectedOnceQuotingNoValue()
    {
        var content = Utf8("1,1,1250,3,José Martínez,-12.046374", "1,2,900,2,Ana Quispe,-12.046375", "1,3,700,4,Rosa Mamani,-12.046376");

        var error = await Fixture.FileErrorAsync(async () => await (await OpenAsync(content, "HOUSING_REC.csv")).DisposeAsync());

        Assert.Equal(1, error.Row);
        Assert.Contains("the first line is not a header: none of its 6 fields is an item name of dictionary HOUSEHOLD_DICT", error.Message, StringComparison.Ordinal);
        Assert.Contains("item names as the header (not labels), in the first row", error.Message, StringComparison.Ordinal);
        foreach (var value in new[] { "José", "Martínez", "Quispe", "-12.04", "1250" })
        {
            Assert.DoesNotContain(value, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Create_HeaderlessSemicolonCsv_IsNotTakenForFixedWidthTextData()
    {
        var content = Utf8("H;1;1;José", "H;1;2;Ana", "H;1;3;Rosa");

        var error = await Fixture.FileErrorAsync(async () => await (await OpenAsync(content, "export.txt")).DisposeAsync());

        Assert.Contains("the first line is not a header", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("José", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_BomCsvWithALatin1Line_IsRejectedNamingTheFirstBadLine()
    {
        byte[] content = [.. Encoding.UTF8.Preamble, .. Utf8("CLUSTER,HH,HEAD_NAME", "1,1,Andr\u00e9"), .. Encoding.Latin1.GetBytes("1,2,Andr\u00e9\r\n1,3,Jos\u00e9\r\n")];

        var error = await Fixture.FileErrorAsync(() => ReadAsync(content));

        Assert.Equal(3, error.Row);
        Assert.Contains("line 3 is not valid UTF-8 (byte 9 is 0xE9) although the file starts with a UTF-8 byte-order mark", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Andr", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_Latin1CsvWithoutBom_IsReadAsWindows1252Throughout()
    {
        var content = Encoding.Latin1.GetBytes("CLUSTER,HH,HEAD_NAME\r\n1,1,Andr\u00e9\r\n1,2,Fran\u00e7ois\r\n");

        var rows = await ReadAsync(content);

        Assert.Equal(["André", "François"], rows.Select(r => r.Field("HEAD_NAME")));
    }

    [Fact]
    public async Task Read_RepeatingRecordBeyondMaxRecords_FlagsTheExtraOccurrencesOfThatCaseOnly()
    {
        var lines = new[] { "CLUSTER,HH,LINE,SEX,AGE" }
            .Concat(Enumerable.Range(1, 7).Select(i => $"1,1,{i},1,30"))
            .Concat(Enumerable.Range(1, 5).Select(i => $"1,2,{i},2,40"))
            .ToArray();

        var rows = await ReadAsync(Utf8(lines), name: "PERSON_REC.csv");

        Assert.All(rows.Take(5), r => Assert.Null(r.StructuralProblem));
        Assert.Equal("record PERSON_REC occurs 6 times in this case; the dictionary allows 5 (CSPro drops the extra occurrences)", rows[5].StructuralProblem);
        Assert.Contains("occurs 7 times", rows[6].StructuralProblem, StringComparison.Ordinal);
        Assert.All(rows.Skip(7), r => Assert.Null(r.StructuralProblem));
    }
}
