namespace Pipeline.Core.Packs;

/// <summary>
/// The survey packs found under one folder, by id. A pack that does not load is kept aside as broken, with its problems:
/// the others keep working, and an upload to the broken one is rejected with the reason (not "unknown survey").
/// </summary>
public sealed class SurveyPackCatalog
{
    private readonly Dictionary<string, SurveyPack> _packs;
    private readonly Dictionary<string, BrokenPack> _broken;

    private SurveyPackCatalog(Dictionary<string, SurveyPack> packs, Dictionary<string, BrokenPack> broken)
    {
        _packs = packs;
        _broken = broken;
    }

    public IReadOnlyCollection<SurveyPack> Packs => _packs.Values;

    /// <summary>The packs that did not load, with why; empty when every pack loaded.</summary>
    public IReadOnlyCollection<BrokenPack> Broken => _broken.Values;

    /// <summary>
    /// Loads every sub-folder of <paramref name="root"/> that holds a <c>pack.yaml</c>. A broken pack goes to
    /// <see cref="Broken"/>; throws <see cref="SurveyPackException"/> only when the folder is missing or holds no pack.
    /// </summary>
    public static async Task<SurveyPackCatalog> LoadAsync(string root, CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(root))
        {
            throw new SurveyPackException($"Survey packs folder {Path.GetFullPath(root)} does not exist; set Pipeline:SurveyPacksPath to the folder that holds the packs.");
        }

        var packs = new Dictionary<string, SurveyPack>(StringComparer.OrdinalIgnoreCase);
        var broken = new Dictionary<string, BrokenPack>(StringComparer.OrdinalIgnoreCase);
        foreach (var folder in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            if (!File.Exists(Path.Combine(folder, "pack.yaml")))
            {
                continue;
            }

            PackCheckResult result;
            try
            {
                result = await SurveyPack.CheckAsync(folder, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One pack must not stop the others (nor the host): whatever went wrong, it is this pack's problem.
                var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(folder));
                broken.TryAdd(name, new BrokenPack(name, Path.GetFullPath(folder), [Unexpected(folder, e)]));
                continue;
            }

            if (packs.TryGetValue(result.Id, out var first) || broken.ContainsKey(result.Id))
            {
                var other = first?.Folder ?? broken[result.Id].Folder;
                broken.TryAdd($"{result.Id} ({result.Folder})", new BrokenPack(result.Id, result.Folder, [$"{Path.Combine(result.Folder, "pack.yaml")}: id '{result.Id}' is already the id of the pack in {other}; give each pack its own id.", .. result.Problems]));
            }
            else if (result.Pack is { } pack)
            {
                packs.Add(pack.Id, pack);
            }
            else
            {
                broken.Add(result.Id, new BrokenPack(result.Id, result.Folder, result.Problems));
            }
        }

        return packs.Count + broken.Count > 0
            ? new SurveyPackCatalog(packs, broken)
            : throw new SurveyPackException($"No survey pack (a folder with pack.yaml) under {Path.GetFullPath(root)}; make one with 'survey-pipeline pack init --dictionary <file.dcf>' (see docs/adding-a-survey.md).");
    }

    /// <summary>The problem for a pack whose check failed unexpectedly: the folder and the exception's message, no stack trace.</summary>
    public static string Unexpected(string folder, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return $"{Path.GetFullPath(folder)}: the pack could not be checked ({exception.GetType().Name}: {exception.Message}); correct the file it names, or report this with the pack if it names none.";
    }

    /// <summary>The pack with this id, or null (also for a broken pack: see <see cref="FindBroken"/>).</summary>
    public SurveyPack? Find(string id) => _packs.GetValueOrDefault(id);

    /// <summary>The broken pack with this id, or null.</summary>
    public BrokenPack? FindBroken(string id) => _broken.GetValueOrDefault(id);
}

/// <summary>A pack folder that did not load: its id (or folder name), its folder and every problem found.</summary>
public sealed record BrokenPack(string Id, string Folder, IReadOnlyList<string> Problems)
{
    /// <summary>The problems <see cref="Summary"/> lists; the rest are counted.</summary>
    public const int SummaryProblems = 3;

    /// <summary>
    /// The first <see cref="SummaryProblems"/> problems as one text, for a log line or an upload's rejection. Paths are
    /// relative to the pack folder (design/strata.csv), so a rejection shown to an uploader does not reveal the server's.
    /// </summary>
    public string Summary
    {
        get
        {
            var folder = Path.TrimEndingDirectorySeparator(Folder);
            var shown = Problems.Take(SummaryProblems).Select(p => p.ReplaceLineEndings(" ").Replace(folder + Path.DirectorySeparatorChar, string.Empty, StringComparison.Ordinal).Replace(folder, ".", StringComparison.Ordinal));
            var more = Problems.Count > SummaryProblems ? $" | and {Problems.Count - SummaryProblems} more (pack check lists them all)" : string.Empty;
            return string.Join(" | ", shown) + more;
        }
    }
}
