namespace Pipeline.Core.Packs;

/// <summary>The <c>quality:</c> section of pack.yaml: what the per-upload report tabulates. All optional.</summary>
public sealed class QualityManifest
{
    /// <summary>The item naming the surveyor (pseudonymised in the lake); enables the enumerator table.</summary>
    public string? EnumeratorItem { get; init; }

    /// <summary>Start and end time items (HHMM) of the interview, for durations.</summary>
    public IReadOnlyList<string> DurationItems { get; init; } = [];

    /// <summary>Codes that mean "don't know / no response", for the share of don't-know answers. Default [99].</summary>
    public IReadOnlyList<long> DontKnowCodes { get; init; } = [99];

    /// <summary>Marginals are shown for items whose value set lists at most this many single codes (no ranges). Default 12.</summary>
    public int MaxMarginalCodes { get; init; } = 12;
}
