namespace Pipeline.Reporting.Tests.Support;

/// <summary>Where things are in the repository and in the test output.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string SurveyPacks => Path.Combine(Root, "survey-packs");

    public static string PeruSample => Path.Combine(SurveyPacks, "peru-coffee-cacao", "sample", "participant-slice", "PARTICIPANT_REC.csv");

    public static string PowerBi => Path.Combine(Root, "powerbi");

    /// <summary>Screenshots and exports the tests leave for people to look at.</summary>
    public static string Output { get; } = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "test-output")).FullName;

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pipeline.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Pipeline.sln above {AppContext.BaseDirectory}.");
    }
}
