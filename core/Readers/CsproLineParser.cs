using System.Globalization;
using Pipeline.Core.Dictionary;
using Pipeline.Core.Engine;
using Pipeline.Core.Packs;

namespace Pipeline.Core.Readers;

/// <summary>
/// Cuts one decoded line of CSPro text data (a <c>.dat</c> line, or a line of a <c>.csdb</c> v2 questionnaire) into a
/// <see cref="SourceRow"/>, following <c>zCaseO/TextToCaseConverter.cpp</c>: record type at <c>RecordTypeStart</c>, ID
/// items at their positions on every line, items at 1-based character columns, occurrence k of an item at
/// <c>Start + (k-1)·Len</c>. It keeps the state a case needs: the level-1 key and how often each record occurred.
/// </summary>
internal sealed class CsproLineParser
{
    private readonly DataDictionary _dictionary;
    private readonly Dictionary<string, RecordPlan> _byType = new(StringComparer.Ordinal);
    private readonly RecordPlan _single;
    private readonly RecordPlan _unknown;

    /// <summary>How the structural problem of a line with an unknown record type starts (its row holds the IDs only).</summary>
    public const string UnknownRecordType = "unknown record type";
    // Occurrences per record and level node within the current case, keyed by a 64-bit hash of record and node key.
    private readonly Dictionary<ulong, int> _occurrences = [];
    private readonly string _knownTypes;
    private readonly ShortStringPool _pool = new();
    private char[] _key = new char[64];
    private char[] _caseKey = [];
    private int _caseKeyLength = -1;

    public CsproLineParser(SurveyPack pack)
    {
        ArgumentNullException.ThrowIfNull(pack);
        _dictionary = pack.Dictionary;
        var plans = new List<RecordPlan>();
        for (var l = 0; l < _dictionary.Levels.Count; l++)
        {
            foreach (var record in _dictionary.Levels[l].Records)
            {
                var plan = new RecordPlan(_dictionary, l, record, RecordLayout.For(pack, record));
                plans.Add(plan);
                _byType.TryAdd(plan.TypeValue, plan);
            }
        }

        if (plans.Count == 0)
        {
            throw new ArgumentException($"dictionary {_dictionary.Name} has no record.", nameof(pack));
        }

        Plans = plans;
        _single = plans[0];
        _unknown = plans[0];
        _knownTypes = string.Join(", ", plans.Select(p => $"'{p.TypeValue}' ({p.Record.Name})"));
    }

    public IReadOnlyList<RecordPlan> Plans { get; }

    public long DeletedLines { get; private set; }

    public long BlankLines { get; private set; }

    public long UnknownRecordTypeLines { get; private set; }

    /// <summary>Forgets the current case (a .csdb v2 questionnaire holds exactly one case).</summary>
    public void StartCase()
    {
        _caseKeyLength = -1;
        _occurrences.Clear();
    }

    /// <summary>
    /// The row of one line, or null for a line CSPro skips (blank, or erased with '~', both counted).
    /// <paramref name="decodingProblem"/> is added to the row's structural problem (e.g. invalid UTF-8).
    /// </summary>
    public SourceRow? Parse(string line, long row, string? decodingProblem, out bool knownRecordType)
    {
        knownRecordType = false;
        if (line.Length > 0 && line[0] == '~')
        {
            DeletedLines++;
            return null;
        }

        if (string.IsNullOrWhiteSpace(line))
        {
            BlankLines++;
            return null;
        }

        var problems = new List<string>(1);
        if (decodingProblem is not null)
        {
            problems.Add(decodingProblem);
        }

        RecordPlan plan;
        if (_dictionary.RecordTypeLength <= 0)
        {
            plan = _single;
        }
        else
        {
            var type = _pool.GetString(SliceSpan(line, _dictionary.RecordTypeStart, _dictionary.RecordTypeLength, ref _key));
            if (!_byType.TryGetValue(type, out plan!))
            {
                UnknownRecordTypeLines++;
                problems.Add($"{UnknownRecordType} '{type}' in columns {Columns(_dictionary.RecordTypeStart, _dictionary.RecordTypeLength)}; dictionary {_dictionary.Name} has record types {_knownTypes}");
                return new SourceRow(_unknown.Layout, row, _unknown.IdFieldsOnly(line), string.Join("; ", problems));
            }
        }

        knownRecordType = true;
        var fields = plan.Fields(line, problems, _pool);
        var content = line.AsSpan().TrimEnd(' ').Length;
        if (content > plan.Length)
        {
            problems.Add($"the line has {content} characters; record {plan.Record.Name} ends at column {plan.Length} (line too long: is the dictionary right for this file?)");
        }

        CountOccurrence(plan, line, problems);
        return new SourceRow(plan.Layout, row, fields, problems.Count == 0 ? null : string.Join("; ", problems));
    }

    private void CountOccurrence(RecordPlan plan, string line, List<string> problems)
    {
        var caseKeyLength = plan.LevelKey(line, 1, ref _key);
        if (caseKeyLength != _caseKeyLength || !_key.AsSpan(0, caseKeyLength).SequenceEqual(_caseKey.AsSpan(0, caseKeyLength)))
        {
            // CSPro: a case is a run of lines with the same level-1 key (TextRepository::ReadUntilKeyChange).
            if (_caseKey.Length < caseKeyLength)
            {
                _caseKey = new char[_key.Length];
            }

            _key.AsSpan(0, caseKeyLength).CopyTo(_caseKey);
            _caseKeyLength = caseKeyLength;
            _occurrences.Clear();
        }

        var nodeKeyLength = plan.LevelKey(line, plan.Level + 1, ref _key);
        var hash = System.IO.Hashing.XxHash64.HashToUInt64(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_key.AsSpan(0, nodeKeyLength)), plan.TypeHash);
        ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_occurrences, hash, out _);
        var count = ++slot;
        if (count > plan.Record.MaxRecords)
        {
            problems.Add($"record {plan.Record.Name} occurs {count.ToString(CultureInfo.InvariantCulture)} times in this {(plan.Level == 0 ? "case" : "level node")}; the dictionary allows {plan.Record.MaxRecords.ToString(CultureInfo.InvariantCulture)} (CSPro drops the extra lines)");
        }
    }

    /// <summary>
    /// The characters at 1-based <paramref name="start"/>: the line itself when it is long enough, else a copy in
    /// <paramref name="scratch"/> padded with blanks (short lines are padded, FullLineProcessor).
    /// </summary>
    internal static ReadOnlySpan<char> SliceSpan(string line, int start, int length, ref char[] scratch)
    {
        var from = start - 1;
        if (from + length <= line.Length)
        {
            return line.AsSpan(from, length);
        }

        if (scratch.Length < length)
        {
            scratch = new char[Math.Max(length, scratch.Length * 2)];
        }

        var target = scratch.AsSpan(0, length);
        target.Fill(' ');
        if (from < line.Length)
        {
            line.AsSpan(from).CopyTo(target);
        }

        return target;
    }

    internal static string Slice(string line, int start, int length)
    {
        var from = start - 1;
        if (from >= line.Length)
        {
            return new string(' ', length);
        }

        var available = Math.Min(length, line.Length - from);
        var text = line.Substring(from, available);
        return available == length ? text : text.PadRight(length); // short lines are padded (FullLineProcessor)
    }

    internal static string Columns(int start, int length) => length == 1 ? start.ToString(CultureInfo.InvariantCulture) : $"{start}-{start + length - 1}";

    /// <summary>How one record's layout columns are cut from a line.</summary>
    internal sealed class RecordPlan
    {
        private readonly FieldSource?[] _sources;
        private readonly DictionaryItem[][] _levelIds;
        private char[] _scratch = new char[64];

        public RecordPlan(DataDictionary dictionary, int level, DictionaryRecord record, RecordLayout layout)
        {
            Record = record;
            Level = level;
            Layout = layout;
            TypeValue = dictionary.RecordTypeLength > 0 ? record.RecordTypeValue.PadRight(dictionary.RecordTypeLength)[..dictionary.RecordTypeLength] : string.Empty;
            TypeHash = (long)System.IO.Hashing.XxHash64.HashToUInt64(System.Text.Encoding.UTF8.GetBytes(record.Name));
            _levelIds = dictionary.Levels.Take(level + 1).Select(l => l.IdItems.ToArray()).ToArray();

            var available = new Dictionary<string, FieldSource>(StringComparer.OrdinalIgnoreCase);
            foreach (var item in _levelIds.SelectMany(i => i))
            {
                available.TryAdd(item.Name, new FieldSource(item, item.Start));
            }

            foreach (var item in record.Items.Where(i => !i.IsSubitem))
            {
                for (var o = 1; o <= item.Occurrences; o++)
                {
                    available.TryAdd(item.Occurrences > 1 ? $"{item.Name}_{o}" : item.Name, new FieldSource(item, item.Start + ((o - 1) * item.Length)));
                }
            }

            _sources = layout.Columns.Select(c => available.GetValueOrDefault(c.Name)).ToArray();
            var used = layout.Columns.Select(c => c.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
            ItemsWithoutColumn = available.Keys.Where(k => !used.Contains(k)).ToArray();

            var end = dictionary.RecordTypeLength > 0 ? dictionary.RecordTypeStart + dictionary.RecordTypeLength - 1 : 0;
            foreach (var item in dictionary.Levels.SelectMany(l => l.IdItems).Concat(record.Items.Where(i => !i.IsSubitem)))
            {
                end = Math.Max(end, item.Start + (item.Length * item.Occurrences) - 1);
            }

            Length = end;
        }

        public DictionaryRecord Record { get; }

        /// <summary>0-based level of the record.</summary>
        public int Level { get; }

        public RecordLayout Layout { get; }

        public string TypeValue { get; }

        /// <summary>A 64-bit hash of the record name: the seed of its occurrence keys.</summary>
        public long TypeHash { get; }

        /// <summary>Last column of the record (record type, all ID items, the record's items).</summary>
        public int Length { get; }

        /// <summary>
        /// Data the file holds but the layout has no column for (today: ID items of levels 2 and 3, which
        /// <see cref="RecordLayout"/> does not list). They are filled automatically once the layout names them.
        /// </summary>
        public IReadOnlyList<string> ItemsWithoutColumn { get; }

        /// <summary>
        /// The concatenated ID spans of levels 1..<paramref name="levels"/>, as CSPro keys cases and level nodes, written
        /// into <paramref name="buffer"/> (grown if needed); returns its length.
        /// </summary>
        public int LevelKey(string line, int levels, ref char[] buffer)
        {
            var at = 0;
            for (var l = 0; l < levels && l < _levelIds.Length; l++)
            {
                foreach (var item in _levelIds[l])
                {
                    var part = SliceSpan(line, item.Start, item.Length, ref _scratch);
                    if (buffer.Length < at + part.Length)
                    {
                        Array.Resize(ref buffer, Math.Max(at + part.Length, buffer.Length * 2));
                    }

                    part.CopyTo(buffer.AsSpan(at));
                    at += part.Length;
                }
            }

            return at;
        }

        public string?[] Fields(string line, List<string> problems, ShortStringPool? pool = null)
        {
            var fields = new string?[_sources.Length];
            for (var c = 0; c < _sources.Length; c++)
            {
                if (_sources[c] is not { } source)
                {
                    continue;
                }

                var raw = SliceSpan(line, source.Start, source.Item.Length, ref _scratch);
                if (source.Item.DataType == ItemDataType.Alpha)
                {
                    fields[c] = CsproFieldText.Alpha(raw, pool);
                }
                else
                {
                    fields[c] = CsproFieldText.Numeric(raw, source.Item, out var problem, pool);
                    if (problem is not null)
                    {
                        problems.Add($"{problem} (columns {Columns(source.Start, source.Item.Length)})");
                    }
                }
            }

            Layout.DeriveSubitems(fields, pool);
            return fields;
        }

        /// <summary>Only the ID columns: for a line whose record type is unknown, so the issue still names the case.</summary>
        public string?[] IdFieldsOnly(string line)
        {
            var fields = new string?[_sources.Length];
            foreach (var c in Layout.IdColumns)
            {
                if (_sources[c] is { } source)
                {
                    var raw = Slice(line, source.Start, source.Item.Length);
                    fields[c] = source.Item.DataType == ItemDataType.Alpha ? CsproFieldText.Alpha(raw) : CsproFieldText.Numeric(raw, source.Item, out _);
                }
            }

            return fields;
        }
    }

    private sealed record FieldSource(DictionaryItem Item, int Start);
}
