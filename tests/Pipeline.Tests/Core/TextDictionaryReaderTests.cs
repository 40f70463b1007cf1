using Pipeline.Core.Dictionary;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.Core;

public sealed class TextDictionaryReaderTests
{
    [Fact]
    public async Task Read_PeruPackDictionary_ItemsFitTheRecordWithoutOverlap()
    {
        var dictionary = await TextDictionaryReader.ReadFileAsync(Path.Combine(RepoPaths.PeruPack, "dictionary", "PERU_ALLIANCES.dcf"));

        Assert.Equal("PERU_ALLIANCES_DICT", dictionary.Name);
        Assert.Equal(["REGION", "PROVINCE", "DISTRICT", "QUEST_NO"], dictionary.CaseIdItems.Select(i => i.Name));
        Assert.Contains(dictionary.Records, r => r.Name == "PARTICIPANT_REC");
        foreach (var record in dictionary.Records)
        {
            var spans = dictionary.CaseIdItems.Concat(record.Items.Where(i => !i.IsSubitem))
                .Select(i => (i.Name, Start: i.Start, End: i.Start + (i.Length * i.Occurrences) - 1))
                .OrderBy(s => s.Start)
                .ToList();
            Assert.Equal(dictionary.RecordTypeStart + dictionary.RecordTypeLength, spans[0].Start);
            for (var i = 1; i < spans.Count; i++)
            {
                Assert.True(spans[i].Start > spans[i - 1].End, $"{record.Name}: {spans[i].Name} overlaps {spans[i - 1].Name}");
            }
        }

        Assert.Equal(dictionary.Records.Count(), dictionary.Records.Select(r => r.RecordTypeValue).Distinct().Count());
    }

    [Fact]
    public void Parse_ValueSetWithRangesAndSpecial_KeepsCodesRangesAndMarker()
    {
        const string text = """
            [Dictionary]
            Name=D
            [Level]
            Name=L
            [IdItems]
            [Item]
            Name=ID
            Start=2
            Len=2
            [Record]
            Name=R
            RecordTypeValue='1'
            [Item]
            Name=AGE
            Start=4
            Len=3
            [ValueSet]
            Name=AGE_VS1
            Value=15:105;Age in years|Edad
            Value=999;Don't know
            Name=MISSING,Special
            """;

        var age = TextDictionaryReader.Parse(text, "inline.dcf").FindItem("AGE")!;

        var valueSet = age.PrimaryValueSet!;
        Assert.True(valueSet.ContainsNumber(15));
        Assert.True(valueSet.ContainsNumber(105));
        Assert.False(valueSet.ContainsNumber(14));
        Assert.False(valueSet.ContainsNumber(106));
        Assert.True(valueSet.ContainsNumber(999));
        Assert.Equal("Age in years", valueSet.Values[0].Label);
        Assert.Equal("MISSING", valueSet.Values[1].Special);
    }

    [Fact]
    public void Parse_ItemBeforeAnyLevel_FailsNamingFileAndLine()
    {
        var e = Assert.Throws<DictionaryFormatException>(() => TextDictionaryReader.Parse("[Dictionary]\nName=D\n[Item]\nName=X\n", "broken.dcf"));

        Assert.Contains("broken.dcf, line 3", e.Message, StringComparison.Ordinal);
        Assert.Contains("[Level]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NonNumericLength_FailsNamingKeyAndValue()
    {
        var e = Assert.Throws<DictionaryFormatException>(() => TextDictionaryReader.Parse("[Dictionary]\n[Level]\nName=L\n[IdItems]\n[Item]\nName=ID\nLen=two\n", "bad.dcf"));

        Assert.Contains("line 7", e.Message, StringComparison.Ordinal);
        Assert.Contains("Len='two'", e.Message, StringComparison.Ordinal);
    }
}
