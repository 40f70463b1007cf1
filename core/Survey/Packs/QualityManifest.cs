namespace Pipeline.Core.Packs;

/// <summary>The <c>quality:</c> section of pack.yaml: what the per-upload report tabulates. All optional.</summary>
public sealed class QualityManifest
{
    /// <summary>The item naming the surveyor (pseudonymised in the lake); enables the enumerator table.</summary>
    public string? EnumeratorItem { get; set; }

    /// <summary>Start and end time items (HHMM) of the interview, for durations.</summary>
    public List<string> DurationItems { get; set; } = [];

    /// <summary>Codes that mean "don't know / no response", for the share of don't-know answers. Default [99].</summary>
    public List<long> DontKnowCodes { get; set; } = [99];

    /// <summary>Marginals are shown for items whose value set lists at most this many single codes (no ranges). Default 12.</summary>
    public int MaxMarginalCodes { get; set; } = 12;
}
