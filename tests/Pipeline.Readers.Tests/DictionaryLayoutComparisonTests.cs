using Microsoft.Data.Sqlite;
using Pipeline.Core.Dictionary;
using Pipeline.Readers.Tests.Support;

namespace Pipeline.Readers.Tests;

/// <summary>
/// The layout comparison of a dictionary that comes with the data (a zip's .dcf, a .csdb's meta.dictionary) with the
/// survey pack's: differences that change how a file is read are named, the first one in dictionary order; labels and
/// the encoding (text or JSON) are not differences.
/// </summary>
public sealed class DictionaryLayoutComparisonTests
{
    private static string HouseholdText => File.ReadAllText(Fixture.Path("packs", "household", "dictionary", "HOUSEHOLD.dcf"));

    private static DataDictionary Household(Func<string, string>? edit = null) =>
        DictionaryReader.Parse((edit ?? (t => t))(HouseholdText), "HOUSEHOLD.dcf");

    [Fact]
    public void FirstDifference_SameDictionary_IsNone() =>
        Assert.Null(DictionaryLayoutComparison.FirstDifference(Household(), Household()));

    [Fact]
    public void FirstDifference_TextAndJsonOfTheSameDictionary_IsNone()
    {
        // CSPro's IDB Population Data dictionary, saved by CSPro 7.0 (text) and re-saved by CSPro 8.0 (JSON).
        var text = Fixture.Dictionary("idb-population-data.v70-text.dcf");
        var json = Fixture.Dictionary("idb-population-data.v80-json.dcf");

        Assert.Null(DictionaryLayoutComparison.FirstDifference(json, text));
    }

    [Fact]
    public void FirstDifference_LabelsAndValueSetsChanged_IsNone()
    {
        var relabelled = Household(t => t.Replace("Label=", "Label=New ", StringComparison.Ordinal).Replace("Value=1;", "Value=1;Other ", StringComparison.Ordinal));

        Assert.Null(DictionaryLayoutComparison.FirstDifference(relabelled, Household()));
    }

    [Fact]
    public void FirstDifference_ItemMoved_NamesRecordItemAndBothStarts()
    {
        var moved = Household(t => t.Replace("Name=SEX\r\nStart=10", "Name=SEX\r\nStart=11", StringComparison.Ordinal).Replace("Name=SEX\nStart=10", "Name=SEX\nStart=11", StringComparison.Ordinal));

        Assert.Equal(
            "record PERSON_REC: item SEX starts at 11 in the bundled dictionary, 10 in the pack's",
            DictionaryLayoutComparison.FirstDifference(moved, Household()));
    }

    [Theory]
    [InlineData("RecordTypeValue='P'", "RecordTypeValue='Q'", "record PERSON_REC: its record type is 'Q' in the bundled dictionary, 'P' in the pack's")]
    [InlineData("Name=LINE", "Name=LINE_NO", "record PERSON_REC: item 1 is LINE_NO in the bundled dictionary, LINE in the pack's")]
    [InlineData("RecordTypeStart=1", "RecordTypeStart=2", "the record type is in columns 2-2 in the bundled dictionary, columns 1-1 in the pack's")]
    public void FirstDifference_LayoutChanged_NamesIt(string from, string to, string expected)
    {
        var changed = Household(t => t.Replace(from, to, StringComparison.Ordinal));

        Assert.Equal(expected, DictionaryLayoutComparison.FirstDifference(changed, Household()));
    }

    [Fact]
    public async Task Create_CsdbWhoseOwnDictionaryHasAnotherLayout_IsRejectedNamingTheFirstDifference()
    {
        using var folder = new Fixture.TempFolder();
        var path = folder.File("moved.csdb");
        File.Copy(Fixture.Path("csdb", "ThreeLevelTest.csdb"), path);
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            CsdbWriter.Execute(connection, "UPDATE meta SET dictionary = replace(dictionary, 'Name=LONGITUDE' || char(13) || char(10) || 'Start=33', 'Name=LONGITUDE' || char(13) || char(10) || 'Start=34')");
        }

        var error = await Fixture.FileErrorAsync(async () =>
        {
            await using var file = File.OpenRead(path);
            await using var reader = await Core.Readers.CsproDbReader.CreateAsync(file, "moved.csdb", await Fixture.PackAsync("three-level"));
        });

        Assert.Equal(
            "moved.csdb: the file was written with a dictionary whose layout is not survey 'three-level''s (dictionary/THREE_LEVEL.dcf): record COMPOUND_INFO_REC: item LONGITUDE starts at 34 in the file's dictionary (meta.dictionary), 33 in the pack's. Upload data entered with the survey's dictionary; if the questionnaire changed, update the survey pack's dictionary (and its rules) first.",
            error.Message);
    }

    [Fact]
    public async Task Create_CsdbWithItsOwnDictionary_IsRead()
    {
        await using var file = File.OpenRead(Fixture.Path("csdb", "ThreeLevelTest.csdb"));
        await using var reader = await Core.Readers.CsproDbReader.CreateAsync(file, "ThreeLevelTest.csdb", await Fixture.PackAsync("three-level"));

        Assert.Equal(1, reader.Cases);
    }
}
