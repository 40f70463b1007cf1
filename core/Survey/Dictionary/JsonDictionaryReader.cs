using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Pipeline.Core.Dictionary;

/// <summary>
/// Reads the CSPro 8 JSON <c>.dcf</c> into the same <see cref="DataDictionary"/> model as <see cref="TextDictionaryReader"/>.
/// The rules follow CSPro's own <c>CreateFromJson</c> methods (<c>zDictO/DictItem.cpp</c>, <c>DictRecord.cpp</c>):
/// <list type="bullet">
/// <item>With relative positions, non-ID items carry no <c>start</c>. The first item of a record starts right after the
/// ID area; each next item at the previous item's start + length × occurrences; a subitem at its parent's start +
/// <c>subitemOffset</c>. The ID area ends at the last column of the record type or of any level's ID items (CSPro lays
/// out the IDs of all levels before the record items; the ThreeLevelTest dictionary starts level-1 records at 18).</item>
/// <item>A numeric item without <c>zeroFill</c> takes <c>defaults.zeroFill</c> (the text format defaults to No instead);
/// <c>decimalMark</c> only counts when <c>decimals</c> &gt; 0.</item>
/// <item>Binary items (Document, Audio, Image, Geometry) are not in text data: they are left out of the model but
/// still take one column each in the start computation, as in CSPro.</item>
/// </list>
/// Errors name the file, the line and the JSON path of the element (e.g. <c>levels[0].records[2].items[3]</c>).
/// </summary>
public static class JsonDictionaryReader
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>Reads a JSON dictionary file; throws <see cref="DictionaryFormatException"/> with the line on bad input.</summary>
    public static async Task<DataDictionary> ReadFileAsync(string path, CancellationToken cancellationToken = default)
    {
        var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        return Parse(DictionaryReader.Decode(bytes), Path.GetFileName(path));
    }

    /// <summary>
    /// Parses JSON dictionary text; <paramref name="fileName"/> only labels error messages. With
    /// <paramref name="resolveLinks"/> false, linked value sets are left as written (see <see cref="DictionaryReader.ParseLayout"/>).
    /// </summary>
    public static DataDictionary Parse(string text, string fileName, bool resolveLinks = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.TrimStart('\uFEFF');
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, DocumentOptions);
        }
        catch (JsonException e)
        {
            var line = (int)(e.LineNumber ?? 0) + 1;
            var column = (e.BytePositionInLine ?? 0) + 1;
            throw new DictionaryFormatException(fileName, line, $"column {column}: the JSON is not valid ({FirstSentence(e.Message)}). Save the dictionary again from CSPro 8, or fix the JSON by hand.");
        }

        using (document)
        {
            return new Builder(text, fileName, resolveLinks).Build(document.RootElement);
        }
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd('.', ' ');
    }

    private sealed class Builder(string text, string fileName, bool resolveLinks)
    {
        private readonly List<string> _languages = [];
        private readonly Dictionary<ValueSet, string> _valueSetPaths = new(ReferenceEqualityComparer.Instance);
        private int _itemStart;
        private int _lastParentStart;

        public DataDictionary Build(JsonElement root)
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Error(string.Empty, "the JSON is not an object; a CSPro 8 dictionary is one JSON object with \"fileType\": \"dictionary\".");
            }

            if (root.TryGetProperty("fileType", out var fileType) && fileType.ValueKind == JsonValueKind.String
                && !string.Equals(fileType.GetString(), "dictionary", StringComparison.OrdinalIgnoreCase))
            {
                throw Error("fileType", $"fileType is '{fileType.GetString()}'; expected 'dictionary'. Is this another CSPro file (an application or a form)?");
            }

            foreach (var (language, i) in Array(root, "languages", string.Empty).Select((l, i) => (l, i)))
            {
                _languages.Add(String(language, "name", $"languages[{i}]", required: true));
            }

            var recordType = root.TryGetProperty("recordType", out var rt) && rt.ValueKind == JsonValueKind.Object ? rt : default;
            var recordTypeStart = recordType.ValueKind == JsonValueKind.Object ? Int(recordType, "start", "recordType", 0) : 0;
            var recordTypeLength = recordType.ValueKind == JsonValueKind.Object ? Int(recordType, "length", "recordType", 0) : 0;
            var defaults = root.TryGetProperty("defaults", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
            var defaultZeroFill = defaults.ValueKind == JsonValueKind.Object && Bool(defaults, "zeroFill", "defaults", false);
            var defaultDecimalMark = defaults.ValueKind == JsonValueKind.Object && Bool(defaults, "decimalMark", "defaults", false);
            var relative = Bool(root, "relativePositions", string.Empty, false);

            var levelsJson = Array(root, "levels", string.Empty);
            if (levelsJson.Count == 0)
            {
                throw Error(root.TryGetProperty("levels", out _) ? "levels" : string.Empty, "the dictionary has no levels; a CSPro dictionary needs \"levels\": [ { \"ids\": ..., \"records\": [...] } ].");
            }

            var context = new ItemContext(defaultZeroFill, defaultDecimalMark, relative);

            // ID items first, for every level: record items start after the whole ID area (see the class comment).
            var idItems = new List<IReadOnlyList<DictionaryItem>>();
            for (var l = 0; l < levelsJson.Count; l++)
            {
                var path = $"levels[{l}]";
                if (!levelsJson[l].TryGetProperty("ids", out var ids) || ids.ValueKind != JsonValueKind.Object)
                {
                    throw Error(path, $"level '{String(levelsJson[l], "name", path, required: false)}' has no \"ids\" object; every level has ID items.");
                }

                _itemStart = 0;
                idItems.Add(Items(ids, $"{path}.ids", context with { IsId = true }));
            }

            var idAreaEnd = recordTypeStart > 0 && recordTypeLength > 0 ? recordTypeStart + recordTypeLength - 1 : 0;
            foreach (var item in idItems.SelectMany(i => i))
            {
                idAreaEnd = Math.Max(idAreaEnd, item.Start + (item.Length * item.Occurrences) - 1);
            }

            var levels = new List<DictionaryLevel>();
            for (var l = 0; l < levelsJson.Count; l++)
            {
                var path = $"levels[{l}]";
                var level = levelsJson[l];
                var records = new List<DictionaryRecord>();
                foreach (var (record, r) in Array(level, "records", path).Select((x, r) => (x, r)))
                {
                    _itemStart = idAreaEnd + 1;
                    records.Add(Record(record, $"{path}.records[{r}]", context));
                }

                levels.Add(new DictionaryLevel(String(level, "name", path, required: true), Label(level), idItems[l], records) { Labels = Labels(level) });
            }

            var version = root.TryGetProperty("version", out var v) ? v.ValueKind == JsonValueKind.Number ? v.GetRawText() : v.ToString() : string.Empty;
            var dictionary = new DataDictionary(
                String(root, "name", string.Empty, required: true),
                Label(root),
                version.Length > 0 ? $"CSPro {version}" : string.Empty,
                recordTypeStart,
                recordTypeLength,
                _languages,
                levels)
            { Labels = Labels(root) };
            return resolveLinks ? LinkedValueSets.Resolve(dictionary, fileName, set => JsonLineLocator.LineOf(text, _valueSetPaths.GetValueOrDefault(set, string.Empty))) : dictionary;
        }

        private DictionaryRecord Record(JsonElement record, string path, ItemContext context)
        {
            var name = String(record, "name", path, required: true);
            var required = true;
            var maximum = 1;
            if (record.TryGetProperty("occurrences", out var occurrences) && occurrences.ValueKind == JsonValueKind.Object)
            {
                required = Bool(occurrences, "required", $"{path}.occurrences", true);
                maximum = Int(occurrences, "maximum", $"{path}.occurrences", 1);
            }

            var items = Items(record, path, context);
            return new DictionaryRecord(name, Label(record), String(record, "recordType", path, required: false), required, maximum, items) { Labels = Labels(record) };
        }

        private List<DictionaryItem> Items(JsonElement owner, string path, ItemContext context)
        {
            var items = new List<DictionaryItem>();
            foreach (var (json, i) in Array(owner, "items", path).Select((x, i) => (x, i)))
            {
                if (Item(json, $"{path}.items[{i}]", context) is { } item)
                {
                    items.Add(item);
                }
            }

            return items;
        }

        private DictionaryItem? Item(JsonElement json, string path, ItemContext context)
        {
            var name = String(json, "name", path, required: true);
            var where = $"{path} ('{name}')";
            var occurrences = json.TryGetProperty("occurrences", out var occ) && occ.ValueKind == JsonValueKind.Object ? Int(occ, "maximum", $"{path}.occurrences", 1) : 1;
            var contentType = String(json, "contentType", path, required: true);
            ItemDataType? dataType = contentType.ToUpperInvariant() switch
            {
                "NUMERIC" => ItemDataType.Numeric,
                "ALPHA" => ItemDataType.Alpha,
                "DOCUMENT" or "AUDIO" or "IMAGE" or "GEOMETRY" => null,
                _ => throw Error(path, $"{where}: contentType '{contentType}' is unknown; expected numeric, alpha, Document, Audio, Image or Geometry."),
            };
            var isSubitem = dataType is not null && Bool(json, "subitem", path, false);
            var length = dataType is null ? 1 : Int(json, "length", path, null);
            if (length <= 0 || occurrences <= 0)
            {
                throw Error(path, $"{where}: length ({length}) and occurrences ({occurrences}) must be at least 1.");
            }

            int start;
            if (json.TryGetProperty("start", out _))
            {
                start = Int(json, "start", path, null);
            }
            else if (context.IsId || !context.Relative)
            {
                throw Error(path, $"{where}: \"start\" is missing; it can only be left out for record items of a dictionary with \"relativePositions\": true.");
            }
            else if (isSubitem)
            {
                start = _lastParentStart + Int(json, "subitemOffset", path, null);
            }
            else
            {
                start = _itemStart;
            }

            if (!isSubitem)
            {
                // As CSPro's IncrementItemStart: the running start moves on even past an explicit start.
                _lastParentStart = start;
                _itemStart += length * occurrences;
            }

            if (dataType is null)
            {
                return null; // binary items have no text in data files
            }

            if (start <= 0)
            {
                throw Error(path, $"{where}: start {start} must be at least 1.");
            }

            var decimals = 0;
            var decimalMark = false;
            var zeroFill = false;
            if (dataType == ItemDataType.Numeric)
            {
                decimals = Int(json, "decimals", path, 0);
                decimalMark = decimals > 0 && Bool(json, "decimalMark", path, context.DefaultDecimalMark);
                zeroFill = Bool(json, "zeroFill", path, context.DefaultZeroFill);
            }

            var valueSets = Array(json, "valueSets", path).Select((vs, v) => ValueSet(vs, $"{path}.valueSets[{v}]")).ToList();
            var item = new DictionaryItem(name, Label(json), start, length, dataType.Value, decimals, decimalMark, zeroFill, occurrences, isSubitem, valueSets) { Labels = Labels(json) };
            return item with { CaptureDateFormat = CaptureDateFormat(item, json) };
        }

        /// <summary>
        /// <c>"capture": {"type": "date", "dateFormat": "YYYYMMDD"}</c> (cspro <c>CaptureInfo::WriteJson</c>: the type in
        /// camel case, the format under <c>dateFormat</c>); null for any other capture type or none.
        /// </summary>
        private static string? CaptureDateFormat(DictionaryItem item, JsonElement json)
        {
            if (!json.TryGetProperty("capture", out var capture) || capture.ValueKind != JsonValueKind.Object
                || !capture.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            var format = capture.TryGetProperty("dateFormat", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
            return DateCapture.FormatOf(item, type.GetString(), format);
        }

        private ValueSet ValueSet(JsonElement json, string path)
        {
            var values = new List<ValueSetEntry>();
            foreach (var (value, i) in Array(json, "values", path).Select((x, i) => (x, i)))
            {
                var valuePath = $"{path}.values[{i}]";
                var pairs = new List<ValueRange>();
                foreach (var (pair, p) in Array(value, "pairs", valuePath).Select((x, p) => (x, p)))
                {
                    pairs.Add(Pair(pair, $"{valuePath}.pairs[{p}]"));
                }

                if (pairs.Count == 0)
                {
                    throw Error(valuePath, "the value has no \"pairs\"; expected e.g. \"pairs\": [ { \"value\": \"1\" } ].");
                }

                var special = value.TryGetProperty("special", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()!.ToUpperInvariant() : null;
                var label = Label(value);
                values.Add(new ValueSetEntry(label, pairs, special) { OtherLanguages = OtherLabels(value, label), Labels = Labels(value) });
            }

            var link = json.TryGetProperty("link", out var l) && l.ValueKind == JsonValueKind.String && l.GetString()!.Length > 0 ? l.GetString() : null;
            var set = new ValueSet(String(json, "name", path, required: false), Label(json), values) { Link = link, Labels = Labels(json) };
            _valueSetPaths[set] = path;
            return set;
        }

        private ValueRange Pair(JsonElement pair, string path)
        {
            if (pair.TryGetProperty("value", out var single))
            {
                return new ValueRange(Code(single, path), null);
            }

            if (pair.TryGetProperty("range", out var range) && range.ValueKind == JsonValueKind.Array && range.GetArrayLength() == 2)
            {
                return new ValueRange(Code(range[0], path), Code(range[1], path));
            }

            throw Error(path, "a pair needs \"value\": \"<code>\" or \"range\": [\"<from>\", \"<to>\"].");
        }

        private string Code(JsonElement code, string path) => code.ValueKind switch
        {
            JsonValueKind.String => code.GetString()!,
            JsonValueKind.Number => code.GetRawText(),
            _ => throw Error(path, $"a code must be a string or a number; found {code.ValueKind}."),
        };

        /// <summary>The texts of the labels other than <paramref name="chosen"/>, in their order.</summary>
        private static string[] OtherLabels(JsonElement owner, string chosen)
        {
            if (!owner.TryGetProperty("labels", out var labels) || labels.ValueKind != JsonValueKind.Array)
            {
                return [];
            }

            var texts = labels.EnumerateArray().Where(l => l.ValueKind == JsonValueKind.Object && l.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
                .Select(l => l.GetProperty("text").GetString()!).ToList();
            var at = texts.IndexOf(chosen);
            if (at >= 0)
            {
                texts.RemoveAt(at);
            }

            return [.. texts];
        }

        /// <summary>
        /// The label's text in each of the dictionary's languages, in <c>languages</c> order (see <see cref="DictionaryLabels"/>):
        /// the label whose <c>language</c> is that language's name; labels without a language (CSPro omits it when
        /// there is one language) count by position. A dictionary that names no language keeps its labels' texts in
        /// order, as the text reader keeps "a|b" without [Languages].
        /// </summary>
        private string[] Labels(JsonElement owner)
        {
            if (!owner.TryGetProperty("labels", out var labels) || labels.ValueKind != JsonValueKind.Array)
            {
                return [];
            }

            var texts = labels.EnumerateArray().Where(l => l.ValueKind == JsonValueKind.Object)
                .Select(l => (Language: l.TryGetProperty("language", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null,
                              Text: l.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : string.Empty))
                .ToList();
            if (texts.All(t => t.Text.Length == 0))
            {
                return []; // no label at all, as a text .dcf without a Label line
            }

            if (_languages.Count == 0)
            {
                return [.. texts.Select(t => t.Text)];
            }

            return _languages.Select((language, i) =>
                texts.FirstOrDefault(t => string.Equals(t.Language, language, StringComparison.OrdinalIgnoreCase)).Text
                ?? (i < texts.Count && texts[i].Language is null ? texts[i].Text : string.Empty)).ToArray();
        }

        /// <summary>The label in the first language (or the first label): the text reader keeps the first of "a|b" too.</summary>
        private string Label(JsonElement owner)
        {
            if (!owner.TryGetProperty("labels", out var labels) || labels.ValueKind != JsonValueKind.Array || labels.GetArrayLength() == 0)
            {
                return string.Empty;
            }

            var first = _languages.Count > 0 ? _languages[0] : null;
            var candidates = labels.EnumerateArray().Where(l => l.ValueKind == JsonValueKind.Object).ToList();
            if (candidates.Count == 0)
            {
                return string.Empty;
            }

            JsonElement? chosen = null;
            foreach (var label in candidates)
            {
                var language = label.TryGetProperty("language", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString() : null;
                if (language is null || first is null || string.Equals(language, first, StringComparison.OrdinalIgnoreCase))
                {
                    chosen = label;
                    break;
                }
            }

            chosen ??= candidates[0];
            return chosen.Value.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String ? text.GetString()! : string.Empty;
        }

        private List<JsonElement> Array(JsonElement owner, string key, string path)
        {
            if (owner.ValueKind != JsonValueKind.Object || !owner.TryGetProperty(key, out var array) || array.ValueKind == JsonValueKind.Null)
            {
                return [];
            }

            if (array.ValueKind != JsonValueKind.Array)
            {
                throw Error(Join(path, key), $"\"{key}\" must be an array; found {array.ValueKind}.");
            }

            var list = array.EnumerateArray().ToList();
            for (var i = 0; i < list.Count; i++)
            {
                if (list[i].ValueKind != JsonValueKind.Object)
                {
                    throw Error($"{Join(path, key)}[{i}]", $"each element of \"{key}\" must be an object; found {list[i].ValueKind}.");
                }
            }

            return list;
        }

        private string String(JsonElement owner, string key, string path, bool required)
        {
            if (owner.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String)
            {
                return value.GetString()!;
            }

            if (required)
            {
                throw Error(path, $"\"{key}\" is missing or not a string{Where(owner)}.");
            }

            return string.Empty;
        }

        private int Int(JsonElement owner, string key, string path, int? fallback)
        {
            if (!owner.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return fallback ?? throw Error(path, $"\"{key}\" is missing{Where(owner)}.");
            }

            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n))
            {
                return n;
            }

            if (value.ValueKind == JsonValueKind.String && int.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out n))
            {
                return n;
            }

            throw Error(Join(path, key), $"\"{key}\" must be a whole number{Where(owner)}; found {value.GetRawText()}.");
        }

        private bool Bool(JsonElement owner, string key, string path, bool fallback)
        {
            if (!owner.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return fallback;
            }

            return value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw Error(Join(path, key), $"\"{key}\" must be true or false{Where(owner)}; found {value.GetRawText()}."),
            };
        }

        private static string Where(JsonElement owner) =>
            owner.ValueKind == JsonValueKind.Object && owner.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? $" (in '{n.GetString()}')" : string.Empty;

        private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

        private DictionaryFormatException Error(string path, string problem) =>
            new(fileName, JsonLineLocator.LineOf(text, path), path.Length > 0 ? $"{path}: {problem}" : problem);
    }

    private sealed record ItemContext(bool DefaultZeroFill, bool DefaultDecimalMark, bool Relative)
    {
        public bool IsId { get; init; }
    }

    /// <summary>Finds the line of a JSON path such as <c>levels[0].records[1]</c>, only when an error is reported.</summary>
    internal static class JsonLineLocator
    {
        public static int LineOf(string text, string path)
        {
            if (path.Length == 0)
            {
                return 1;
            }

            var bytes = Encoding.UTF8.GetBytes(text);
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            var stack = new List<(bool IsArray, string Key, int Index)>();
            try
            {
                while (reader.Read())
                {
                    switch (reader.TokenType)
                    {
                        case JsonTokenType.PropertyName:
                            stack[^1] = (false, reader.GetString() ?? string.Empty, 0);
                            continue;
                        case JsonTokenType.EndObject:
                        case JsonTokenType.EndArray:
                            stack.RemoveAt(stack.Count - 1);
                            continue;
                        default:
                            break;
                    }

                    if (stack.Count > 0 && stack[^1].IsArray)
                    {
                        stack[^1] = (true, string.Empty, stack[^1].Index + 1);
                    }

                    if (PathOf(stack) == path)
                    {
                        return 1 + bytes.AsSpan(0, (int)reader.TokenStartIndex).Count((byte)'\n');
                    }

                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        stack.Add((false, string.Empty, 0));
                    }
                    else if (reader.TokenType == JsonTokenType.StartArray)
                    {
                        stack.Add((true, string.Empty, -1));
                    }
                }
            }
            catch (JsonException)
            {
                // The document parsed once already; a failure here only loses the line number.
            }

            return 1;
        }

        private static string PathOf(List<(bool IsArray, string Key, int Index)> stack)
        {
            var path = new StringBuilder();
            foreach (var (isArray, key, index) in stack)
            {
                if (isArray)
                {
                    path.Append('[').Append(index.ToString(CultureInfo.InvariantCulture)).Append(']');
                }
                else
                {
                    path.Append(path.Length > 0 ? "." : string.Empty).Append(key);
                }
            }

            return path.ToString();
        }
    }
}
