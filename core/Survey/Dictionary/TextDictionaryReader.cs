using System.Globalization;

namespace Pipeline.Core.Dictionary;

/// <summary>
/// Reads the classic text <c>.dcf</c> written by CSPro 7.x and earlier (INI-like, UTF-8 with BOM).
/// The key-by-key rules follow CSPro's own converter (<c>zDictO/Pre80SpecFile.cpp</c>), see
/// <c>docs/cspro-formats.md</c>: keys are case-insensitive, the first <c>=</c> splits a line, item
/// <c>ZeroFill</c>/<c>DecimalChar</c> default to No whatever the dictionary-level setting says.
/// </summary>
public static class TextDictionaryReader
{
    /// <summary>Reads a dictionary file; throws <see cref="DictionaryFormatException"/> with the line on bad input.</summary>
    public static async Task<DataDictionary> ReadFileAsync(string path, CancellationToken cancellationToken = default)
    {
        var text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        return Parse(text, Path.GetFileName(path));
    }

    /// <summary>
    /// Parses dictionary text; <paramref name="fileName"/> only labels error messages. With
    /// <paramref name="resolveLinks"/> false, linked value sets are left as written (see <see cref="DictionaryReader.ParseLayout"/>).
    /// </summary>
    public static DataDictionary Parse(string text, string fileName, bool resolveLinks = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new Builder(fileName, resolveLinks);
        var lineNumber = 0;
        foreach (var rawLine in text.TrimStart('\uFEFF').Split('\n'))
        {
            lineNumber++;
            var line = rawLine.TrimEnd('\r').Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (line[0] == '[')
            {
                builder.StartSection(line, lineNumber);
                continue;
            }

            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new DictionaryFormatException(fileName, lineNumber, $"expected 'Key=Value' or a [Section] header, found '{Shorten(line)}'.");
            }

            builder.SetKey(line[..eq].Trim(), line[(eq + 1)..], lineNumber);
        }

        return builder.Build();
    }

    private static string Shorten(string s) => s.Length <= 60 ? s : s[..60] + "…";

    /// <summary>Accumulates sections as they come; each section's keys fill the element opened last.</summary>
    private sealed class Builder(string fileName, bool resolveLinks)
    {
        private readonly List<string> _languages = [];
        private readonly List<LevelDraft> _levels = [];
        private readonly Dictionary<ValueSet, int> _valueSetLines = new(ReferenceEqualityComparer.Instance);
        private string _section = string.Empty;
        private string _dictName = string.Empty;
        private string _dictLabel = string.Empty;
        private string[] _dictLabels = [];
        private string _version = string.Empty;
        private int _recordTypeStart;
        private int _recordTypeLength;
        private bool _inIdItems;
        private ItemDraft? _item;
        private RecordDraft? _record;
        private ValueSetDraft? _valueSet;
        private ValueDraft? _value;

        public void StartSection(string header, int line)
        {
            if (!header.EndsWith(']'))
            {
                throw new DictionaryFormatException(fileName, line, $"section header '{header}' has no closing ']'.");
            }

            _section = header[1..^1].Trim().ToUpperInvariant();
            switch (_section)
            {
                case "DICTIONARY":
                case "LANGUAGES":
                case "RELATION":
                case "NOEDIT":
                    break;
                case "LEVEL":
                    _levels.Add(new LevelDraft());
                    _inIdItems = false;
                    _record = null;
                    break;
                case "IDITEMS":
                    RequireLevel(line);
                    _inIdItems = true;
                    break;
                case "RECORD":
                    RequireLevel(line);
                    _inIdItems = false;
                    _record = new RecordDraft();
                    _levels[^1].Records.Add(_record);
                    break;
                case "ITEM":
                    RequireLevel(line);
                    _item = new ItemDraft { Line = line };
                    if (_inIdItems)
                    {
                        _levels[^1].IdItems.Add(_item);
                    }
                    else if (_record is not null)
                    {
                        _record.Items.Add(_item);
                    }
                    else
                    {
                        throw new DictionaryFormatException(fileName, line, "[Item] outside [IdItems] or [Record]; an item must belong to one of them.");
                    }

                    break;
                case "VALUESET":
                    if (_item is null)
                    {
                        throw new DictionaryFormatException(fileName, line, "[ValueSet] before any [Item]; a value set follows the item it belongs to.");
                    }

                    _valueSet = new ValueSetDraft { Line = line };
                    _item.ValueSets.Add(_valueSet);
                    _value = null;
                    break;
                default:
                    throw new DictionaryFormatException(fileName, line, $"unknown section [{header[1..^1]}]; expected Dictionary, Languages, Level, IdItems, Record, Item, ValueSet or Relation.");
            }
        }

        public void SetKey(string key, string value, int line)
        {
            switch (_section)
            {
                case "DICTIONARY":
                    SetDictionaryKey(key, value, line);
                    break;
                case "LANGUAGES":
                    _languages.Add(key);
                    break;
                case "LEVEL":
                    if (Is(key, "Name")) { _levels[^1].Name = value; }
                    else if (Is(key, "Label")) { _levels[^1].Label = FirstLanguage(value); _levels[^1].Labels = AllLanguages(value); }
                    break;
                case "RECORD":
                    SetRecordKey(key, value, line);
                    break;
                case "ITEM":
                    SetItemKey(key, value, line);
                    break;
                case "VALUESET":
                    SetValueSetKey(key, value, line);
                    break;
                default:
                    break; // [IdItems], [Relation], [NoEdit]: nothing the pipeline needs.
            }
        }

        private void SetDictionaryKey(string key, string value, int line)
        {
            if (Is(key, "Name")) { _dictName = value; }
            else if (Is(key, "Label")) { _dictLabel = FirstLanguage(value); _dictLabels = AllLanguages(value); }
            else if (Is(key, "Version")) { _version = value; }
            else if (Is(key, "RecordTypeStart")) { _recordTypeStart = Int(value, key, line); }
            else if (Is(key, "RecordTypeLen")) { _recordTypeLength = Int(value, key, line); }
        }

        private void SetRecordKey(string key, string value, int line)
        {
            var record = _record!;
            if (Is(key, "Name")) { record.Name = value; }
            else if (Is(key, "Label")) { record.Label = FirstLanguage(value); record.Labels = AllLanguages(value); }
            else if (Is(key, "RecordTypeValue")) { record.TypeValue = Unquote(value.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? string.Empty); }
            else if (Is(key, "Required")) { record.Required = YesNo(value, key, line); }
            else if (Is(key, "MaxRecords")) { record.MaxRecords = Int(value, key, line); }
        }

        private void SetItemKey(string key, string value, int line)
        {
            var item = _item!;
            if (Is(key, "Name")) { item.Name = value; }
            else if (Is(key, "Label")) { item.Label = FirstLanguage(value); item.Labels = AllLanguages(value); }
            else if (Is(key, "Start")) { item.Start = Int(value, key, line); }
            else if (Is(key, "Len")) { item.Length = Int(value, key, line); }
            else if (Is(key, "DataType")) { item.DataType = DataTypeOf(value, line); }
            else if (Is(key, "ItemType")) { item.IsSubitem = string.Equals(value.Trim(), "SubItem", StringComparison.OrdinalIgnoreCase); }
            else if (Is(key, "Occurrences")) { item.Occurrences = Int(value, key, line); }
            else if (Is(key, "Decimal")) { item.Decimals = Int(value, key, line); }
            else if (Is(key, "DecimalChar")) { item.DecimalChar = YesNo(value, key, line); }
            else if (Is(key, "ZeroFill")) { item.ZeroFill = YesNo(value, key, line); }
            else if (Is(key, "CaptureType") || Is(key, "DataCaptureType")) { item.CaptureType = value.Trim(); }
            else if (Is(key, "CaptureDateFormat")) { item.CaptureDateFormat = value.Trim(); }
        }

        private void SetValueSetKey(string key, string value, int line)
        {
            var valueSet = _valueSet!;
            if (Is(key, "Name") && _value is null) { valueSet.Name = value; }
            else if (Is(key, "Label") && _value is null) { valueSet.Label = FirstLanguage(value); valueSet.Labels = AllLanguages(value); }
            else if (Is(key, "Link") && _value is null) { valueSet.Link = value.Trim(); }
            else if (Is(key, "Value")) { _value = ParseValue(value, line); valueSet.Values.Add(_value); }
            else if (Is(key, "Name") && _value is not null)
            {
                // "Name=MISSING,Special" marks the value line above it as a special value.
                var parts = value.Split(',');
                if (parts.Length == 2 && string.Equals(parts[1].Trim(), "Special", StringComparison.OrdinalIgnoreCase))
                {
                    _value.Special = parts[0].Trim().ToUpperInvariant();
                }
            }
        }

        private ValueDraft ParseValue(string value, int line)
        {
            var semicolon = value.IndexOf(';', StringComparison.Ordinal);
            var pairsText = semicolon >= 0 ? value[..semicolon] : value;
            var languages = semicolon >= 0 ? value[(semicolon + 1)..].Split('|') : [string.Empty];
            var pairs = new List<ValueRange>();
            foreach (var token in SplitPairs(pairsText))
            {
                var colon = token.IndexOf(':', StringComparison.Ordinal);
                pairs.Add(colon >= 0 ? new ValueRange(Unquote(token[..colon]), Unquote(token[(colon + 1)..])) : new ValueRange(Unquote(token), null));
            }

            if (pairs.Count == 0)
            {
                throw new DictionaryFormatException(fileName, line, $"'Value={value}' has no code; expected 'Value=<code>[:<to>];<label>'.");
            }

            return new ValueDraft { Label = languages[0], OtherLanguages = languages[1..], Labels = semicolon >= 0 ? languages : [], Pairs = pairs };
        }

        /// <summary>Splits "1 3:5 '  '" on spaces that are outside quotes.</summary>
        private static IEnumerable<string> SplitPairs(string text)
        {
            var current = new System.Text.StringBuilder();
            var quoted = false;
            foreach (var c in text)
            {
                if (c == '\'') { quoted = !quoted; }

                if (c == ' ' && !quoted)
                {
                    if (current.Length > 0) { yield return current.ToString(); current.Clear(); }
                    continue;
                }

                current.Append(c);
            }

            if (current.Length > 0) { yield return current.ToString(); }
        }

        public DataDictionary Build()
        {
            if (_levels.Count == 0)
            {
                throw new DictionaryFormatException(fileName, 1, "the dictionary has no [Level]; is this a CSPro .dcf file?");
            }

            var levels = _levels.Select(l => new DictionaryLevel(
                l.Name,
                l.Label,
                l.IdItems.Select(BuildItem).ToList(),
                l.Records.Select(r => new DictionaryRecord(r.Name, r.Label, r.TypeValue, r.Required, r.MaxRecords, r.Items.Select(BuildItem).ToList()) { Labels = r.Labels }).ToList()) { Labels = l.Labels }).ToList();
            var dictionary = new DataDictionary(_dictName, _dictLabel, _version, _recordTypeStart, _recordTypeLength, _languages, levels) { Labels = _dictLabels };
            return resolveLinks ? LinkedValueSets.Resolve(dictionary, fileName, set => _valueSetLines.GetValueOrDefault(set, 1)) : dictionary;
        }

        private DictionaryItem BuildItem(ItemDraft d)
        {
            if (string.IsNullOrEmpty(d.Name))
            {
                throw new DictionaryFormatException(fileName, d.Line, "[Item] has no Name.");
            }

            if (d.Start <= 0 || d.Length <= 0)
            {
                throw new DictionaryFormatException(fileName, d.Line, $"item {d.Name} needs Start ≥ 1 and Len ≥ 1 (found Start={d.Start}, Len={d.Length}).");
            }

            var valueSets = new List<ValueSet>(d.ValueSets.Count);
            foreach (var v in d.ValueSets)
            {
                var set = new ValueSet(v.Name, v.Label, v.Values.Select(x => new ValueSetEntry(x.Label, x.Pairs, x.Special) { OtherLanguages = x.OtherLanguages, Labels = x.Labels }).ToList())
                {
                    Link = string.IsNullOrEmpty(v.Link) ? null : v.Link,
                    Labels = v.Labels,
                };
                _valueSetLines[set] = v.Line;
                valueSets.Add(set);
            }

            var item = new DictionaryItem(d.Name, d.Label, d.Start, d.Length, d.DataType, d.Decimals, d.DecimalChar, d.ZeroFill, d.Occurrences, d.IsSubitem, valueSets) { Labels = d.Labels };
            return item with { CaptureDateFormat = DateCapture.FormatOf(item, d.CaptureType, d.CaptureDateFormat) };
        }

        private void RequireLevel(int line)
        {
            if (_levels.Count == 0)
            {
                throw new DictionaryFormatException(fileName, line, "found before any [Level]; records and items belong to a level.");
            }
        }

        private int Int(string value, string key, int line) =>
            int.TryParse(value.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
                ? n
                : throw new DictionaryFormatException(fileName, line, $"{key}='{value}' is not a whole number.");

        private bool YesNo(string value, string key, int line) => value.Trim().ToUpperInvariant() switch
        {
            "YES" => true,
            "NO" => false,
            _ => throw new DictionaryFormatException(fileName, line, $"{key}='{value}': expected Yes or No."),
        };

        private ItemDataType DataTypeOf(string value, int line) => value.Trim().ToUpperInvariant() switch
        {
            "NUMERIC" => ItemDataType.Numeric,
            "ALPHA" => ItemDataType.Alpha,
            _ => throw new DictionaryFormatException(fileName, line, $"DataType='{value}' is not supported here; expected Numeric or Alpha."),
        };

        private static bool Is(string key, string expected) => string.Equals(key, expected, StringComparison.OrdinalIgnoreCase);

        private static string FirstLanguage(string label) => label.Split('|')[0];

        /// <summary>Every language's text of "a|b", in [Languages] order (see <see cref="DictionaryLabels"/>).</summary>
        private static string[] AllLanguages(string label) => label.Length == 0 ? [] : label.Split('|');

        private static string Unquote(string s)
        {
            s = s.Trim();
            return s.Length >= 2 && s[0] == '\'' && s[^1] == '\'' ? s[1..^1] : s;
        }
    }

    private sealed class LevelDraft
    {
        public string Name { get; set; } = string.Empty;
        public string Label { get; set; } = string.Empty;
        public string[] Labels { get; set; } = [];
        public List<ItemDraft> IdItems { get; } = [];
        public List<RecordDraft> Records { get; } = [];
    }

    private sealed class RecordDraft
    {
        public string Name { get; set; } = string.Empty;
        public string Label { get; set; } = string.Empty;
        public string[] Labels { get; set; } = [];
        public string TypeValue { get; set; } = string.Empty;
        public bool Required { get; set; } = true;
        public int MaxRecords { get; set; } = 1;
        public List<ItemDraft> Items { get; } = [];
    }

    private sealed class ItemDraft
    {
        public int Line { get; init; }
        public string Name { get; set; } = string.Empty;
        public string Label { get; set; } = string.Empty;
        public string[] Labels { get; set; } = [];
        public int Start { get; set; }
        public int Length { get; set; } = 1;
        public ItemDataType DataType { get; set; } = ItemDataType.Numeric;
        public int Decimals { get; set; }
        public bool DecimalChar { get; set; }
        public bool ZeroFill { get; set; }
        public int Occurrences { get; set; } = 1;
        public bool IsSubitem { get; set; }
        public string? CaptureType { get; set; }
        public string? CaptureDateFormat { get; set; }
        public List<ValueSetDraft> ValueSets { get; } = [];
    }

    private sealed class ValueSetDraft
    {
        public int Line { get; init; }
        public string? Link { get; set; }
        public string Name { get; set; } = string.Empty;
        public string Label { get; set; } = string.Empty;
        public string[] Labels { get; set; } = [];
        public List<ValueDraft> Values { get; } = [];
    }

    private sealed class ValueDraft
    {
        public string Label { get; set; } = string.Empty;
        public string[] Labels { get; set; } = [];
        public List<ValueRange> Pairs { get; set; } = [];
        public string? Special { get; set; }

        public string[] OtherLanguages { get; set; } = [];
    }
}
