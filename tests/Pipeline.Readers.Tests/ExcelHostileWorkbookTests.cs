using System.Text;
using Pipeline.Core.Readers;
using Pipeline.Readers.Tests.Support;

namespace Pipeline.Readers.Tests;

/// <summary>Hostile workbooks (issue #18), built in code: references and rows beyond Excel's range, bombs, error cells.</summary>
public class ExcelHostileWorkbookTests
{
    private const string Header = """<row r="1"><c r="A1" t="inlineStr"><is><t>CLUSTER</t></is></c><c r="B1" t="inlineStr"><is><t>HH</t></is></c><c r="C1" t="inlineStr"><is><t>LINE</t></is></c><c r="D1" t="inlineStr"><is><t>AGE</t></is></c></row>""";

    private static async Task<List<SourceRow>> ReadAsync(byte[] workbook, ExcelExportReaderOptions? options = null)
    {
        var reader = await ExcelExportReader.CreateAsync(Fixture.Bytes(workbook), "hostile.xlsx", await Fixture.PackAsync("household"), null, options);
        await using (reader)
        {
            return await Fixture.ReadAllAsync(reader);
        }
    }

    private static byte[] Person(string rows, string? dimension = null, string? sharedStrings = null) =>
        XlsxBuilder.BuildXml(sharedStrings, ("PERSON_REC", XlsxBuilder.SheetXml(Header + rows, dimension)));

    [Fact]
    public async Task Read_CellReferenceBeyondXFD_IsRejectedWithSheetAndCell()
    {
        var workbook = Person("""<row r="2"><c r="A2"><v>1</v></c><c r="ZZZZZZ2"><v>5</v></c></row>""");

        var error = await Fixture.FileErrorAsync(() => ReadAsync(workbook));

        Assert.Equal("ZZZZZZ2", error.Column);
        Assert.Contains("cell ZZZZZZ2 of sheet 'PERSON_REC' is beyond column XFD or row 1048576", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_CellReferenceBeyondTheConfiguredColumns_IsRejected()
    {
        var workbook = Person("""<row r="2"><c r="A2"><v>1</v></c><c r="AA2"><v>5</v></c></row>""");

        var error = await Fixture.FileErrorAsync(() => ReadAsync(workbook, new ExcelExportReaderOptions { MaxColumns = 26 }));

        Assert.Contains("cell AA2 of sheet 'PERSON_REC' is beyond column Z", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_RowNumberOfTwoBillion_IsRejectedBeforeAnyRowIsWalked()
    {
        var workbook = Person("""<row r="2000000000"><c r="A2000000000"><v>1</v></c></row>""");

        var error = await Fixture.FileErrorAsync(() => ReadAsync(workbook));

        Assert.Contains("sheet 'PERSON_REC' has a row numbered 2000000000, beyond row 1048576 (setting Ingest:Readers:Excel:MaxRows)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_DimensionBeyondExcel_IsRejectedNamingIt()
    {
        var workbook = Person(string.Empty, dimension: "A1:ZZZZZZ2");

        var error = await Fixture.FileErrorAsync(() => ReadAsync(workbook));

        Assert.Contains("sheet 'PERSON_REC' declares its used range as A1:ZZZZZZ2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_RowWithMoreCellsThanColumns_IsRejected()
    {
        var cells = string.Concat(Enumerable.Range(0, 30).Select(_ => "<c><v>1</v></c>"));
        var workbook = Person($"""<row r="2">{cells}</row>""");

        var error = await Fixture.FileErrorAsync(() => ReadAsync(workbook, new ExcelExportReaderOptions { MaxColumns = 26 }));

        Assert.Contains("row 2 of sheet 'PERSON_REC' has more than 26 cells (setting Ingest:Readers:Excel:MaxColumns)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_CellLongerThanTheLimit_IsRejectedNamingTheCellNotItsText()
    {
        var workbook = Person($"""<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="inlineStr"><is><t>{new string('N', 40_000)}</t></is></c></row>""");

        var error = await Fixture.FileErrorAsync(() => ReadAsync(workbook));

        Assert.Contains("cell B2 of sheet 'PERSON_REC' holds more than 32767 characters (setting Ingest:Readers:Excel:MaxCellChars)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("NNNN", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_TooManySharedStrings_IsRejected()
    {
        var strings = new StringBuilder("""<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">""");
        for (var i = 0; i < 11; i++)
        {
            strings.Append("<si><t>s</t></si>");
        }

        var workbook = Person(string.Empty, sharedStrings: strings.Append("</sst>").ToString());

        var error = await Fixture.FileErrorAsync(() => ReadAsync(workbook, new ExcelExportReaderOptions { MaxSharedStrings = 10 }));

        Assert.Contains("the workbook has more than 10 shared strings (setting Ingest:Readers:Excel:MaxSharedStrings)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_SharedStringIndexBeyondTheTable_IsRejectedNamingTheCell()
    {
        var strings = """<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>7</t></si><si><t>8</t></si></sst>""";
        var workbook = Person("""<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="s"><v>999999</v></c></row>""", sharedStrings: strings);

        var error = await Fixture.FileErrorAsync(() => ReadAsync(workbook));

        Assert.Equal("B2", error.Column);
        Assert.Contains("cell B2 of sheet 'PERSON_REC' refers to shared string number 999999, but the workbook has 2 (xl/sharedStrings.xml)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_SharedStringsOverTheCharacterBudget_AreRejected()
    {
        var strings = $"""<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>{new string('a', 3000)}</t></si><si><t>{new string('b', 3000)}</t></si></sst>""";

        var error = await Fixture.FileErrorAsync(() => ReadAsync(Person(string.Empty, sharedStrings: strings), new ExcelExportReaderOptions { MaxSharedStringChars = 5000 }));

        Assert.Contains("the shared strings of the workbook hold more than 5000 characters (setting Ingest:Readers:Excel:MaxSharedStringChars)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_ErrorCells_AreRowProblemsNamingTheCellAndTheError()
    {
        var workbook = Person("""
            <row r="2"><c r="A2"><v>1</v></c><c r="B2"><v>1</v></c><c r="C2"><v>1</v></c><c r="D2" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>
            <row r="3"><c r="A3"><v>1</v></c><c r="B3"><v>1</v></c><c r="C3"><v>2</v></c><c r="D3"><v>40</v></c></row>
            <row r="4"><c r="A4"><v>1</v></c><c r="B4"><v>1</v></c><c r="C4" t="e"><v>#N/A</v></c><c r="D4" t="e"><v>#VALUE!</v></c></row>
            """);

        var rows = await ReadAsync(workbook);

        Assert.Equal(3, rows.Count);
        Assert.Equal("cell D2 of sheet 'PERSON_REC' holds the error #DIV/0! (a formula that failed), not a value", rows[0].StructuralProblem);
        Assert.Null(rows[0].Field("AGE"));
        Assert.Null(rows[1].StructuralProblem);
        Assert.Equal("cell C4 of sheet 'PERSON_REC' holds the error #N/A (a formula that failed), not a value; cell D4 of sheet 'PERSON_REC' holds the error #VALUE! (a formula that failed), not a value", rows[2].StructuralProblem);
        Assert.Contains(Fixture.Validate(rows), i => i.Row == 2);
    }

    [Fact]
    public async Task Read_ErrorCellHoldingText_IsAProblemThatDoesNotQuoteTheText()
    {
        // A hand-edited error cell may hold anything, a name included: only Excel's own codes are repeated.
        var workbook = Person("""<row r="2"><c r="A2"><v>1</v></c><c r="B2"><v>1</v></c><c r="C2"><v>1</v></c><c r="D2" t="e"><v>Juana Quispe</v></c></row>""");

        var rows = await ReadAsync(workbook);

        Assert.Equal("cell D2 of sheet 'PERSON_REC' holds an error value (a formula that failed), not a value", Assert.Single(rows).StructuralProblem);
    }

    [Fact]
    public async Task Read_SheetListedWithoutItsPart_IsRejectedNamingTheSheet()
    {
        var complete = Person("""<row r="2"><c r="A2"><v>1</v></c></row>""");
        using var buffer = new MemoryStream();
        buffer.Write(complete);
        using (var zip = new System.IO.Compression.ZipArchive(buffer, System.IO.Compression.ZipArchiveMode.Update, leaveOpen: true))
        {
            zip.GetEntry("xl/worksheets/sheet1.xml")!.Delete();
        }

        var error = await Fixture.FileErrorAsync(() => ReadAsync(buffer.ToArray()));

        Assert.Contains("sheet 'PERSON_REC' is listed in xl/workbook.xml but its part xl/worksheets/sheet1.xml is not in the workbook", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_MoreErrorCellsThanTheLimit_IsRejected()
    {
        var rows = string.Concat(Enumerable.Range(2, 5).Select(r => $"""<row r="{r}"><c r="A{r}" t="e"><v>#REF!</v></c></row>"""));

        var error = await Fixture.FileErrorAsync(() => ReadAsync(Person(rows), new ExcelExportReaderOptions { MaxErrorCells = 3 }));

        Assert.Contains("the workbook has more than 3 error cells", error.Message, StringComparison.Ordinal);
        Assert.Contains("cell A5 of sheet 'PERSON_REC'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_RowsAfterAGap_KeepTheirSheetRowNumbers()
    {
        var workbook = Person("""<row r="9"><c r="A9"><v>1</v></c><c r="B9"><v>1</v></c><c r="C9"><v>1</v></c><c r="D9" t="e"><v>#N/A</v></c></row>""");

        var rows = await ReadAsync(workbook);

        Assert.Equal(9, Assert.Single(rows).Row);
        Assert.Contains("cell D9", rows[0].StructuralProblem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_SheetWithoutHeaderRow_IsRejectedQuotingNoCell()
    {
        var workbook = XlsxBuilder.Build(("PERSON_REC", [[1, 1, 1, 2, 34, "José Martínez", "-12.046374"], [1, 1, 2, 1, 30, "Ana Quispe", "-12.046375"]]));

        var error = await Fixture.FileErrorAsync(() => ReadAsync(workbook));

        Assert.Contains("row 1 of sheet 'PERSON_REC' is not a header: none of its 7 cells is an item name of record PERSON_REC", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("José", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("-12.04", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_ValueUnderABlankHeaderCell_IsReportedWithoutTheValue()
    {
        var workbook = XlsxBuilder.Build(("PERSON_REC", [["CLUSTER", "HH", "LINE", null, "AGE"], [1, 1, 1, "José Martínez", 34]]));

        var rows = await ReadAsync(workbook);

        Assert.Equal("cell D2 of sheet 'PERSON_REC' has a value but its column has no header, so the value is not read", rows[0].StructuralProblem);
        Assert.DoesNotContain(rows.SelectMany(r => r.Fields), f => f?.Contains("José", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Read_OneCellAtExcelsLastCell_IsRejectedForItsRangeNamingTheSheet()
    {
        var workbook = Person("""<row r="1048576"><c r="A1048576"><v>1</v></c><c r="XFD1048576"><v>1</v></c></row>""");

        var error = await Fixture.FileErrorAsync(() => ReadAsync(workbook));

        Assert.Contains("sheet 'PERSON_REC' spans 1048576 rows and 16384 columns (to cell XFD1048576), more than 250000000 cells (setting Ingest:Readers:Excel:MaxSheetCells)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_FullWidthDeclaredRangeOverManyRows_IsRejectedBeforeAnyRowIsWalked()
    {
        var workbook = Person("""<row r="2"><c r="A2"><v>1</v></c></row>""", dimension: "A1:XFD1048576");

        var error = await Fixture.FileErrorAsync(() => ReadAsync(workbook));

        Assert.Contains("sheet 'PERSON_REC' spans 1048576 rows and 16384 columns", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_OneRowAtExcelsLastRow_IsOneRowNumberedSo()
    {
        var workbook = Person("""<row r="1048576"><c r="A1048576"><v>1</v></c><c r="B1048576"><v>1</v></c><c r="C1048576"><v>1</v></c><c r="D1048576"><v>30</v></c></row>""");

        var rows = await ReadAsync(workbook);

        Assert.Equal(1048576, Assert.Single(rows).Row);
        Assert.Equal("30", rows[0].Field("AGE"));
    }

    [Fact]
    public async Task Read_SamePersonRowSixTimesWhereFiveAreAllowed_FlagsTheSixth()
    {
        var rows = string.Concat(Enumerable.Range(2, 6).Select(r => $"""<row r="{r}"><c r="A{r}"><v>1</v></c><c r="B{r}"><v>1</v></c><c r="C{r}"><v>1</v></c><c r="D{r}"><v>30</v></c></row>"""));

        var read = await ReadAsync(Person(rows));

        Assert.All(read.Take(5), r => Assert.Null(r.StructuralProblem));
        Assert.Equal("record PERSON_REC occurs 6 times in this case; the dictionary allows 5 (CSPro drops the extra occurrences)", read[5].StructuralProblem);
    }
}
