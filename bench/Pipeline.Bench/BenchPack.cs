using Pipeline.Core.Packs;

namespace Pipeline.Bench;

/// <summary>Where the bench finds the survey packs: copied next to the executable, else ./survey-packs.</summary>
internal static class BenchPack
{
    public const string DefaultSurvey = "peru-coffee-cacao";

    public static string DefaultPacksFolder()
    {
        var bundled = Path.Combine(AppContext.BaseDirectory, "survey-packs");
        return Directory.Exists(bundled) ? bundled : Path.Combine(Environment.CurrentDirectory, "survey-packs");
    }

    public static async Task<SurveyPack> LoadAsync(string survey, string? packsFolder = null, CancellationToken cancellationToken = default)
    {
        var catalog = await SurveyPackCatalog.LoadAsync(packsFolder ?? DefaultPacksFolder(), cancellationToken);
        return catalog.Find(survey) ?? throw new SurveyPackException($"No survey pack '{survey}'; known: {string.Join(", ", catalog.Packs.Select(p => p.Id))}.");
    }
}
