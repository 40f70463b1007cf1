using Pipeline.Core.Dictionary;
using Pipeline.Core.Packs;
using Pipeline.Tests.Support;
using Sylvan.Data.Csv;

namespace Pipeline.Tests.Packs;

/// <summary>The Peru pack against CSPro's structural rules and against the questionnaire (Annex D).</summary>
public sealed class PeruPackTests
{
    private static readonly string MapFile = Path.Combine(RepoPaths.PeruPack, "dictionary", "questionnaire-map.csv");

    // Every numbered question of Annex D: the cover (A.1–A.5, B.1–B.8, C.1–C.5) and questions 1 to 48.
    private static readonly string[] AnnexDQuestions =
        [.. new[] { "A.1", "A.2", "A.3", "A.4", "A.5", "B.1", "B.2", "B.3", "B.4", "B.5", "B.6", "B.7", "B.8", "C.1", "C.2", "C.3", "C.4", "C.5" },
         .. Enumerable.Range(1, 48).Select(q => q.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    [Fact]
    public async Task Dictionary_PeruPack_BreaksNoCsproStructuralRule()
    {
        var dictionary = await DictionaryReader.ReadFileAsync(Path.Combine(RepoPaths.PeruPack, "dictionary", "PERU_ALLIANCES.dcf"));

        Assert.Empty(DictionaryChecks.Problems(dictionary));
        Assert.Equal(6, dictionary.Records.Count());
    }

    [Fact]
    public void DictionaryChecks_BrokenDictionary_ReportsEveryKindOfProblem()
    {
        const string text = """
            [Dictionary]
            Name=D
            RecordTypeStart=1
            RecordTypeLen=1
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
            Name=A
            Start=3
            Len=2
            [Item]
            Name=B
            Start=5
            Len=1
            [ValueSet]
            Name=B_VS1
            Value=1;Yes
            Value=10;Too wide
            [Item]
            Name=A
            Start=6
            Len=1
            """;

        var problems = DictionaryChecks.Problems(TextDictionaryReader.Parse(text, "broken.dcf"));

        Assert.Contains(problems, p => p.Contains("A starts at column 3, inside the record type or IDs", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("code '10', which does not fit", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("the name A is used 2 times", StringComparison.Ordinal));
    }

    [Fact]
    public async Task QuestionnaireMap_CoversEveryNumberedQuestionAndEveryItem()
    {
        var dictionary = await DictionaryReader.ReadFileAsync(Path.Combine(RepoPaths.PeruPack, "dictionary", "PERU_ALLIANCES.dcf"));
        var rows = await ReadMapAsync();

        var questions = rows.Select(r => r.Question).ToHashSet(StringComparer.Ordinal);
        var missing = AnnexDQuestions.Where(q => !questions.Contains(q)).ToList();
        Assert.True(missing.Count == 0, $"questions of Annex D missing from the map: {string.Join(", ", missing)}");

        var mapped = rows.SelectMany(r => r.Items).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var unknown = mapped.Where(i => dictionary.FindItem(i) is null).ToList();
        Assert.True(unknown.Count == 0, $"the map names items the dictionary lacks: {string.Join(", ", unknown)}");

        var allItems = dictionary.Levels.SelectMany(l => l.IdItems.Concat(l.Records.SelectMany(r => r.Items))).Select(i => i.Name);
        var unmapped = allItems.Where(i => !mapped.Contains(i)).ToList();
        Assert.True(unmapped.Count == 0, $"dictionary items with no question in the map: {string.Join(", ", unmapped)}");

        var emptyRows = rows.Where(r => r.Items.Count == 0).Select(r => $"{r.Question} {r.SubQuestion}").ToList();
        Assert.True(emptyRows.Count == 0, $"questions listed with no item: {string.Join(", ", emptyRows)}");
    }

    [Fact]
    public async Task QuestionnaireMap_RecordColumnMatchesWhereEachItemLives()
    {
        var dictionary = await DictionaryReader.ReadFileAsync(Path.Combine(RepoPaths.PeruPack, "dictionary", "PERU_ALLIANCES.dcf"));
        var recordOf = dictionary.Records.SelectMany(r => r.Items.Select(i => (i.Name, r.Name))).ToDictionary(x => x.Item1, x => x.Item2, StringComparer.OrdinalIgnoreCase);

        foreach (var row in await ReadMapAsync())
        {
            foreach (var item in row.Items)
            {
                var expected = recordOf.TryGetValue(item, out var record) ? record : "ID";
                Assert.True(expected == row.Record, $"map row {row.Question} {row.SubQuestion}: {item} is in {expected}, not {row.Record}");
            }
        }
    }

    [Fact]
    public async Task SurveyPack_Peru_LoadsWithItsIndicatorsAndStrata()
    {
        var pack = await SurveyPack.LoadAsync(RepoPaths.PeruPack);

        Assert.Equal(8, pack.Strata.Count);
        Assert.Equal(7839 + 15674, pack.Strata.Sum(s => s.Universe));
        Assert.Equal(565, pack.Strata.Sum(s => s.PlannedSample));
        Assert.True(pack.IsPersonal("B1_NAME"));
        Assert.True(pack.IsPersonal("C3_SURVEYOR"));
    }

    private sealed record MapRow(string Question, string SubQuestion, string Record, IReadOnlyList<string> Items);

    private static async Task<List<MapRow>> ReadMapAsync()
    {
        var rows = new List<MapRow>();
        using var text = File.OpenText(MapFile);
        await using var csv = await CsvDataReader.CreateAsync(text);
        while (await csv.ReadAsync())
        {
            rows.Add(new MapRow(csv.GetString(0), csv.GetString(1), csv.GetString(2), csv.GetString(3).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
        }

        return rows;
    }
}
