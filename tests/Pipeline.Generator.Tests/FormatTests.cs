using System.ComponentModel.DataAnnotations;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using DocumentFormat.OpenXml.Validation;
using Microsoft.Data.Sqlite;
using Pipeline.Generator.Tests.Support;

namespace Pipeline.Generator.Tests;

/// <summary>The bytes of each format are laid out as CSPro writes them (docs/cspro-formats.md §2–§4).</summary>
public class FormatTests
{
    [Fact]
    public async Task Dat_EveryLine_HasRecordTypeAndZeroFilledIdsAtTheirColumnsAndCrlf()
    {
        using var folder = new TempFolder();
        await Generated.RunAsync(folder.Path, 120, formats: ExportFormats.Dat);
        var bytes = await File.ReadAllBytesAsync(folder.File("PERU_ALLIANCES.dat"));

        Assert.True(bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble), "no UTF-8 BOM");
        var text = Encoding.UTF8.GetString(bytes.AsSpan(3));
        Assert.EndsWith("\r\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", text.Replace("\r\n", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        var lines = text.Split("\r\n")[..^1];
        foreach (var line in lines)
        {
            Assert.Contains(line[0], "123456");
            Assert.True(line.Length >= 10, $"line '{line}' is trimmed into the ID area");
            Assert.Matches("^[0-9]{9}$", line[1..10]); // REGION (2), PROVINCE (3-4), DISTRICT (5-6), QUEST_NO (7-10), zero-filled
            Assert.False(line.EndsWith(' '), $"line '{line}' keeps trailing blanks");
        }

        Assert.Equal("0001", lines[0][6..10]);
    }

    [Fact]
    public async Task Dat_ParticipantLine_PutsEachItemAtItsDictionaryColumns()
    {
        using var folder = new TempFolder();
        await Generated.RunAsync(folder.Path, 1, formats: ExportFormats.Dat | ExportFormats.Csv);
        var line = Encoding.UTF8.GetString((await File.ReadAllBytesAsync(folder.File("PERU_ALLIANCES.dat"))).AsSpan(3)).Split("\r\n")[0];
        var row = (await Generated.ReadCsvAsync(folder.Path)).First(r => r.Layout.Record.Name == "PARTICIPANT_REC");

        string At(int start, int length) => line.Substring(start - 1, length);

        Assert.Equal(row.Field("A4_LOCALITY")!.PadRight(40), At(11, 40)); // alpha: left-justified, blank-padded
        Assert.Equal(decimal.Parse(row.Field("A5_X")!, System.Globalization.CultureInfo.InvariantCulture).ToString("000.000000", System.Globalization.CultureInfo.InvariantCulture), At(51, 11)); // -076.xxxxxx: sign first, zero-filled, explicit point
        Assert.StartsWith("-0", At(51, 11), StringComparison.Ordinal);
        Assert.Equal(row.Field("B2_AGE")!.PadLeft(3, '0'), At(132, 3));
        Assert.Equal(row.Field("C1_DATE"), At(163, 8));
        Assert.Equal(row.Field("C2_START_TIME")!.PadLeft(4, '0'), At(171, 4));
    }

    [Fact]
    public async Task Dat_DecimalItemsOfARoster_WriteTheirPointInsideTheLength()
    {
        using var folder = new TempFolder();
        await Generated.RunAsync(folder.Path, 5, formats: ExportFormats.Dat);
        var plot = Encoding.UTF8.GetString(await File.ReadAllBytesAsync(folder.File("PERU_ALLIANCES.dat"))).Split("\r\n").First(l => l.StartsWith('2'));

        Assert.Matches("^[0-9]{6}\\.[0-9]{2}$", plot.Substring(12, 9)); // Q2_1_1_AREA: Start 13, Len 9, 2 decimals, DecimalChar=Yes
    }

    [Fact]
    public async Task Csv_Files_AreUtf8WithoutBomWithCrlfAndQuoteOnlyWhatNeedsIt()
    {
        using var folder = new TempFolder();
        await Generated.RunAsync(folder.Path, 565, formats: ExportFormats.Csv);
        var bytes = await File.ReadAllBytesAsync(folder.File("PARTICIPANT_REC.csv"));
        var text = Encoding.UTF8.GetString(bytes);

        Assert.False(bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble), "a BOM");
        Assert.StartsWith("REGION,PROVINCE,DISTRICT,QUEST_NO,A4_LOCALITY,A5_X,A5_Y,B1_NAME,", text, StringComparison.Ordinal);
        Assert.Equal(text.Split('\n').Length, text.Split("\r\n").Length);
        Assert.Contains(",\"Santa Rosa, sector Alto\",", text, StringComparison.Ordinal);
        Assert.Contains(",\"Centro Poblado \"\"El Porvenir\"\"\",", text, StringComparison.Ordinal);
        Assert.Contains(",Jepelacio,", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"Jepelacio\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_Header_IsTheRecordLayoutAndNumbersKeepTheirDecimals()
    {
        using var folder = new TempFolder();
        var pack = await Generated.PeruPackAsync();
        await Generated.RunAsync(folder.Path, 40, formats: ExportFormats.Csv);

        foreach (var record in pack.Dictionary.Records)
        {
            var header = (await File.ReadAllLinesAsync(folder.File(record.Name + ".csv")))[0];
            var layout = Pipeline.Core.Readers.RecordLayout.For(pack, record);
            Assert.Equal(string.Join(",", layout.Columns.Select(c => c.Name)), header);
        }

        var crop = (await File.ReadAllLinesAsync(folder.File("CROP_REC.csv")))[1].Split(',');
        Assert.Matches("^[0-9]+\\.[0-9]{3}$", crop[12]); // Q4_2_KG_PER_UNIT, 3 decimals: 1.000, 46.000
        Assert.Matches("^[0-9]+$", crop[8]); // Q4_1_M2_PER_UNIT, an integer: not zero-padded
    }

    [Fact]
    public async Task Csdb_Meta_HoldsSchemaVersionThreeAndTheDictionaryText()
    {
        using var folder = new TempFolder();
        await Generated.RunAsync(folder.Path, 20, formats: ExportFormats.Csdb);
        var dictionary = Encoding.UTF8.GetString(await File.ReadAllBytesAsync(Path.Combine(Generated.PackFolder, "dictionary", "PERU_ALLIANCES.dcf")));

        await using var connection = new SqliteConnection($"Data Source={folder.File("PERU_ALLIANCES.csdb")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT schema_version, cspro_version, dictionary, (SELECT COUNT(*) FROM cases), (SELECT COUNT(*) FROM participant_rec), (SELECT COUNT(DISTINCT id) FROM cases) FROM meta";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());

        Assert.Equal(3, reader.GetInt32(0));
        Assert.Equal("7.8.0", reader.GetString(1));
        Assert.Equal(dictionary, reader.GetString(2));
        Assert.Equal(20, reader.GetInt32(3));
        Assert.Equal(20, reader.GetInt32(4));
        Assert.Equal(20, reader.GetInt32(5));
    }

    [Fact]
    public async Task Xlsx_Workbook_HasASheetPerRecordWithABoldHeaderOfItemNamesAndIsValidOpenXml()
    {
        using var folder = new TempFolder();
        var pack = await Generated.PeruPackAsync();
        await Generated.RunAsync(folder.Path, 40, formats: ExportFormats.Xlsx);

        using var document = SpreadsheetDocument.Open(folder.File("PERU_ALLIANCES.xlsx"), isEditable: false);
        var errors = new OpenXmlValidator(FileFormatVersions.Office2007).Validate(document).Select(e => $"{e.Path?.XPath}: {e.Description}").ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(10)));

        var workbook = document.WorkbookPart!;
        var sheets = workbook.Workbook.Sheets!.Elements<Sheet>().ToList();
        Assert.Equal(pack.Dictionary.Records.Select(r => r.Name), sheets.Select(s => s.Name!.Value));
        var bold = workbook.WorkbookStylesPart!.Stylesheet.Fonts!.Elements<Font>().ElementAt((int)workbook.WorkbookStylesPart.Stylesheet.CellFormats!.Elements<CellFormat>().ElementAt(1).FontId!.Value);
        Assert.NotNull(bold.Bold);
        foreach (var (sheet, record) in sheets.Zip(pack.Dictionary.Records))
        {
            var header = ((WorksheetPart)workbook.GetPartById(sheet.Id!)).Worksheet.Descendants<Row>().First().Elements<Cell>().ToList();
            var layout = Pipeline.Core.Readers.RecordLayout.For(pack, record);
            Assert.Equal(layout.Columns.Select(c => c.Name), header.Select(c => c.InlineString!.Text!.Text));
            Assert.All(header, c => Assert.Equal(1u, c.StyleIndex!.Value));
        }
    }

    [Fact]
    public async Task Xlsx_Cells_AreNumbersWithTheItemsDecimalsInlineTextsAndNoCellForBlank()
    {
        using var folder = new TempFolder();
        await Generated.RunAsync(folder.Path, 40, formats: ExportFormats.Xlsx | ExportFormats.Csv);
        var csv = (await File.ReadAllLinesAsync(folder.File("PARTICIPANT_REC.csv")))[1];

        using var document = SpreadsheetDocument.Open(folder.File("PERU_ALLIANCES.xlsx"), isEditable: false);
        var workbook = document.WorkbookPart!;
        var first = workbook.Workbook.Sheets!.Elements<Sheet>().First();
        var rows = ((WorksheetPart)workbook.GetPartById(first.Id!)).Worksheet.Descendants<Row>().Take(2).ToList();
        var header = rows[0].Elements<Cell>().Select(c => c.InlineString!.Text!.Text).ToList();
        var cells = rows[1].Elements<Cell>().ToDictionary(c => c.CellReference!.Value!);
        var row = (await Generated.ReadCsvAsync(folder.Path)).First(r => r.Layout.Record.Name == "PARTICIPANT_REC");

        Assert.Equal("2", rows[1].RowIndex!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        for (var c = 0; c < header.Count; c++)
        {
            var expected = row.Field(header[c]);
            var reference = Letters(c) + "2";
            if (string.IsNullOrEmpty(expected))
            {
                Assert.False(cells.ContainsKey(reference), $"{header[c]} is blank in the CSV but has cell {reference}");
                continue;
            }

            var cell = cells[reference];
            if (row.Layout.Columns[row.Layout.IndexOf(header[c])].Item.DataType == Pipeline.Core.Dictionary.ItemDataType.Numeric)
            {
                Assert.Null(cell.DataType); // a number cell
                Assert.Equal(expected, cell.CellValue!.Text); // with the item's decimals, as the CSV: -76.553816, 2022
            }
            else
            {
                Assert.Equal(CellValues.InlineString, cell.DataType!.Value);
                Assert.Equal(expected, cell.InlineString!.Text!.Text);
            }
        }

        Assert.Contains(header, h => h == "A5_X");
        Assert.StartsWith("-76.", cells[Letters(header.IndexOf("A5_X")) + "2"].CellValue!.Text, StringComparison.Ordinal);
        Assert.Contains(rows[1].Elements<Cell>(), c => c.DataType?.Value == CellValues.InlineString);

        static string Letters(int index) => index < 26 ? ((char)('A' + index)).ToString() : Letters((index / 26) - 1) + (char)('A' + (index % 26));
    }

    [Fact]
    public async Task Generate_XlsxWithMoreCasesThanASheetHasRows_FailsBeforeWritingAnything()
    {
        using var folder = new TempFolder();

        var error = await Assert.ThrowsAsync<ValidationException>(() => Generated.RunAsync(folder.Path, XlsxLimits.MaxRows, formats: ExportFormats.Dat | ExportFormats.Xlsx));

        Assert.Contains("an Excel sheet holds at most 1,048,575 rows below its header, and record PARTICIPANT_REC would need more from case 1,048,576 on", error.Message, StringComparison.Ordinal);
        Assert.Contains("leave Xlsx out of Formats", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(folder.Path));
    }

    [Fact]
    public async Task Generate_MoreCasesThanKeysCanNumber_FailsSayingTheLimit()
    {
        using var folder = new TempFolder();

        var error = await Assert.ThrowsAsync<ValidationException>(() => Generated.RunAsync(folder.Path, 50_000_000));

        Assert.Contains("at most 49505049 cases with unique keys", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_BadFaultList_FailsBeforeWritingAnything()
    {
        using var folder = new TempFolder();

        var error = await Assert.ThrowsAsync<ValidationException>(() => Generated.RunAsync(folder.Path, 10, faults: "skp=0.1"));

        Assert.Contains("'skp' is not a fault kind", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(folder.Path));
    }
}
