using Pipeline.Core.Dictionary;
using YamlDotNet.Serialization;

namespace Pipeline.Core.Packs;

/// <summary>The indicator catalogue of a survey pack (<c>indicators.yaml</c>): what to estimate, for whom, broken down by what.</summary>
public sealed class IndicatorCatalogue
{
    public IReadOnlyList<BreakdownDefinition> Breakdowns { get; init; } = [];

    public IReadOnlyList<IndicatorDefinition> Indicators { get; init; } = [];

    /// <summary>
    /// Checks every name against the dictionary, and the columns cleaning adds to each record (<paramref name="addedNames"/>:
    /// derived columns, case variables such as a producer size); throws <see cref="SurveyPackException"/> naming the
    /// indicator and the problem.
    /// </summary>
    public void Check(DataDictionary dictionary, string path, Func<string, IEnumerable<string>>? addedNames = null)
    {
        ArgumentNullException.ThrowIfNull(dictionary);
        var added = dictionary.Records.SelectMany(r => addedNames?.Invoke(r.Name) ?? []).ToHashSet(StringComparer.OrdinalIgnoreCase);
        void RequireItem(DataDictionary d, string item, string p, string where)
        {
            if (!added.Contains(item))
            {
                IndicatorCatalogue.RequireItem(d, item, p, where);
            }
        }

        var breakdownIds = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var b in Breakdowns)
        {
            RequireItem(dictionary, b.Item, path, $"breakdown '{b.Id}'");
            if (!breakdownIds.Add(b.Id))
            {
                throw new SurveyPackException($"{path}: breakdown id '{b.Id}' is used twice.");
            }
        }

        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var i in Indicators)
        {
            var where = $"indicator '{i.Id}'";
            if (string.IsNullOrWhiteSpace(i.Id) || !ids.Add(i.Id))
            {
                throw new SurveyPackException($"{path}: indicator id '{i.Id}' is missing or used twice.");
            }

            if (dictionary.FindRecord(i.Record) is null)
            {
                throw new SurveyPackException($"{path}: {where}: record '{i.Record}' is not in the dictionary.");
            }

            RequireItem(dictionary, i.Item, path, where);
            if (!IndicatorStatistics.TryParse(i.Statistic, out var statistic))
            {
                throw new SurveyPackException($"{path}: {where}: 'statistic' is '{i.Statistic}'; use {string.Join(", ", IndicatorStatistics.Names)} (default proportion).");
            }

            if (statistic == IndicatorStatistic.Proportion && i.Outcome.Count == 0 && i.OutcomeRange.Count == 0)
            {
                throw new SurveyPackException($"{path}: {where}: 'outcome' lists no code; give the codes that count as the outcome, e.g. [1].");
            }

            if (statistic != IndicatorStatistic.Proportion)
            {
                CheckNumeric(dictionary, i, statistic, path, where);
            }
            else if (!string.IsNullOrWhiteSpace(i.Unit))
            {
                throw new SurveyPackException($"{path}: {where}: 'unit' is '{i.Unit}', but a proportion is shown as a percentage. Remove 'unit', or set 'statistic: mean' or 'total'.");
            }

            if (i.OutcomeRange.Count is not (0 or 2))
            {
                throw new SurveyPackException($"{path}: {where}: 'outcomeRange' takes two codes, [from, to].");
            }

            foreach (var c in i.Universe)
            {
                RequireItem(dictionary, c.Item, path, where + " universe");
            }

            foreach (var b in i.Breakdowns.Where(b => !breakdownIds.Contains(b)))
            {
                throw new SurveyPackException($"{path}: {where}: breakdown '{b}' is not defined under 'breakdowns'.");
            }
        }
    }

    /// <summary>A mean or a total uses the item's value: it must be a number, and outcome codes mean nothing for it.</summary>
    private static void CheckNumeric(DataDictionary dictionary, IndicatorDefinition i, IndicatorStatistic statistic, string path, string where)
    {
        if (i.Outcome.Count > 0 || i.OutcomeRange.Count > 0)
        {
            throw new SurveyPackException($"{path}: {where}: 'outcome' and 'outcomeRange' apply to proportions; a {statistic.Name()} uses the value of {i.Item} itself. Remove them.");
        }

        if (dictionary.FindItem(i.Item) is { DataType: not ItemDataType.Numeric })
        {
            throw new SurveyPackException($"{path}: {where}: a {statistic.Name()} needs a numeric item; {i.Item} is alphanumeric.");
        }
    }

    private static void RequireItem(DataDictionary dictionary, string item, string path, string where)
    {
        if (dictionary.FindItem(item) is null)
        {
            throw new SurveyPackException($"{path}: {where}: item '{item}' is not in the dictionary.");
        }
    }
}

/// <summary>A breakdown: one cell per code of <see cref="Item"/> (labels from its value set).</summary>
public sealed class BreakdownDefinition
{
    public string Id { get; init; } = string.Empty;

    public string Label { get; init; } = string.Empty;

    /// <summary>The label in the dictionary's other languages, by language code (<c>labelIn: {es: Alianza}</c>).</summary>
    public IReadOnlyDictionary<string, string> LabelIn { get; init; } = System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty;

    public string Item { get; init; } = string.Empty;
}

/// <summary>
/// An indicator: by default a proportion, the weighted share of the denominator whose <see cref="Item"/> is in
/// <see cref="Outcome"/>; with <see cref="Statistic"/> "mean" or "total", the weighted mean or total of the item's value
/// over the denominator.
/// </summary>
public sealed class IndicatorDefinition
{
    public string Id { get; init; } = string.Empty;

    public string Title { get; init; } = string.Empty;

    /// <summary>
    /// The title in the dictionary's other languages, by language code (<c>titleIn: {es: ...}</c>); <see cref="Title"/>
    /// is the one in the dictionary's first language. A language missing here shows <see cref="Title"/>.
    /// </summary>
    public IReadOnlyDictionary<string, string> TitleIn { get; init; } = System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty;

    /// <summary>Questionnaire reference, e.g. "Q12".</summary>
    public string Question { get; init; } = string.Empty;

    public string Record { get; init; } = string.Empty;

    public string Item { get; init; } = string.Empty;

    /// <summary>
    /// What is estimated: "proportion" (the default, so catalogues written before means and totals stay valid), "mean" or
    /// "total". Checked by <see cref="IndicatorCatalogue.Check"/>; read it parsed as <see cref="Kind"/>.
    /// </summary>
    public string Statistic { get; init; } = "proportion";

    /// <summary><see cref="Statistic"/> parsed. Throws for a value <see cref="IndicatorCatalogue.Check"/> would reject.</summary>
    [YamlIgnore]
    public IndicatorStatistic Kind => IndicatorStatistics.TryParse(Statistic, out var kind)
        ? kind
        : throw new InvalidOperationException($"Indicator '{Id}': statistic '{Statistic}' is not {string.Join(", ", IndicatorStatistics.Names)}.");

    /// <summary>
    /// The unit of the item's values for a mean or a total, as the report writes it after the numbers ("soles", "ha",
    /// "kg"). Optional; a proportion is always a percentage, so <see cref="IndicatorCatalogue.Check"/> refuses a unit on one.
    /// </summary>
    public string? Unit { get; init; }

    /// <summary>Codes that count as the outcome (numerator). Proportions only.</summary>
    public IReadOnlyList<long> Outcome { get; init; } = [];

    /// <summary>An inclusive range [from, to] of codes that also count as the outcome (e.g. ages 20 to 39).</summary>
    public IReadOnlyList<long> OutcomeRange { get; init; } = [];

    /// <summary>
    /// The code a blank answer stands for, for cases in the universe: 0 for a multiple-choice option item, where blank
    /// means "not marked"; for a mean or a total, the value a blank stands for (e.g. 0 hectares). Without it, blank
    /// answers are left out of the denominator.
    /// </summary>
    public long? BlankAs { get; init; }

    /// <summary>True when <paramref name="code"/> counts as the outcome.</summary>
    public bool IsOutcome(long code) => Outcome.Contains(code) || (OutcomeRange.Count == 2 && code >= OutcomeRange[0] && code <= OutcomeRange[1]);

    /// <summary>
    /// Codes left out of the denominator, e.g. 99 "don't know" (for a mean or a total, values equal to one of these codes,
    /// e.g. 99999). Blank (not applicable) answers are always left out.
    /// </summary>
    public IReadOnlyList<long> ExcludeFromDenominator { get; init; } = [];

    /// <summary>Conditions (all must hold) that put a case in the indicator's universe; empty means every case.</summary>
    public IReadOnlyList<UniverseCondition> Universe { get; init; } = [];

    /// <summary>Breakdown ids; every indicator also gets the "all" cell.</summary>
    public IReadOnlyList<string> Breakdowns { get; init; } = [];

    /// <summary>Where the report prints it, e.g. "Figure 9".</summary>
    public string Reference { get; init; } = string.Empty;

    /// <summary>
    /// Published values by cell key ("all", "alliance=1", ...): proportions from 0 to 1, means and totals in the item's
    /// unit. Each one gets a row of the run's comparison table.
    /// </summary>
    public IReadOnlyDictionary<string, double> Published { get; init; } = System.Collections.ObjectModel.ReadOnlyDictionary<string, double>.Empty;

    /// <summary>
    /// External benchmarks the report sets beside the figure, by source then cell, e.g. {"ENA 2019": {all: 0.35}}. They
    /// appear in the comparison table with their source, next to the recomputed estimate.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Benchmarks { get; init; } = System.Collections.ObjectModel.ReadOnlyDictionary<string, IReadOnlyDictionary<string, double>>.Empty;
}

public sealed class UniverseCondition
{
    public string Item { get; init; } = string.Empty;

    public IReadOnlyList<long> In { get; init; } = [];
}
