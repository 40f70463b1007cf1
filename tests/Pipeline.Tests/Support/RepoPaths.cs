namespace Pipeline.Tests.Support;

/// <summary>Where things are in the repository and in the test output.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string SurveyPacks => Path.Combine(Root, "survey-packs");

    public static string PeruPack => Path.Combine(SurveyPacks, "peru-coffee-cacao");

    public static string PeruSample => Path.Combine(PeruPack, "sample", "participant-slice", "PARTICIPANT_REC.csv");

    /// <summary>Folder holding the test-only packs (copied to the test output).</summary>
    public static string FixturePacks => Path.Combine(AppContext.BaseDirectory, "Fixtures", "packs");

    public static string Fixture(string relative) => Path.Combine(AppContext.BaseDirectory, "Fixtures", relative);

    /// <summary>The build configuration this test assembly was built with (Debug or Release).</summary>
    public static string Configuration =>
#if DEBUG
        "Debug";
#else
        "Release";
#endif

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
