using System.Globalization;
using System.Security.Cryptography;
using Pipeline.Core.Dictionary;
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
    public IReadOnlyList<(long Code, string Label)> CodeLabels(string column) => CodeLabels(column, Language);

    /// <summary>
    /// The languages of the pack's outputs: the dictionary's language codes, lower-case, in its order (e.g. en, es);
    /// a dictionary without <c>[Languages]</c> has one, "en".
    /// </summary>
    public IReadOnlyList<string> Languages => Dictionary.Languages.Count == 0 ? [DefaultLanguage] : Dictionary.Languages.Select(l => l.ToLowerInvariant()).ToList();

    /// <summary>The language of the outputs for people: <see cref="PackManifest.Language"/>, or the dictionary's first (lower-case).</summary>
    public string Language => Manifest.Language is { Length: > 0 } chosen ? chosen.ToLowerInvariant() : Languages[0];

    /// <summary>The language code assumed for a dictionary that declares none.</summary>
    public const string DefaultLanguage = "en";

    /// <summary>The survey's title in <paramref name="language"/>.</summary>
    public string TitleIn(string language) => In(Manifest.TitleIn, language) ?? Manifest.Title;

    /// <summary>An indicator's title in <paramref name="language"/> (its <c>title</c> when the catalogue has none there).</summary>
    public static string TitleOf(IndicatorDefinition indicator, string language)
    {
        ArgumentNullException.ThrowIfNull(indicator);
        return In(indicator.TitleIn, language) ?? indicator.Title;
    }

    /// <summary>A breakdown's label in <paramref name="language"/>.</summary>
    public static string LabelOf(BreakdownDefinition breakdown, string language)
    {
        ArgumentNullException.ThrowIfNull(breakdown);
        return In(breakdown.LabelIn, language) ?? breakdown.Label;
    }

    /// <summary><see cref="CodeLabels(string)"/> in <paramref name="language"/> (one of <see cref="Languages"/>; another gives the first language's labels).</summary>
    public IReadOnlyList<(long Code, string Label)> CodeLabels(string column, string language)
    {
        ArgumentNullException.ThrowIfNull(column);
        if (Cleaning.CaseVariables.FirstOrDefault(v => string.Equals(v.Name, column, StringComparison.OrdinalIgnoreCase)) is { } variable)
        {
            var translated = variable.LabelsIn.FirstOrDefault(l => string.Equals(l.Key, language, StringComparison.OrdinalIgnoreCase)).Value;
            return variable.Labels.OrderBy(l => l.Key).Select(l => (l.Key, translated?.GetValueOrDefault(l.Key) ?? l.Value)).ToList();
        }

        var index = Dictionary.LanguageIndex(language);
        var codes = new List<(long, string)>();
        foreach (var value in Dictionary.FindItem(column)?.PrimaryValueSet?.Values ?? [])
        {
            foreach (var pair in value.Pairs.Where(p => p.To is null))
            {
                if (long.TryParse(pair.From.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var code))
                {
                    codes.Add((code, value.LabelIn(index)));
                }
            }
        }

        return codes;
    }

    /// <summary>
    /// The date format of <paramref name="item"/> when its values are dates in the lake, or null: the pack's
    /// <c>dates</c> entry if it has one (<c>none</c> = not a date), else the dictionary's date capture. Only a full date
    /// (four-digit year, month, day) of a non-ID item is a date; a two-digit year or a partial date stays a number.
    /// </summary>
    public DateFormat? DateFormatOf(DictionaryItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var declared = Manifest.Dates.FirstOrDefault(d => string.Equals(d.Key, item.Name, StringComparison.OrdinalIgnoreCase)).Value;
        var format = DateFormat.Parse(declared ?? item.CaptureDateFormat);
        return format is { IsFullDate: true } && format.Length == item.Length && !Dictionary.Levels.Any(l => l.IdItems.Contains(item)) ? format : null;
    }

    private static string? In(IReadOnlyDictionary<string, string> texts, string language) =>
        texts.FirstOrDefault(t => string.Equals(t.Key, language, StringComparison.OrdinalIgnoreCase)).Value is { Length: > 0 } text ? text : null;

    /// <summary>True when the item must not reach the curated lake in clear.</summary>
    public bool IsPersonal(string item) =>
        Manifest.PersonalData.Drop.Contains(item, StringComparer.OrdinalIgnoreCase) ||
        Manifest.PersonalData.Pseudonymise.Contains(item, StringComparer.OrdinalIgnoreCase);

    internal static IDeserializer Yaml { get; } = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .WithNodeDeserializer(new ReadOnlyCollectionsYaml())
        .Build();

    /// <summary>
    /// Loads and checks a pack folder; throws <see cref="SurveyPackException"/> listing every problem, each with its file
    /// (and line and column where known) and what to do.
    /// </summary>
    public static async Task<SurveyPack> LoadAsync(string folder, CancellationToken cancellationToken = default)
    {
        var result = await CheckAsync(folder, cancellationToken).ConfigureAwait(false);
        return result.Pack ?? throw new SurveyPackException(result.Problems.Count == 1
            ? result.Problems[0]
            : $"Survey pack '{result.Id}' has {result.Problems.Count} problems:{Environment.NewLine}- {string.Join(Environment.NewLine + "- ", result.Problems)}");
    }

    /// <summary>
    /// Checks a pack folder file by file and loads it when clean. A problem in one file does not stop the check of the
    /// others (a file that needs the dictionary is checked only when the dictionary reads); it never throws for a bad pack.
    /// </summary>
    public static async Task<PackCheckResult> CheckAsync(string folder, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        var full = Path.GetFullPath(folder);
        var problems = new List<string>();
        var id = Path.GetFileName(full.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        var manifestPath = Path.Combine(folder, "pack.yaml");
        if (!File.Exists(manifestPath))
        {
            problems.Add($"{manifestPath}: not found. A survey pack folder needs a pack.yaml; make one with 'survey-pipeline pack init --dictionary <file.dcf>' (see docs/adding-a-survey.md).");
            return new PackCheckResult(full, id, null, problems);
        }

        PackManifest manifest;
        string manifestText;
        try
        {
            manifestText = await File.ReadAllTextAsync(manifestPath, cancellationToken).ConfigureAwait(false);
            manifest = Yaml.Deserialize<PackManifest>(manifestText) ?? throw new SurveyPackException($"{manifestPath}: the file is empty; it needs at least id, dictionary, design and indicators (see docs/adding-a-survey.md).");
        }
        catch (Exception e) when (e is YamlException or SurveyPackException or IOException or UnauthorizedAccessException)
        {
            problems.Add(YamlProblem(manifestPath, e));
            return new PackCheckResult(full, id, null, problems);
        }

        var lines = YamlLines.Of(manifestText);
        problems.AddRange(NullProblems(manifestPath, lines));
        manifest = WithoutNulls(manifest);
        if (string.IsNullOrWhiteSpace(manifest.Id))
        {
            problems.Add($"{manifestPath}: 'id' is missing; give the pack a short id such as 'peru-coffee-cacao' (uploads go to incoming/<id>/).");
        }
        else
        {
            id = manifest.Id;
        }

        var dictionary = await ReadDictionaryAsync(folder, manifest, manifestPath, lines, problems, cancellationToken).ConfigureAwait(false);
        if (dictionary is not null)
        {
            CheckManifestItems(manifest, dictionary, manifestPath, lines, problems);
            CheckLanguage(manifest, dictionary, manifestPath, lines, problems);
        }

        if (manifest.Design.InvalidDesign is not (DesignManifest.InvalidDesignFail or DesignManifest.InvalidDesignWithoutFpc))
        {
            problems.Add($"{Where(manifestPath, lines.Position(["design", "invalidDesign"]))}: 'design.invalidDesign' is '{manifest.Design.InvalidDesign}'; use '{DesignManifest.InvalidDesignFail}' (the default: a findings run over data that contradict strata.csv fails) or '{DesignManifest.InvalidDesignWithoutFpc}'.");
        }

        IReadOnlyList<Stratum> strata = [];
        if (Resolve(folder, manifest.Design.Strata, manifestPath, lines, ["design", "strata"], problems) is { } strataPath)
        {
            await Collect(problems, strataPath, async () => strata = await StrataFile.ReadAsync(strataPath, manifest.Design.StratumItems, dictionary, problems, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        }

        var cleaning = new CleaningCatalogue();
        Gazetteer? gazetteer = null;
        if (manifest.Cleaning is { Length: > 0 } && Resolve(folder, manifest.Cleaning, manifestPath, lines, ["cleaning"], problems) is { } cleaningPath && dictionary is not null)
        {
            await Collect(problems, cleaningPath, async () =>
            {
                if (await ReadYamlAsync<CleaningCatalogue>(cleaningPath, problems, cancellationToken).ConfigureAwait(false) is not (var read, var cleaningLines))
                {
                    return;
                }

                cleaning = read;
                cleaning.Check(dictionary, cleaningPath, cleaningLines);
                if (cleaning.Gazetteer is { } step)
                {
                    var gazetteerPath = Path.Combine(folder, step.File);
                    gazetteer = File.Exists(gazetteerPath)
                        ? await Gazetteer.LoadAsync(gazetteerPath, cancellationToken).ConfigureAwait(false)
                        : throw new SurveyPackException($"{cleaningPath}: 'gazetteer.file' points to {step.File}, which does not exist in {folder}; add the file or correct the path.");
                }
            }).ConfigureAwait(false);
        }

        var indicators = new IndicatorCatalogue();
        if (Resolve(folder, manifest.Indicators, manifestPath, lines, ["indicators"], problems) is { } indicatorsPath && dictionary is not null)
        {
            await Collect(problems, indicatorsPath, async () =>
            {
                if (await ReadYamlAsync<IndicatorCatalogue>(indicatorsPath, problems, cancellationToken).ConfigureAwait(false) is not (var read, _))
                {
                    return;
                }

                indicators = read;
                indicators.Check(dictionary, indicatorsPath, record => cleaning.AddedNames(dictionary, record));
            }).ConfigureAwait(false);
        }

        var rules = new RuleCatalogue();
        if (manifest.Rules is { Length: > 0 } && Resolve(folder, manifest.Rules, manifestPath, lines, ["rules"], problems) is { } rulesPath && dictionary is not null)
        {
            await Collect(problems, rulesPath, async () =>
            {
                if (await ReadYamlAsync<RuleCatalogue>(rulesPath, problems, cancellationToken).ConfigureAwait(false) is not (var read, var rulesLines))
                {
                    return;
                }

                rules = read;
                rules.Check(dictionary, rulesPath, record => cleaning.AddedNames(dictionary, record), rulesLines);
            }).ConfigureAwait(false);
        }

        if (problems.Count > 0 || dictionary is null)
        {
            return new PackCheckResult(full, id, null, problems);
        }

        // The catalogues' expressions were all parsed by Check: fix them, so no upload parses one.
        cleaning.Expressions.Freeze();
        rules.Expressions.Freeze();
        string hash;
        try
        {
            hash = await HashFolderAsync(folder, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add($"{full}: a file of the pack cannot be read ({e.Message}); check the files' permissions and that no other program holds them.");
            return new PackCheckResult(full, id, null, problems);
        }

        return new PackCheckResult(full, id, new SurveyPack(full, manifest, dictionary, strata, indicators, rules, cleaning, gazetteer, hash), problems);
    }

    private static async Task<DataDictionary?> ReadDictionaryAsync(string folder, PackManifest manifest, string manifestPath, YamlLines lines, List<string> problems, CancellationToken cancellationToken)
    {
        if (Resolve(folder, manifest.Dictionary, manifestPath, lines, ["dictionary"], problems) is not { } path)
        {
            return null;
        }

        DataDictionary dictionary;
        try
        {
            dictionary = await DictionaryReader.ReadFileAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (DictionaryFormatException e)
        {
            problems.Add(e.Message);
            return null;
        }

        if (DictionaryChecks.Problems(dictionary) is { Count: > 0 } broken)
        {
            problems.Add($"{path}: the dictionary breaks CSPro's rules; correct it in CSPro's dictionary editor:{Environment.NewLine}  - {string.Join(Environment.NewLine + "  - ", broken.Take(20))}");
            return null;
        }

        return dictionary;
    }

    private static void CheckManifestItems(PackManifest manifest, DataDictionary dictionary, string manifestPath, YamlLines lines, List<string> problems)
    {
        var lists = new (string[] Keys, IReadOnlyList<string> Items)[]
        {
            (["personalData", "drop"], manifest.PersonalData.Drop),
            (["personalData", "pseudonymise"], manifest.PersonalData.Pseudonymise),
            (["design", "stratumItems"], manifest.Design.StratumItems),
        };
        foreach (var (keys, items) in lists)
        {
            foreach (var item in items.Where(i => dictionary.FindItem(i) is null))
            {
                problems.Add($"{Where(manifestPath, lines.Position(keys, item))}: {string.Join('.', keys)} names '{item}', which is not an item of the dictionary {manifest.Dictionary}; correct the name or remove it.");
            }
        }

        CheckDates(manifest, dictionary, manifestPath, lines, problems);

        // A subitem's characters are also in its parent's column: protecting the subitem alone leaves them in the lake.
        var personal = manifest.PersonalData.Drop.Concat(manifest.PersonalData.Pseudonymise).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var (keys, items, verb) in new (string[], IReadOnlyList<string>, string)[] { (["personalData", "drop"], manifest.PersonalData.Drop, "drop"), (["personalData", "pseudonymise"], manifest.PersonalData.Pseudonymise, "pseudonymise") })
        {
            foreach (var item in items)
            {
                if (dictionary.FindItem(item) is { IsSubitem: true } subitem && Subitems.ParentOf(dictionary, subitem) is { } parent && !personal.Contains(parent.Name))
                {
                    problems.Add($"{Where(manifestPath, lines.Position(keys, item))}: {string.Join('.', keys)} names {subitem.Name}, a subitem of {parent.Name}: {verb} {parent.Name} (its subitems go with it), or its characters reach the lake in {parent.Name}.");
                }
            }
        }
    }

    /// <summary>Each <c>dates</c> entry names an item that can hold that date: not an ID, no decimals, the format's length.</summary>
    private static void CheckDates(PackManifest manifest, DataDictionary dictionary, string manifestPath, YamlLines lines, List<string> problems)
    {
        var full = string.Join(", ", DateFormat.CsproFormats.Select(DateFormat.Parse).Where(f => f!.IsFullDate));
        foreach (var (name, text) in manifest.Dates)
        {
            var where = Where(manifestPath, lines.Position(["dates", name]) ?? lines.Position(["dates"]));
            if (dictionary.FindItem(name) is not { } item)
            {
                problems.Add($"{where}: dates names '{name}', which is not an item of the dictionary {manifest.Dictionary}; correct the name or remove it.");
                continue;
            }

            if (string.Equals(text?.Trim(), PackManifest.NotADate, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var format = DateFormat.Parse(text);
            if (format is not { IsFullDate: true })
            {
                problems.Add($"{where}: dates.{name} is '{text}'; write one of CSPro's full-date formats ({full}), or '{PackManifest.NotADate}' to keep the item a number. Two-digit years and partial dates stay numbers.");
            }
            else if (dictionary.Levels.Any(l => l.IdItems.Contains(item)))
            {
                problems.Add($"{where}: dates names {item.Name}, an ID item; ID items stay numbers, since they make the case key. Remove the entry.");
            }
            else if (item.Decimals > 0 || item.Length != format.Length)
            {
                problems.Add($"{where}: dates.{name} is {format.Text} ({format.Length} digits), but {item.Name} has length {item.Length}{(item.Decimals > 0 ? $" and {item.Decimals} decimals" : string.Empty)}; a date item holds exactly the format's digits, without decimals. Correct the format or the item.");
            }
        }
    }

    /// <summary><c>language</c> must be one of the dictionary's language codes: a typo would otherwise give English pages silently.</summary>
    private static void CheckLanguage(PackManifest manifest, DataDictionary dictionary, string manifestPath, YamlLines lines, List<string> problems)
    {
        if (manifest.Language is not { } language)
        {
            return;
        }

        var codes = dictionary.Languages.Count == 0 ? [DefaultLanguage] : dictionary.Languages;
        if (!codes.Contains(language, StringComparer.OrdinalIgnoreCase))
        {
            var declared = dictionary.Languages.Count == 0
                ? $"the dictionary {manifest.Dictionary} declares no [Languages], so its labels are in one language ('{DefaultLanguage}')"
                : $"the dictionary {manifest.Dictionary} has {string.Join(", ", dictionary.Languages.Select(l => $"'{l}'"))} ([Languages])";
            problems.Add($"{Where(manifestPath, lines.Position(["language"]))}: 'language' is '{language}', which is not a language of the dictionary: {declared}; use one of those codes, or remove 'language' to get the dictionary's first.");
        }
    }

    private static async Task Collect(List<string> problems, string path, Func<Task> check)
    {
        try
        {
            await check().ConfigureAwait(false);
        }
        catch (SurveyPackException e)
        {
            problems.Add(e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add($"{path}: cannot be read ({e.Message}); check the file's permissions and that no other program holds it.");
        }
    }

    /// <summary>
    /// A key with nothing after it (<c>drop:</c>, <c>design:</c>) reads as null, not as an empty list or section: each is
    /// a problem with its position, found before any check could fail on the null.
    /// </summary>
    private static IEnumerable<string> NullProblems(string path, YamlLines lines) =>
        lines.NullValues().Select(n => n.Key.EndsWith(']')
            ? $"{path}, {n.Position}: '{n.Key}' is a '-' with nothing after it; write the entry or remove the '-'."
            : $"{path}, {n.Position}: '{n.Key}' has no value; write [] for an empty list, or remove the key (its default then applies).");

    /// <summary>The manifest with every null (a key with no value, already reported) replaced by its default, so the other checks can run.</summary>
    private static PackManifest WithoutNulls(PackManifest m) => new()
    {
        Id = m.Id ?? string.Empty,
        Title = m.Title ?? string.Empty,
        Language = m.Language,
        TitleIn = m.TitleIn ?? System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty,
        Dictionary = m.Dictionary ?? string.Empty,
        Indicators = m.Indicators ?? string.Empty,
        Rules = m.Rules,
        Cleaning = m.Cleaning,
        Design = new DesignManifest
        {
            Strata = m.Design?.Strata ?? string.Empty,
            StratumItems = NoNulls(m.Design?.StratumItems),
            SmallCellThreshold = m.Design?.SmallCellThreshold ?? new DesignManifest().SmallCellThreshold,
            InvalidDesign = m.Design?.InvalidDesign ?? DesignManifest.InvalidDesignFail,
        },
        PersonalData = new PersonalDataManifest { Drop = NoNulls(m.PersonalData?.Drop), Pseudonymise = NoNulls(m.PersonalData?.Pseudonymise) },
        Dates = m.Dates ?? System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty,
        Quality = m.Quality is { } q
            ? new QualityManifest { EnumeratorItem = q.EnumeratorItem, DurationItems = NoNulls(q.DurationItems), DontKnowCodes = q.DontKnowCodes ?? new QualityManifest().DontKnowCodes, MaxMarginalCodes = q.MaxMarginalCodes }
            : new QualityManifest(),
    };

    private static string[] NoNulls(IReadOnlyList<string?>? items) => items?.OfType<string>().ToArray() ?? [];

    private static string Where(string path, string? position) => position is null ? path : $"{path}, {position}";

    private static string? Resolve(string folder, string relative, string manifestPath, YamlLines lines, string[] keys, List<string> problems)
    {
        var key = string.Join('.', keys);
        if (string.IsNullOrWhiteSpace(relative))
        {
            problems.Add($"{manifestPath}: '{key}' is missing; name the file, relative to the pack folder (see docs/adding-a-survey.md).");
            return null;
        }

        var path = Path.Combine(folder, relative);
        if (File.Exists(path))
        {
            return path;
        }

        problems.Add($"{Where(manifestPath, lines.Position(keys))}: '{key}' points to {relative}, which does not exist in {folder}; add the file or correct the path.");
        return null;
    }

    private static string YamlProblem(string path, Exception e) => e switch
    {
        YamlException y => $"{path}, line {y.Start.Line}, column {y.Start.Column}: {y.InnerException?.Message ?? y.Message} Correct the YAML there (indentation, a missing ':' or an unknown key).",
        IOException or UnauthorizedAccessException => $"{path}: cannot be read ({e.Message}); check the file's permissions and that no other program holds it.",
        _ => e.Message,
    };

    /// <summary>
    /// Reads a catalogue and where its entries are; a file with no entries (only comments, or nothing) is an empty
    /// catalogue. Null when a key has no value (each added to <paramref name="problems"/>): its checks would fail on it.
    /// </summary>
    private static async Task<(T Catalogue, YamlLines Lines)?> ReadYamlAsync<T>(string path, List<string> problems, CancellationToken cancellationToken)
        where T : new()
    {
        var text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        var lines = YamlLines.Of(text);
        var nulls = NullProblems(path, lines).ToList();
        if (nulls.Count > 0)
        {
            problems.AddRange(nulls);
            return null;
        }

        try
        {
            return (Yaml.Deserialize<T>(text) ?? new T(), lines);
        }
        catch (YamlException e)
        {
            throw new SurveyPackException(YamlProblem(path, e), e);
        }
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
