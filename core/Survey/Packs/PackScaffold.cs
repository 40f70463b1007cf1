using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Pipeline.Core.Dictionary;

namespace Pipeline.Core.Packs;

/// <summary>
/// Writes a working survey pack from a CSPro dictionary alone (<c>survey-pipeline pack init</c>): pack.yaml with every
/// section commented, the dictionary copied in, a strata template built from the dictionary's ID items, empty rules
/// and indicators, and a generator.yaml for synthetic test exports. It decides nothing about personal data: it only
/// suggests, in comments, the items whose names or labels look like names, contacts or coordinates.
/// </summary>
public static partial class PackScaffold
{
    /// <summary>An ID item's value set with more codes than this gives a single "all cases" stratum instead.</summary>
    public const int MaxStrataFromValueSet = 60;

    /// <summary>The pack id made from a dictionary's name: lower case, '_' and other separators as '-'.</summary>
    public static string IdFor(DataDictionary dictionary)
    {
        ArgumentNullException.ThrowIfNull(dictionary);
        return IdFor(dictionary.Name);
    }

    private static string IdFor(string name)
    {
        var id = NotIdCharacters().Replace(name.ToLowerInvariant(), "-").Trim('-');
        return id.Length > 0 ? id : "survey";
    }

    /// <summary>
    /// Writes the pack for <paramref name="dictionaryPath"/> into <paramref name="folder"/> (default: a folder named after
    /// the pack id under <c>survey-packs</c>; a given folder's name is the id) and returns the files written. Refuses a folder that already holds a pack.
    /// Throws <see cref="SurveyPackException"/> for a dictionary that does not read, naming the file and line.
    /// </summary>
    public static async Task<PackScaffoldResult> WriteAsync(string dictionaryPath, string? folder, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(dictionaryPath);
        if (!File.Exists(dictionaryPath))
        {
            throw new SurveyPackException($"{Path.GetFullPath(dictionaryPath)}: no such file; give the path of the survey's CSPro dictionary (.dcf).");
        }

        DataDictionary dictionary;
        try
        {
            dictionary = await DictionaryReader.ReadFileAsync(dictionaryPath, cancellationToken).ConfigureAwait(false);
        }
        catch (DictionaryFormatException e)
        {
            throw new SurveyPackException($"{e.Message} pack init needs a dictionary CSPro opens; correct it and run pack init again.", e);
        }

        // The folder's name is the id when the folder is given (--out survey-packs/<id>): two packs of one dictionary
        // (two rounds, two countries) then get two ids.
        var id = folder is null ? IdFor(dictionary) : IdFor(Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder))));
        folder ??= Path.Combine("survey-packs", id);
        if (File.Exists(Path.Combine(folder, "pack.yaml")))
        {
            throw new SurveyPackException($"{Path.GetFullPath(Path.Combine(folder, "pack.yaml"))}: already exists; pack init does not overwrite a pack. Choose another --out folder or delete this one.");
        }

        var plan = Plan(dictionary);
        Directory.CreateDirectory(Path.Combine(folder, "dictionary"));
        Directory.CreateDirectory(Path.Combine(folder, "design"));
        var dictionaryFile = "dictionary/" + Path.GetFileName(dictionaryPath);
        File.Copy(dictionaryPath, Path.Combine(folder, dictionaryFile), overwrite: true);
        var files = new List<string> { dictionaryFile };
        async Task Write(string name, string text)
        {
            await File.WriteAllTextAsync(Path.Combine(folder, name), text, new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
            files.Add(name);
        }

        await Write("pack.yaml", PackScaffoldTexts.Manifest(id, dictionary, dictionaryFile, plan)).ConfigureAwait(false);
        await Write("design/strata.csv", Strata(plan)).ConfigureAwait(false);
        await Write("rules.yaml", PackScaffoldTexts.Rules(dictionary)).ConfigureAwait(false);
        await Write("indicators.yaml", PackScaffoldTexts.Indicators(dictionary, plan)).ConfigureAwait(false);
        await Write("generator.yaml", PackScaffoldTexts.Generator(dictionary, plan)).ConfigureAwait(false);
        await Write("README.md", PackScaffoldTexts.Readme(id, dictionary, plan)).ConfigureAwait(false);
        return new PackScaffoldResult(id, Path.GetFullPath(folder), files, plan);
    }

    /// <summary>
    /// The design the template starts from. The stratum item is the first numeric ID item whose value set lists
    /// 2 to <see cref="MaxStrataFromValueSet"/> single codes (a region, a district): one stratum per code. Without one,
    /// a single "all cases" stratum. The sequence item (numbering generated cases) is the widest other numeric ID item.
    /// </summary>
    public static ScaffoldPlan Plan(DataDictionary dictionary)
    {
        ArgumentNullException.ThrowIfNull(dictionary);
        var ids = dictionary.CaseIdItems;
        DictionaryItem? stratumItem = null;
        IReadOnlyList<(long Code, string Label)> codes = [];
        // A stratum item needs another numeric ID item beside it, to number the cases of a stratum.
        var numericIds = ids.Where(i => i.DataType == ItemDataType.Numeric && i.Decimals == 0).ToList();
        foreach (var item in numericIds.Count >= 2 ? numericIds : [])
        {
            var single = SingleCodes(item);
            if (single.Count is >= 2 and <= MaxStrataFromValueSet)
            {
                stratumItem = item;
                codes = single;
                break;
            }
        }

        var sequence = ids.Where(i => i != stratumItem && i.Decimals == 0).OrderByDescending(i => i.DataType == ItemDataType.Numeric).ThenByDescending(i => i.Length).FirstOrDefault();
        // A subitem's characters are in its parent's column too: suggest the parent (its subitems go with it).
        var personal = dictionary.Records.SelectMany(r => r.Items).Concat(ids).Where(LooksPersonal)
            .Select(i => (Subitems.ParentOf(dictionary, i) ?? i).Name).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        return new ScaffoldPlan(stratumItem?.Name, codes, sequence?.Name, personal);
    }

    private static List<(long Code, string Label)> SingleCodes(DictionaryItem item)
    {
        var codes = new List<(long, string)>();
        foreach (var value in item.PrimaryValueSet?.Values ?? [])
        {
            if (value.Special is not null)
            {
                continue;
            }

            foreach (var pair in value.Pairs)
            {
                if (pair.To is not null || !long.TryParse(pair.From.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var code))
                {
                    return []; // a range: the value set does not list strata
                }

                codes.Add((code, value.Label));
            }
        }

        return codes.DistinctBy(c => c.Item1).ToList();
    }

    private static bool LooksPersonal(DictionaryItem item) =>
        (item.DataType == ItemDataType.Alpha && AlphaPersonal().IsMatch(item.Name + " " + item.Label)) || Coordinates().IsMatch(item.Name + " " + item.Label);

    private static string Strata(ScaffoldPlan plan)
    {
        var text = new StringBuilder();
        if (plan.StratumItem is null)
        {
            text.Append("stratum_id,label,universe,planned_sample\r\n");
            text.Append("all,All cases (one stratum until the sample design is filled in),1,1\r\n");
            return text.ToString();
        }

        text.Append(CultureInfo.InvariantCulture, $"stratum_id,{plan.StratumItem},label,universe,planned_sample\r\n");
        foreach (var (code, label) in plan.StratumCodes)
        {
            text.Append(CultureInfo.InvariantCulture, $"{plan.StratumItem.ToLowerInvariant().Replace('_', '-')}-{code},{code},{Csv(label)},1,1\r\n");
        }

        return text.ToString();
    }

    private static string Csv(string text)
    {
        var clean = text.ReplaceLineEndings(" ").Trim();
        return clean.Length == 0 ? "-" : clean.IndexOfAny([',', '"']) >= 0 ? $"\"{clean.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : clean;
    }

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NotIdCharacters();

    [GeneratedRegex(@"name|nombre|nom\b|surname|phone|telephone|mobile|t[eé]l[eé]fono|address|direcci[oó]n|e-?mail|street|village|landmark|\bid\s*(card|number)|national\s*id", RegexOptions.IgnoreCase)]
    private static partial Regex AlphaPersonal();

    [GeneratedRegex(@"gps|latitude|longitude|\blat\b|\blong?\b|coord|altitude", RegexOptions.IgnoreCase)]
    private static partial Regex Coordinates();
}

/// <summary>What pack init chose: the stratum item and its codes (none: one stratum), the sequence item, suggested personal items.</summary>
public sealed record ScaffoldPlan(string? StratumItem, IReadOnlyList<(long Code, string Label)> StratumCodes, string? SequenceItem, IReadOnlyList<string> SuggestedPersonal);

/// <summary>The pack pack init wrote: its id, folder and files (relative to the folder).</summary>
public sealed record PackScaffoldResult(string Id, string Folder, IReadOnlyList<string> Files, ScaffoldPlan Plan);
