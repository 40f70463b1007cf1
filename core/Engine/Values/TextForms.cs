using System.Globalization;
using System.Text;

namespace Pipeline.Core.Values;

/// <summary>
/// The two text forms cleaning uses: the stored form and the form names are compared in.
/// </summary>
/// <remarks>
/// The apps run with InvariantGlobalization (no ICU needed on the Functions host), where <see cref="string.Normalize()"/>
/// returns its input unchanged. So the canonical compositions of the Latin letters with diacritics (U+00C0–U+024F, the
/// scripts of Spanish, Portuguese, Quechua and Aymara spellings) are tabled here, generated from the Unicode Character
/// Database 14.0 (each entry: composed letter, base letter, combining mark). Other scripts are left as they are.
/// </remarks>
public static class TextForms
{
    private const string Compositions =
        "\u00C0\u0041\u0300\u00C1\u0041\u0301\u00C2\u0041\u0302\u00C3\u0041\u0303\u00C4\u0041\u0308\u00C5\u0041\u030A" +
        "\u00C7\u0043\u0327\u00C8\u0045\u0300\u00C9\u0045\u0301\u00CA\u0045\u0302\u00CB\u0045\u0308\u00CC\u0049\u0300" +
        "\u00CD\u0049\u0301\u00CE\u0049\u0302\u00CF\u0049\u0308\u00D1\u004E\u0303\u00D2\u004F\u0300\u00D3\u004F\u0301" +
        "\u00D4\u004F\u0302\u00D5\u004F\u0303\u00D6\u004F\u0308\u00D9\u0055\u0300\u00DA\u0055\u0301\u00DB\u0055\u0302" +
        "\u00DC\u0055\u0308\u00DD\u0059\u0301\u00E0\u0061\u0300\u00E1\u0061\u0301\u00E2\u0061\u0302\u00E3\u0061\u0303" +
        "\u00E4\u0061\u0308\u00E5\u0061\u030A\u00E7\u0063\u0327\u00E8\u0065\u0300\u00E9\u0065\u0301\u00EA\u0065\u0302" +
        "\u00EB\u0065\u0308\u00EC\u0069\u0300\u00ED\u0069\u0301\u00EE\u0069\u0302\u00EF\u0069\u0308\u00F1\u006E\u0303" +
        "\u00F2\u006F\u0300\u00F3\u006F\u0301\u00F4\u006F\u0302\u00F5\u006F\u0303\u00F6\u006F\u0308\u00F9\u0075\u0300" +
        "\u00FA\u0075\u0301\u00FB\u0075\u0302\u00FC\u0075\u0308\u00FD\u0079\u0301\u00FF\u0079\u0308\u0100\u0041\u0304" +
        "\u0101\u0061\u0304\u0102\u0041\u0306\u0103\u0061\u0306\u0104\u0041\u0328\u0105\u0061\u0328\u0106\u0043\u0301" +
        "\u0107\u0063\u0301\u0108\u0043\u0302\u0109\u0063\u0302\u010A\u0043\u0307\u010B\u0063\u0307\u010C\u0043\u030C" +
        "\u010D\u0063\u030C\u010E\u0044\u030C\u010F\u0064\u030C\u0112\u0045\u0304\u0113\u0065\u0304\u0114\u0045\u0306" +
        "\u0115\u0065\u0306\u0116\u0045\u0307\u0117\u0065\u0307\u0118\u0045\u0328\u0119\u0065\u0328\u011A\u0045\u030C" +
        "\u011B\u0065\u030C\u011C\u0047\u0302\u011D\u0067\u0302\u011E\u0047\u0306\u011F\u0067\u0306\u0120\u0047\u0307" +
        "\u0121\u0067\u0307\u0122\u0047\u0327\u0123\u0067\u0327\u0124\u0048\u0302\u0125\u0068\u0302\u0128\u0049\u0303" +
        "\u0129\u0069\u0303\u012A\u0049\u0304\u012B\u0069\u0304\u012C\u0049\u0306\u012D\u0069\u0306\u012E\u0049\u0328" +
        "\u012F\u0069\u0328\u0130\u0049\u0307\u0134\u004A\u0302\u0135\u006A\u0302\u0136\u004B\u0327\u0137\u006B\u0327" +
        "\u0139\u004C\u0301\u013A\u006C\u0301\u013B\u004C\u0327\u013C\u006C\u0327\u013D\u004C\u030C\u013E\u006C\u030C" +
        "\u0143\u004E\u0301\u0144\u006E\u0301\u0145\u004E\u0327\u0146\u006E\u0327\u0147\u004E\u030C\u0148\u006E\u030C" +
        "\u014C\u004F\u0304\u014D\u006F\u0304\u014E\u004F\u0306\u014F\u006F\u0306\u0150\u004F\u030B\u0151\u006F\u030B" +
        "\u0154\u0052\u0301\u0155\u0072\u0301\u0156\u0052\u0327\u0157\u0072\u0327\u0158\u0052\u030C\u0159\u0072\u030C" +
        "\u015A\u0053\u0301\u015B\u0073\u0301\u015C\u0053\u0302\u015D\u0073\u0302\u015E\u0053\u0327\u015F\u0073\u0327" +
        "\u0160\u0053\u030C\u0161\u0073\u030C\u0162\u0054\u0327\u0163\u0074\u0327\u0164\u0054\u030C\u0165\u0074\u030C" +
        "\u0168\u0055\u0303\u0169\u0075\u0303\u016A\u0055\u0304\u016B\u0075\u0304\u016C\u0055\u0306\u016D\u0075\u0306" +
        "\u016E\u0055\u030A\u016F\u0075\u030A\u0170\u0055\u030B\u0171\u0075\u030B\u0172\u0055\u0328\u0173\u0075\u0328" +
        "\u0174\u0057\u0302\u0175\u0077\u0302\u0176\u0059\u0302\u0177\u0079\u0302\u0178\u0059\u0308\u0179\u005A\u0301" +
        "\u017A\u007A\u0301\u017B\u005A\u0307\u017C\u007A\u0307\u017D\u005A\u030C\u017E\u007A\u030C\u01A0\u004F\u031B" +
        "\u01A1\u006F\u031B\u01AF\u0055\u031B\u01B0\u0075\u031B\u01CD\u0041\u030C\u01CE\u0061\u030C\u01CF\u0049\u030C" +
        "\u01D0\u0069\u030C\u01D1\u004F\u030C\u01D2\u006F\u030C\u01D3\u0055\u030C\u01D4\u0075\u030C\u01D5\u00DC\u0304" +
        "\u01D6\u00FC\u0304\u01D7\u00DC\u0301\u01D8\u00FC\u0301\u01D9\u00DC\u030C\u01DA\u00FC\u030C\u01DB\u00DC\u0300" +
        "\u01DC\u00FC\u0300\u01DE\u00C4\u0304\u01DF\u00E4\u0304\u01E0\u0226\u0304\u01E1\u0227\u0304\u01E2\u00C6\u0304" +
        "\u01E3\u00E6\u0304\u01E6\u0047\u030C\u01E7\u0067\u030C\u01E8\u004B\u030C\u01E9\u006B\u030C\u01EA\u004F\u0328" +
        "\u01EB\u006F\u0328\u01EC\u01EA\u0304\u01ED\u01EB\u0304\u01EE\u01B7\u030C\u01EF\u0292\u030C\u01F0\u006A\u030C" +
        "\u01F4\u0047\u0301\u01F5\u0067\u0301\u01F8\u004E\u0300\u01F9\u006E\u0300\u01FA\u00C5\u0301\u01FB\u00E5\u0301" +
        "\u01FC\u00C6\u0301\u01FD\u00E6\u0301\u01FE\u00D8\u0301\u01FF\u00F8\u0301\u0200\u0041\u030F\u0201\u0061\u030F" +
        "\u0202\u0041\u0311\u0203\u0061\u0311\u0204\u0045\u030F\u0205\u0065\u030F\u0206\u0045\u0311\u0207\u0065\u0311" +
        "\u0208\u0049\u030F\u0209\u0069\u030F\u020A\u0049\u0311\u020B\u0069\u0311\u020C\u004F\u030F\u020D\u006F\u030F" +
        "\u020E\u004F\u0311\u020F\u006F\u0311\u0210\u0052\u030F\u0211\u0072\u030F\u0212\u0052\u0311\u0213\u0072\u0311" +
        "\u0214\u0055\u030F\u0215\u0075\u030F\u0216\u0055\u0311\u0217\u0075\u0311\u0218\u0053\u0326\u0219\u0073\u0326" +
        "\u021A\u0054\u0326\u021B\u0074\u0326\u021E\u0048\u030C\u021F\u0068\u030C\u0226\u0041\u0307\u0227\u0061\u0307" +
        "\u0228\u0045\u0327\u0229\u0065\u0327\u022A\u00D6\u0304\u022B\u00F6\u0304\u022C\u00D5\u0304\u022D\u00F5\u0304" +
        "\u022E\u004F\u0307\u022F\u006F\u0307\u0230\u022E\u0304\u0231\u022F\u0304\u0232\u0059\u0304\u0233\u0079\u0304";

    private static readonly Dictionary<char, char> BaseOf = new();
    private static readonly Dictionary<(char Base, char Mark), char> Composed = new();

    static TextForms()
    {
        for (var i = 0; i < Compositions.Length; i += 3)
        {
            BaseOf[Compositions[i]] = Compositions[i + 1];
            Composed[(Compositions[i + 1], Compositions[i + 2])] = Compositions[i];
        }
    }

    /// <summary>True when <see cref="Normalise"/> would return <paramref name="text"/> unchanged for certain.</summary>
    private static bool IsNormal(string text)
    {
        if (text.Length == 0)
        {
            return true;
        }

        if (char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1]))
        {
            return false;
        }

        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                if (c != ' ' || space)
                {
                    return false;
                }

                space = true;
            }
            else
            {
                if (IsCombiningMark(c))
                {
                    return false;
                }

                space = false;
            }
        }

        return true;
    }

    /// <summary>
    /// Trimmed, runs of white space collapsed to one space, a Latin letter followed by a combining accent composed into
    /// one character (NFC for Latin scripts): the form stored in the curated lake.
    /// </summary>
    public static string Normalise(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (IsNormal(text))
        {
            return text; // the common case, without a builder (measured hot path)
        }

        var builder = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text.AsSpan().Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            if (IsCombiningMark(c) && builder.Length > 0 && Composed.TryGetValue((builder[^1], c), out var composed))
            {
                builder[^1] = composed;
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.Length == text.Length && builder.Equals(text.AsSpan()) ? text : builder.ToString();
    }

    /// <summary>
    /// The matching form: accents removed, lower case, punctuation as space, white space collapsed. "Nuevo Edén",
    /// "NUEVO EDEN" and "nuevo  eden." compare equal.
    /// </summary>
    public static string Fold(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length);
        var space = true; // no leading space
        foreach (var raw in text)
        {
            if (IsCombiningMark(raw))
            {
                continue;
            }

            var c = raw;
            while (BaseOf.TryGetValue(c, out var plain))
            {
                c = plain;
            }

            if (char.IsLetterOrDigit(c))
            {
                builder.Append(char.ToLowerInvariant(c));
                space = false;
            }
            else if (!space)
            {
                builder.Append(' ');
                space = true;
            }
        }

        return builder.ToString().TrimEnd();
    }

    private static bool IsCombiningMark(char c) => CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark;
}
