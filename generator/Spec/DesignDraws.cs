using Pipeline.Generator.Cases;

namespace Pipeline.Generator.Spec;

/// <summary>Values the generator fixes from the sample design, not from a distribution.</summary>
internal interface ICaseDesign
{
    /// <summary>1-based case number.</summary>
    long CaseNumber { get; }

    /// <summary>The codes of the case's stratum, by stratum item.</summary>
    IReadOnlyDictionary<string, long> StratumCodes { get; }
}

/// <summary>A stratum item (alliance, region): the code of the case's stratum from design/strata.csv.</summary>
internal sealed class StratumDraw(SpecLocation where, string item) : Draw(where)
{
    public override GeneratedValue Next(IDrawContext context) =>
        GeneratedValue.Of(((ICaseDesign)context).StratumCodes[item]);
}

/// <summary>
/// The sequence ID item (a questionnaire number): case k gets ((k − 1) mod <see cref="Cycle"/>) + 1, so that numbers stay
/// inside the item's value set; cases beyond one cycle get distinct keys through the overflow items.
/// </summary>
internal sealed class SequenceDraw(SpecLocation where, long cycle) : Draw(where)
{
    public long Cycle { get; } = cycle;

    public override GeneratedValue Next(IDrawContext context) =>
        GeneratedValue.Of(((((ICaseDesign)context).CaseNumber - 1) % Cycle) + 1);
}

/// <summary>
/// An overflow ID item: in the first cycle of the sequence it is drawn as the spec says; in cycle w ≥ 1 it holds one
/// digit of w − 1 written in the mixed radix of the overflow ranges, so that every case key is unique.
/// </summary>
internal sealed class OverflowDraw(SpecLocation where, Draw inner, long cycle, long min, long divisor, long size) : Draw(where)
{
    public override bool MayBeBlank => inner.MayBeBlank;

    public override GeneratedValue Next(IDrawContext context)
    {
        var wrap = (((ICaseDesign)context).CaseNumber - 1) / cycle;
        return wrap == 0 ? inner.Next(context) : GeneratedValue.Of(min + ((wrap - 1) / divisor % size));
    }
}

/// <summary>The default of an alpha item the spec does not mention: blank, and allowed to be.</summary>
internal sealed class BlankDraw(SpecLocation where) : Draw(where)
{
    public override bool MayBeBlank => true;

    public override GeneratedValue Next(IDrawContext context) => GeneratedValue.Blank;
}
