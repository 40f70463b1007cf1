using System.IO.Compression;
using Pipeline.Core.Packs;
using Pipeline.Core.Readers;
using Pipeline.Readers.Tests.Support;

namespace Pipeline.Readers.Tests;

public class ExcelExportReaderTests
{
    private static readonly object?[] HousingHeader = ["CLUSTER", "HH", "INCOME", "ROOMS", "HEAD_NAME", "WEIGHT", "ASSET_1", "ASSET_2", "ASSET_3"];
    private static readonly object?[] PersonHeader = ["CLUSTER", "HH", "LINE", "SEX", "AGE", "FIRST_NAME", "BIRTH"];

    private static async Task<(List<SourceRow> Rows, ExcelExportReader Reader)> ReadAsync(byte[] workbook, string name = "export.xlsx", string pack = "household")
    {
        var reader = await ExcelExportReader.CreateAsync(Fixture.Bytes(workbook), name, await Fixture.PackAsync(pack));
        await using (reader)
        {
            return (await Fixture.ReadAllAsync(reader), reader);
        }
    }

    [Fact]
    public async Task Read_WorkbookWithOneSheetPerRecord_GivesRowsOfBothRecords()
    {
        var workbook = XlsxBuilder.Build(
            ("HOUSING_REC", [HousingHeader, [1, 1, 123.45, 3, "Amina Okafor", 1.25, 1, 2, 1], [1, 2, 0.5, 99, "José Martínez", 12.5, 2, null, 1]]),
            ("Person", [PersonHeader, [1, 1, 1, 2, 34, "Amina", 198905], [1, 1, 2, 1, "DEFAULT", "Chidi", null]]));

        var (rows, reader) = await ReadAsync(workbook);

        Assert.Equal([("HOUSING_REC", "HOUSING_REC"), ("Person", "PERSON_REC")], reader.Sheets);
        Assert.Equal(["HOUSING_REC", "HOUSING_REC", "PERSON_REC", "PERSON_REC"], rows.Select(r => r.Layout.Record.Name));
        Assert.Equal([2L, 3, 2, 3], rows.Select(r => r.Row));
        Assert.Equal("123.45", rows[0].Field("INCOME"));
        Assert.Equal("José Martínez", rows[1].Field("HEAD_NAME"));
        Assert.Null(rows[1].Field("ASSET_2"));
        Assert.Equal("198905", rows[2].Field("BIRTH"));
        var issue = Assert.Single(Fixture.Validate(rows));
        Assert.Equal(("AGE", "DEFAULT", 3L, Rules.NotANumber), (issue.Item, issue.Value, issue.Row, issue.Rule));
    }

    [Fact]
    public async Task Read_EmptyRowsBetweenData_AreSkippedAndCounted()
    {
        var workbook = XlsxBuilder.Build(("PERSON_REC", [PersonHeader, [1, 1, 1, 2, 34, "Amina", null], [null, null], [1, 1, 2, 1, 30, "Bo", null]]));

        var (rows, reader) = await ReadAsync(workbook);

        Assert.Equal([2L, 4], rows.Select(r => r.Row));
        Assert.Equal(1, reader.EmptyRows);
    }

    [Fact]
    public async Task Read_HeaderOnlySheet_IsAnExportOfNoCase()
    {
        // An export of no case yet: legitimate, read as no row (the ingest then accepts 0 cases with a warning).
        var workbook = XlsxBuilder.Build(("PERSON_REC", [PersonHeader]));

        var (rows, _) = await ReadAsync(workbook);

        Assert.Empty(rows);
    }

    [Fact]
    public async Task Read_ThreeLevelRecordWithParentIds_AcceptsLowerLevelIdColumnsAndListsThem()
    {
        object?[] header = ["PROVINCE", "DISTRICT", "VILLAGE", "EA", "UR", "COMPOUND", "HOUSING_UNIT_NUMBER", "HU01_TYPE", "HU02_WALL", "HU03_ROOF", "HU04_FLOOR", "HU05_NUM_HOUSEHOLDS"];
        var workbook = XlsxBuilder.Build(("Housing unit", [header, [1, 1, "001", 1, 1, 1, 1, 1, 1, 1, 1, 1]]));

        var (rows, reader) = await ReadAsync(workbook, pack: "three-level");

        var row = Assert.Single(rows);
        Assert.Equal("HOUSING_UNIT_REC", row.Layout.Record.Name);
        Assert.Equal("1", row.Field("HOUSING_UNIT_NUMBER"));
        Assert.Empty(reader.ItemsWithoutColumn);
    }

    // ---- malformed workbooks ----
    [Fact]
    public async Task Create_SheetWithoutHeader_NamesSheetAndRecord()
    {
        var workbook = XlsxBuilder.Build(("HOUSING_REC", [[null, null], [1, 1, 123.45]]));

        var error = await Fixture.FileErrorAsync(async () => await ReadAsync(workbook, "noheader.xlsx"));

        Assert.Contains("noheader.xlsx, row 1: sheet 'HOUSING_REC' has no header row: row 1 is empty", error.Message, StringComparison.Ordinal);
        Assert.Contains("record HOUSING_REC", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_EmptySheet_SaysNoHeader()
    {
        var workbook = XlsxBuilder.Build(("PERSON_REC", []));

        var error = await Fixture.FileErrorAsync(async () => await ReadAsync(workbook, "emptysheet.xlsx"));

        Assert.Contains("sheet 'PERSON_REC' has no header row", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_SheetNamedAfterNoRecord_ListsTheRecords()
    {
        var workbook = XlsxBuilder.Build(("Sheet1", [PersonHeader]));

        var error = await Fixture.FileErrorAsync(async () => await ReadAsync(workbook, "sheet1.xlsx"));

        Assert.Contains("sheet1.xlsx: sheet 'Sheet1' matches no record of dictionary HOUSEHOLD_DICT", error.Message, StringComparison.Ordinal);
        Assert.Contains("Records: HOUSING_REC, PERSON_REC", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_HeaderColumnNotAnItem_NamesColumnLetterAndName()
    {
        var workbook = XlsxBuilder.Build(("PERSON_REC", [["CLUSTER", "HH", "LINE", "SEX", "SHOE_SIZE"]]));

        var error = await Fixture.FileErrorAsync(async () => await ReadAsync(workbook, "extra.xlsx"));

        Assert.Contains("extra.xlsx, row 1: the header of sheet 'PERSON_REC' has columns that are not items of record PERSON_REC: E 'SHOE_SIZE'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_HeaderOfLabels_SaysLabelsAreNotSupported()
    {
        var workbook = XlsxBuilder.Build(("PERSON_REC", [["Cluster", "Household number", "Line number", "Sex", "Age"]]));

        var error = await Fixture.FileErrorAsync(async () => await ReadAsync(workbook, "labels.xlsx"));

        Assert.Contains("'Household number'", error.Message, StringComparison.Ordinal);
        Assert.Contains("The header looks like item labels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_HeaderWithoutIdColumns_SaysCasesCannotBeIdentified()
    {
        var workbook = XlsxBuilder.Build(("PERSON_REC", [["LINE", "SEX", "AGE"]]));

        var error = await Fixture.FileErrorAsync(async () => await ReadAsync(workbook, "noids.xlsx"));

        Assert.Contains("noids.xlsx, row 1: sheet 'PERSON_REC' has no column for the ID items CLUSTER, HH", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_TwoSheetsForOneRecord_NamesBoth()
    {
        var workbook = XlsxBuilder.Build(("PERSON_REC", [PersonHeader]), ("Person", [PersonHeader]));

        var error = await Fixture.FileErrorAsync(async () => await ReadAsync(workbook, "twice.xlsx"));

        Assert.Contains("twice.xlsx: sheets 'PERSON_REC' and 'Person' both hold record PERSON_REC", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_ValueInColumnWithoutHeader_IsAStructuralProblemNamingTheCell()
    {
        var workbook = XlsxBuilder.Build(("PERSON_REC", [["CLUSTER", "HH", "LINE"], [1, 1, 1, "stray"]]));

        var (rows, _) = await ReadAsync(workbook);

        Assert.Equal("cell D2 of sheet 'PERSON_REC' has a value but its column has no header, so the value is not read", rows[0].StructuralProblem);
    }

    [Fact]
    public async Task Create_ZipThatIsNotAWorkbook_SaysSo()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var stream = zip.CreateEntry("household.dat").Open();
            stream.Write(File.ReadAllBytes(Fixture.Path("dat", "household.dat")));
        }

        var error = await Fixture.FileErrorAsync(async () => await ReadAsync(buffer.ToArray(), "notabook.xlsx"));

        Assert.Contains("notabook.xlsx: this zip is not an Excel workbook (it has no xl/workbook.xml)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_TruncatedWorkbook_SaysTruncated()
    {
        var workbook = XlsxBuilder.Build(("PERSON_REC", [PersonHeader]));

        var error = await Fixture.FileErrorAsync(async () => await ReadAsync(workbook[..(workbook.Length - 30)], "cut.xlsx"));

        Assert.Contains("cut.xlsx: this is not a valid Excel workbook", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_BrokenSheetXml_NamesTheWorkbook()
    {
        var workbook = XlsxBuilder.Build(("PERSON_REC", [PersonHeader]));
        using var buffer = new MemoryStream();
        buffer.Write(workbook);
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Update, leaveOpen: true))
        {
            zip.GetEntry("xl/worksheets/sheet1.xml")!.Delete();
            using var stream = zip.CreateEntry("xl/worksheets/sheet1.xml").Open();
            stream.Write("<worksheet><sheetData><row r=\"1\"><c"u8);
        }

        var error = await Fixture.FileErrorAsync(async () => await ReadAsync(buffer.ToArray(), "brokenxml.xlsx"));

        Assert.Contains("brokenxml.xlsx", error.Message, StringComparison.Ordinal);
        Assert.Contains("PERSON_REC", error.Message, StringComparison.Ordinal);
    }
}
