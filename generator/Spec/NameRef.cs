using Pipeline.Core.Dictionary;
using Pipeline.Core.Packs;
using Pipeline.Generator.Cases;

namespace Pipeline.Generator.Spec;

/// <summary>What a name in <c>generator.yaml</c> stands for once it is resolved against the dictionary and the spec.</summary>
internal enum RefKind
{
    /// <summary>An item of a record that occurs at most once per case (or a case ID item).</summary>
    SingleItem,

    /// <summary>An item of a repeating record: only meaningful inside that record (the same occurrence).</summary>
    RosterItem,

    /// <summary>A hidden case-level variable drawn for the case (e.g. the producer-size class); never written.</summary>
    Latent,

    /// <summary>A case-level value computed from the case's records (e.g. "some crop sold to a company").</summary>
    Derived,

    /// <summary><c>OCC</c>: the occurrence being drawn in a repeating record, 1-based.</summary>
    Occurrence,

    /// <summary><c>STRATUM</c>: the id of the case's stratum (design/strata.csv).</summary>
    Stratum,
}

/// <summary>A resolved name: an item (with its record plan and layout column), a latent or derived variable, or a built-in.</summary>
internal sealed record NameRef(string Name, RefKind Kind, RecordPlan? Record = null, int Column = -1, int Index = -1)
{
    public const string OccurrenceName = "OCC";
    public const string StratumName = "STRATUM";

    public DictionaryItem? Item => Record is not null && Column >= 0 ? Record.Layout.Columns[Column].Item : null;

    public override string ToString() => Name;
}

/// <summary>Where a condition or a draw reads the values it depends on.</summary>
internal interface IValueScope
{
    GeneratedValue Value(NameRef name);
}
