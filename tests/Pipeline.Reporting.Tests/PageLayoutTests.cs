using Pipeline.Reporting.Tests.Support;

namespace Pipeline.Reporting.Tests;

/// <summary>The layout checker itself: it must see text drawn on text (HTML and SVG) and a page wider than the phone, and name the strings.</summary>
public sealed class PageLayoutTests
{
    [Fact]
    public async Task Measure_TwoLabelsDrawnOnEachOther_FailsNamingBothStrings()
    {
        var page = await PageAsync("""
            <p style="position:relative;height:40px"><span style="position:absolute;left:10px;top:0">Peru Coffee Alliance</span><span style="position:absolute;left:60px;top:4px">41.2%</span></p>
            <svg width="300" height="40"><text x="10" y="20">axis label</text><text x="30" y="22">data label</text></svg>
            """);

        var layout = await PageLayout.MeasureAsync(page, 390);

        var failure = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => PageLayout.AssertReadable(layout, page, 390));
        Assert.Contains("\"Peru Coffee Alliance\"", failure.Message, StringComparison.Ordinal);
        Assert.Contains("\"41.2%\"", failure.Message, StringComparison.Ordinal);
        Assert.Contains("\"axis label\"", failure.Message, StringComparison.Ordinal);
        Assert.Contains("\"data label\"", failure.Message, StringComparison.Ordinal);
        Assert.Equal(2, layout.OverlapCount);
    }

    [Fact]
    public async Task Measure_WideTableOutsideAScrollBox_IsAnOverflowButInsideOneIsNot()
    {
        const string Row = "<tr><td>a_long_unbroken_value_that_is_wider_than_a_phone_screen_0123456789_0123456789</td></tr>";
        var page = await PageAsync($"<table>{Row}</table><div style=\"overflow-x:auto\"><table>{Row}</table></div>");

        var layout = await PageLayout.MeasureAsync(page, 390);

        Assert.True(layout.OverflowCount == 1, $"{layout}");
        Assert.True(layout.ScrollWidth > 390);
        var failure = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => PageLayout.AssertReadable(layout, page, 390));
        Assert.Contains("The page scrolls sideways", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Measure_PageWithoutViewportMeta_IsLaidOutWiderThanThePhone()
    {
        var page = await PageAsync("<p>text</p>", viewport: false);

        var layout = await PageLayout.MeasureAsync(page, 390);

        Assert.Equal(980, layout.LayoutWidth);
    }

    private static async Task<string> PageAsync(string body, bool viewport = true)
    {
        var file = Path.Combine(RepoPaths.Output, $"layout-{Guid.NewGuid():N}.html");
        var meta = viewport ? "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" : string.Empty;
        await File.WriteAllTextAsync(file, $"<!DOCTYPE html><html><head><meta charset=\"utf-8\">{meta}<style>body{{margin:8px;font:15px/1.45 sans-serif}}</style></head><body>{body}</body></html>");
        return file;
    }
}
