using System.Text;
using Pipeline.Core.Packs;
using Pipeline.Core.Readers;
using Pipeline.Readers.Tests.Support;

namespace Pipeline.Readers.Tests;

public class CsproTextDataReaderTests
{
    private static async Task<(List<SourceRow> Rows, CsproTextDataReader Reader)> ReadAsync(Stream content, string pack = "household", string name = "data.dat")
    {
        var reader = await CsproTextDataReader.CreateAsync(content, name, await Fixture.PackAsync(pack));
        await using (reader)
        {
            return (await Fixture.ReadAllAsync(reader), reader);
        }
    }

    [Fact]
    public async Task Read_HouseholdFixture_CutsEveryRecordAtItsColumns()
    {
        var (rows, reader) = await ReadAsync(Fixture.Open("dat", "household.dat"), name: "household.dat");

        Assert.Equal(["HOUSING_REC", "PERSON_REC", "PERSON_REC", "HOUSING_REC", "PERSON_REC", "PERSON_REC"], rows.Select(r => r.Layout.Record.Name));
        Assert.Equal([1L, 2, 4, 6, 7, 8], rows.Select(r => r.Row));
        Assert.All(rows, r => Assert.Null(r.StructuralProblem));
        var housing = rows[0];
        Assert.Equal(["CLUSTER", "HH", "INCOME", "ROOMS", "HEAD_NAME", "WEIGHT", "ASSET_1", "ASSET_2", "ASSET_3"], housing.Layout.Columns.Select(c => c.Name));
        Assert.Equal(new string?[] { "001", "001", "123.45", "3", "Amina Okafor", "1.250", "1", "2", "1" }, housing.Fields);
        Assert.Equal(1, reader.DeletedLines);
        Assert.Equal(1, reader.BlankLines);
        Assert.Equal("utf-8", reader.TextEncoding);
        Assert.Empty(Fixture.Validate(rows));
    }

    [Fact]
    public async Task Read_NonAsciiAlphaText_CountsCharactersNotBytes()
    {
        var (rows, _) = await ReadAsync(Fixture.Open("dat", "household.dat"));

        var housing = rows[3];
        Assert.Equal("José Martínez", housing.Field("HEAD_NAME"));
        Assert.Equal("12.500", housing.Field("WEIGHT"));
        Assert.Equal("0.50", housing.Field("INCOME"));
        Assert.Equal("Zoë", rows[5].Field("FIRST_NAME"));
    }

    [Fact]
    public async Task Read_BlankItemsAndSpecialCodes_BlankIsNotApplicableAndCodesPassThrough()
    {
        var (rows, _) = await ReadAsync(Fixture.Open("dat", "household.dat"));

        Assert.Equal("99", rows[3].Field("ROOMS")); // MISSING code of ROOMS_VS1, kept as stored
        Assert.Null(rows[3].Field("ASSET_2"));
        Assert.Equal("999", rows[4].Field("AGE")); // REFUSED code
        Assert.Null(rows[4].Field("BIRTH"));
        Assert.Null(rows[5].Field("SEX"));
    }

    [Fact]
    public async Task Read_NewlineSymbolInAlpha_BecomesNewline()
    {
        var (rows, _) = await ReadAsync(Fixture.Open("dat", "household.dat"));

        Assert.Equal("Line one\nline two", rows[4].Field("FIRST_NAME"));
    }

    [Fact]
    public async Task Read_SubitemOfRecord_IsAColumnCutFromItsParent()
    {
        var (rows, _) = await ReadAsync(Fixture.Open("dat", "household.dat"));

        Assert.Equal("198905", rows[1].Field("BIRTH"));
        Assert.Equal("1989", rows[1].Field("BIRTH_YEAR"));
        Assert.Equal(rows[1].Layout.IndexOf("BIRTH") + 1, rows[1].Layout.IndexOf("BIRTH_YEAR")); // after its parent, as in the dictionary
        Assert.Null(rows[5].Field("BIRTH_YEAR")); // blank parent, blank subitem
    }

    [Theory]
    [InlineData("\r\n")]
    [InlineData("\n")]
    [InlineData("\r")]
    public async Task Read_AnyLineEnding_GivesSameRows(string newline)
    {
        var text = "H0010010012345 3Ann" + newline + "P001001012 34Ann" + newline + newline + "P001001022 30Bob";

        var (rows, _) = await ReadAsync(Fixture.Bytes(Encoding.UTF8.GetBytes(text)));

        Assert.Equal([1L, 2, 4], rows.Select(r => r.Row));
        Assert.Equal("Bob", rows[2].Field("FIRST_NAME"));
    }

    [Fact]
    public async Task Read_CrLfSplitAcrossReadBuffers_CountsOneLineBreak()
    {
        // Lines long enough that a "\r\n" straddles the 64 KiB read buffer somewhere.
        var line = "P001001012 34" + new string('x', 20);
        var text = string.Join("\r\n", Enumerable.Range(0, 5000).Select(i => i % 2 == 1 ? line : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"H{(i % 999) + 1:000}0010012345 3Ann")));

        var (rows, reader) = await ReadAsync(Fixture.Bytes(Encoding.UTF8.GetBytes(text)));

        Assert.Equal(5000, rows.Count);
        Assert.Equal(Enumerable.Range(1, 5000).Select(i => (long)i), rows.Select(r => r.Row));
        Assert.Equal(0, reader.BlankLines);
    }

    [Fact]
    public async Task Read_Windows1252File_FallsBackToAnsi()
    {
        var text = "H0010010012345 3Fran\u00e7ois Dupr\u00e9\r\n";

        var (rows, reader) = await ReadAsync(Fixture.Bytes(Encoding.Latin1.GetBytes(text)));

        Assert.Equal("François Dupré", rows[0].Field("HEAD_NAME"));
        Assert.Equal("windows-1252", reader.TextEncoding);
        Assert.Null(rows[0].StructuralProblem);
    }

    [Fact]
    public async Task Read_IdbRecordWithOccurrences_SpreadsOccurrencesOverNameK()
    {
        var populations = string.Concat(Enumerable.Range(1, 101).Select(i => (i * 1000).ToString("00000000", System.Globalization.CultureInfo.InvariantCulture)));
        var content = Fixture.Dat(
            "1AFAfghanistan                        00652230",
            "2AF20200038928341",
            "3AF20202" + populations);

        var (rows, _) = await ReadAsync(content, pack: "idb");

        var agesex = rows[2];
        Assert.Equal("AGESEX_POPULATION_REC", agesex.Layout.Record.Name);
        Assert.Equal("00001000", agesex.Field("AGESEX_POPULATION_1"));
        Assert.Equal("00101000", agesex.Field("AGESEX_POPULATION_101"));
        Assert.Equal("Afghanistan", rows[0].Field("COUNTRY_NAME"));
        Assert.Equal("0038928341", rows[1].Field("MIDYEAR_POPULATION"));
        Assert.Empty(Fixture.Validate(rows));
    }

    [Fact]
    public async Task Read_MultiLevelData_LowerLevelRecordsCarryTheirLevelIds()
    {
        const string caseIds = "0101001001101";
        var content = Fixture.Dat(
            "2" + caseIds + "   " + "234.00000".PadLeft(15) + "234234.56700".PadLeft(15) + "0102030405" + "1",
            "3" + caseIds + " 1 " + "11111",
            "1" + caseIds + " 11" + "1123412321",
            "4" + caseIds + " 11" + "newdude");

        var reader = await CsproTextDataReader.CreateAsync(content, "three.dat", await Fixture.PackAsync("three-level"));
        await using (reader)
        {
            var rows = await Fixture.ReadAllAsync(reader);

            Assert.Equal(["COMPOUND_INFO_REC", "HOUSING_UNIT_REC", "HOUSEHOLD_REC", "PERSON_REC"], rows.Select(r => r.Layout.Record.Name));
            Assert.Equal("234234.56700", rows[0].Field("LONGITUDE"));
            Assert.Equal("05", rows[0].Field("HOUSING_UNITS_5"));
            Assert.Equal("001", rows[3].Field("VILLAGE"));
            Assert.Equal("1", rows[3].Field("HOUSING_UNIT_NUMBER")); // level-2 and level-3 IDs have columns in lower-level layouts
            Assert.Equal("1", rows[3].Field("HOUSEHOLD_NUMBER"));
            Assert.Empty(reader.ItemsWithoutColumn);
        }
    }

    [Fact]
    public void LooksLikeTextData_DatVersusDelimitedHeader_TellsThemApart()
    {
        var dictionary = Fixture.Dictionary("idb-population-data.v70-text.dcf");
        var dat = Encoding.UTF8.GetBytes("1AFAfghanistan                        00652230\r\n2AF202038928341\r\n2AF202139835428\r\n");
        var csv = Encoding.UTF8.GetBytes("FIPS_CODE,COUNTRY_NAME,AREA\r\nAF,Afghanistan,652230\r\n");

        Assert.True(CsproTextDataReader.LooksLikeTextData(dat, dictionary));
        Assert.False(CsproTextDataReader.LooksLikeTextData(csv, dictionary));
    }

    // ---- malformed .dat ----
    [Fact]
    public async Task Read_RaggedShortLine_PadsMissingColumnsAsBlank()
    {
        var (rows, _) = await ReadAsync(Fixture.Dat("H0010010012345"));

        Assert.Null(rows[0].StructuralProblem);
        Assert.Equal("123.45", rows[0].Field("INCOME")); // the rest is blank: CSPro pads a short line with spaces
        Assert.Null(rows[0].Field("ROOMS"));
        Assert.Equal(string.Empty, rows[0].Field("HEAD_NAME"));
    }

    [Fact]
    public async Task Read_LineShorterThanTheIds_ValidatorNamesTheMissingIdAndLine()
    {
        var (rows, _) = await ReadAsync(Fixture.Dat("H0010010012345 3Ann", "P00"), name: "short.dat");

        var issue = Assert.Single(Fixture.Validate(rows));
        Assert.Equal(2, issue.Row);
        Assert.Equal("PERSON_REC", issue.Record);
        Assert.Equal("HH", issue.Item);
        Assert.Equal(Rules.MissingId, issue.Rule);
        Assert.Contains("ID item HH is blank", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_UnknownRecordType_HandsOnARowNamingTheTypeTheColumnsAndTheCase()
    {
        var (rows, reader) = await ReadAsync(Fixture.Dat("H0010010012345 3Ann", "X001001whatever"), name: "unknown.dat");

        var row = rows[1];
        Assert.Equal(2, row.Row);
        Assert.Contains("unknown record type 'X' in columns 1", row.StructuralProblem, StringComparison.Ordinal);
        Assert.Contains("'H' (HOUSING_REC), 'P' (PERSON_REC)", row.StructuralProblem, StringComparison.Ordinal);
        Assert.Equal(1, reader.UnknownRecordTypeLines);
        var issue = Assert.Single(Fixture.Validate(rows));
        Assert.Equal("001001", issue.CaseKey);
        Assert.Equal(Rules.FieldCount, issue.Rule);
    }

    [Fact]
    public async Task Read_LineLongerThanItsRecord_ReportsBothLengths()
    {
        var (rows, _) = await ReadAsync(Fixture.Dat("P001001012 34Amina               198905EXTRA"), name: "long.dat");

        Assert.Contains("the line has 44 characters; record PERSON_REC ends at column 39", rows[0].StructuralProblem, StringComparison.Ordinal);
        Assert.Equal("Amina", rows[0].Field("FIRST_NAME"));
    }

    [Fact]
    public async Task Read_TrailingBlanksBeyondTheRecord_AreNotAProblem()
    {
        var (rows, _) = await ReadAsync(Fixture.Dat("P001001012 34Amina               198905          "));

        Assert.Null(rows[0].StructuralProblem);
    }

    [Fact]
    public async Task Read_NonNumericInNumericItem_ValidatorReportsItemValueAndLine()
    {
        var (rows, _) = await ReadAsync(Fixture.Dat("H0010010012345 3Ann", "P0010010121A4Amina"), name: "letters.dat");

        Assert.Equal("1A4", rows[1].Field("AGE"));
        var issue = Assert.Single(Fixture.Validate(rows));
        Assert.Equal((2L, "AGE", "1A4", Rules.NotANumber), (issue.Row, issue.Item, issue.Value, issue.Rule));
        Assert.Contains("AGE must be a number; found '1A4'", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_StarFilledNumber_IsCsprosDefaultAndTheValidatorRejectsIt()
    {
        var (rows, _) = await ReadAsync(Fixture.Dat("P001001012***Amina"), name: "default.dat");

        var issue = Assert.Single(Fixture.Validate(rows));
        Assert.Equal(("AGE", "***"), (issue.Item, issue.Value));
    }

    [Fact]
    public async Task Read_LeftJustifiedImpliedDecimals_IsFlaggedAsAmbiguous()
    {
        var (rows, _) = await ReadAsync(Fixture.Dat("H001001123     3Ann"), name: "left.dat");

        Assert.Contains("INCOME='123    ' is left-justified; with 2 implied decimals its value is ambiguous", rows[0].StructuralProblem, StringComparison.Ordinal);
        Assert.Contains("columns 8-14", rows[0].StructuralProblem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_NegativeAndCommaDecimal_AreNormalisedLikeCspro()
    {
        var (rows, _) = await ReadAsync(Fixture.Dat("H001001-001234 3" + "Ann".PadRight(20) + "-12,5".PadLeft(8)));

        Assert.Equal("-12.34", rows[0].Field("INCOME"));
        Assert.Equal("-12.5", rows[0].Field("WEIGHT"));
    }

    [Fact]
    public async Task Read_InvalidUtf8InFileWithBom_FlagsTheLineAndTheByteAndKeepsTheTextUnreplaced()
    {
        byte[] bad = [.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes("H0010010012345 3Ann\r\nH0010020012345 3Fran"), 0xE7, .. Encoding.UTF8.GetBytes("ois\r\n")];

        var (rows, _) = await ReadAsync(Fixture.Bytes(bad), name: "mixed.dat");

        Assert.Null(rows[0].StructuralProblem);
        Assert.Equal(2, rows[1].Row);
        Assert.Contains("line 2 is not valid UTF-8 (byte 21 is 0xE7) although the file starts with a UTF-8 byte-order mark", rows[1].StructuralProblem, StringComparison.Ordinal);
        Assert.Equal("François", rows[1].Field("HEAD_NAME"));
    }

    [Fact]
    public async Task Read_Utf8LineThenLatin1LineWithoutBom_FlagsTheLatin1LineAsMixed()
    {
        byte[] mixed = [.. Encoding.UTF8.GetBytes("H0010010012345 3Andr\u00e9\r\nH0010020012345 3Fran"), 0xE7, .. Encoding.UTF8.GetBytes("ois\r\n")];

        var (rows, _) = await ReadAsync(Fixture.Bytes(mixed), name: "mixed.dat");

        Assert.Equal("André", rows[0].Field("HEAD_NAME"));
        Assert.Null(rows[0].StructuralProblem);
        Assert.Contains("line 2 is not valid UTF-8 (byte 21 is 0xE7) although line 1 is UTF-8: the file mixes encodings", rows[1].StructuralProblem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_Latin1LineThenUtf8Line_FlagsTheUtf8LineAsMixed()
    {
        byte[] mixed = [.. Encoding.Latin1.GetBytes("H0010010012345 3Andr\u00e9\r\n"), .. Encoding.UTF8.GetBytes("H0010020012345 3Fran\u00e7ois\r\n")];

        var (rows, reader) = await ReadAsync(Fixture.Bytes(mixed), name: "mixed.dat");

        Assert.Equal("André", rows[0].Field("HEAD_NAME"));
        Assert.Equal("windows-1252", reader.TextEncoding);
        Assert.Contains("line 2 is UTF-8 although line 1 was not", rows[1].StructuralProblem, StringComparison.Ordinal);
        Assert.Equal("François", rows[1].Field("HEAD_NAME"));
    }

    [Fact]
    public async Task Read_RepeatingRecordBeyondMaxRecords_IsHandedOnWithAProblem()
    {
        var lines = new[] { "H0010010012345 3Ann" }.Concat(Enumerable.Range(1, 6).Select(i => $"P0010010{i}1 30P{i}")).ToArray();

        var (rows, _) = await ReadAsync(Fixture.Dat(lines), name: "six.dat");

        Assert.All(rows.Take(6), r => Assert.Null(r.StructuralProblem));
        Assert.Equal(7, rows[6].Row);
        Assert.Contains("record PERSON_REC occurs 6 times in this case; the dictionary allows 5", rows[6].StructuralProblem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_SingleRecordTwiceInOneCase_IsFlaggedAndAnotherCaseStartsAfresh()
    {
        var (rows, _) = await ReadAsync(Fixture.Dat("H0010010012345 3Ann", "H0010010012345 3Ann", "H0010020012345 3Bob"));

        Assert.Contains("record HOUSING_REC occurs 2 times in this case; the dictionary allows 1", rows[1].StructuralProblem, StringComparison.Ordinal);
        Assert.Null(rows[2].StructuralProblem);
    }

    [Fact]
    public async Task Read_EmptyFile_IsAnExportOfNoCase()
    {
        // CSPro writes an empty .dat when no case was entered: a legitimate export, read as no row.
        var (rows, _) = await ReadAsync(Fixture.Bytes([]), name: "empty.dat");

        Assert.Empty(rows);
    }

    [Fact]
    public async Task Read_OnlyBlankAndErasedLines_IsAnExportOfNoCase_WithTheSkippedLinesCounted()
    {
        var (rows, reader) = await ReadAsync(Fixture.Dat("", "  ", "~0010010012345 3Ann", ""), name: "blank.dat");

        Assert.Empty(rows);
        Assert.Equal((1L, 1L), (reader.DeletedLines, reader.ErasedLines));
    }

    [Fact]
    public async Task Create_WrongDictionaryAllRecordTypesUnknown_RejectsTheFileWithoutQuotingWhatTheLinesHold()
    {
        var idbData = Fixture.Dat("1AFAfghanistan                        00652230", "2AF202038928341", "3AF20202");

        var error = await Fixture.FileErrorAsync(async () => await ReadAsync(idbData, name: "idb.dat"));

        Assert.Equal("idb.dat", error.File);
        Assert.Contains("none of the first 3 data lines has a record type of dictionary HOUSEHOLD_DICT", error.Message, StringComparison.Ordinal);
        Assert.Contains("columns 1 hold 3 other values", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("'1'", error.Message, StringComparison.Ordinal);
        Assert.Contains("expected one of 'H' (HOUSING_REC), 'P' (PERSON_REC)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_WrongDictionaryIdsDoNotParse_ValidatorNamesTheIdItem()
    {
        // Data of another survey whose record type happens to match: the numeric ID PROVINCE holds letters.
        var (rows, _) = await ReadAsync(Fixture.Dat("2AB01001001101"), pack: "three-level", name: "other-survey.dat");

        var issue = Assert.Single(Fixture.Validate(rows), i => i.Item == "PROVINCE");
        Assert.Equal((1L, "AB", Rules.NotANumber), (issue.Row, issue.Value, issue.Rule));
        Assert.Contains("PROVINCE must be a number; found 'AB'", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_BinaryJunk_RejectsWithTheLineAndByte()
    {
        var junk = new byte[300];
        new Random(7).NextBytes(junk);
        for (var i = 0; i < junk.Length; i++)
        {
            junk[i] = junk[i] is (byte)'\n' or (byte)'\r' or 0xFF or 0xFE ? (byte)1 : junk[i];
        }

        junk[10] = 0;

        var error = await Fixture.FileErrorAsync(async () => await ReadAsync(Fixture.Bytes(junk), name: "junk.dat"));

        Assert.Contains("junk.dat, row 1: line 1 has a NUL byte at byte 11", error.Message, StringComparison.Ordinal);
        Assert.Contains("binary content", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_Utf16File_SaysUtf16()
    {
        var utf16 = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("H0010010012345 3Ann\r\n")).ToArray();

        var error = await Fixture.FileErrorAsync(async () => await ReadAsync(Fixture.Bytes(utf16), name: "utf16.dat"));

        Assert.Contains("utf16.dat, row 1: the file is UTF-16 text", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_LineWithoutBreakBeyondLimit_RejectsInsteadOfBufferingForever()
    {
        var endless = new byte[3 * 1024 * 1024];
        endless.AsSpan().Fill((byte)'H');
        var options = new CsproTextDataReaderOptions { MaxLineBytes = 1024 * 1024 };

        var error = await Fixture.FileErrorAsync(async () => await CsproTextDataReader.CreateAsync(Fixture.Bytes(endless), "oneline.dat", await Fixture.PackAsync("household"), options));

        Assert.Contains("oneline.dat, row 1: line 1 is longer than 1048576 bytes without a line break", error.Message, StringComparison.Ordinal);
    }
}
