namespace Pipeline.Core.Packs;

/// <summary>The survey packs found under one folder, by id.</summary>
public sealed class SurveyPackCatalog
{
    private readonly Dictionary<string, SurveyPack> _packs;

    private SurveyPackCatalog(Dictionary<string, SurveyPack> packs) => _packs = packs;

    public IReadOnlyCollection<SurveyPack> Packs => _packs.Values;

    /// <summary>Loads every sub-folder of <paramref name="root"/> that holds a <c>pack.yaml</c>.</summary>
    public static async Task<SurveyPackCatalog> LoadAsync(string root, CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(root))
        {
            throw new SurveyPackException($"Survey packs folder {Path.GetFullPath(root)} does not exist; set Pipeline:SurveyPacksPath to the folder that holds the packs.");
        }

        var packs = new Dictionary<string, SurveyPack>(StringComparer.OrdinalIgnoreCase);
        foreach (var folder in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            if (File.Exists(Path.Combine(folder, "pack.yaml")))
            {
                var pack = await SurveyPack.LoadAsync(folder, cancellationToken).ConfigureAwait(false);
                packs.Add(pack.Id, pack);
            }
        }

        return packs.Count > 0 ? new SurveyPackCatalog(packs) : throw new SurveyPackException($"No survey pack (a folder with pack.yaml) under {Path.GetFullPath(root)}.");
    }

    /// <summary>The pack with this id, or null.</summary>
    public SurveyPack? Find(string id) => _packs.GetValueOrDefault(id);
}
