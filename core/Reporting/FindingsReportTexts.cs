using Pipeline.Core.Findings;

namespace Pipeline.Core.Reporting;

/// <summary>
/// The fixed English texts the findings report added for its contents, its legend, its flags in words and its
/// "published value outside the interval" marks: one place, so that a text catalogue can translate them. The older
/// fixed strings of the page stay where they are in <see cref="FindingsReport"/>.
/// </summary>
internal static class FindingsReportTexts
{
    public const string Contents = "Contents";
    public const string SummaryTitle = "Published values against the recomputed intervals";
    public const string SummaryLink = "Published values outside the interval";
    public const string NotesLink = "Method and flags";

    /// <summary>{0} outside, {1} compared, {2} confidence label, {3} published values that could not be compared.</summary>
    public const string SummaryOverall = "{0} of {1} published values lie outside the recomputed {2} confidence interval.";
    public const string SummaryNotCompared = "{0} published values have no interval to compare with (no estimate, or no variance).";
    public const string SummaryNone = "The catalogue publishes no value to compare with.";
    public const string SummaryIndicator = "Indicator";
    public const string SummaryPublished = "Published values";
    public const string SummaryOutside = "Outside the interval";

    /// <summary>{0} outside, {1} compared.</summary>
    public const string IndicatorOutside = "{0} of {1} published values outside the interval";

    /// <summary>The same, short, for the contents. {0} outside, {1} compared.</summary>
    public const string ContentsOutside = "{0} of {1} outside CI";

    public const string OutsideMark = "Published value outside the interval";
    public const string OutsideShort = "outside CI";
    public const string PublishedShort = "published";
    public const string ScaleLabel = "Scale";
    public const string FigureLabel = "Bars: recomputed estimate by cell, with its {0} confidence interval and the published value";

    public const string LegendTitle = "How to read the bars";
    public const string LegendBar = "Recomputed estimate";
    public const string LegendInterval = "{0} confidence interval";
    public const string LegendPublished = "Published in the report";
    public const string LegendOutside = "Published value outside the interval (also marked “outside CI”)";
    public const string LegendSmall = "Small cell (n < {0}): hatched";

    public const string Unit = "Unit";

    /// <summary>Short names of the flags, shown in the tables instead of their ids; the notes at the end explain each.</summary>
    public static readonly IReadOnlyDictionary<string, string> FlagNames = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [ReportCell.SmallCell] = "Small cell",
        [ReportCell.UncoveredStrata] = "Uncovered strata",
        [StratifiedRatio.FlagSingleCaseStratum] = "Single-case stratum",
        [StratifiedRatio.FlagDegenerateCi] = "No variance",
        [StratifiedRatio.FlagNoData] = "No data",
        [ComparisonRow.FlagUnknownCell] = "Unknown cell",
    };

    /// <summary>The words for a flag; an id the report does not know yet is shown as it is.</summary>
    public static string FlagName(string flag) => FlagNames.GetValueOrDefault(flag, flag);
}
