using System.ComponentModel.DataAnnotations;

namespace Pipeline.Core.Findings;

/// <summary>Configuration section <c>Findings</c>.</summary>
public sealed class FindingsOptions
{
    public const string SectionName = "Findings";

    /// <summary>Confidence level of the intervals. Default 0.95, as the report.</summary>
    [Range(0.5, 0.999)]
    public double Confidence { get; set; } = 0.95;
}
