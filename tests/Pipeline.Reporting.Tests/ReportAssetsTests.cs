using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Pipeline.Core.Reporting;
using Pipeline.Reporting.Tests.Support;

namespace Pipeline.Reporting.Tests;

/// <summary>The vendored Chart.js files: unchanged since vendoring, and shipped inside the core assembly.</summary>
public sealed partial class ReportAssetsTests
{
    private static string Vendor => Path.Combine(RepoPaths.Root, "core", "Reporting", "vendor");

    [Theory]
    [InlineData(ReportAssets.ChartJsFile)]
    [InlineData(ReportAssets.ErrorBarsFile)]
    public async Task VendoredScript_File_HasTheHashTheVendorReadmeRecords(string file)
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(Vendor, "README.md"));
        var recorded = HashLine().Matches(readme).ToDictionary(m => m.Groups[2].Value, m => m.Groups[1].Value);

        var actual = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(Vendor, file))));

        Assert.Equal(recorded[file], actual);
        Assert.True(File.Exists(Path.Combine(Vendor, file == ReportAssets.ChartJsFile ? "chart.js.LICENSE.md" : "chartjs-chart-error-bars.LICENSE")), "The licence must stay next to the file.");
    }

    [Fact]
    public async Task ReportAssets_Load_DropsTheSourceMapComment()
    {
        var assets = await ReportAssets.LoadAsync(Vendor);

        Assert.StartsWith("/*!\n * Chart.js v4", assets.ChartJs.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.DoesNotContain("sourceMappingURL", assets.ChartJs, StringComparison.Ordinal);
        Assert.DoesNotContain("sourceMappingURL", assets.ErrorBars, StringComparison.Ordinal);
    }

    // Until core/Reporting/Pipeline.Core.Reporting.csproj has
    //   <EmbeddedResource Include="vendor/*.js" LogicalName="Reporting/vendor/%(Filename)%(Extension)" />
    // the report finds the scripts only as files next to the application (this test project copies them there).
    [Fact]
    public void ReportingAssembly_EmbedsTheVendoredScripts()
    {
        var names = typeof(ReportAssets).Assembly.GetManifestResourceNames();

        Assert.Contains("Reporting/vendor/" + ReportAssets.ChartJsFile, names);
        Assert.Contains("Reporting/vendor/" + ReportAssets.ErrorBarsFile, names);
    }

    [GeneratedRegex("^([0-9a-f]{64})  (\\S+)$", RegexOptions.Multiline)]
    private static partial Regex HashLine();
}
