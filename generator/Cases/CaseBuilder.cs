using System.Globalization;
using Pipeline.Core.Dictionary;
using Pipeline.Core.Packs;
using Pipeline.Generator.Spec;

namespace Pipeline.Generator.Cases;

/// <summary>
/// Builds one case. Values are drawn on demand: an item is drawn when the case reaches it or when another draw or a
/// condition needs it first, so the spec needs no ordering and a dependency loop is reported by name.
/// Measured hot path (one instance per case, a million cases): arrays, no LINQ in the per-item code.
/// </summary>
internal sealed class CaseBuilder : IDrawContext, ICaseDesign
{
    private const byte NotDrawn = 0;
    private const byte Drawing = 1;
    private const byte Drawn = 2;
    private const int DistinctAttempts = 50;

    private readonly GeneratorSpec _spec;
    private readonly Stratum _stratum;
    private readonly RecordFrame?[] _singles;
    private readonly List<RecordFrame>?[] _rosters;
    private readonly bool[] _rosterDrawing;
    private readonly GeneratedValue[] _latents;
    private readonly byte[] _latentStates;
    private readonly GeneratedValue[] _derived;
    private readonly byte[] _derivedStates;
    private readonly List<string> _inProgress = [];
    private RecordFrame? _current;

    public CaseBuilder(GeneratorSpec spec, long caseNumber, Stratum stratum, Random random)
    {
        _spec = spec;
        CaseNumber = caseNumber;
        _stratum = stratum;
        Random = random;
        var records = spec.Records.Length;
        _singles = new RecordFrame?[records];
        _rosters = new List<RecordFrame>?[records];
        _rosterDrawing = new bool[records];
        _latents = new GeneratedValue[spec.Latents.Length];
        _latentStates = new byte[spec.Latents.Length];
        _derived = new GeneratedValue[spec.Derived.Length];
        _derivedStates = new byte[spec.Derived.Length];
    }

    public Random Random { get; }

    public long CaseNumber { get; }

    public IReadOnlyDictionary<string, long> StratumCodes => _stratum.Codes;

    /// <summary>Draws the whole case and returns its records in dictionary order.</summary>
    public GeneratedCase Build()
    {
        var main = Single(_spec.Main);
        for (var c = 0; c < main.Values.Length; c++)
        {
            Ensure(main, c);
        }

        var records = new List<GeneratedRecord>(8);
        foreach (var plan in _spec.Records)
        {
            if (plan.IsSingle)
            {
                var frame = plan == _spec.Main || plan.Present(this) ? Single(plan) : null;
                if (frame is not null)
                {
                    for (var c = 0; c < frame.Values.Length; c++)
                    {
                        Ensure(frame, c);
                    }

                    SubitemComposer.Compose(plan.Layout, frame.Values);
                    records.Add(new GeneratedRecord(plan.Layout, 1, frame.Values));
                }

                continue;
            }

            foreach (var frame in Roster(plan))
            {
                SubitemComposer.Compose(plan.Layout, frame.Values);
                records.Add(new GeneratedRecord(plan.Layout, frame.Occurrence, frame.Values));
            }
        }

        return new GeneratedCase(CaseNumber, _stratum, records);
    }

    public GeneratedValue Value(NameRef name) => name.Kind switch
    {
        RefKind.SingleItem => Ensure(Single(name.Record!), name.Column),
        RefKind.RosterItem => _current is not null && _current.Plan == name.Record
            ? Ensure(_current, name.Column)
            : throw new InvalidOperationException($"{name.Name} is read outside its record {name.Record!.Name}."),
        RefKind.Latent => Latent(name.Index),
        RefKind.Derived => Derived(name.Index),
        RefKind.Occurrence => GeneratedValue.Of(_current?.Occurrence ?? 0),
        _ => GeneratedValue.OfText(_stratum.Id),
    };

    private RecordFrame Single(RecordPlan plan) => _singles[plan.Index] ??= new RecordFrame(plan, 1);

    private GeneratedValue Ensure(RecordFrame frame, int column)
    {
        switch (frame.States[column])
        {
            case Drawn:
                return frame.Values[column];
            case Drawing:
                throw Loop(frame.Plan.Items[column].Name);
        }

        var item = frame.Plan.Items[column];
        if (frame.Plan != _spec.Main && frame.Plan.Layout.Columns[column].IsId)
        {
            frame.Values[column] = Ensure(Single(_spec.Main), column); // every record carries the case's IDs
            frame.States[column] = Drawn;
            return frame.Values[column];
        }

        var previous = _current;
        _current = frame.Plan.IsSingle ? _current : frame;
        frame.States[column] = Drawing;
        _inProgress.Add(item.Name);
        try
        {
            if (item.Group is { } group && !item.IsDesignItem)
            {
                DrawGroup(frame, group);
            }
            else if (item.Sum is { } sum && !item.IsDesignItem)
            {
                DrawSum(frame, sum);
            }
            else
            {
                frame.Values[column] = item.IsDesignItem || item.Asked(this) ? Finish(item, DrawItem(frame, item)) : GeneratedValue.Blank;
            }

            frame.States[column] = Drawn;
            return frame.Values[column];
        }
        finally
        {
            _inProgress.RemoveAt(_inProgress.Count - 1);
            _current = previous;
        }
    }

    private GeneratedValue DrawItem(RecordFrame frame, ItemPlan item)
    {
        var value = item.Draw!.Next(this);
        if (!item.Distinct || frame.Used is null)
        {
            return value;
        }

        var used = frame.Used.GetOrAdd(item.Column);
        for (var attempt = 0; attempt < DistinctAttempts && !value.IsBlank && used.Contains(Key(value)); attempt++)
        {
            value = item.Draw.Next(this);
        }

        if (!value.IsBlank && !used.Add(Key(value)))
        {
            frame.Exhausted = true; // no new value left: this occurrence is dropped and the roster ends here
        }

        return value;
    }

    private static string Key(GeneratedValue value) => value.IsNumber ? value.Number.ToString(CultureInfo.InvariantCulture) : value.Text!;

    private static GeneratedValue Finish(ItemPlan item, GeneratedValue value)
    {
        if (!value.IsNumber)
        {
            return value;
        }

        if (item.Item.DataType == ItemDataType.Alpha)
        {
            return GeneratedValue.OfText(value.Number.ToString(CultureInfo.InvariantCulture));
        }

        return GeneratedValue.Of(decimal.Round(value.Number, item.Item.Decimals, MidpointRounding.AwayFromZero));
    }

    private void DrawGroup(RecordFrame frame, GroupPlan group)
    {
        var options = group.Options;
        var weights = group.Weights.For(this);
        Span<bool> asked = stackalloc bool[options.Count];
        Span<bool> marked = stackalloc bool[options.Count];
        var askedCount = 0;
        var markedCount = 0;
        for (var i = 0; i < options.Count; i++)
        {
            asked[i] = options[i].Asked(this);
            askedCount += asked[i] ? 1 : 0;
            marked[i] = asked[i] && Random.NextDouble() < weights[i];
            markedCount += marked[i] ? 1 : 0;
        }

        // "At least one": add options, by weight, among those asked and not yet marked.
        while (markedCount < Math.Min(group.AtLeast, askedCount))
        {
            var total = 0.0;
            for (var i = 0; i < options.Count; i++)
            {
                total += asked[i] && !marked[i] ? Math.Max(weights[i], 1e-9) : 0;
            }

            var u = Random.NextDouble() * total;
            for (var i = 0; i < options.Count; i++)
            {
                if (!asked[i] || marked[i])
                {
                    continue;
                }

                u -= Math.Max(weights[i], 1e-9);
                if (u < 0 || i == options.Count - 1)
                {
                    marked[i] = true;
                    markedCount++;
                    break;
                }
            }
        }

        var exclusive = -1;
        for (var i = 0; i < options.Count && exclusive < 0; i++)
        {
            exclusive = marked[i] && group.Exclusive.Contains(options[i]) ? i : -1;
        }

        for (var i = 0; i < options.Count; i++)
        {
            var on = exclusive >= 0 ? i == exclusive : marked[i];
            frame.Values[options[i].Column] = on ? GeneratedValue.Of(1) : GeneratedValue.Blank;
            frame.States[options[i].Column] = Drawn;
        }
    }

    private void DrawSum(RecordFrame frame, SumPlan sum)
    {
        var total = Ensure(frame, sum.Total.Column);
        var parts = sum.Parts;
        Span<int> counts = stackalloc int[parts.Length];
        Span<bool> asked = stackalloc bool[parts.Length];
        var anyAsked = false;
        for (var i = 0; i < parts.Length; i++)
        {
            asked[i] = total.IsNumber && parts[i].Asked(this);
            anyAsked |= asked[i];
        }

        var remaining = total.IsNumber && anyAsked ? (int)total.Number : 0;
        foreach (var (part, condition) in sum.AtLeastOne)
        {
            if (remaining > 0 && asked[part] && condition.Holds(this))
            {
                counts[part]++;
                remaining--;
            }
        }

        var weightTotal = 0.0;
        for (var i = 0; i < parts.Length; i++)
        {
            weightTotal += asked[i] ? sum.Weights[i] : 0;
        }

        for (; remaining > 0; remaining--)
        {
            var u = Random.NextDouble() * weightTotal;
            var chosen = -1;
            for (var i = 0; i < parts.Length && chosen < 0; i++)
            {
                if (asked[i])
                {
                    u -= sum.Weights[i];
                    chosen = u < 0 ? i : -1;
                }
            }

            counts[chosen < 0 ? LastAsked(asked) : chosen]++;
        }

        for (var i = 0; i < parts.Length; i++)
        {
            frame.Values[parts[i].Column] = asked[i] ? GeneratedValue.Of(counts[i]) : GeneratedValue.Blank;
            frame.States[parts[i].Column] = Drawn;
        }
    }

    private static int LastAsked(Span<bool> asked)
    {
        for (var i = asked.Length - 1; i >= 0; i--)
        {
            if (asked[i])
            {
                return i;
            }
        }

        return 0;
    }

    private List<RecordFrame> Roster(RecordPlan plan)
    {
        if (_rosters[plan.Index] is { } done)
        {
            return done;
        }

        if (_rosterDrawing[plan.Index])
        {
            throw Loop(plan.Name);
        }

        _rosterDrawing[plan.Index] = true;
        var previous = _current;
        _current = null;
        try
        {
            var frames = new List<RecordFrame>();
            var count = plan.Present(this) && plan.Count?.Next(this) is { IsNumber: true } n ? (int)Math.Min(n.Number, plan.Record.MaxRecords) : 0;
            var used = new UsedValues();
            for (var occurrence = 1; occurrence <= count; occurrence++)
            {
                var frame = new RecordFrame(plan, occurrence) { Used = used };
                for (var c = 0; c < frame.Values.Length; c++)
                {
                    Ensure(frame, c);
                }

                if (frame.Exhausted)
                {
                    break;
                }

                frames.Add(frame);
            }

            if (plan.SortBy is { } sortBy)
            {
                var sorted = frames.OrderBy(f => f.Values[sortBy.Column].IsNumber ? f.Values[sortBy.Column].Number : decimal.MaxValue).ToList();
                frames.Clear();
                frames.AddRange(sorted);
            }

            for (var i = 0; i < frames.Count; i++)
            {
                frames[i].Occurrence = i + 1;
                foreach (var item in plan.Items)
                {
                    if (item.IsOccurrenceNumber && !frames[i].Values[item.Column].IsBlank)
                    {
                        frames[i].Values[item.Column] = GeneratedValue.Of(i + 1);
                    }
                }
            }

            _rosters[plan.Index] = frames;
            return frames;
        }
        finally
        {
            _rosterDrawing[plan.Index] = false;
            _current = previous;
        }
    }

    private GeneratedValue Latent(int index)
    {
        switch (_latentStates[index])
        {
            case Drawn:
                return _latents[index];
            case Drawing:
                throw Loop(_spec.Latents[index].Name);
        }

        _latentStates[index] = Drawing;
        _inProgress.Add(_spec.Latents[index].Name);
        _latents[index] = _spec.Latents[index].Draw.Next(this);
        _inProgress.RemoveAt(_inProgress.Count - 1);
        _latentStates[index] = Drawn;
        return _latents[index];
    }

    private GeneratedValue Derived(int index)
    {
        switch (_derivedStates[index])
        {
            case Drawn:
                return _derived[index];
            case Drawing:
                throw Loop(_spec.Derived[index].Name);
        }

        _derivedStates[index] = Drawing;
        _inProgress.Add(_spec.Derived[index].Name);
        var plan = _spec.Derived[index];
        var any = false;
        var previous = _current;
        foreach (var frame in Roster(plan.Roster))
        {
            _current = frame;
            any |= plan.Where.Holds(this);
        }

        _current = previous;
        _inProgress.RemoveAt(_inProgress.Count - 1);
        _derived[index] = GeneratedValue.Of(any ? 1 : 2);
        _derivedStates[index] = Drawn;
        return _derived[index];
    }

    private GeneratorSpecException Loop(string name) =>
        new($"{_spec.File}: {string.Join(" → ", _inProgress.Append(name))}: these values depend on each other in a loop; break it (a 'by', 'copy' or 'when' that names a value drawn later from it).");

    /// <summary>One record occurrence being drawn: its values and which of them are drawn.</summary>
    private sealed class RecordFrame(RecordPlan plan, int occurrence)
    {
        public RecordPlan Plan { get; } = plan;

        public int Occurrence { get; set; } = occurrence;

        public GeneratedValue[] Values { get; } = new GeneratedValue[plan.Layout.Columns.Count];

        public byte[] States { get; } = new byte[plan.Layout.Columns.Count];

        /// <summary>Values already used by earlier occurrences, for 'distinct' items (repeating records only).</summary>
        public UsedValues? Used { get; init; }

        public bool Exhausted { get; set; }
    }

    private sealed class UsedValues
    {
        private readonly Dictionary<int, HashSet<string>> _byColumn = [];

        public HashSet<string> GetOrAdd(int column)
        {
            if (!_byColumn.TryGetValue(column, out var set))
            {
                _byColumn[column] = set = new HashSet<string>(StringComparer.Ordinal);
            }

            return set;
        }
    }
}
