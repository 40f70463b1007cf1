using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Pipeline.Core.Packs;

namespace Pipeline.Core.Reporting;

/// <summary>
/// The language switch of the HTML reports. A page holds its body once per language of the dictionary, each in its own
/// <c>&lt;main lang=".." data-lang=".."&gt;</c>, the pack's language first and shown, the others <c>hidden</c>; a row of
/// buttons at the top shows one and sets <c>&lt;html lang&gt;</c>; <c>#lang=en</c> in the address opens a language. No network, no storage: the texts are all in the
/// page, so it still switches when mailed or opened from a file share. The bodies after the first prefix their element
/// ids with the language ("es-summary", links "#es-..."), so ids stay unique. Without scripts, the first language shows.
/// </summary>
internal static partial class LanguageSwitch
{
    public const string Style = """
        .language-switch { display: flex; flex-wrap: wrap; gap: 6px; justify-content: flex-end; align-items: center; max-width: 1040px; margin: 0 auto; padding: 8px 32px 0; font-size: 13px; color: #5b6776; }
        .language-switch button { font: inherit; padding: 2px 10px; border: 1px solid #d9dee4; border-radius: 12px; background: #ffffff; color: #1d2733; cursor: pointer; }
        .language-switch button[aria-pressed="true"] { background: #1d2733; border-color: #1d2733; color: #ffffff; }
        main[hidden] { display: none; }

        """;

    /// <summary>
    /// Switches the shown body and the page's lang, and opens the language asked for in the address (<c>#lang=en</c>).
    /// </summary>
    public const string Script = """
        (function () {
          'use strict';
          var buttons = document.querySelectorAll('.language-switch button[data-lang]');
          function show(lang) {
            document.querySelectorAll('main[data-lang]').forEach(function (main) {
              main.hidden = main.getAttribute('data-lang') !== lang;
              if (!main.hidden) { document.documentElement.lang = lang; }
            });
            buttons.forEach(function (b) { b.setAttribute('aria-pressed', String(b.getAttribute('data-lang') === lang)); });
          }
          buttons.forEach(function (b) {
            b.addEventListener('click', function () {
              var lang = b.getAttribute('data-lang');
              show(lang);
              // The address keeps the choice ("report.html#lang=es"), so a link or a reload opens the same language.
              try { history.replaceState(null, '', '#lang=' + lang); } catch (e) { /* a file: page may refuse; the switch still works */ }
            });
          });
          var asked = /(?:^#|&)lang=([A-Za-z0-9_-]+)/.exec(location.hash);
          if (asked && document.querySelector('main[data-lang="' + asked[1] + '"]')) { show(asked[1]); }
        })();
        """;

    /// <summary>The page's languages: the pack's first, then the dictionary's others in its order.</summary>
    public static IReadOnlyList<string> Order(SurveyPack pack)
    {
        ArgumentNullException.ThrowIfNull(pack);
        return [pack.Language, .. pack.Languages.Where(l => !string.Equals(l, pack.Language, StringComparison.OrdinalIgnoreCase))];
    }

    /// <summary>The ids' prefix of a language's body: none for the first, "es-" for the others.</summary>
    public static string IdPrefix(IReadOnlyList<string> languages, string language) =>
        string.Equals(language, languages[0], StringComparison.Ordinal) ? string.Empty : language + "-";

    /// <summary>The opening tag of a language's body.</summary>
    public static string MainStart(IReadOnlyList<string> languages, string language)
    {
        var lang = WebUtility.HtmlEncode(language);
        var prefix = IdPrefix(languages, language);
        return prefix.Length == 0
            ? $"<main lang=\"{lang}\" data-lang=\"{lang}\">\n"
            : $"<main lang=\"{lang}\" data-lang=\"{lang}\" data-id-prefix=\"{WebUtility.HtmlEncode(prefix)}\" hidden>\n";
    }

    /// <summary>The buttons, one per language, each named in its own language (English, Español); nothing for one language.</summary>
    public static void AppendSwitch(StringBuilder html, IReadOnlyList<string> languages, ReportTexts texts)
    {
        ArgumentNullException.ThrowIfNull(html);
        if (languages.Count < 2)
        {
            return;
        }

        html.Append("<nav class=\"language-switch\" aria-label=\"").Append(WebUtility.HtmlEncode(texts["page.language"])).Append("\">");
        foreach (var language in languages)
        {
            html.Append("<button type=\"button\" lang=\"").Append(WebUtility.HtmlEncode(language)).Append("\" data-lang=\"").Append(WebUtility.HtmlEncode(language))
                .Append("\" aria-pressed=\"").Append(language == languages[0] ? "true" : "false").Append("\">")
                .Append(WebUtility.HtmlEncode(ReportTexts.NameOf(language))).Append("</button>");
        }

        html.Append("</nav>\n");
    }

    /// <summary>The body with its ids prefixed, and what points at them: in-page links, label targets, aria references (one id each).</summary>
    public static string PrefixIds(string body, string prefix) =>
        prefix.Length == 0 ? body : IdAttribute().Replace(body, m => m.Value + prefix);

    [GeneratedRegex("(?<=[\\s<])(?:id=\"|for=\"|aria-labelledby=\"|aria-describedby=\"|href=\"#)", RegexOptions.CultureInvariant)]
    private static partial Regex IdAttribute();
}
