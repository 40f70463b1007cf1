using System.ComponentModel.DataAnnotations;

namespace Pipeline.Core.Lake;

/// <summary>
/// Names of the lake's containers and tables. Configuration section <c>Lake</c> (app settings <c>Lake__RawContainer</c>, ...),
/// except the incoming container, which the blob trigger also reads and which is therefore the flat setting <c>IncomingContainer</c>.
/// </summary>
public sealed class LakeOptions
{
    public const string SectionName = "Lake";

    /// <summary>Default "incoming". Changing it also needs the Event Grid subscription filter changed (infra/).</summary>
    [Required]
    public string IncomingContainer { get; set; } = "incoming";

    /// <summary>Default "raw".</summary>
    [Required]
    public string RawContainer { get; set; } = "raw";

    /// <summary>Default "curated". Power BI and Spark read from here.</summary>
    [Required]
    public string CuratedContainer { get; set; } = "curated";

    /// <summary>Default "quarantine".</summary>
    [Required]
    public string QuarantineContainer { get; set; } = "quarantine";

    /// <summary>Default "reports".</summary>
    [Required]
    public string ReportsContainer { get; set; } = "reports";

    /// <summary>Default "findings". Power BI reads the current run from here.</summary>
    [Required]
    public string FindingsContainer { get; set; } = "findings";

    /// <summary>Azure Table holding one row per upload. Default "uploads".</summary>
    [Required]
    public string UploadsTable { get; set; } = "uploads";

    /// <summary>Azure Table holding one row per findings run. Default "findingsruns".</summary>
    [Required]
    public string FindingsRunsTable { get; set; } = "findingsruns";

    /// <summary>The container (or folder) name of a zone.</summary>
    public string ContainerOf(LakeZone zone) => zone switch
    {
        LakeZone.Incoming => IncomingContainer,
        LakeZone.Raw => RawContainer,
        LakeZone.Curated => CuratedContainer,
        LakeZone.Quarantine => QuarantineContainer,
        LakeZone.Reports => ReportsContainer,
        LakeZone.Findings => FindingsContainer,
        _ => throw new ArgumentOutOfRangeException(nameof(zone), zone, null),
    };
}
