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

    private string Manifest => Path.Combine(_folder, "pack.yaml");

    /// <summary>Gives TINY.dcf a subitem RESP_FIRST: the first 5 characters of RESPONDENT_NAME.</summary>
    private async Task AddSubitemAsync()
    {
        var dcf = Path.Combine(_folder, "dictionary", "TINY.dcf");
        await File.AppendAllTextAsync(dcf, "\r\n[Item]\r\nLabel=Respondent first name\r\nName=RESP_FIRST\r\nStart=7\r\nLen=5\r\nItemType=SubItem\r\nDataType=Alpha\r\n");
    }

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
    public async Task Check_IndicatorsKeyWithNothingUnderIt_IsAProblemWithItsPositionNotANullReferenceException()
    {
        var indicators = Path.Combine(_folder, "indicators.yaml");
        await File.WriteAllTextAsync(indicators, "breakdowns:\nindicators: []\n");

        var result = await SurveyPack.CheckAsync(_folder);

        Assert.Equal($"{indicators}, line 1, column 12: 'breakdowns' has no value; write [] for an empty list, or remove the key (its default then applies).", Assert.Single(result.Problems));
    }

    [Fact]
    public async Task Check_DropWithNothingUnderIt_IsAProblemWithItsPositionAndTheOtherFilesAreStillChecked()
    {
        await File.WriteAllTextAsync(Manifest, (await File.ReadAllTextAsync(Manifest)).Replace("drop: [RESPONDENT_NAME]", "drop:\n  pseudonymise:", StringComparison.Ordinal));
        await File.WriteAllTextAsync(Strata, "stratum_id,ALLIANCE,label,universe,planned_sample\na,x,Alliance A,10,4\n");

        var result = await SurveyPack.CheckAsync(_folder);

        Assert.Equal(
            [
                $"{Manifest}, line 10, column 8: 'personalData.drop' has no value; write [] for an empty list, or remove the key (its default then applies).",
                $"{Manifest}, line 11, column 16: 'personalData.pseudonymise' has no value; write [] for an empty list, or remove the key (its default then applies).",
                $"{Strata}, line 2, column 2: 'ALLIANCE' is 'x', not a whole number; write the code of ALLIANCE that selects this stratum.",
            ],
            result.Problems);
        Assert.Null(result.Pack);
    }

    [Fact]
    public async Task Check_DesignWithNothingUnderIt_IsAProblemWithItsPositionNotANullReferenceException()
    {
        var text = await File.ReadAllTextAsync(Manifest);
        await File.WriteAllTextAsync(Manifest, text.Replace("design:\n  strata: design/strata.csv\n  stratumItems: [ALLIANCE]\n  smallCellThreshold: 3\n", "design:\n", StringComparison.Ordinal).Replace("personalData:\n  drop: [RESPONDENT_NAME]\n", "personalData:\nquality:\n", StringComparison.Ordinal));

        var result = await SurveyPack.CheckAsync(_folder);

        Assert.Equal(
            [
                $"{Manifest}, line 5, column 8: 'design' has no value; write [] for an empty list, or remove the key (its default then applies).",
                $"{Manifest}, line 6, column 14: 'personalData' has no value; write [] for an empty list, or remove the key (its default then applies).",
                $"{Manifest}, line 7, column 9: 'quality' has no value; write [] for an empty list, or remove the key (its default then applies).",
                $"{Manifest}: 'design.strata' is missing; name the file, relative to the pack folder (see docs/adding-a-survey.md).",
            ],
            result.Problems);
    }

    [Fact]
    public async Task Check_UnclosedQuoteInStrata_IsAProblemWithTheLineNotACsvFormatException()
    {
        await File.WriteAllTextAsync(Strata, "stratum_id,ALLIANCE,label,universe,planned_sample\na,1,Alliance A,10,4\nb,2,\"Alliance B,20,3\n");

        var result = await SurveyPack.CheckAsync(_folder);

        Assert.StartsWith($"{Strata}, line 3: ", Assert.Single(result.Problems), StringComparison.Ordinal);
        Assert.Contains("Check the quotes of that row", result.Problems[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_CatalogueHeldByAnotherProgram_IsAProblemNamingTheFile()
    {
        var indicators = Path.Combine(_folder, "indicators.yaml");
        await using var held = new FileStream(indicators, FileMode.Open, FileAccess.ReadWrite, FileShare.None);

        var result = await SurveyPack.CheckAsync(_folder);

        Assert.StartsWith($"{indicators}: cannot be read (", Assert.Single(result.Problems), StringComparison.Ordinal);
        Assert.EndsWith("); check the file's permissions and that no other program holds it.", result.Problems[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_DroppedSubitemWhoseParentIsNotDropped_SaysToDropTheParent()
    {
        await AddSubitemAsync();
        await File.WriteAllTextAsync(Manifest, (await File.ReadAllTextAsync(Manifest)).Replace("drop: [RESPONDENT_NAME]", "drop: [RESP_FIRST]\n  pseudonymise: [RESP_FIRST]", StringComparison.Ordinal));

        var result = await SurveyPack.CheckAsync(_folder);

        Assert.Equal(
            [
                $"{Manifest}, line 10, column 10: personalData.drop names RESP_FIRST, a subitem of RESPONDENT_NAME: drop RESPONDENT_NAME (its subitems go with it), or its characters reach the lake in RESPONDENT_NAME.",
                $"{Manifest}, line 11, column 18: personalData.pseudonymise names RESP_FIRST, a subitem of RESPONDENT_NAME: pseudonymise RESPONDENT_NAME (its subitems go with it), or its characters reach the lake in RESPONDENT_NAME.",
            ],
            result.Problems);
    }

    [Fact]
    public async Task Check_DroppedSubitemWithItsParentDropped_IsClean()
    {
        await AddSubitemAsync();
        await File.WriteAllTextAsync(Manifest, (await File.ReadAllTextAsync(Manifest)).Replace("drop: [RESPONDENT_NAME]", "drop: [RESPONDENT_NAME, RESP_FIRST]", StringComparison.Ordinal));

        var result = await SurveyPack.CheckAsync(_folder);

        Assert.Empty(result.Problems);
    }

    [Fact]
    public async Task Check_TwoStrataWithTheSameCodes_IsAProblemNamingBothLines()
    {
        await File.WriteAllTextAsync(Strata, "stratum_id,ALLIANCE,label,universe,planned_sample\na,1,Alliance A,10,4\nb,1,Alliance B,20,3\n");

        var result = await SurveyPack.CheckAsync(_folder);

        Assert.Equal($"{Strata}, line 3, column 2: this stratum has the same codes (ALLIANCE 1) as the stratum on line 2; a case goes to the first of them only, so give each stratum its own codes.", Assert.Single(result.Problems));
    }

    [Fact]
    public async Task Check_StratumCodeOutsideTheItemsValueSet_IsAProblem()
    {
        await File.WriteAllTextAsync(Strata, "stratum_id,ALLIANCE,label,universe,planned_sample\na,1,Alliance A,10,4\nb,3,Alliance C,20,3\n");

        var result = await SurveyPack.CheckAsync(_folder);

        Assert.Equal($"{Strata}, line 3, column 2: ALLIANCE code 3 is not in ALLIANCE's value set ALLIANCE_VS1, so no case can fall in this stratum; write one of its codes.", Assert.Single(result.Problems));
    }

    [Fact]
    public async Task Check_StrataWithMoreRowsThanTheCap_StopsWithAClearProblem()
    {
        var rows = Enumerable.Range(1, StrataFile.MaxStrata + 1).Select(i => $"s{i},1,Stratum {i},10,4");
        await File.WriteAllTextAsync(Strata, "stratum_id,ALLIANCE,label,universe,planned_sample\n" + string.Join("\n", rows) + "\n");

        var result = await SurveyPack.CheckAsync(_folder);

        Assert.Contains($"{Strata}, line {StrataFile.MaxStrata + 2}: more than {StrataFile.MaxStrata} strata; a strata file has one row per stratum of the sample design, not one per case. Check that this is the right file; see docs/adding-a-survey.md, \"The strata file\".", result.Problems);
    }

    [Fact]
    public async Task Check_StrataWithManyBadRows_ListsTheFirstFiftyThenCountsTheRest()
    {
        var rows = Enumerable.Range(1, 80).Select(i => $"s{i},x,Stratum {i},10,4");
        await File.WriteAllTextAsync(Strata, "stratum_id,ALLIANCE,label,universe,planned_sample\n" + string.Join("\n", rows) + "\n");

        var result = await SurveyPack.CheckAsync(_folder);

        Assert.Equal(StrataFile.MaxProblems + 1, result.Problems.Count);
        Assert.Equal($"{Strata}: and 30 more problems; correct these and run pack check again.", result.Problems[^1]);
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
