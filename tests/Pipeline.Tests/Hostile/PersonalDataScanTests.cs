using System.Text;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.Hostile;

/// <summary>
/// Issue #18, acceptance 4: after the hostile suite, no generated or planted name or coordinate is anywhere outside the
/// raw zone (and the incoming zone, which holds the uploads as they came): not in a lake file (Parquet values read with
/// DuckDB, since pages may be compressed), not in the ledger, not in a log line, not in a rejection message.
/// </summary>
[Trait("Category", "Hostile")]
[Collection(HostileCollection.Name)]
public sealed class PersonalDataScanTests(HostileSuiteFixture suite)
{
    private static readonly string[] AsUploaded = ["raw", "incoming"];

    [Fact]
    public void Scan_AfterHostileSuite_FindsNoPersonalValueOutsideRaw()
    {
        var leaks = new List<string>();
        var uploads = UploadsById();
        foreach (var file in Directory.EnumerateFiles(suite.Lake, "*", SearchOption.AllDirectories))
        {
            var zone = Path.GetRelativePath(suite.Lake, file).Split(Path.DirectorySeparatorChar)[0];
            if (!AsUploaded.Contains(zone))
            {
                var relative = Path.GetRelativePath(suite.Lake, file);
                var upload = uploads.FirstOrDefault(u => relative.Contains(u.Key, StringComparison.Ordinal)).Value;
                leaks.AddRange(TextOf(file).SelectMany(text => Find(text, upload is null ? relative : $"{relative} (upload {upload})")));
            }
        }

        leaks.AddRange(File.ReadLines(suite.LogFile).SelectMany(line => Find(line, "the pipeline's log")));
        foreach (var result in suite.Results.Values)
        {
            leaks.AddRange(Find(result.Message, $"the message of {result.Name}"));
        }

        Assert.True(leaks.Count == 0, $"{leaks.Count} personal values outside raw:\n{string.Join('\n', leaks.Distinct().Take(40))}");
    }

    [Fact]
    public void Scan_PlantsValuesTheScanCanFind()
    {
        // The scan is only worth something if the values are really in the inputs.
        Assert.Contains(CorpusSeeds.PlantedName, suite.Seeds.PersonalValues);
        Assert.True(suite.Seeds.PersonalValues.Count >= 12, $"{suite.Seeds.PersonalValues.Count} values");
        Assert.True(Directory.EnumerateFiles(Path.Combine(suite.Lake, "raw"), "*", SearchOption.AllDirectories).Any());
    }

    private IEnumerable<string> Find(string text, string where) =>
        suite.Seeds.PersonalValues.Select((v, i) => (v, i)).Where(p => text.Contains(p.v, StringComparison.Ordinal)).Select(p => $"{where}: personal value #{p.i} ({Mask(p.v)})");

    // Lake folders are named by upload id; the ledger says which input each one is.
    private Dictionary<string, string> UploadsById()
    {
        var uploads = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(suite.Lake, "_ledger"), "*.json", SearchOption.AllDirectories))
        {
            using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(file));
            if (json.RootElement.TryGetProperty("UploadId", out var id) && json.RootElement.TryGetProperty("BlobPath", out var path) && id.GetString() is { Length: > 0 } key)
            {
                uploads[key] = path.GetString() ?? string.Empty;
            }
        }

        return uploads;
    }

    private static string Mask(string value) => value[..2] + new string('*', value.Length - 2);

    // Line by line (a log of a bad upload can be large); Parquet row by row, by its values.
    private static IEnumerable<string> TextOf(string file)
    {
        if (!file.EndsWith(".parquet", StringComparison.Ordinal))
        {
            return File.ReadLines(file, Encoding.UTF8);
        }

        return DuckDb.Query($"SELECT * FROM read_parquet({DuckDb.Literal(file)})")
            .Select(row => string.Join('\u001f', row.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture))));
    }
}

[CollectionDefinition(Name)]
public sealed class HostileCollection : ICollectionFixture<HostileSuiteFixture>
{
    public const string Name = "Hostile inputs";
}
