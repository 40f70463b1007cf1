using System.Globalization;
using Pipeline.Generator.Cases;

namespace Pipeline.Generator.Spec;

/// <summary>What a draw needs while a case is built: the case's random numbers and the values drawn so far.</summary>
internal interface IDrawContext : IValueScope
{
    Random Random { get; }
}

/// <summary>One node of <c>generator.yaml</c> that produces a value: a distribution, a constant, a copy, a lookup.</summary>
internal abstract class Draw
{
    protected Draw(SpecLocation where) => Where = where;

    public SpecLocation Where { get; }

    /// <summary>True when the draw can give blank although the question was asked (<c>share</c>, an inner <c>when</c>).</summary>
    public virtual bool MayBeBlank => false;

    public abstract GeneratedValue Next(IDrawContext context);

    /// <summary>The interval the next value falls in, when the draw knows it (ranges); used to keep conversions inside it.</summary>
    public virtual (decimal Min, decimal Max)? Bounds(IDrawContext context) => null;

    /// <summary>The codes this draw can give, when it is a list of codes (for checks of <c>by</c> tables).</summary>
    public virtual IEnumerable<decimal>? PossibleCodes => null;

    protected static decimal Round(decimal value, int decimals) => decimal.Round(value, decimals, MidpointRounding.AwayFromZero);

    /// <summary>A uniform value on the grid of <paramref name="decimals"/> between <paramref name="min"/> and <paramref name="max"/>, both included.</summary>
    protected static decimal Uniform(Random random, decimal min, decimal max, int decimals)
    {
        var scale = Pow10(decimals);
        var steps = (long)decimal.Floor((max - min) * scale);
        return min + (random.NextInt64(steps + 1) / scale);
    }

    protected static decimal Pow10(int decimals)
    {
        var scale = 1m;
        for (var i = 0; i < decimals; i++)
        {
            scale *= 10;
        }

        return scale;
    }

    /// <summary>A standard normal deviate (Box–Muller), from two uniforms of the case's generator.</summary>
    protected static double Normal(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}

/// <summary><c>codes: {1: 0.44, 2: 0.56}</c>: one code, with probabilities proportional to the weights.</summary>
internal sealed class CodesDraw : Draw
{
    private readonly decimal[] _codes;
    private readonly double[] _cumulative;

    public CodesDraw(SpecLocation where, IReadOnlyList<(decimal Code, double Weight)> weights)
        : base(where)
    {
        _codes = weights.Select(w => w.Code).ToArray();
        _cumulative = new double[weights.Count];
        var total = 0.0;
        for (var i = 0; i < weights.Count; i++)
        {
            total += weights[i].Weight;
            _cumulative[i] = total;
        }

        for (var i = 0; i < _cumulative.Length; i++)
        {
            _cumulative[i] /= total;
        }
    }

    public override IEnumerable<decimal>? PossibleCodes => _codes;

    public override GeneratedValue Next(IDrawContext context)
    {
        var u = context.Random.NextDouble();
        var i = Array.BinarySearch(_cumulative, u);
        i = i < 0 ? ~i : i + 1;
        return GeneratedValue.Of(_codes[Math.Min(i, _codes.Length - 1)]);
    }
}

internal enum Distribution
{
    Uniform,
    LogNormal,
}

/// <summary><c>range: [min, max]</c>, uniform or log-normal (median, sigma) clipped to the range; <c>zero</c>: share of exact zeros.</summary>
internal sealed class RangeDraw(SpecLocation where, decimal min, decimal max, int decimals, Distribution distribution, double median, double sigma, double zeroShare)
    : Draw(where)
{
    public decimal Min => min;

    public decimal Max => max;

    public override GeneratedValue Next(IDrawContext context)
    {
        if (zeroShare > 0 && context.Random.NextDouble() < zeroShare)
        {
            return GeneratedValue.Of(0);
        }

        if (distribution == Distribution.Uniform)
        {
            return GeneratedValue.Of(Uniform(context.Random, min, max, decimals));
        }

        var x = median * Math.Exp(sigma * Normal(context.Random));
        var value = Round((decimal)Math.Clamp(x, (double)min, (double)max), decimals);
        return GeneratedValue.Of(Math.Clamp(value, min, max));
    }

    public override (decimal Min, decimal Max)? Bounds(IDrawContext context) => (min, max);
}

/// <summary><c>bands: [[20, 39, 0.30], [40, 59, 0.48]]</c>: a band by weight, then uniform within it.</summary>
internal sealed class BandsDraw(SpecLocation where, IReadOnlyList<(decimal Min, decimal Max, double Weight)> bands, int decimals) : Draw(where)
{
    private readonly double _total = bands.Sum(b => b.Weight);

    public override GeneratedValue Next(IDrawContext context)
    {
        var u = context.Random.NextDouble() * _total;
        foreach (var band in bands)
        {
            u -= band.Weight;
            if (u < 0)
            {
                return GeneratedValue.Of(Uniform(context.Random, band.Min, band.Max, decimals));
            }
        }

        var last = bands[^1];
        return GeneratedValue.Of(Uniform(context.Random, last.Min, last.Max, decimals));
    }
}

/// <summary>A constant: <c>value: 2022</c>, or a plain scalar.</summary>
internal sealed class ConstDraw(SpecLocation where, GeneratedValue value) : Draw(where)
{
    public GeneratedValue Value => value;

    public override IEnumerable<decimal>? PossibleCodes => value.IsNumber ? [value.Number] : null;

    public override GeneratedValue Next(IDrawContext context) => value;
}

/// <summary><c>copy: ITEM</c>: the value of another item.</summary>
internal sealed class CopyDraw(SpecLocation where, NameRef source) : Draw(where)
{
    public NameRef Source => source;

    public override bool MayBeBlank => true;

    public override GeneratedValue Next(IDrawContext context) => context.Value(source);
}

/// <summary><c>text: list</c> or <c>[a, b, c]</c>: a text from a list of the spec.</summary>
internal sealed class TextDraw(SpecLocation where, TextList list) : Draw(where)
{
    public TextList List => list;

    public override GeneratedValue Next(IDrawContext context) => GeneratedValue.OfText(list.Next(context.Random));
}

/// <summary><c>occurrence: true</c>: the record's occurrence number (a roster's line number). Set again after sorting.</summary>
internal sealed class OccurrenceDraw(SpecLocation where, NameRef occurrence) : Draw(where)
{
    public override GeneratedValue Next(IDrawContext context) => context.Value(occurrence);
}

/// <summary><c>time: ["07:00", "16:30"]</c>: a time of day as CSPro's HHMM number, uniform by minute.</summary>
internal sealed class TimeDraw(SpecLocation where, int fromMinute, int toMinute) : Draw(where)
{
    public override GeneratedValue Next(IDrawContext context)
    {
        var minute = fromMinute + context.Random.Next(toMinute - fromMinute + 1);
        return GeneratedValue.Of((minute / 60 * 100) + (minute % 60));
    }
}

/// <summary><c>timeAfter: ITEM, minutes: [40, 95]</c>: an HHMM time that many minutes after another (at most 23:59).</summary>
internal sealed class TimeAfterDraw(SpecLocation where, NameRef start, int minMinutes, int maxMinutes) : Draw(where)
{
    public override bool MayBeBlank => true;

    public override GeneratedValue Next(IDrawContext context)
    {
        var begin = context.Value(start);
        if (!begin.IsNumber)
        {
            return GeneratedValue.Blank;
        }

        var hhmm = (int)begin.Number;
        var minute = (hhmm / 100 * 60) + (hhmm % 100) + minMinutes + context.Random.Next(maxMinutes - minMinutes + 1);
        minute = Math.Min(minute, (23 * 60) + 59);
        return GeneratedValue.Of((minute / 60 * 100) + (minute % 60));
    }
}

/// <summary><c>add: ITEM, plus: draw</c>: another item's value plus a drawn amount (e.g. a start year before an end year).</summary>
internal sealed class AddDraw(SpecLocation where, NameRef source, Draw plus) : Draw(where)
{
    public override bool MayBeBlank => true;

    public override GeneratedValue Next(IDrawContext context)
    {
        var value = context.Value(source);
        var delta = plus.Next(context);
        return value.IsNumber && delta.IsNumber ? GeneratedValue.Of(value.Number + delta.Number) : GeneratedValue.Blank;
    }
}

/// <summary><c>times: ITEM, factor: [0.5, 1.0]</c>: another item's value times a uniform factor (a part of a total).</summary>
internal sealed class TimesDraw(SpecLocation where, NameRef source, double minFactor, double maxFactor, int decimals) : Draw(where)
{
    public override bool MayBeBlank => true;

    public override GeneratedValue Next(IDrawContext context)
    {
        var value = context.Value(source);
        var factor = minFactor + (context.Random.NextDouble() * (maxFactor - minFactor));
        return value.IsNumber ? GeneratedValue.Of(Round(value.Number * (decimal)factor, decimals)) : GeneratedValue.Blank;
    }
}

/// <summary>
/// <c>kg: draw, per: ITEM</c>: a quantity in the answer's unit from an amount in kilograms and the unit's kg
/// equivalence, rounded to the item's decimals but kept inside the kilogram range of the inner draw, so that the
/// producer size derived from quantity × equivalence falls in the class the amount was drawn for.
/// </summary>
internal sealed class KgDraw(SpecLocation where, Draw kilograms, NameRef perUnit, int decimals) : Draw(where)
{
    public override bool MayBeBlank => true;

    public override GeneratedValue Next(IDrawContext context)
    {
        var per = context.Value(perUnit);
        var kg = kilograms.Next(context);
        if (!per.IsNumber || per.Number <= 0 || !kg.IsNumber)
        {
            return GeneratedValue.Blank;
        }

        var step = 1m / Pow10(decimals);
        var quantity = Math.Max(step, Round(kg.Number / per.Number, decimals));
        if (kilograms.Bounds(context) is var (min, max))
        {
            while (quantity * per.Number < min)
            {
                quantity += step;
            }

            while (quantity * per.Number > max && quantity > step)
            {
                quantity -= step;
            }
        }

        return GeneratedValue.Of(quantity);
    }
}

/// <summary>
/// <c>by: NAME, cases: {value: draw, ..., "*": draw}</c>: the draw chosen by another value (an item, a latent or derived
/// variable, <c>OCC</c> or <c>STRATUM</c>). A blank value uses <c>"*"</c> when there is one, else gives blank.
/// </summary>
internal sealed class ByDraw(SpecLocation where, NameRef key, IReadOnlyDictionary<decimal, Draw> byNumber, IReadOnlyDictionary<string, Draw> byText, Draw? fallback)
    : Draw(where)
{
    public NameRef Key => key;

    public IEnumerable<Draw> Cases => byNumber.Values.Concat(byText.Values).Concat(fallback is null ? [] : [fallback]);

    public Draw? Fallback => fallback;

    public IEnumerable<decimal> NumericKeys => byNumber.Keys;

    public IEnumerable<string> TextKeys => byText.Keys;

    /// <summary>Blank when the chosen case can be, or when the key is blank and there is no "*" case.</summary>
    public override bool MayBeBlank => fallback is null || Cases.Any(c => c.MayBeBlank);

    public override IEnumerable<decimal>? PossibleCodes =>
        Cases.All(c => c.PossibleCodes is not null) ? Cases.SelectMany(c => c.PossibleCodes!).Distinct() : null;

    public override GeneratedValue Next(IDrawContext context) => Select(context)?.Next(context) ?? GeneratedValue.Blank;

    public override (decimal Min, decimal Max)? Bounds(IDrawContext context) => Select(context)?.Bounds(context);

    private Draw? Select(IDrawContext context)
    {
        var value = context.Value(key);
        if (value.IsBlank)
        {
            return fallback;
        }

        var found = value.IsNumber ? byNumber.GetValueOrDefault(value.Number) : byText.GetValueOrDefault(value.Text!);
        return found ?? fallback ?? throw new GeneratorSpecException(Where, $"'by: {key.Name}' has no case for the value {value} and no \"*\" case; add one.");
    }
}

/// <summary>A draw with an inner <c>when</c>: blank unless the condition holds.</summary>
internal sealed class WhenDraw(SpecLocation where, Condition condition, Draw inner) : Draw(where)
{
    public Condition Condition => condition;

    public override bool MayBeBlank => true;

    public override GeneratedValue Next(IDrawContext context) => condition.Holds(context) ? inner.Next(context) : GeneratedValue.Blank;

    public override (decimal Min, decimal Max)? Bounds(IDrawContext context) => inner.Bounds(context);
}

/// <summary><c>share: 0.05</c>: the question is answered with that probability, blank otherwise (an "other" row).</summary>
internal sealed class ShareDraw(SpecLocation where, double share, Draw inner) : Draw(where)
{
    public override bool MayBeBlank => true;

    public override GeneratedValue Next(IDrawContext context) => context.Random.NextDouble() < share ? inner.Next(context) : GeneratedValue.Blank;
}

/// <summary><c>min:</c> / <c>max:</c> around another draw: the value is clipped.</summary>
internal sealed class ClampDraw(SpecLocation where, decimal? min, decimal? max, Draw inner) : Draw(where)
{
    public override bool MayBeBlank => inner.MayBeBlank;

    public override GeneratedValue Next(IDrawContext context)
    {
        var value = inner.Next(context);
        if (!value.IsNumber)
        {
            return value;
        }

        var number = value.Number;
        number = min is { } lo && number < lo ? lo : number;
        number = max is { } hi && number > hi ? hi : number;
        return GeneratedValue.Of(number);
    }
}

/// <summary>A list of texts, or a pattern such as <c>"{given} {surname} {surname}"</c> built from other lists.</summary>
internal sealed class TextList
{
    private readonly string[]? _entries;
    private readonly (string? Literal, TextList? List)[]? _parts;

    public TextList(string name, string[] entries)
    {
        Name = name;
        _entries = entries;
        MaxLength = entries.Max(e => e.Length);
    }

    public TextList(string name, (string? Literal, TextList? List)[] parts)
    {
        Name = name;
        _parts = parts;
        MaxLength = parts.Sum(p => p.Literal?.Length ?? p.List!.MaxLength);
    }

    public string Name { get; }

    /// <summary>The longest text the list can give, to check it against the item's length.</summary>
    public int MaxLength { get; }

    /// <summary>The plain entries, or null for a pattern.</summary>
    public IReadOnlyList<string>? Entries => _entries;

    public string Next(Random random)
    {
        if (_entries is not null)
        {
            return _entries[random.Next(_entries.Length)];
        }

        var text = new System.Text.StringBuilder();
        string? previous = null;
        foreach (var (literal, list) in _parts!)
        {
            if (literal is not null)
            {
                text.Append(literal);
                continue;
            }

            // Two draws from one list side by side (two surnames) should differ, as they usually do.
            var next = list!.Next(random);
            for (var retry = 0; retry < 3 && next == previous; retry++)
            {
                next = list.Next(random);
            }

            text.Append(next);
            previous = next;
        }

        return text.ToString();
    }

    public override string ToString() => Name;

    internal static string Describe(decimal code) => code.ToString(CultureInfo.InvariantCulture);
}
