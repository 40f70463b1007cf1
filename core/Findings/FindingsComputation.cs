using System.Globalization;
using Pipeline.Core.Dictionary;
using Pipeline.Core.Packs;

namespace Pipeline.Core.Findings;

/// <summary>
/// Accumulates, case by case, the per-stratum sums each indicator × cell needs (<see cref="StratumSums"/>), then
/// estimates them all. Holds indicators × cells × strata numbers, never the cases.
/// </summary>
internal sealed class FindingsComputation
{
    private const string All = "all";
    private readonly SurveyPack _pack;
    private readonly double _confidence;
    private readonly IReadOnlyList<Stratum> _strata;
    private readonly Dictionary<string, List<string>> _itemsByRecord = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, long[]> _sampleSizeByRecord = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<(string Indicator, string Breakdown, long? Code), Cell> _cells = [];
    private readonly Dictionary<string, IndicatorPlan[]> _plans = new(StringComparer.OrdinalIgnoreCase);
    private long _outsideDesign;

    // Up to five stratum-item code combinations that matched no row of strata.csv, for the message.
    private readonly SortedSet<string> _outsideCodes = new(StringComparer.Ordinal);

    // Strata estimated without fpc (design.invalidDesign: estimate-without-fpc and n_h > N_h), by index.
    private bool[] _withoutFpc = [];

    // The record whose rows are the cases (one per case): it counts the cases in the design even when no indicator
    // reads it, or when the pack has no indicator yet. Null when the stratum items are not on it.
    private readonly string? _caseRecord;

    public FindingsComputation(SurveyPack pack, double confidence)
    {
        _pack = pack;
        _confidence = confidence;
        _strata = pack.Strata;
        var caseRecord = CaseRecord.Of(pack.Dictionary);
        if (pack.Manifest.Design.StratumItems.All(item => IsOn(pack.Dictionary, caseRecord, item)))
        {
            _caseRecord = caseRecord.Name;
            Need(Items(_caseRecord), pack.Manifest.Design.StratumItems);
        }

        foreach (var indicator in pack.Indicators.Indicators)
        {
            var items = Items(indicator.Record);
            Need(items, pack.Manifest.Design.StratumItems);
            Need(items, [indicator.Item]);
            Need(items, indicator.Universe.Select(u => u.Item));
            Need(items, indicator.Breakdowns.Select(b => Breakdown(b).Item));
            foreach (var cell in CellsOf(indicator))
            {
                _cells[(indicator.Id, cell.Breakdown, cell.Code)] = new Cell(_strata.Count);
            }
        }
    }

    /// <summary>Cases (rows of the case record, else of the first indicator record) that fell in a stratum of the design.</summary>
    public long CasesInDesign => CaseSizes()?.Sum() ?? 0;

    /// <summary>The records to read, each with <see cref="ItemsNeeded"/>: the case record first, then the indicators' records.</summary>
    public IReadOnlyList<string> Records => [.. _itemsByRecord.Keys];

    public string CoverageNote
    {
        get
        {
            var sizes = CaseSizes() ?? new long[_strata.Count];
            var uncovered = _strata.Where((s, h) => s.Universe > 0 && sizes[h] == 0).Select(s => $"{s.Id} (N={s.Universe})").ToList();
            var note = uncovered.Count == 0 ? "Every stratum has sample." : $"Strata with no sample: {string.Join(", ", uncovered)}; estimates cover the sampled strata only.";
            note = _outsideDesign == 0 ? note : $"{note} {_outsideDesign} cases matched no stratum and were left out.";
            return _invalidNote.Count == 0
                ? note
                : $"{note} The data contradict the design ({string.Join("; ", _invalidNote)}); as the pack says (design.invalidDesign: estimate-without-fpc), strata with n_h > N_h are estimated without finite population correction and strata without universe weigh nothing.";
        }
    }

    /// <summary>
    /// Where the data read contradict the design (call after the last <see cref="Add"/>): a stratum with more sampled
    /// cases than its universe, a sampled stratum without universe, cases outside every stratum. Each problem names the
    /// stratum (or the codes) and the numbers. Empty when the design holds.
    /// </summary>
    public IReadOnlyList<string> DesignProblems()
    {
        var problems = new List<string>();
        var sizes = CaseSizes() ?? new long[_strata.Count];
        var file = _pack.Manifest.Design.Strata;
        for (var h = 0; h < _strata.Count; h++)
        {
            var (stratum, n) = (_strata[h], sizes[h]);
            if (n == 0)
            {
                continue;
            }

            if (stratum.Universe <= 0)
            {
                problems.Add(FormattableString.Invariant($"stratum {stratum.Id} has {n} sampled cases but its universe N_h in {file} is {stratum.Universe}: give the stratum's population size"));
            }
            else if (n > stratum.Universe)
            {
                problems.Add(FormattableString.Invariant($"stratum {stratum.Id} has n_h = {n} sampled cases, more than its universe N_h = {stratum.Universe} in {file}, so its finite population correction 1 - n_h/N_h would be negative"));
            }
        }

        if (_outsideDesign > 0)
        {
            problems.Add(FormattableString.Invariant($"{_outsideDesign} rows have stratum codes that match no row of {file} ({string.Join("; ", _outsideCodes)}{(_outsideCodes.Count == 5 ? "; ..." : string.Empty)})"));
        }

        return problems;
    }

    /// <summary>
    /// Goes on despite <see cref="DesignProblems"/> (the pack's <c>design.invalidDesign: estimate-without-fpc</c>): strata
    /// whose n_h exceeds N_h are estimated without fpc; strata without universe weigh nothing; rows outside the design
    /// stay out. The coverage note then lists them.
    /// </summary>
    public void EstimateWithoutFpcWhereInvalid()
    {
        var sizes = CaseSizes() ?? new long[_strata.Count];
        _withoutFpc = _strata.Select((s, h) => s.Universe > 0 && sizes[h] > s.Universe).ToArray();
        _invalidNote = DesignProblems();
    }

    private IReadOnlyList<string> _invalidNote = [];

    /// <summary>The curated columns <see cref="Add"/> expects, in order, for one record.</summary>
    public IReadOnlyList<string> ItemsNeeded(string record) => Items(record);

    public void Add(string record, CuratedRow values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var items = Items(record);
        var h = StratumOf(items, values);
        if (h < 0)
        {
            _outsideDesign++;
            if (_outsideCodes.Count < 5)
            {
                _outsideCodes.Add(string.Join(", ", _pack.Manifest.Design.StratumItems.Select(item => $"{item}={values.Code(items.IndexOf(item))?.ToString(CultureInfo.InvariantCulture) ?? "blank"}")));
            }

            return;
        }

        if (!_sampleSizeByRecord.TryGetValue(record, out var sizes))
        {
            _sampleSizeByRecord[record] = sizes = new long[_strata.Count];
        }

        sizes[h]++;
        foreach (var plan in PlansOf(record, items))
        {
            if (Contribution(plan, values) is not { } y)
            {
                continue; // contributes zeros: the case still counts in n_h (full-design domain estimation)
            }

            plan.All.Add(h, y, 1.0);
            foreach (var (index, cells) in plan.Breakdowns)
            {
                if (values.Code(index) is { } cellCode && cells.TryGetValue(cellCode, out var cell))
                {
                    cell.Add(h, y, 1.0);
                }
            }
        }
    }

    /// <summary>
    /// The indicators of a record with their columns and cells looked up once: <see cref="Add"/> runs per case (a
    /// measured hot path, docs/performance.md), so it indexes arrays instead of searching names.
    /// </summary>
    private IndicatorPlan[] PlansOf(string record, List<string> items)
    {
        if (_plans.TryGetValue(record, out var plans))
        {
            return plans;
        }

        plans = _pack.Indicators.Indicators.Where(i => string.Equals(i.Record, record, StringComparison.OrdinalIgnoreCase)).Select(i => new IndicatorPlan(
            i,
            items.IndexOf(i.Item),
            i.Universe.Select(u => (items.IndexOf(u.Item), u.In.ToHashSet())).ToArray(),
            _cells[(i.Id, All, null)],
            i.Breakdowns.Select(b => (items.IndexOf(Breakdown(b).Item), _cells.Where(c => c.Key.Indicator == i.Id && c.Key.Breakdown == b && c.Key.Code is not null).ToDictionary(c => c.Key.Code!.Value, c => c.Value))).ToArray())).ToArray();
        _plans[record] = plans;
        return plans;
    }

    private sealed record IndicatorPlan(IndicatorDefinition Indicator, int Item, (int Index, HashSet<long> In)[] Universe, Cell All, (int Index, Dictionary<long, Cell> Cells)[] Breakdowns);

    /// <summary>True when <paramref name="value"/> equals one of the excluded codes; a loop, no delegate per value.</summary>
    private static bool IsExcluded(IReadOnlyList<long> codes, double value)
    {
        for (var i = 0; i < codes.Count; i++)
        {
            if (codes[i] == value)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// y of a case in the indicator's denominator (1 or 0 for a proportion, the item's value for a mean or a total), or
    /// null when the case is not in the denominator: outside the universe, blank without <c>blankAs</c>, or an excluded code.
    /// </summary>
    private static double? Contribution(IndicatorPlan plan, CuratedRow values)
    {
        foreach (var (universeIndex, allowed) in plan.Universe)
        {
            if (values.Code(universeIndex) is not { } v || !allowed.Contains(v))
            {
                return null;
            }
        }

        var indicator = plan.Indicator;
        var index = plan.Item;
        if (indicator.Kind == IndicatorStatistic.Proportion)
        {
            return (values.Code(index) ?? indicator.BlankAs) is { } code && !indicator.ExcludeFromDenominator.Contains(code)
                ? (indicator.IsOutcome(code) ? 1.0 : 0.0)
                : null;
        }

        return (values.Number(index) ?? indicator.BlankAs) is { } value && !IsExcluded(indicator.ExcludeFromDenominator, value)
            ? value
            : null;
    }

    public IReadOnlyList<FindingRow> Results()
    {
        var rows = new List<FindingRow>();
        foreach (var indicator in _pack.Indicators.Indicators)
        {
            var sizes = _sampleSizeByRecord.GetValueOrDefault(indicator.Record) ?? new long[_strata.Count];
            foreach (var (breakdown, code, key, label) in CellsOf(indicator))
            {
                var cell = _cells[(indicator.Id, breakdown, code)];
                var sums = _strata.Select((s, h) => cell.Sums(s, h, sizes[h], _withoutFpc.Length > h && _withoutFpc[h])).ToList();
                var estimate = StratifiedRatio.Estimate(sums, indicator.Kind, _confidence);
                var flags = new List<string>(estimate.Flags);
                if (estimate.UnweightedDenominator < _pack.Manifest.Design.SmallCellThreshold)
                {
                    flags.Add("small-cell");
                }

                if (_strata.Where((s, h) => s.Universe > 0 && sizes[h] == 0).Any(s => Compatible(s, breakdown, code)))
                {
                    flags.Add("uncovered-strata");
                }

                double? published = indicator.Published.TryGetValue(key, out var p) ? p : null;
                rows.Add(new FindingRow(indicator.Id, breakdown, key, code, label, estimate, published, flags.Distinct().ToList()));
            }
        }

        return rows;
    }

    private IEnumerable<(string Breakdown, long? Code, string Key, string Label)> CellsOf(IndicatorDefinition indicator)
    {
        yield return (All, null, All, "All");
        foreach (var b in indicator.Breakdowns)
        {
            foreach (var (code, label) in _pack.CodeLabels(Breakdown(b).Item))
            {
                yield return (b, code, $"{b}={code.ToString(CultureInfo.InvariantCulture)}", label);
            }
        }
    }

    private bool Compatible(Stratum stratum, string breakdown, long? code)
    {
        if (code is null)
        {
            return true;
        }

        var item = Breakdown(breakdown).Item;
        return !stratum.Codes.TryGetValue(item, out var stratumCode) || stratumCode == code;
    }

    private int StratumOf(List<string> items, CuratedRow values)
    {
        for (var h = 0; h < _strata.Count; h++)
        {
            var match = true;
            foreach (var (item, code) in _strata[h].Codes)
            {
                if (values.Code(items.IndexOf(item)) != code)
                {
                    match = false;
                    break;
                }
            }

            if (match)
            {
                return h;
            }
        }

        return -1;
    }

    private BreakdownDefinition Breakdown(string id) =>
        _pack.Indicators.Breakdowns.First(b => string.Equals(b.Id, id, StringComparison.OrdinalIgnoreCase));

    private List<string> Items(string record)
    {
        if (!_itemsByRecord.TryGetValue(record, out var items))
        {
            _itemsByRecord[record] = items = [];
        }

        return items;
    }

    private long[]? CaseSizes() =>
        _caseRecord is not null && _sampleSizeByRecord.TryGetValue(_caseRecord, out var sizes) ? sizes : _sampleSizeByRecord.Values.FirstOrDefault();

    private static bool IsOn(DataDictionary dictionary, DictionaryRecord record, string item) =>
        dictionary.CaseIdItems.Any(i => string.Equals(i.Name, item, StringComparison.OrdinalIgnoreCase)) ||
        record.Items.Any(i => string.Equals(i.Name, item, StringComparison.OrdinalIgnoreCase));

    private static void Need(List<string> items, IEnumerable<string> names)
    {
        foreach (var name in names.Where(n => !items.Contains(n, StringComparer.OrdinalIgnoreCase)))
        {
            items.Add(name);
        }
    }

    /// <summary>Per-stratum sums of one indicator × cell.</summary>
    private sealed class Cell(int strata)
    {
        private readonly double[] _sy = new double[strata];
        private readonly double[] _sx = new double[strata];
        private readonly double[] _syy = new double[strata];
        private readonly double[] _sxy = new double[strata];
        private readonly double[] _sxx = new double[strata];
        private readonly long[] _count = new long[strata];

        public void Add(int h, double y, double x)
        {
            _sy[h] += y;
            _sx[h] += x;
            _syy[h] += y * y;
            _sxy[h] += x * y;
            _sxx[h] += x * x;
            _count[h]++;
        }

        public StratumSums Sums(Stratum stratum, int h, long sampleSize, bool withoutFpc) =>
            new(stratum.Id, stratum.Universe, sampleSize, _sy[h], _sx[h], _syy[h], _sxy[h], _sxx[h], _count[h], withoutFpc);
    }
}
