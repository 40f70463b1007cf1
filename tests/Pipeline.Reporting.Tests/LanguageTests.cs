using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Pipeline.Core.Ingest;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Core.Reporting;
using Pipeline.Reporting.Tests.Support;

namespace Pipeline.Reporting.Tests;

/// <summary>
/// The outputs for people in the pack's language (#19): the Peru pack says <c>language: es</c>, so its findings report,
/// quality report and exports are in Spanish (texts from the catalogue, titles from indicators.yaml's titleIn, labels
/// from the dictionary's ES labels), with English behind the switch; a copy of the pack without <c>language</c> gets
/// the dictionary's first language, English.
/// </summary>
[Collection(SampleRunCollection.Name)]
public sealed partial class LanguageTests(SampleRun sample)
{
    private const string Survey = "peru-coffee-cacao";

    [Fact]
    public void TextCatalogues_EveryLanguage_HasEveryKeyOfTheEnglishOneWithTheSamePlaceholders()
    {
        var english = ReportTexts.For("en");

        Assert.Equal(["en", "es"], ReportTexts.Available.Order());
        foreach (var language in ReportTexts.Available)
        {
            var texts = ReportTexts.For(language);
            Assert.Equal(english.Keys.Order(), texts.Keys.Order());
            Assert.All(english.Keys, key =>
            {
                Assert.False(string.IsNullOrWhiteSpace(texts[key]), $"{language}: '{key}' is empty");
                Assert.True(Placeholders(english[key]).SetEquals(Placeholders(texts[key])), $"{language}: '{key}' has placeholders {string.Join(' ', Placeholders(texts[key]))}, English {string.Join(' ', Placeholders(english[key]))}");
            });
        }
    }

    [Fact]
    public void TextCatalogues_UnknownLanguage_FallsBackToEnglish() =>
        Assert.Equal("Findings — X", ReportTexts.For("qu").Format("findings.title", "X"));

    [Fact]
    public async Task FindingsReport_PeruPackInSpanish_HasSpanishTitlesHeadersAndLabels()
    {
        var html = await File.ReadAllTextAsync(await FindingsPageAsync());
        var spanish = BodyOf(html, "es");

        Assert.Equal("es", sample.Pack.Language);
        Assert.Contains("<html lang=\"es\">", html, StringComparison.Ordinal);
        Assert.Contains($"<title>{Encode("Resultados — Encuesta a participantes de las Alianzas Perú Café y Perú Cacao (2022)")}</title>", html, StringComparison.Ordinal);
        Assert.Contains(Encode("Pertenece a una asociación, cooperativa o comité de productores"), spanish, StringComparison.Ordinal);
        Assert.Contains($"<th>Celda</th><th>Recalculado</th><th>IC al 95%</th><th>{Encode("Error estándar")}</th>", spanish, StringComparison.Ordinal);
        Assert.Contains(Encode("Cómo leer las barras"), spanish, StringComparison.Ordinal);
        Assert.Contains($"<h2 id=\"contents-title\">Contenido</h2>", spanish, StringComparison.Ordinal);
        Assert.Contains(Encode("Alianza: Alianza Perú Café"), spanish, StringComparison.Ordinal); // breakdown labelIn.es, dictionary's ES value label
        Assert.Contains(Encode("Resultado Q12_MEMBER = 1 (Sí); denominador: todos los encuestados que respondieron."), spanish, StringComparison.Ordinal);
        Assert.DoesNotContain(Encode("Belongs to an association"), spanish, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FindingsReport_PeruPackInSpanish_CarriesEnglishBehindTheSwitch()
    {
        var html = await File.ReadAllTextAsync(await FindingsPageAsync());
        var english = BodyOf(html, "en");

        Assert.Contains("<main lang=\"en\" data-lang=\"en\" data-id-prefix=\"en-\" hidden>", html, StringComparison.Ordinal);
        Assert.Contains("<button type=\"button\" lang=\"en\" data-lang=\"en\" aria-pressed=\"false\">English</button>", html, StringComparison.Ordinal);
        Assert.Contains($"<button type=\"button\" lang=\"es\" data-lang=\"es\" aria-pressed=\"true\">{Encode("Español")}</button>", html, StringComparison.Ordinal);
        Assert.Contains(Encode("Belongs to an association, cooperative or producers' committee"), english, StringComparison.Ordinal);
        Assert.Contains("<th>Cell</th><th>Recomputed</th><th>95% CI</th>", english, StringComparison.Ordinal);
        Assert.Contains(Encode("Alliance: Peru Coffee Alliance"), english, StringComparison.Ordinal);
        Assert.Contains("<h2 id=\"en-contents-title\">Contents</h2>", english, StringComparison.Ordinal); // ids stay unique across the bodies
        Assert.Contains("<a href=\"#en-summary\">", english, StringComparison.Ordinal);
        Assert.DoesNotContain(" id=\"contents-title\"", english, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FindingsReport_AddressAsksForEnglish_ChromiumShowsTheEnglishBody()
    {
        var dom = await Chromium.DumpDomAsync(await FindingsPageAsync(), "#lang=en");

        Assert.Contains("<html lang=\"en\">", dom, StringComparison.Ordinal);
        Assert.Matches(new Regex("<main lang=\"es\" data-lang=\"es\" hidden=\"\">"), dom);
        Assert.Matches(new Regex("<main lang=\"en\" data-lang=\"en\" data-id-prefix=\"en-\">"), dom);
        Assert.Matches(new Regex("<button type=\"button\" lang=\"en\" data-lang=\"en\" aria-pressed=\"true\">English</button>"), dom);
    }

    [Fact]
    public async Task QualityReport_PeruPackInSpanish_HasSpanishHeadingsWithEnglishBehindTheSwitch()
    {
        var upload = sample.View.Uploads[0].UploadId;
        var file = await sample.DownloadAsync(LakeZone.Reports, LakePaths.QualityReport(Survey, upload));
        var html = await File.ReadAllTextAsync(file);
        var spanish = BodyOf(html, "es");

        Assert.StartsWith("<!DOCTYPE html><html lang=\"es\">", html, StringComparison.Ordinal);
        Assert.Contains("<h1>Informe de calidad de datos</h1>", spanish, StringComparison.Ordinal);
        Assert.Contains($"<table id=\"accounting\"><tr><th>Registro</th><th>{Encode("Leídas")}</th><th>Curadas</th><th>Rechazadas</th></tr>", spanish, StringComparison.Ordinal);
        Assert.Contains("<h2>Incidencias por regla</h2>", spanish, StringComparison.Ordinal);
        Assert.Contains("<span class=\"note\">B.3 Sexo</span>", spanish, StringComparison.Ordinal); // the frequency table of B3_SEX, ES labels
        Assert.Contains("<td>2 Mujer</td>", spanish, StringComparison.Ordinal);
        Assert.Contains("<h1>Data quality report</h1>", BodyOf(html, "en"), StringComparison.Ordinal);
        Assert.Contains("<table id=\"en-accounting\">", BodyOf(html, "en"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FindingsExport_PeruPackInSpanish_CsvHasSpanishHeadersTitlesAndLabels()
    {
        using var output = new MemoryStream();

        await FindingsExport.WriteCsvAsync(sample.Pack, sample.Run.Status.Record, sample.Run.Rows, output);

        var lines = Encoding.UTF8.GetString(output.ToArray()).TrimStart('\uFEFF').Split("\r\n");
        Assert.StartsWith("id_ejecucion,id_indicador,titulo_indicador,pregunta,referencia,estadistico,id_desagregacion,desagregacion,clave_celda,codigo_celda,etiqueta_celda,estimacion,", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Contains(",\"Pertenece a una asociación, cooperativa o comité de productores\",Q12,", StringComparison.Ordinal) && l.Contains(",all,Todos,all,,Todos,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(",alliance,Alianza,alliance=1,1,Alianza Perú Café,", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FindingsExport_PackCopyWithoutLanguage_IsInTheDictionarysFirstLanguageEnglish()
    {
        var pack = await PackCopyAsync(manifest => manifest.Replace("language: es\n", string.Empty, StringComparison.Ordinal));
        using var output = new MemoryStream();

        await FindingsExport.WriteCsvAsync(pack, sample.Run.Status.Record, sample.Run.Rows, output);

        var lines = Encoding.UTF8.GetString(output.ToArray()).TrimStart('\uFEFF').Split("\r\n");
        Assert.Equal("en", pack.Language);
        Assert.Equal(string.Join(',', FindingsExport.Columns), lines[0]);
        Assert.Contains(lines, l => l.Contains(",\"Belongs to an association, cooperative or producers' committee\",Q12,", StringComparison.Ordinal) && l.Contains(",all,All,all,,All,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(",alliance,Alliance,alliance=1,1,", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FindingsReport_PackCopyWithoutLanguage_IsEnglishWithSpanishBehindTheSwitch()
    {
        var pack = await PackCopyAsync(manifest => manifest.Replace("language: es\n", string.Empty, StringComparison.Ordinal));
        var report = await FindingsReport.CreateAsync(TimeProvider.System);
        using var output = new MemoryStream();

        await report.WriteHtmlAsync(pack, sample.Run.Status.Record, sample.Run.Rows, output);

        var html = Encoding.UTF8.GetString(output.ToArray());
        Assert.Contains("<html lang=\"en\">", html, StringComparison.Ordinal);
        Assert.Contains("<main lang=\"en\" data-lang=\"en\">", html, StringComparison.Ordinal);
        Assert.Contains("<main lang=\"es\" data-lang=\"es\" data-id-prefix=\"es-\" hidden>", html, StringComparison.Ordinal);
        Assert.Contains("<h1>Findings — Survey of participants in the Peru Coffee and Peru Cacao Alliances (2022)</h1>", BodyOf(html, "en"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PackCheck_LanguageNotInTheDictionary_IsAProblemNamingTheDictionarysLanguages()
    {
        var folder = await PackFolderCopyAsync(manifest => manifest.Replace("language: es\n", "language: qu\n", StringComparison.Ordinal));

        var result = await SurveyPack.CheckAsync(folder);

        Assert.Null(result.Pack);
        var problem = Assert.Single(result.Problems);
        Assert.Contains("pack.yaml, line ", problem, StringComparison.Ordinal);
        Assert.Contains("'language' is 'qu', which is not a language of the dictionary: the dictionary dictionary/PERU_ALLIANCES.dcf has 'EN', 'ES' ([Languages]); use one of those codes", problem, StringComparison.Ordinal);
    }

    private Task<string> FindingsPageAsync() =>
        sample.DownloadAsync(LakeZone.Findings, FindingsReportPublisher.PathOf(Survey, sample.Run.Status.Record.RunId, FindingsReportPublisher.HtmlFile));

    /// <summary>The body of one language: from its &lt;main&gt; to the next &lt;/main&gt;.</summary>
    private static string BodyOf(string html, string language)
    {
        var start = html.IndexOf($"<main lang=\"{language}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"No <main lang=\"{language}\"> in the page.");
        return html[start..html.IndexOf("</main>", start, StringComparison.Ordinal)];
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static HashSet<string> Placeholders(string text) => Placeholder().Matches(text).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);

    private static async Task<SurveyPack> PackCopyAsync(Func<string, string> editManifest) =>
        await SurveyPack.LoadAsync(await PackFolderCopyAsync(editManifest));

    /// <summary>A copy of the Peru pack in the test output, with pack.yaml edited.</summary>
    private static async Task<string> PackFolderCopyAsync(Func<string, string> editManifest)
    {
        var source = Path.Combine(RepoPaths.SurveyPacks, Survey);
        var target = Path.Combine(RepoPaths.Output, "pack-copies", Guid.NewGuid().ToString("N"), Survey);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }

        var manifest = Path.Combine(target, "pack.yaml");
        var text = (await File.ReadAllTextAsync(manifest)).ReplaceLineEndings("\n");
        var edited = editManifest(text);
        Assert.NotEqual(text, edited);
        await File.WriteAllTextAsync(manifest, edited);
        return target;
    }

    [GeneratedRegex("\\{\\d+\\}")]
    private static partial Regex Placeholder();
}
