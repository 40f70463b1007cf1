namespace Pipeline.Infra.Tests.Support;

/// <summary>Paths in the repository, found from the test binaries' folder.</summary>
public static class RepoLayout
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    /// <summary>The repository root: the nearest ancestor holding Pipeline.sln or global.json.</summary>
    public static string Root => LazyRoot.Value;

    public static string InfraDirectory => Path.Combine(Root, "infra");

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>Repository-relative path with forward slashes, for messages and theory data.</summary>
    public static string Relative(string fullPath) => Path.GetRelativePath(Root, fullPath).Replace('\\', '/');

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pipeline.sln")) || File.Exists(Path.Combine(dir.FullName, "global.json")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException(
            $"No folder holding Pipeline.sln or global.json above '{AppContext.BaseDirectory}'. Run the tests from a clone of the repository.");
    }
}
