using System.Globalization;
using System.Security.Cryptography;
using Pipeline.Core.Dictionary;
using Sylvan.Data.Csv;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Pipeline.Core.Packs;

/// <summary>
/// Everything the pipeline knows about one survey, loaded from a folder of data files an analyst edits:
/// <c>pack.yaml</c>, the CSPro dictionary, the strata file and the indicator catalogue.
/// </summary>
public sealed class SurveyPack
{
    private SurveyPack(string folder, PackManifest manifest, DataDictionary dictionary, IReadOnlyList<Stratum> strata, IndicatorCatalogue indicators, RuleCatalogue rules, CleaningCatalogue cleaning, Gazetteer? gazetteer, string contentHash)
    {
        Cleaning = cleaning;
        Gazetteer = gazetteer;
        Rules = rules;
        Folder = folder;
        Manifest = manifest;
        Dictionary = dictionary;
        Strata = strata;
        Indicators = indicators;
        ContentHash = contentHash;
    }

    public string Id => Manifest.Id;

    public string Folder { get; }

    public PackManifest Manifest { get; }

    public DataDictionary Dictionary { get; }

    public IReadOnlyList<Stratum> Strata { get; }

    public IndicatorCatalogue Indicators { get; }

    /// <summary>The pack's rules (empty when it has none).</summary>
    public RuleCatalogue Rules { get; }

    /// <summary>The pack's cleaning steps (defaults only when it has none).</summary>
    public CleaningCatalogue Cleaning { get; }

    /// <summary>The official place names, when the cleaning steps name a gazetteer.</summary>
    public Gazetteer? Gazetteer { get; }

    /// <summary>SHA-256 over the pack's files: findings are recomputed when the pack changes.</summary>
    public string ContentHash { get; }

    /// <summary>
    /// The labelled codes of a curated column: a dictionary item's single codes (first value set) or a case variable's
    /// <c>labels</c> from cleaning.yaml. Empty when the column has none.
    /// </summary>
    public IReadOnlyList<(long Code, string Label)> CodeLabels(string column)
    {
        ArgumentNullException.ThrowIfNull(column);
        if (Cleaning.CaseVariables.FirstOrDefault(v => string.Equals(v.Name, column, StringComparison.OrdinalIgnoreCase)) is { } variable)
        {
            return variable.Labels.OrderBy(l => l.Key).Select(l => (l.Key, l.Value)).ToList();
        }

        var codes = new List<(long, string)>();
        foreach (var value in Dictionary.FindItem(column)?.PrimaryValueSet?.Values ?? [])
        {
            foreach (var pair in value.Pairs.Where(p => p.To is null))
            {
                if (long.TryParse(pair.From.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var code))
                {
                    codes.Add((code, value.Label));
                }
            }
        }

        return codes;
    }

    /// <summary>True when the item must not reach the curated lake in clear.</summary>
    public bool IsPersonal(string item) =>
        Manifest.PersonalData.Drop.Contains(item, StringComparer.OrdinalIgnoreCase) ||
        Manifest.PersonalData.Pseudonymise.Contains(item, StringComparer.OrdinalIgnoreCase);

    internal static IDeserializer Yaml { get; } = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .WithNodeDeserializer(new ReadOnlyCollectionsYaml())
        .Build();

    /// <summary>Loads and checks a pack folder; throws <see cref="SurveyPackException"/> naming the file and the problem.</summary>
    public static async Task<SurveyPack> LoadAsync(string folder, CancellationToken cancellationToken = default)
    {
        var manifestPath = Path.Combine(folder, "pack.yaml");
        if (!File.Exists(manifestPath))
        {
            throw new SurveyPackException($"{manifestPath}: not found. A survey pack folder needs a pack.yaml (see survey-packs/README.md).");
        }

        var manifest = await ReadYamlAsync<PackManifest>(manifestPath, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(manifest.Id))
        {
            throw new SurveyPackException($"{manifestPath}: 'id' is missing; give the pack a short id such as 'peru-coffee-cacao'.");
        }

        DataDictionary dictionary;
        try
        {
            dictionary = await DictionaryReader.ReadFileAsync(Resolve(folder, manifest.Dictionary, manifestPath, "dictionary"), cancellationToken).ConfigureAwait(false);
        }
        catch (DictionaryFormatException e)
        {
            throw new SurveyPackException($"Survey pack '{manifest.Id}': {e.Message}", e);
        }

        if (DictionaryChecks.Problems(dictionary) is { Count: > 0 } problems)
        {
            throw new SurveyPackException($"Survey pack '{manifest.Id}': the dictionary {manifest.Dictionary} breaks CSPro's rules:{Environment.NewLine}- {string.Join(Environment.NewLine + "- ", problems.Take(20))}");
        }

        foreach (var item in manifest.PersonalData.Drop.Concat(manifest.PersonalData.Pseudonymise).Concat(manifest.Design.StratumItems))
        {
            if (dictionary.FindItem(item) is null)
            {
                throw new SurveyPackException($"{manifestPath}: item '{item}' is not in the dictionary {manifest.Dictionary}.");
            }
        }

        var strata = await ReadStrataAsync(Resolve(folder, manifest.Design.Strata, manifestPath, "design.strata"), manifest.Design.StratumItems, cancellationToken).ConfigureAwait(false);
        var cleaning = new CleaningCatalogue();
        Gazetteer? gazetteer = null;
        if (manifest.Cleaning is { Length: > 0 })
        {
            var cleaningPath = Resolve(folder, manifest.Cleaning, manifestPath, "cleaning");
            cleaning = await ReadYamlAsync<CleaningCatalogue>(cleaningPath, cancellationToken).ConfigureAwait(false);
            cleaning.Check(dictionary, cleaningPath, YamlLines.Of(await File.ReadAllTextAsync(cleaningPath, cancellationToken).ConfigureAwait(false)));
            if (cleaning.Gazetteer is { } step)
            {
                gazetteer = await Gazetteer.LoadAsync(Resolve(folder, step.File, cleaningPath, "gazetteer.file"), cancellationToken).ConfigureAwait(false);
            }
        }

        var indicatorsPath = Resolve(folder, manifest.Indicators, manifestPath, "indicators");
        var indicators = await ReadYamlAsync<IndicatorCatalogue>(indicatorsPath, cancellationToken).ConfigureAwait(false);
        indicators.Check(dictionary, indicatorsPath, record => cleaning.AddedNames(dictionary, record));
        var rules = new RuleCatalogue();
        if (manifest.Rules is { Length: > 0 })
        {
            var rulesPath = Resolve(folder, manifest.Rules, manifestPath, "rules");
            rules = await ReadYamlAsync<RuleCatalogue>(rulesPath, cancellationToken).ConfigureAwait(false);
            rules.Check(dictionary, rulesPath, record => cleaning.AddedNames(dictionary, record), YamlLines.Of(await File.ReadAllTextAsync(rulesPath, cancellationToken).ConfigureAwait(false)));
        }

        // The catalogues' expressions were all parsed by Check: fix them, so no upload parses one.
        cleaning.Expressions.Freeze();
        rules.Expressions.Freeze();
        var hash = await HashFolderAsync(folder, cancellationToken).ConfigureAwait(false);
        return new SurveyPack(Path.GetFullPath(folder), manifest, dictionary, strata, indicators, rules, cleaning, gazetteer, hash);
    }

    private static string Resolve(string folder, string relative, string manifestPath, string key)
    {
        if (string.IsNullOrWhiteSpace(relative))
        {
            throw new SurveyPackException($"{manifestPath}: '{key}' is missing.");
        }

        var path = Path.Combine(folder, relative);
        return File.Exists(path) ? path : throw new SurveyPackException($"{manifestPath}: '{key}' points to {relative}, which does not exist in {folder}.");
    }

    private static async Task<T> ReadYamlAsync<T>(string path, CancellationToken cancellationToken)
    {
        var text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        try
        {
            return Yaml.Deserialize<T>(text) ?? throw new SurveyPackException($"{path}: the file is empty.");
        }
        catch (YamlException e)
        {
            throw new SurveyPackException($"{path}, line {e.Start.Line}, column {e.Start.Column}: {e.InnerException?.Message ?? e.Message}", e);
        }
    }

    private static async Task<IReadOnlyList<Stratum>> ReadStrataAsync(string path, IReadOnlyList<string> stratumItems, CancellationToken cancellationToken)
    {
        var strata = new List<Stratum>();
        using var text = File.OpenText(path);
        await using var csv = await CsvDataReader.CreateAsync(text, new CsvDataReaderOptions { HasHeaders = true }, cancellationToken).ConfigureAwait(false);
        var line = 1;
        while (await csv.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            line++;
            var codes = stratumItems.ToDictionary(i => i, i => long.Parse(Column(csv, i, path, line), CultureInfo.InvariantCulture), StringComparer.OrdinalIgnoreCase);
            strata.Add(new Stratum(
                Column(csv, "stratum_id", path, line),
                Column(csv, "label", path, line),
                codes,
                long.Parse(Column(csv, "universe", path, line), CultureInfo.InvariantCulture),
                long.Parse(Column(csv, "planned_sample", path, line), CultureInfo.InvariantCulture)));
        }

        return strata.Count > 0 ? strata : throw new SurveyPackException($"{path}: no strata; expected one row per stratum.");
    }

    private static string Column(CsvDataReader csv, string name, string path, int line)
    {
        var ordinal = csv.GetOrdinal(name);
        if (ordinal < 0)
        {
            throw new SurveyPackException($"{path}: column '{name}' is missing from the header.");
        }

        var value = csv.GetString(ordinal);
        return value.Length > 0 ? value : throw new SurveyPackException($"{path}, line {line}: '{name}' is empty.");
    }

    private static async Task<string> HashFolderAsync(string folder, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetRelativePath(folder, file).Replace('\\', '/')));
            hash.AppendData(await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
