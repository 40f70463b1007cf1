using Pipeline.Core.Packs;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.Onboarding;

/// <summary>
/// Acceptance 8 of issue #17 (pack check): every pack error is a message with file, line, column and what to do; one
/// bad file does not hide the problems of the others; nothing crashes with a .NET exception.
/// </summary>
public sealed class PackCheckTests : IDisposable
{
    private readonly string _folder = Path.Combine(Directory.CreateTempSubdirectory("pack-check-").FullName, "tiny-survey");

    public PackCheckTests() => CopyFolder(Path.Combine(RepoPaths.FixturePacks, "tiny-survey"), _folder);

    private string Strata => Path.Combine(_folder, "design", "strata.csv");

    [Fact]
    public async Task Check_StrataMissingTheUniverseColumn_NamesFileLineColumnAndTheHeaderToWrite()
    {
        await File.WriteAllTextAsync(Strata, "stratum_id,ALLIANCE,label,planned_sample\na,1,Alliance A,4\n");

        var result = await SurveyPack.CheckAsync(_folder);

        var problem = Assert.Single(result.Problems);
        Assert.Equal($"{Strata}, line 1, column 5: column 'universe' is missing from the header (every stratum needs it). The header must have: stratum_id,label,ALLIANCE,universe,planned_sample; see docs/adding-a-survey.md, \"The strata file\".", problem);
        Assert.Null(result.Pack);
    }

    [Fact]
    public async Task Check_StrataMissingAStratumItemColumn_SaysPackYamlListsIt()
    {
        await File.WriteAllTextAsync(Strata, "stratum_id,label,universe,planned_sample\na,Alliance A,10,4\n");

        var result = await SurveyPack.CheckAsync(_folder);

        Assert.Contains($"{Strata}, line 1, column 5: column 'ALLIANCE' is missing from the header (pack.yaml lists ALLIANCE in design.stratumItems, so each stratum needs its code).", Assert.Single(result.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_NonNumericStratumCodeAndUniverse_ListsBothCellsWithLineAndColumn()
    {
        await File.WriteAllTextAsync(Strata, "stratum_id,ALLIANCE,label,universe,planned_sample\na,1,Alliance A,10,4\nb,two,Alliance B,many,3\n");

        var result = await SurveyPack.CheckAsync(_folder);

        Assert.Equal(
            [
                $"{Strata}, line 3, column 2: 'ALLIANCE' is 'two', not a whole number; write the code of ALLIANCE that selects this stratum.",
                $"{Strata}, line 3, column 4: 'universe' is 'many', not a whole number of 0 or more; write the number of units in the stratum's population (N_h).",
            ],
            result.Problems);
    }

    [Fact]
    public async Task Check_EmptyCellsAndDuplicateStratumId_AreEachAProblem()
    {
        await File.WriteAllTextAsync(Strata, "stratum_id,ALLIANCE,label,universe,planned_sample\na,1,,10,4\na,2,Alliance B,20\n");

        var result = await SurveyPack.CheckAsync(_folder);

        Assert.Equal(
            [
                $"{Strata}, line 2, column 3: 'label' is empty; fill it in.",
                $"{Strata}, line 3, column 5: 'planned_sample' is empty; write the number of cases planned in the stratum (n_h; 0 when none).",
                $"{Strata}, line 3, column 1: stratum_id 'a' is used twice; give each stratum its own id.",
            ],
            result.Problems);
    }

    [Fact]
    public async Task Check_StrataWithOnlyAHeader_SaysToWriteOneRowPerStratum()
    {
        await File.WriteAllTextAsync(Strata, "stratum_id,ALLIANCE,label,universe,planned_sample\n");

        var result = await SurveyPack.CheckAsync(_folder);

        Assert.StartsWith($"{Strata}, line 2: no strata; write one row per stratum under the header", Assert.Single(result.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_ProblemsInThreeFiles_ListsEveryOneInFileOrder()
    {
        var manifest = Path.Combine(_folder, "pack.yaml");
        await File.WriteAllTextAsync(manifest, (await File.ReadAllTextAsync(manifest)).Replace("drop: [RESPONDENT_NAME]", "drop: [RESPONDENT_NAME, NO_SUCH_NAME]", StringComparison.Ordinal));
        await File.WriteAllTextAsync(Strata, "stratum_id,ALLIANCE,label,universe,planned_sample\na,x,Alliance A,10,4\n");
        var indicators = Path.Combine(_folder, "indicators.yaml");
        await File.WriteAllTextAsync(indicators, "indicators:\n  - id: bad\n    item: [\n");

        var result = await SurveyPack.CheckAsync(_folder);

        Assert.Equal(3, result.Problems.Count);
        Assert.Equal($"{manifest}, line 10, column 27: personalData.drop names 'NO_SUCH_NAME', which is not an item of the dictionary dictionary/TINY.dcf; correct the name or remove it.", result.Problems[0]);
        Assert.StartsWith($"{Strata}, line 2, column 2: 'ALLIANCE' is 'x'", result.Problems[1], StringComparison.Ordinal);
        Assert.Matches($"^{System.Text.RegularExpressions.Regex.Escape(indicators)}, line [34], column [0-9]+: ", result.Problems[2]);
        Assert.EndsWith("Correct the YAML there (indentation, a missing ':' or an unknown key).", result.Problems[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_ManifestPointingToAMissingStrataFile_NamesTheLineOfTheKey()
    {
        var manifest = Path.Combine(_folder, "pack.yaml");
        await File.WriteAllTextAsync(manifest, (await File.ReadAllTextAsync(manifest)).Replace("design/strata.csv", "design/stratum.csv", StringComparison.Ordinal));

        var result = await SurveyPack.CheckAsync(_folder);

        Assert.Equal($"{manifest}, line 6, column 11: 'design.strata' points to design/stratum.csv, which does not exist in {_folder}; add the file or correct the path.", Assert.Single(result.Problems));
    }

    [Fact]
    public async Task Load_BrokenStrata_ThrowsSurveyPackExceptionWithEveryProblemNotAFormatException()
    {
        await File.WriteAllTextAsync(Strata, "stratum_id,ALLIANCE,label,universe,planned_sample\na,1,Alliance A,ten,4\nb,2,Alliance B,20,three\n");

        var e = await Assert.ThrowsAsync<SurveyPackException>(() => SurveyPack.LoadAsync(_folder));

        Assert.StartsWith("Survey pack 'tiny-survey' has 2 problems:", e.Message, StringComparison.Ordinal);
        Assert.Contains($"{Strata}, line 2, column 4: 'universe' is 'ten'", e.Message, StringComparison.Ordinal);
        Assert.Contains($"{Strata}, line 3, column 5: 'planned_sample' is 'three'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_IndicatorsKeyWithNothingUnderIt_IsAProblemNotANullReferenceException()
    {
        var indicators = Path.Combine(_folder, "indicators.yaml");
        await File.WriteAllTextAsync(indicators, "breakdowns:\nindicators: []\n");

        var result = await SurveyPack.CheckAsync(_folder);

        Assert.Equal($"{indicators}: a key has no value (e.g. 'breakdowns:' with nothing under it, or '- ' with nothing after it); write [] for an empty list or remove the key.", Assert.Single(result.Problems));
    }

    [Fact]
    public async Task Check_CleanPack_HasNoProblemAndLoads()
    {
        var result = await SurveyPack.CheckAsync(_folder);

        Assert.True(result.IsClean);
        Assert.Equal("tiny-survey", result.Pack!.Id);
    }

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_folder)!, recursive: true);

    internal static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
