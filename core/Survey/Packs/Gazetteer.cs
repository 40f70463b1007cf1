using Pipeline.Core.Values;
using Sylvan.Data.Csv;

namespace Pipeline.Core.Packs;

/// <summary>
/// The official spellings of the survey's places (the pack's gazetteer CSV, one <c>name</c> per row). A field spelling
/// matches when it is equal once accents, case, punctuation and spacing are ignored (<see cref="TextForms.Fold"/>).
/// </summary>
public sealed class Gazetteer
{
    private readonly Dictionary<string, string> _byFolded;

    private Gazetteer(Dictionary<string, string> byFolded) => _byFolded = byFolded;

    public int Count => _byFolded.Count;

    /// <summary>The official spelling of <paramref name="text"/>, or null when the place is not in the gazetteer.</summary>
    public string? Match(string text) => _byFolded.GetValueOrDefault(TextForms.Fold(text));

    public static Gazetteer FromNames(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var byFolded = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in names.Select(TextForms.Normalise).Where(n => n.Length > 0))
        {
            byFolded.TryAdd(TextForms.Fold(name), name);
        }

        return new Gazetteer(byFolded);
    }

    /// <summary>Reads the CSV; throws <see cref="SurveyPackException"/> naming the file and line for a bad file.</summary>
    public static async Task<Gazetteer> LoadAsync(string path, CancellationToken cancellationToken)
    {
        using var text = File.OpenText(path);
        await using var csv = await CsvDataReader.CreateAsync(text, new CsvDataReaderOptions { HasHeaders = true }, cancellationToken).ConfigureAwait(false);
        var ordinal = csv.GetOrdinal("name");
        if (ordinal < 0)
        {
            throw new SurveyPackException($"{path}: the gazetteer needs a 'name' column in its header.");
        }

        var names = new List<string>();
        var line = 1;
        while (await csv.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            line++;
            var name = csv.GetString(ordinal);
            names.Add(name.Length > 0 ? name : throw new SurveyPackException($"{path}, line {line}: 'name' is empty."));
        }

        return FromNames(names);
    }
}
