using Pipeline.Core.Reporting;

namespace Pipeline.Reporting.Tests;

/// <summary>When the report calls a published value outside the recomputed interval (hand-made cells, bounds included).</summary>
public sealed class PublishedOutsideTests
{
    private static readonly ReportBreakdown All = new(FindingsReportModel.AllBreakdown, "All respondents", 0);

    [Theory]
    [InlineData(0.47, 0.40, 0.55, false)] // inside
    [InlineData(0.40, 0.40, 0.55, false)] // on the lower bound: inside
    [InlineData(0.55, 0.40, 0.55, false)] // on the upper bound: inside
    [InlineData(0.39, 0.40, 0.55, true)]
    [InlineData(0.56, 0.40, 0.55, true)]
    [InlineData(0.02, 0.0, 0.0019, true)] // a 0% cell with a one-sided interval: the published 2% lies above it
    public void PublishedOutside_ValueAgainstInterval_IsOutsideOnlyBeyondABound(double published, double low, double high, bool outside)
    {
        var cell = new ReportCell("all", All, "All", (low + high) / 2, low, high, 0.01, 1, 100, published, []);

        Assert.Equal(outside, cell.PublishedOutside);
    }

    [Fact]
    public void PublishedOutside_NoIntervalOrNoPublishedValue_CannotBeCompared()
    {
        Assert.Null(new ReportCell("all", All, "All", null, null, null, null, null, 0, 0.3, ["no-data"]).PublishedOutside);
        Assert.Null(new ReportCell("all", All, "All", 0.3, 0.2, 0.4, 0.05, 1, 100, null, []).PublishedOutside);
        // A mean of equal values: its "interval" is the point; a different published value is not thereby outside.
        Assert.Null(new ReportCell("all", All, "All", 5, 5, 5, 0, null, 40, 6, ["degenerate-ci"]).PublishedOutside);
    }
}
