using System.Reflection;
using System.Xml.Linq;
using Pipeline.Core.Ingest;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.Architecture;

/// <summary>Architecture rules as failing tests: the core never sees Azure Functions types or Azure SDK types.</summary>
public sealed class ArchitectureTests
{
    public static TheoryData<string> CoreAndStorageProjects => new(
        Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "core"), "*.csproj", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(RepoPaths.Root, p).Replace('\\', '/'))
            .Append("storage/Pipeline.Storage.csproj")
            .Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(CoreAndStorageProjects))]
    public void Project_ReferencesNoAzureFunctionsPackage(string project)
    {
        var references = XDocument.Load(Path.Combine(RepoPaths.Root, project)).Descendants("PackageReference").Select(e => (string)e.Attribute("Include")!);

        Assert.DoesNotContain(references, r => r.StartsWith("Microsoft.Azure.Functions", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void CoreAssemblies_LoadNoFunctionsOrAzureSdkAssembly()
    {
        // Reporting is the top of the core: the assemblies it references, recursively, are the whole core.
        var core = new List<Assembly> { typeof(Pipeline.Core.Reporting.QualityReportPage).Assembly };
        for (var i = 0; i < core.Count; i++)
        {
            core.AddRange(core[i].GetReferencedAssemblies().Where(a => a.Name!.StartsWith("Pipeline.Core.", StringComparison.Ordinal)).Select(Assembly.Load).Where(a => !core.Contains(a)));
        }

        Assert.Equal(8, core.Distinct().Count());
        var referenced = core.SelectMany(a => a.GetReferencedAssemblies()).Select(a => a.Name!).ToList();

        Assert.DoesNotContain(referenced, n => n.StartsWith("Microsoft.Azure.Functions", StringComparison.Ordinal));
        Assert.DoesNotContain(referenced, n => n.StartsWith("Azure.", StringComparison.Ordinal));
    }

    [Fact]
    public void CoreTypes_NeverReadTheClock()
    {
        // Time comes from an injected TimeProvider; DateTime.Now/UtcNow in the core would make runs untestable.
        var sources = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "core"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        var offenders = sources.Where(f => File.ReadAllText(f) is var s && (s.Contains("DateTime.Now", StringComparison.Ordinal) || s.Contains("DateTime.UtcNow", StringComparison.Ordinal) || s.Contains("DateTimeOffset.UtcNow", StringComparison.Ordinal)));

        Assert.Empty(offenders);
    }

    [Fact]
    public void FunctionClasses_AreThinAdapters()
    {
        // A trigger translates and delegates: no function class may grow beyond a few members.
        var functions = typeof(Pipeline.Functions.IngestUpload).Assembly.GetTypes()
            .Where(t => t.GetMethods().Any(m => m.GetCustomAttribute<Microsoft.Azure.Functions.Worker.FunctionAttribute>() is not null));

        Assert.All(functions, t => Assert.True(t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.DeclaredOnly).Length <= 2, $"{t.Name} has logic beyond delegation"));
    }
}
