using System.Text;
using Microsoft.Data.Sqlite;
using Pipeline.Core.Dictionary;
using Pipeline.Core.Packs;
using Pipeline.Core.Readers;
using Pipeline.Core.Validation;
using Pipeline.Core.Values;
using Pipeline.Readers.Tests.Support;

namespace Pipeline.Readers.Tests;

/// <summary>
/// Dictionaries as CSPro means them (issue #17): linked value sets, several value sets on one item, special values,
/// subitems as columns, alpha values right-trimmed only. The packs <c>fidelity</c> (text dictionary) and
/// <c>fidelity-json</c> (its JSON twin) hold the same survey; see Fixtures/SOURCES.md.
/// </summary>
public class DictionaryFidelityTests
{
    // Household record: 'H', HHID 2-4, P319 5-6, P319R 7-8, VISIT 9-16 (YEAR 9-12, MONTH 13-14, DAY 15-16), NAME 17-26,
    // PHONE 27-36 (PHONE_AREA 27-29), TAG 37-38. Person record: 'P', HHID, AGES 5-12 (2 × 4; AGE_YEARS the first 2 of
    // each), DIGITS 13-15 (DIGIT 3 × 1).
    private const string House1 = "H001" + "06" + "06" + "20240315" + " k        " + "0301234567" + " k";
    private const string House2 = "H002" + "01" + "07" + "20240566" + "Zoë       " + "          " + "k ";
    private const string Person1 = "P001" + "0712" + "1503" + "1 9";

    private static string FidelityText => File.ReadAllText(Fixture.Path("packs", "fidelity", "dictionary", "FIDELITY.dcf"));

    private static string FidelityJson => File.ReadAllText(Fixture.Path("packs", "fidelity-json", "dictionary", "FIDELITY.json.dcf"));

    private static async Task<List<SourceRow>> ReadDatAsync(string pack, params string[] lines)
    {
        await using var reader = await CsproTextDataReader.CreateAsync(Fixture.Dat(lines), "fidelity.dat", await Fixture.PackAsync(pack));
        return await Fixture.ReadAllAsync(reader);
    }

    [Fact]
    public void Parse_LinkedValueSet_TextAndJsonTwins_BothGetTheValuesOfTheLinkedSet()
    {
        var text = DictionaryReader.Parse(FidelityText, "FIDELITY.dcf");
        var json = DictionaryReader.Parse(FidelityJson, "FIDELITY.json.dcf");

        Assert.Equal(DictionaryCanon.Of(text), DictionaryCanon.Of(json));
        var linked = text.FindItem("P319R")!.PrimaryValueSet!;
        Assert.Equal("P319R_VS1", linked.Name);
        Assert.Equal("1234567", linked.Link);
        Assert.Equal(text.FindItem("P319")!.PrimaryValueSet!.Values, linked.Values);
        Assert.Equal(["1:5", "6", "98", "99"], linked.Values.SelectMany(v => v.Pairs).Select(p => p.To is null ? p.From : $"{p.From}:{p.To}"));
    }

    [Theory]
    [InlineData("fidelity")]
    [InlineData("fidelity-json")]
    public async Task Read_LinkedValueSet_ValidatesAgainstLinkedCodes(string pack)
    {
        var rows = await ReadDatAsync(pack, House1, House2);

        var issues = Fixture.Validate(rows).Where(i => i.Item == "P319R").ToList();

        var issue = Assert.Single(issues); // 06 (case 1) is a linked code; 07 (case 2) is not
        Assert.Equal((2L, Rules.OutOfValueSet), (issue.Row, issue.Rule));
        Assert.Equal("P319R=07 is not in value set P319R_VS1 (1–5 Improved, 6 Other, 98 Don't know, 99 Refused).", issue.Message);
    }

    [Fact]
    public void Parse_TextLinkThatNoValueSetFills_IsADictionaryErrorWithFileAndLine()
    {
        var text = FidelityText.Replace("Name=P319_VS1\nLink=1234567", "Name=P319_VS1\nLink=7654321", StringComparison.Ordinal)
            .Replace("Name=P319_VS1\r\nLink=1234567", "Name=P319_VS1\r\nLink=7654321", StringComparison.Ordinal);
        var lines = text.Split('\n');
        var line = Array.FindIndex(lines, l => l.TrimEnd('\r') == "Name=P319R_VS1") + 1 - 2; // the [ValueSet] header

        var error = Assert.Throws<DictionaryFormatException>(() => DictionaryReader.Parse(text, "BROKEN.dcf"));

        Assert.Equal(
            $"BROKEN.dcf, line {line}: value set P319R_VS1 of item P319R is linked ('1234567') but has no values, and no other value set has this link, so the item's answers cannot be checked. Open the dictionary in CSPro and save it again, or give the value set its values (or remove its link).",
            error.Message);
    }

    [Fact]
    public async Task Read_BundledDictionaryWithALinkNoValueSetFills_IsReadSinceOnlyItsLayoutIsCompared()
    {
        // The bundled copy's value sets are not used (the pack's are), so its unresolvable link must not make the
        // upload unreadable.
        var broken = FidelityText.ReplaceLineEndings("\n").Replace("Name=P319_VS1\nLink=1234567", "Name=P319_VS1\nLink=7654321", StringComparison.Ordinal);
        Assert.Throws<DictionaryFormatException>(() => DictionaryReader.Parse(broken, "BROKEN.dcf"));
        var pack = await Fixture.PackAsync("fidelity");

        using var folder = new Fixture.TempFolder();
        var path = folder.File("fidelity.csdb");
        var node = new TestNode(0, new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase) { ["HHID"] = "2" });
        node.Records.Add(new TestRecord(pack.Dictionary.FindRecord("HOUSE_REC")!, new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase) { ["P319"] = "1", ["P319R"] = "7", ["NAME"] = "Zoë" }));
        CsdbWriter.Write(path, pack.Dictionary, broken, [node]);
        await using var csdb = await CsproDbReader.CreateAsync(File.OpenRead(path), "fidelity.csdb", pack);
        var fromCsdb = Assert.Single(await Fixture.ReadAllAsync(csdb));

        using var zip = new MemoryStream();
        using (var archive = new System.IO.Compression.ZipArchive(zip, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            await using (var dcf = archive.CreateEntry("FIDELITY.dcf").Open())
            {
                await dcf.WriteAsync(Encoding.UTF8.GetBytes(broken));
            }

            await using var dat = archive.CreateEntry("fidelity.dat").Open();
            await dat.WriteAsync(Fixture.Dat(House1).ToArray());
        }

        zip.Position = 0;
        await using var bundle = await BundleReader.CreateAsync(zip, "upload.zip", pack, default);
        var fromZip = Assert.Single(await Fixture.ReadAllAsync(bundle));

        Assert.Equal("7", fromCsdb.Field("P319R"));
        Assert.Equal("06", fromZip.Field("P319R"));
    }

    [Fact]
    public void Parse_JsonLinkThatNoValueSetFills_IsADictionaryErrorWithFileAndLine()
    {
        var json = FidelityJson.Replace("\"link\": \"1234567\",", "\"link\": \"7654321\",", StringComparison.Ordinal); // P319_VS1's, followed by its values
        Assert.NotEqual(FidelityJson, json);
        var line = Array.FindIndex(json.Split('\n'), l => l.Contains("\"P319R_VS1\"", StringComparison.Ordinal)); // the line before: the value set's '{'

        var error = Assert.Throws<DictionaryFormatException>(() => DictionaryReader.Parse(json, "BROKEN.json.dcf"));

        Assert.StartsWith($"BROKEN.json.dcf, line {line}: value set P319R_VS1 of item P319R is linked ('1234567') but has no values", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fidelity")]
    [InlineData("fidelity-json")]
    public async Task Read_SeveralValueSetsAndSpecialValues_ValidatesAgainstTheFirstSetIncludingItsSpecialCodes(string pack)
    {
        var dictionary = (await Fixture.PackAsync(pack)).Dictionary;
        var p319 = dictionary.FindItem("P319")!;
        Assert.Equal(["P319_VS1", "P319_VS2"], p319.ValueSets.Select(v => v.Name));
        Assert.Equal([null, null, "MISSING", "REFUSED"], p319.PrimaryValueSet!.Values.Select(v => v.Special));
        Assert.Equal("NOTAPPL", dictionary.FindItem("VISIT_DAY")!.PrimaryValueSet!.Values[1].Special);

        // 06 is only in the first set, 98 is its MISSING code: both pass; 97 is in neither.
        var rows = await ReadDatAsync(pack, House1, "H003" + "98" + "99" + House1[8..], "H004" + "97" + House1[6..]);
        var issues = Fixture.Validate(rows).Where(i => i.Item is "P319" or "P319R").ToList();

        var issue = Assert.Single(issues);
        Assert.Equal((3L, "P319", "97"), (issue.Row, issue.Item, issue.Value));
    }

    [Fact]
    public async Task Read_ValueProcessorV81Json_SeveralSetsSpecialsDefaultsLongIntegersAndChineseCodes()
    {
        var dictionary = Fixture.Dictionary("value-processor.v81-json.dcf");
        var item = dictionary.FindItem("INTEGER_LENGTH_01")!;
        Assert.Equal(["INTEGER_LENGTH_01_DISCRETES_VS", "INTEGER_LENGTH_01_RANGES_VS", "INTEGER_LENGTH_01_SPECIALS_VS"], item.ValueSets.Select(v => v.Name));
        Assert.Equal(
            [("MISSING", "5"), ("REFUSED", "6"), ("DEFAULT", "7"), ("NOTAPPL", "8")],
            item.ValueSets[2].Values.Select(v => (v.Special, v.Pairs[0].From)));
        Assert.Equal((true, false), (dictionary.FindItem("INTEGER_LENGTH_15_ZERO_FILL_YES")!.ZeroFill, dictionary.FindItem("INTEGER_LENGTH_15_ZERO_FILL_NO")!.ZeroFill));
        Assert.Equal((true, false), (dictionary.FindItem("DECIMAL_LENGTH_05_02_DEC_CHAR_YES_ZERO_FILL_NO")!.DecimalChar, dictionary.FindItem("DECIMAL_LENGTH_05_02_DEC_CHAR_NO_ZERO_FILL_YES")!.DecimalChar));
        Assert.Empty(DictionaryChecks.Problems(dictionary));

        var pack = await PackOfAsync(dictionary);
        // Record type 1, ID, then 1 + 15 + 15 + 5 + 5 + 8 columns.
        string[] lines =
        [
            "11" + "5" + "000123456789012" + "123456789012345" + "12.34" + "01234" + "天津      ",
            "12" + "4" + "999999999999999" + "              7" + " 0.50" + "00050" + "Yaoundé ",
            "13" + "7" + "               " + "               " + "     " + "     " + "Paris   ",
        ];
        await using var reader = await CsproTextDataReader.CreateAsync(Fixture.Dat(lines), "values.dat", pack);
        var rows = await Fixture.ReadAllAsync(reader);

        Assert.Equal(new string?[] { "000123456789012", "123456789012345", "12.34", "12.34", "天津" }, Fields(rows[0], 2));
        Assert.Equal(new string?[] { "999999999999999", "7", "0.50", "0.50", "Yaoundé" }, Fields(rows[1], 2));
        var cells = new CellValue[rows[0].Layout.Columns.Count];
        new RowValidator(rows[0].Layout).Validate(rows[0], cells, [], out _);
        Assert.Equal((123456789012L, 123456789012345L), (cells[2].Integer, cells[3].Integer));
        var issues = Fixture.Validate(rows);
        // 4 is in the second and third sets only: CSPro validates against the first. 7 is DEFAULT's code in the third set,
        // not in the first. "Paris" is not a code of the alpha set; "Yaoundé" and "天津" are.
        Assert.Equal(
            [(2L, "INTEGER_LENGTH_01", "4"), (3L, "INTEGER_LENGTH_01", "7"), (3L, "STRING_LENGTH_08", "Paris")],
            issues.Select(i => (i.Row, i.Item, i.Value)));
        Assert.All(issues, i => Assert.Equal(Rules.OutOfValueSet, i.Rule));
    }

    [Theory]
    [InlineData("fidelity")]
    [InlineData("fidelity-json")]
    public async Task Read_DateWithSubitems_SubitemsAreColumnsAndDay66IsOutsideItsValueSet(string pack)
    {
        var rows = await ReadDatAsync(pack, House1, House2);

        var layout = rows[0].Layout;
        Assert.Equal(
            ["HHID", "P319", "P319R", "VISIT", "VISIT_YEAR", "VISIT_MONTH", "VISIT_DAY", "NAME", "PHONE", "PHONE_AREA", "TAG"],
            layout.Columns.Select(c => c.Name));
        Assert.Equal(
            [("2024", "03", "15"), ("2024", "05", "66")],
            rows.Select(r => (r.Field("VISIT_YEAR"), r.Field("VISIT_MONTH"), r.Field("VISIT_DAY"))));

        var cells = new CellValue[layout.Columns.Count];
        Assert.True(new RowValidator(layout).Validate(rows[0], cells, [], out _));
        Assert.Equal((20240315L, 2024L, 3L, 15L), (cells[3].Integer, cells[4].Integer, cells[5].Integer, cells[6].Integer));
        Assert.Equal(ColumnKind.Integer, layout.Columns[layout.IndexOf("VISIT_DAY")].Kind);

        var issue = Assert.Single(Fixture.Validate(rows), i => i.Item.StartsWith("VISIT", StringComparison.Ordinal));
        Assert.Equal((2L, "VISIT_DAY", "66", Rules.OutOfValueSet), (issue.Row, issue.Item, issue.Value, issue.Rule));
        Assert.StartsWith("VISIT_DAY=66 is not in value set VISIT_DAY_VS1 (1–31 Day", issue.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fidelity")]
    [InlineData("fidelity-json")]
    public async Task Read_SubitemOfRepeatingItem_AndSubitemWithOccurrences_GetOneColumnPerOccurrence(string pack)
    {
        var rows = await ReadDatAsync(pack, House1, Person1);

        var person = rows[1];
        Assert.Equal(["HHID", "AGES_1", "AGES_2", "AGE_YEARS_1", "AGE_YEARS_2", "DIGITS", "DIGIT_1", "DIGIT_2", "DIGIT_3"], person.Layout.Columns.Select(c => c.Name));
        Assert.Equal(["0712", "1503", "07", "15", "1 9", "1", null, "9"], person.Fields.Skip(1));
        var issue = Assert.Single(Fixture.Validate([person]));
        Assert.Equal(("DIGIT_3", "9", Rules.OutOfValueSet), (issue.Item, issue.Value, issue.Rule));
    }

    [Fact]
    public void Check_SubitemWhoseOccurrencesRunPastItsParent_IsADictionaryProblem()
    {
        var text = FidelityText.Replace("Name=DIGIT\nStart=13\nLen=1\nItemType=SubItem\nOccurrences=3", "Name=DIGIT\nStart=13\nLen=1\nItemType=SubItem\nOccurrences=4", StringComparison.Ordinal)
            .Replace("Name=DIGIT\r\nStart=13\r\nLen=1\r\nItemType=SubItem\r\nOccurrences=3", "Name=DIGIT\r\nStart=13\r\nLen=1\r\nItemType=SubItem\r\nOccurrences=4", StringComparison.Ordinal);

        Assert.Empty(DictionaryChecks.Problems(DictionaryReader.Parse(FidelityText, "FIDELITY.dcf")));
        Assert.Equal(
            ["record PERSON_REC: subitem DIGIT (columns 13-16) does not lie inside DIGITS (columns 13-15), the item listed before it, which CSPro takes as its parent; list it after the item whose columns it lies in, or correct its start and length."],
            DictionaryChecks.Problems(DictionaryReader.Parse(text, "FIDELITY.dcf")));
    }

    [Fact]
    public async Task Load_SubitemListedAfterAnotherItemThanItsParent_FailsNamingFileRecordAndItem()
    {
        // PHONE_AREA (27-29) lies inside PHONE but is listed after TAG (37-38): CSPro, the JSON reader and the layout
        // take TAG as its parent, so the offset would be negative.
        var text = FidelityText.ReplaceLineEndings("\n");
        const string phoneArea = "[Item]\nLabel=Phone area code\nName=PHONE_AREA\nStart=27\nLen=3\nItemType=SubItem\nDataType=Alpha\n\n";
        Assert.Contains(phoneArea, text, StringComparison.Ordinal);
        text = text.Replace(phoneArea, string.Empty, StringComparison.Ordinal).Replace("[Record]\nLabel=Person\nName=PERSON_REC", phoneArea + "[Record]\nLabel=Person\nName=PERSON_REC", StringComparison.Ordinal);
        using var folder = CopyFidelityPack();
        var dcf = Path.Combine(folder.FolderPath, "dictionary", "FIDELITY.dcf");
        await File.WriteAllTextAsync(dcf, text);

        var e = await Assert.ThrowsAsync<SurveyPackException>(() => SurveyPack.LoadAsync(folder.FolderPath));

        Assert.Contains(dcf, e.Message, StringComparison.Ordinal);
        Assert.Contains("record HOUSE_REC: subitem PHONE_AREA (columns 27-29) does not lie inside TAG (columns 37-38), the item listed before it, which CSPro takes as its parent; list it after the item whose columns it lies in", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_SubitemListedBeforeAnyItem_IsADictionaryProblem()
    {
        var text = FidelityText.ReplaceLineEndings("\n");
        const string firstItem = "[Record]\nLabel=Person\nName=PERSON_REC";
        var at = text.IndexOf(firstItem, StringComparison.Ordinal);
        var itemsStart = text.IndexOf("[Item]", at, StringComparison.Ordinal);
        text = text.Insert(itemsStart, "[Item]\nName=EARLY\nStart=5\nLen=1\nItemType=SubItem\n\n");

        Assert.Equal(
            ["record PERSON_REC: subitem EARLY (columns 5-5) is listed before any item, so it has no parent; list it after the item whose columns it lies in."],
            DictionaryChecks.Problems(DictionaryReader.Parse(text, "FIDELITY.dcf")));
    }

    [Fact]
    public async Task Layout_SubitemOfPseudonymisedItem_IsDroppedUnlessListedItself()
    {
        var phone = await FidelityPackWithPersonalDataAsync("pseudonymise: [PHONE]");
        var phoneAndArea = await FidelityPackWithPersonalDataAsync("pseudonymise: [PHONE, PHONE_AREA]");
        var layout = RecordLayout.For(phone, phone.Dictionary.FindRecord("HOUSE_REC")!);
        var listed = RecordLayout.For(phoneAndArea, phoneAndArea.Dictionary.FindRecord("HOUSE_REC")!);

        Assert.Equal(PersonalData.Pseudonymise, layout.Columns[layout.IndexOf("PHONE")].Privacy);
        Assert.Equal(PersonalData.Drop, layout.Columns[layout.IndexOf("PHONE_AREA")].Privacy);
        Assert.Equal(PersonalData.Pseudonymise, listed.Columns[listed.IndexOf("PHONE_AREA")].Privacy);
    }

    [Fact]
    public async Task Layout_SubitemOfDroppedItem_IsDroppedToo()
    {
        var pack = await Fixture.PackAsync("fidelity");
        var layout = RecordLayout.For(pack, pack.Dictionary.FindRecord("HOUSE_REC")!);

        Assert.Equal(PersonalData.Drop, layout.Columns[layout.IndexOf("PHONE")].Privacy);
        Assert.Equal(PersonalData.Drop, layout.Columns[layout.IndexOf("PHONE_AREA")].Privacy);
        Assert.Equal(PersonalData.None, layout.Columns[layout.IndexOf("VISIT_DAY")].Privacy);
    }

    [Fact]
    public async Task Read_SubitemsInEveryFormat_AreCutFromTheParentTheSameWay()
    {
        var pack = await Fixture.PackAsync("fidelity");
        var fromDat = (await ReadDatAsync("fidelity", House2))[0];

        // CSV with the parent only; CSV with the parent and a subitem column that disagrees (the parent wins); CSV
        // with the subitem only (the file's own value is kept); .xlsx; .csdb (its own subitem columns are ignored).
        var parentOnly = await ReadCsvAsync(pack, "HHID,P319,P319R,VISIT,NAME,TAG\n2,1,7,20240566,Zoë,k\n");
        var both = await ReadCsvAsync(pack, "HHID,P319,P319R,VISIT,VISIT_DAY,NAME,TAG\n2,1,7,20240566,12,Zoë,k\n");
        var subitemOnly = await ReadCsvAsync(pack, "HHID,P319,P319R,VISIT_DAY,NAME,TAG\n2,1,7,66,Zoë,k\n");
        await using var xlsx = await ExcelExportReader.CreateAsync(
            Fixture.Bytes(XlsxBuilder.Build(("HOUSE_REC", [["HHID", "P319", "P319R", "VISIT", "NAME", "TAG"], [2, 1, 7, 20240566, "Zoë", "k"]]))), "export.xlsx", pack);
        var fromXlsx = (await Fixture.ReadAllAsync(xlsx))[0];
        var fromCsdb = await ReadCsdbAsync(pack, new Dictionary<string, string?> { ["P319"] = "1", ["P319R"] = "7", ["VISIT"] = "20240566", ["VISIT_DAY"] = "12", ["NAME"] = "Zoë", ["TAG"] = "k" });

        foreach (var row in new[] { fromDat, parentOnly, both, fromXlsx, fromCsdb })
        {
            Assert.Equal(("2024", "05", "66"), (row.Field("VISIT_YEAR"), row.Field("VISIT_MONTH"), row.Field("VISIT_DAY")));
        }

        Assert.Equal((null, null, "66"), (subitemOnly.Field("VISIT_YEAR"), subitemOnly.Field("VISIT_MONTH"), subitemOnly.Field("VISIT_DAY")));
    }

    [Fact]
    public async Task Read_ThreeLevelTestCsdb_SubitemsCutFromParentsEqualCsprosOwnSubitemColumns()
    {
        // The real .csdb stores each subitem in its own column as CSPro computed it: the reader, which cuts subitems
        // from the parent, must get the same values (DEFAULT, 1e52, where the parent's text is not a number).
        var pack = await Fixture.PackAsync("three-level");
        await using var file = Fixture.Open("csdb", "ThreeLevelTest.csdb");
        await using var reader = await CsproDbReader.CreateAsync(file, "ThreeLevelTest.csdb", pack);
        var person = (await Fixture.ReadAllAsync(reader)).Single(r => r.Layout.Record.Name == "PERSON_REC");

        var stored = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        using (var connection = new SqliteConnection($"Data Source={Fixture.Path("csdb", "ThreeLevelTest.csdb")};Mode=ReadOnly;Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT * FROM person_rec";
            using var rows = command.ExecuteReader();
            Assert.True(rows.Read());
            for (var i = 0; i < rows.FieldCount; i++)
            {
                stored[rows.GetName(i).Replace('(', '_').TrimEnd(')')] = rows.IsDBNull(i) ? null : rows.GetValue(i);
            }
        }

        var subitems = person.Layout.Columns.Where(c => c.Subitem is not null).ToList();
        Assert.Equal(13, subitems.Count);
        foreach (var column in subitems)
        {
            var csPro = stored[column.Name] switch
            {
                null => null,
                double d when d > 1e50 => "*", // DEFAULT: the parent's text here is '*'
                var v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture),
            };
            var ours = person.Field(column.Name);
            Assert.True(csPro == ours || (ours is not null && csPro is not null && long.Parse(ours, System.Globalization.CultureInfo.InvariantCulture).ToString(System.Globalization.CultureInfo.InvariantCulture) == csPro), $"{column.Name}: CSPro stored '{csPro}', the reader cut '{ours}'");
        }
    }

    [Theory]
    [InlineData("fidelity")]
    [InlineData("fidelity-json")]
    public async Task Read_AlphaWithLeadingBlank_KeepsIt_AndDropsOnlyTrailingBlanks(string pack)
    {
        var rows = await ReadDatAsync(pack, House1, House2);

        Assert.Equal([" k", "Zoë"], rows.Select(r => r.Field("NAME")));
        Assert.Equal([" k", "k"], rows.Select(r => r.Field("TAG")));
        var cells = new CellValue[rows[0].Layout.Columns.Count];
        var issues = new List<RowIssue>();
        new RowValidator(rows[0].Layout).Validate(rows[0], cells, issues, out _);
        Assert.Empty(issues); // ' k' is a code of TAG_VS1, distinct from 'k'
        Assert.Equal((" k", " k"), (cells[rows[0].Layout.IndexOf("NAME")].Text, cells[rows[0].Layout.IndexOf("TAG")].Text));
    }

    [Fact]
    public async Task Read_AlphaWithLeadingBlank_InCsvXlsxAndCsdb_KeepsIt()
    {
        var pack = await Fixture.PackAsync("fidelity");
        var csv = await ReadCsvAsync(pack, "HHID,NAME,TAG\n1,\" k  \", k\n");
        await using var xlsx = await ExcelExportReader.CreateAsync(Fixture.Bytes(XlsxBuilder.Build(("HOUSE_REC", [["HHID", "NAME", "TAG"], [1, " k  ", " k"]]))), "export.xlsx", pack);
        var fromXlsx = (await Fixture.ReadAllAsync(xlsx))[0];
        var fromCsdb = await ReadCsdbAsync(pack, new Dictionary<string, string?> { ["NAME"] = " k", ["TAG"] = " k" });

        foreach (var row in new[] { csv, fromXlsx, fromCsdb })
        {
            var cells = new CellValue[row.Layout.Columns.Count];
            var issues = new List<RowIssue>();
            new RowValidator(row.Layout).Validate(row, cells, issues, out _);
            Assert.Empty(issues);
            Assert.Equal((" k", " k"), (cells[row.Layout.IndexOf("NAME")].Text, cells[row.Layout.IndexOf("TAG")].Text));
        }
    }

    private static async Task<SourceRow> ReadCsvAsync(SurveyPack pack, string csv)
    {
        await using var reader = await DelimitedExportReader.CreateAsync(Fixture.Bytes(Encoding.UTF8.GetBytes(csv)), "HOUSE_REC.csv", ',', pack, default);
        return Assert.Single(await Fixture.ReadAllAsync(reader));
    }

    private static async Task<SourceRow> ReadCsdbAsync(SurveyPack pack, Dictionary<string, string?> values)
    {
        using var folder = new Fixture.TempFolder();
        var path = folder.File("fidelity.csdb");
        var node = new TestNode(0, new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase) { ["HHID"] = "2" });
        node.Records.Add(new TestRecord(pack.Dictionary.FindRecord("HOUSE_REC")!, new Dictionary<string, string?>(values, StringComparer.OrdinalIgnoreCase)));
        CsdbWriter.Write(path, pack.Dictionary, FidelityText, [node]);
        await using var reader = await CsproDbReader.CreateAsync(File.OpenRead(path), "fidelity.csdb", pack);
        return Assert.Single(await Fixture.ReadAllAsync(reader));
    }

    /// <summary>A copy of the fidelity pack in a temporary folder, to be edited by the test.</summary>
    private static Fixture.TempFolder CopyFidelityPack()
    {
        var folder = new Fixture.TempFolder();
        var source = Fixture.Path("packs", "fidelity");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(folder.FolderPath, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return folder;
    }

    /// <summary>The fidelity pack with <c>personalData</c> holding <paramref name="personalData"/> instead of its own list.</summary>
    private static async Task<SurveyPack> FidelityPackWithPersonalDataAsync(string personalData)
    {
        using var folder = CopyFidelityPack();
        var manifest = Path.Combine(folder.FolderPath, "pack.yaml");
        var text = (await File.ReadAllTextAsync(manifest)).ReplaceLineEndings("\n");
        Assert.Contains("  drop: [PHONE]\n", text, StringComparison.Ordinal);
        await File.WriteAllTextAsync(manifest, text.Replace("  drop: [PHONE]\n", $"  {personalData}\n", StringComparison.Ordinal));
        return await SurveyPack.LoadAsync(folder.FolderPath);
    }

    private static string?[] Fields(SourceRow row, int from) => row.Fields.Skip(from).ToArray();

    /// <summary>A survey pack around the value-processor dictionary, loaded from a temporary folder.</summary>
    private static async Task<SurveyPack> PackOfAsync(DataDictionary dictionary)
    {
        var folder = Directory.CreateTempSubdirectory("value-processor-").FullName;
        File.Copy(Fixture.Path("dictionaries", "value-processor.v81-json.dcf"), Path.Combine(folder, "VP.dcf"));
        Directory.CreateDirectory(Path.Combine(folder, "design"));
        File.Copy(Fixture.Path("packs", "household", "design", "strata.csv"), Path.Combine(folder, "design", "strata.csv"));
        File.Copy(Fixture.Path("packs", "household", "indicators.yaml"), Path.Combine(folder, "indicators.yaml"));
        await File.WriteAllTextAsync(Path.Combine(folder, "pack.yaml"), $"""
            id: value-processor
            title: {dictionary.Label}
            dictionary: VP.dcf
            design:
              strata: design/strata.csv
              stratumItems: []
            personalData:
              drop: []
            indicators: indicators.yaml
            """);
        try
        {
            return await SurveyPack.LoadAsync(folder);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
