using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Core.Dictionary;
using Pipeline.Core.Readers;
using Pipeline.Readers.Tests.Support;

namespace Pipeline.Readers.Tests;

public class DictionaryReaderTests
{
    [Fact]
    public void Parse_IdbTextAndJsonPair_GiveEqualModelsWithItemStarts()
    {
        var text = Fixture.Dictionary("idb-population-data.v70-text.dcf");
        var json = Fixture.Dictionary("idb-population-data.v80-json.dcf");

        Assert.Equal(DictionaryCanon.Of(text), DictionaryCanon.Of(json));
        var agesex = json.FindRecord("AGESEX_POPULATION_REC")!;
        Assert.Equal([4, 8, 9], agesex.Items.Select(i => i.Start));
        Assert.Equal(101, agesex.Items[2].Occurrences);
        Assert.Equal([4, 39], json.FindRecord("COUNTRY_METADATA_REC")!.Items.Select(i => i.Start));
        Assert.Equal("CSPro 8.0", json.Version);
    }

    [Fact]
    public void Parse_KenyaCensusTextDictionary_LoadsEveryRecordAndItem()
    {
        var kenya = Fixture.Dictionary("kenya-census-2019_CensusMainShortForm.dcf");

        Assert.Equal("CENSUS_MAIN_DICT", kenya.Name);
        Assert.Equal(9, kenya.Records.Count());
        Assert.Equal(2, kenya.RecordTypeLength);
        Assert.Equal(3, kenya.Records.Count(r => r.MaxRecords > 1));
        Assert.Equal(3, kenya.Records.SelectMany(r => r.Items).Count(i => i.IsSubitem));
        Assert.Contains(kenya.Records.SelectMany(r => r.Items), i => i.ValueSets.Any(v => v.Values.Any(x => x.Special == "NOTAPPL")));
    }

    [Fact]
    public async Task ReadEmbeddedDictionary_ThreeLevelTestCsdb_LoadsThreeLevelsWithSpecialValues()
    {
        await using var file = Fixture.Open("csdb", "ThreeLevelTest.csdb");
        var dictionary = await CsproDbReader.ReadEmbeddedDictionaryAsync(file, "ThreeLevelTest.csdb");

        Assert.Equal(3, dictionary.Levels.Count);
        Assert.Equal(["COMPOUND_INFO_REC", "HOUSING_UNIT_REC", "HOUSEHOLD_REC", "PERSON_REC"], dictionary.Records.Select(r => r.Name));
        var sex = dictionary.FindItem("P03_SEX")!;
        Assert.Equal(["MISSING", "REFUSED"], sex.PrimaryValueSet!.Values.Where(v => v.Special is not null).Select(v => v.Special));
        Assert.Equal(18, dictionary.FindItem("LATITUDE")!.Start);
    }

    [Fact]
    public void Parse_ThreeLevelDictionaryConvertedToRelativeJson_ComputesStartsAfterAllLevelIds()
    {
        // The ThreeLevelTest dictionary, written as CSPro 8 writes JSON with relative positions (no record-item starts).
        var text = DictionaryReader.Parse(File.ReadAllText(Fixture.Path("packs", "three-level", "dictionary", "THREE_LEVEL.dcf")), "THREE_LEVEL.dcf");
        var json = ToRelativeJson(text);

        var parsed = JsonDictionaryReader.Parse(json, "three-level.json");

        Assert.Equal(DictionaryCanon.Of(text), DictionaryCanon.Of(parsed));
    }

    [Fact]
    public void Parse_JsonItemWithoutZeroFill_TakesDefaultsZeroFill()
    {
        var json = """
            { "fileType": "dictionary", "name": "D", "recordType": { "start": 1, "length": 1 },
              "defaults": { "decimalMark": true, "zeroFill": true }, "relativePositions": true,
              "levels": [ { "name": "L", "ids": { "items": [ { "name": "ID", "contentType": "numeric", "start": 2, "length": 3 } ] },
                "records": [ { "name": "R", "recordType": "1", "occurrences": { "required": true, "maximum": 1 },
                  "items": [ { "name": "A", "contentType": "numeric", "length": 4, "decimals": 1 },
                             { "name": "B", "contentType": "numeric", "length": 2, "zeroFill": false },
                             { "name": "C", "contentType": "alpha", "length": 5 },
                             { "name": "C1", "contentType": "alpha", "subitem": true, "subitemOffset": 2, "length": 2 },
                             { "name": "PHOTO", "contentType": "Image", "length": 1 },
                             { "name": "E", "contentType": "numeric", "length": 1 } ] } ] } ] }
            """;

        var record = JsonDictionaryReader.Parse(json, "d.dcf").FindRecord("R")!;

        Assert.Equal(["A", "B", "C", "C1", "E"], record.Items.Select(i => i.Name));
        Assert.Equal([5, 9, 11, 13, 17], record.Items.Select(i => i.Start)); // PHOTO (binary) takes column 16, as in CSPro
        Assert.True(record.Items[0].ZeroFill);
        Assert.True(record.Items[0].DecimalChar);
        Assert.False(record.Items[1].ZeroFill);
        Assert.False(record.Items[2].ZeroFill);
        Assert.True(record.Items[3].IsSubitem);
    }

    [Fact]
    public void Parse_TextWithBomOrJson_DispatchesOnFirstCharacter()
    {
        var text = DictionaryReader.Parse(File.ReadAllText(Fixture.Path("dictionaries", "idb-population-data.v70-text.dcf")), "a.dcf");
        var json = DictionaryReader.Parse("\uFEFF  \r\n" + File.ReadAllText(Fixture.Path("dictionaries", "idb-population-data.v80-json.dcf")), "b.dcf");

        Assert.Equal(text.Name, json.Name);
    }

    [Fact]
    public async Task ReadAsync_Windows1252TextDictionary_DecodesLabels()
    {
        var text = "[Dictionary]\r\nName=D\r\nLabel=Enquête ménage\r\nRecordTypeStart=0\r\nRecordTypeLen=0\r\n[Level]\r\nName=L\r\n[IdItems]\r\n[Item]\r\nName=ID\r\nStart=1\r\nLen=2\r\n[Record]\r\nName=R\r\n[Item]\r\nName=X\r\nStart=3\r\nLen=1\r\n";
        var bytes = Encoding.Latin1.GetBytes(text);

        var dictionary = await DictionaryReader.ReadAsync(new MemoryStream(bytes), "ansi.dcf");

        Assert.Equal("Enquête ménage", dictionary.Label);
    }

    // ---- malformed dictionaries ----
    [Fact]
    public void Parse_JsonWithoutLevels_NamesFileLineAndProblem()
    {
        var json = "{\n  \"software\": \"CSPro\",\n  \"fileType\": \"dictionary\",\n  \"name\": \"D\",\n  \"levels\": []\n}";

        var error = Assert.Throws<DictionaryFormatException>(() => JsonDictionaryReader.Parse(json, "nolevels.dcf"));

        Assert.Equal("nolevels.dcf", error.File);
        Assert.Equal(5, error.Line);
        Assert.Contains("nolevels.dcf, line 5", error.Message, StringComparison.Ordinal);
        Assert.Contains("no levels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InvalidJson_ReportsLineAndColumnFromJsonReader()
    {
        var json = "{\n  \"fileType\": \"dictionary\",\n  \"name\": \"D\"\n  \"levels\": []\n}";

        var error = Assert.Throws<DictionaryFormatException>(() => DictionaryReader.Parse(json, "broken.dcf"));

        Assert.Equal(4, error.Line);
        Assert.Contains("broken.dcf, line 4: column 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("not valid", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_JsonItemWithoutLength_NamesItemPathAndLine()
    {
        var json = "{ \"fileType\": \"dictionary\", \"name\": \"D\", \"relativePositions\": true,\n"
            + "\"levels\": [ { \"name\": \"L\", \"ids\": { \"items\": [ { \"name\": \"ID\", \"contentType\": \"numeric\", \"start\": 1, \"length\": 2 } ] },\n"
            + "\"records\": [ { \"name\": \"R\", \"items\": [\n"
            + "  { \"name\": \"AGE\", \"contentType\": \"numeric\" } ] } ] } ] }";

        var error = Assert.Throws<DictionaryFormatException>(() => JsonDictionaryReader.Parse(json, "nolength.dcf"));

        Assert.Equal(4, error.Line);
        Assert.Contains("levels[0].records[0].items[0]", error.Message, StringComparison.Ordinal);
        Assert.Contains("\"length\" is missing (in 'AGE')", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_JsonUnknownContentType_NamesItemAndType()
    {
        var json = "{ \"name\": \"D\", \"levels\": [ { \"name\": \"L\", \"ids\": { \"items\": [ { \"name\": \"ID\", \"contentType\": \"Video\", \"start\": 1, \"length\": 2 } ] } } ] }";

        var error = Assert.Throws<DictionaryFormatException>(() => JsonDictionaryReader.Parse(json, "video.dcf"));

        Assert.Contains("levels[0].ids.items[0] ('ID'): contentType 'Video' is unknown", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_JsonOfAnotherCsproFileType_SaysWhatItIs()
    {
        var error = Assert.Throws<DictionaryFormatException>(() => DictionaryReader.Parse("{ \"software\": \"CSPro\", \"fileType\": \"application\" }", "app.ent"));

        Assert.Contains("fileType is 'application'; expected 'dictionary'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TextWithUnknownSection_NamesLineAndSection()
    {
        var text = "\uFEFF[Dictionary]\r\nName=D\r\n[Levle]\r\nName=L\r\n";

        var error = Assert.Throws<DictionaryFormatException>(() => DictionaryReader.Parse(text, "typo.dcf"));

        Assert.Equal(3, error.Line);
        Assert.Contains("typo.dcf, line 3: unknown section [Levle]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NeitherTextNorJson_SaysWhatADictionaryStartsWith()
    {
        var error = Assert.Throws<DictionaryFormatException>(() => DictionaryReader.Parse("ID,NAME\r\n1,2\r\n", "data.csv"));

        Assert.Contains("data.csv, line 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("starts with 'I'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EmptyDictionary_SaysEmpty()
    {
        var error = Assert.Throws<DictionaryFormatException>(() => DictionaryReader.Parse("\uFEFF  ", "empty.dcf"));

        Assert.Contains("empty.dcf, line 1: the dictionary is empty", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Writes a dictionary as CSPro 8 JSON with relative positions: record items without "start".</summary>
    private static string ToRelativeJson(DataDictionary d)
    {
        static JsonArray Labels(string label) => [new JsonObject { ["text"] = label }];
        JsonObject Item(DictionaryItem i, bool withStart, DictionaryItem? parent)
        {
            var o = new JsonObject { ["name"] = i.Name, ["labels"] = Labels(i.Label) };
            if (i.Occurrences > 1)
            {
                o["occurrences"] = new JsonObject { ["maximum"] = i.Occurrences };
            }

            o["contentType"] = i.DataType == ItemDataType.Numeric ? "numeric" : "alpha";
            if (i.IsSubitem)
            {
                o["subitem"] = true;
            }

            if (withStart)
            {
                o["start"] = i.Start;
            }

            if (i.IsSubitem)
            {
                o["subitemOffset"] = i.Start - parent!.Start;
            }

            o["length"] = i.Length;
            if (i.DataType == ItemDataType.Numeric)
            {
                if (i.Decimals > 0)
                {
                    o["decimals"] = i.Decimals;
                    o["decimalMark"] = i.DecimalChar;
                }

                o["zeroFill"] = i.ZeroFill;
            }

            if (i.ValueSets.Count > 0)
            {
                o["valueSets"] = new JsonArray(i.ValueSets.Select(vs => (JsonNode)new JsonObject
                {
                    ["name"] = vs.Name,
                    ["labels"] = Labels(vs.Label),
                    ["values"] = new JsonArray(vs.Values.Select(v =>
                    {
                        var value = new JsonObject
                        {
                            ["labels"] = Labels(v.Label),
                            ["pairs"] = new JsonArray(v.Pairs.Select(p => (JsonNode)(p.To is null ? new JsonObject { ["value"] = p.From } : new JsonObject { ["range"] = new JsonArray(p.From, p.To) })).ToArray()),
                        };
                        if (v.Special is not null)
                        {
                            value["special"] = v.Special;
                        }

                        return (JsonNode)value;
                    }).ToArray()),
                }).ToArray());
            }

            return o;
        }

        JsonArray Items(IEnumerable<DictionaryItem> items, bool withStart)
        {
            DictionaryItem? parent = null;
            var array = new JsonArray();
            foreach (var i in items)
            {
                parent = i.IsSubitem ? parent : i;
                array.Add(Item(i, withStart, parent));
            }

            return array;
        }

        var root = new JsonObject
        {
            ["software"] = "CSPro",
            ["version"] = 8.0,
            ["fileType"] = "dictionary",
            ["name"] = d.Name,
            ["labels"] = Labels(d.Label),
            ["recordType"] = new JsonObject { ["start"] = d.RecordTypeStart, ["length"] = d.RecordTypeLength },
            ["defaults"] = new JsonObject { ["decimalMark"] = true, ["zeroFill"] = false },
            ["relativePositions"] = true,
            ["levels"] = new JsonArray(d.Levels.Select(l => (JsonNode)new JsonObject
            {
                ["name"] = l.Name,
                ["labels"] = Labels(l.Label),
                ["ids"] = new JsonObject { ["items"] = Items(l.IdItems, withStart: true) },
                ["records"] = new JsonArray(l.Records.Select(r => (JsonNode)new JsonObject
                {
                    ["name"] = r.Name,
                    ["labels"] = Labels(r.Label),
                    ["recordType"] = r.RecordTypeValue,
                    ["occurrences"] = new JsonObject { ["required"] = r.Required, ["maximum"] = r.MaxRecords },
                    ["items"] = Items(r.Items, withStart: false),
                }).ToArray()),
            }).ToArray()),
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
