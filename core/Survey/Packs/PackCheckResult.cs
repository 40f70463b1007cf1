namespace Pipeline.Core.Packs;

/// <summary>
/// What checking a survey pack folder found: the loaded pack when it is clean, else every problem, each naming its file
/// (and line and column where known) and what to do. One bad file does not hide the problems of the others.
/// </summary>
public sealed class PackCheckResult
{
    internal PackCheckResult(string folder, string id, SurveyPack? pack, IReadOnlyList<string> problems)
    {
        Folder = folder;
        Id = id;
        Pack = pack;
        Problems = problems;
    }

    /// <summary>The pack folder, full path.</summary>
    public string Folder { get; }

    /// <summary>The pack's id from pack.yaml, or the folder's name when pack.yaml gives none (uploads name it so).</summary>
    public string Id { get; }

    /// <summary>The pack, when it has no problem; null otherwise.</summary>
    public SurveyPack? Pack { get; }

    /// <summary>Every problem found, in file order; empty when the pack is clean.</summary>
    public IReadOnlyList<string> Problems { get; }

    public bool IsClean => Problems.Count == 0;
}
