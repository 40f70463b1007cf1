using Pipeline.Core.Dictionary;

namespace Pipeline.Readers.Tests;

/// <summary>
/// A dictionary in two languages keeps every label in each (#19): "English|Spanish" in the text .dcf, one
/// <c>labels[{text, language}]</c> entry per language in CSPro 8 JSON; <c>Label</c> stays the first language's text.
/// </summary>
public class DictionaryLanguagesTests
{
    private const string Text = """
        [Dictionary]
        Name=CROPS_DICT
        Label=Crop survey|Encuesta de cultivos
        RecordTypeStart=1
        RecordTypeLen=1

        [Languages]
        EN=English
        ES=Spanish

        [Level]
        Name=CROPS_LEVEL
        Label=Crop level|Nivel de cultivos

        [IdItems]

        [Item]
        Label=Case id|Id del caso
        Name=CASE_ID
        Start=2
        Len=3

        [Record]
        Label=Crop record|Registro de cultivos
        Name=CROP_REC
        RecordTypeValue='1'

        [Item]
        Label=Main crop|Cultivo principal
        Name=CROP
        Start=5
        Len=1

        [ValueSet]
        Label=Main crop|Cultivo principal
        Name=CROP_VS1
        Value=1;Coffee|Café
        Value=2;Cacao
        Value=9;Don't know|No sabe
        Name=MISSING,Special
        """;

    private const string Json = """
        {
          "software": "CSPro", "version": 8.0, "fileType": "dictionary",
          "name": "CROPS_DICT",
          "labels": [ { "text": "Encuesta de cultivos", "language": "ES" }, { "text": "Crop survey", "language": "EN" } ],
          "languages": [ { "name": "EN", "label": "English" }, { "name": "ES", "label": "Spanish" } ],
          "recordType": { "start": 1, "length": 1 },
          "relativePositions": false,
          "levels": [ {
            "name": "CROPS_LEVEL",
            "labels": [ { "text": "Crop level", "language": "EN" }, { "text": "Nivel de cultivos", "language": "ES" } ],
            "ids": { "items": [ { "name": "CASE_ID", "labels": [ { "text": "Case id", "language": "EN" }, { "text": "Id del caso", "language": "ES" } ],
                                  "contentType": "numeric", "start": 2, "length": 3, "zeroFill": false } ] },
            "records": [ {
              "name": "CROP_REC", "recordType": "1",
              "labels": [ { "text": "Crop record", "language": "EN" }, { "text": "Registro de cultivos", "language": "ES" } ],
              "occurrences": { "required": true, "maximum": 1 },
              "items": [ {
                "name": "CROP", "labels": [ { "text": "Main crop", "language": "EN" }, { "text": "Cultivo principal", "language": "ES" } ],
                "contentType": "numeric", "start": 5, "length": 1, "zeroFill": false,
                "valueSets": [ {
                  "name": "CROP_VS1",
                  "labels": [ { "text": "Main crop", "language": "EN" }, { "text": "Cultivo principal", "language": "ES" } ],
                  "values": [
                    { "labels": [ { "text": "Café", "language": "ES" }, { "text": "Coffee", "language": "EN" } ], "pairs": [ { "value": "1" } ] },
                    { "labels": [ { "text": "Cacao", "language": "EN" } ], "pairs": [ { "value": "2" } ] },
                    { "labels": [ { "text": "Don't know", "language": "EN" }, { "text": "No sabe", "language": "ES" } ], "pairs": [ { "value": "9" } ], "special": "MISSING" }
                  ]
                } ]
              } ]
            } ]
          } ]
        }
        """;

    [Fact]
    public void Parse_TextWithTwoLanguages_KeepsEveryLabelInEachLanguage()
    {
        var dictionary = TextDictionaryReader.Parse(Text, "crops.dcf");

        AssertTwoLanguages(dictionary);
    }

    [Fact]
    public void Parse_JsonWithTwoLanguages_KeepsEveryLabelInTheDictionarysLanguageOrder()
    {
        var dictionary = JsonDictionaryReader.Parse(Json, "crops.json.dcf");

        AssertTwoLanguages(dictionary);
    }

    [Fact]
    public void LanguageIndex_CodeInAnyCase_FindsTheLanguageAndMinusOneForAnother()
    {
        var dictionary = TextDictionaryReader.Parse(Text, "crops.dcf");

        Assert.Equal((0, 1, 1, -1), (dictionary.LanguageIndex("EN"), dictionary.LanguageIndex("es"), dictionary.LanguageIndex("Es"), dictionary.LanguageIndex("fr")));
        Assert.Equal("Coffee", dictionary.FindItem("CROP")!.PrimaryValueSet!.Values[0].LabelIn(-1)); // an unknown language shows the first
    }

    [Fact]
    public void Parse_TextWithoutLanguages_HasOneLabelPerElement()
    {
        var dictionary = TextDictionaryReader.Parse(Text.Replace("[Languages]\nEN=English\nES=Spanish\n", string.Empty, StringComparison.Ordinal).Replace("|Café", string.Empty, StringComparison.Ordinal), "one.dcf");

        Assert.Empty(dictionary.Languages);
        Assert.Equal("Coffee", dictionary.FindItem("CROP")!.PrimaryValueSet!.Values[0].LabelIn(0));
    }

    private static void AssertTwoLanguages(DataDictionary dictionary)
    {
        Assert.Equal(["EN", "ES"], dictionary.Languages);
        Assert.Equal(("Crop survey", "Encuesta de cultivos"), (dictionary.Label, dictionary.LabelIn(1)));
        Assert.Equal(["Crop level", "Nivel de cultivos"], dictionary.Levels[0].Labels);
        Assert.Equal(["Case id", "Id del caso"], dictionary.FindItem("CASE_ID")!.Labels);
        var record = dictionary.FindRecord("CROP_REC")!;
        Assert.Equal(("Crop record", "Registro de cultivos"), (record.Label, record.LabelIn(1)));
        var item = dictionary.FindItem("CROP")!;
        Assert.Equal(("Main crop", "Cultivo principal"), (item.Label, item.LabelIn(1)));
        var values = item.PrimaryValueSet!;
        Assert.Equal(["Main crop", "Cultivo principal"], values.Labels);
        Assert.Equal(["Coffee", "Cacao", "Don't know"], values.Values.Select(v => v.Label));
        // "Cacao" has no Spanish text: the first language's shows, as CSPro shows it.
        Assert.Equal(["Café", "Cacao", "No sabe"], values.Values.Select(v => v.LabelIn(1)));
        Assert.Equal("MISSING", values.Values[2].Special);
        Assert.Equal(["Café"], values.Values[0].OtherLanguages); // still there for matching typed answers
    }
}
