using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;

namespace Pipeline.Core.Reporting;

/// <summary>
/// The fixed texts of the outputs for people (report titles, table headers, notes, flag meanings, export headers), one
/// catalogue per language: <c>Texts/&lt;code&gt;.json</c>, embedded in this assembly, a flat object of key to text
/// (<c>{0}</c>-style placeholders; a key ending in <c>_html</c> holds markup and is not encoded). JSON rather than
/// .resx: .resx resolves a culture through satellite assemblies and the ambient <see cref="CultureInfo.CurrentUICulture"/>,
/// while a pack chooses its language explicitly and a translator edits one plain file per language. A language
/// without a catalogue gets English (the dictionary's labels still come in that language). A test checks that every
/// catalogue has every key of the English one, with the same placeholders.
/// </summary>
public sealed class ReportTexts
{
    /// <summary>The catalogue used for a language that has none.</summary>
    public const string Fallback = "en";

    private static readonly Lazy<FrozenDictionary<string, ReportTexts>> Catalogues = new(Load);

    private readonly FrozenDictionary<string, string> _texts;

    private ReportTexts(string language, FrozenDictionary<string, string> texts)
    {
        Language = language;
        _texts = texts;
    }

    /// <summary>The language of the catalogue (lower-case code).</summary>
    public string Language { get; }

    /// <summary>The keys of this catalogue.</summary>
    public IEnumerable<string> Keys => _texts.Keys;

    /// <summary>The languages that have a catalogue.</summary>
    public static IReadOnlyCollection<string> Available => Catalogues.Value.Keys;

    /// <summary>The catalogue of <paramref name="language"/> (case-insensitive), or the English one when it has none.</summary>
    public static ReportTexts For(string language)
    {
        ArgumentNullException.ThrowIfNull(language);
        return Catalogues.Value.TryGetValue(language.ToLowerInvariant(), out var texts) ? texts : Catalogues.Value[Fallback];
    }

    /// <summary>The text of <paramref name="key"/>; a key missing from the catalogue is a bug (the key test guards it).</summary>
    public string this[string key] => _texts.TryGetValue(key, out var text)
        ? text
        : throw new KeyNotFoundException($"The report text catalogue '{Language}' has no key '{key}'; add it to core/Reporting/Texts/{Language}.json.");

    /// <summary>Whether the catalogue has <paramref name="key"/> (for open sets of keys, such as the names of flags).</summary>
    public bool Has(string key) => _texts.ContainsKey(key);

    /// <summary>The text of <paramref name="key"/> with its placeholders filled (invariant culture).</summary>
    public string Format(string key, params object?[] args) => string.Format(CultureInfo.InvariantCulture, this[key], args);

    /// <summary>The name of a language in that language (English, Español: the catalogue's <c>page.language_name</c>); the code, upper-case, for a language without a catalogue.</summary>
    public static string NameOf(string language)
    {
        ArgumentNullException.ThrowIfNull(language);
        return Catalogues.Value.TryGetValue(language.ToLowerInvariant(), out var texts) ? texts["page.language_name"] : language.ToUpperInvariant();
    }

    private static FrozenDictionary<string, ReportTexts> Load()
    {
        var assembly = typeof(ReportTexts).Assembly;
        var catalogues = new Dictionary<string, ReportTexts>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("Reporting/Texts/", StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            var texts = JsonSerializer.Deserialize<Dictionary<string, string>>(stream)
                ?? throw new InvalidDataException($"The embedded report text catalogue {name} is empty.");
            var language = Path.GetFileNameWithoutExtension(name).ToLowerInvariant();
            catalogues[language] = new ReportTexts(language, texts.ToFrozenDictionary(StringComparer.Ordinal));
        }

        return catalogues.ContainsKey(Fallback)
            ? catalogues.ToFrozenDictionary(StringComparer.Ordinal)
            : throw new InvalidDataException($"The report text catalogue Texts/{Fallback}.json is not embedded in {assembly.GetName().Name}.");
    }
}
