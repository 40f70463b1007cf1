using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;

namespace Pipeline.Reporting.Tests.Support;

/// <summary>
/// Opens a local HTML page in headless Chromium at a given viewport width (a phone at 390 px with mobile emulation, so
/// the page's viewport meta decides its layout width; a laptop at 1366 px) and measures it: every visible text node's
/// boxes (one per line, from <c>Range.getClientRects</c>; SVG text included), in page coordinates. Two boxes of
/// different strings that intersect are an overlap; a box past the right or left edge of the viewport, outside a box
/// that scrolls sideways, is an overflow. The browser is the system Chromium driven by Playwright (see <see cref="Chromium"/>),
/// whose viewport sets the CSS width exactly (Chromium's own <c>--window-size</c> cannot go below 500 px in headless mode).
/// Shared by Pipeline.Reporting.Tests (findings report) and Pipeline.Tests (quality report).
/// </summary>
public static class PageLayout
{
    /// <summary>The widths the reports are checked at: a common phone (iPhone 12–15) and a common laptop.</summary>
    public static readonly int[] Widths = [390, 1366];

    /// <summary>Overlaps smaller than this (CSS px) in either direction are anti-aliasing and rounding, not text on text.</summary>
    public const double Tolerance = 1.0;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Lays the page out at <paramref name="width"/> CSS px and measures its text. With <paramref name="screenshot"/>,
    /// also saves <paramref name="screenshotHeight"/> px of the page as a PNG of that width, from the top or from the
    /// first element that matches the CSS selector <paramref name="screenshotFrom"/>.
    /// </summary>
    public static async Task<Measurement> MeasureAsync(string htmlFile, int width, string? screenshot = null, int screenshotHeight = 1400, string? screenshotFrom = null)
    {
        var phone = width < 640;
        return await Chromium.WithPageAsync(htmlFile, width, phone ? 844 : 900, mobile: phone, async page =>
        {
            var result = JsonSerializer.Deserialize<Measurement>(await page.EvaluateAsync<string>($"() => JSON.stringify(({Script})())"), Json)
                ?? throw new InvalidOperationException($"The layout script returned nothing for {htmlFile}.");
            if (screenshot is not null)
            {
                var top = screenshotFrom is null ? 0 : await page.EvaluateAsync<int>("s => Math.floor(document.querySelector(s).getBoundingClientRect().top + window.scrollY)", screenshotFrom);
                // FullPage: the clip is in page coordinates and may reach below the viewport.
                await page.ScreenshotAsync(new PageScreenshotOptions
                {
                    Path = screenshot,
                    Type = ScreenshotType.Png,
                    Scale = ScreenshotScale.Css,
                    FullPage = true,
                    Clip = new Clip { X = 0, Y = top, Width = width, Height = Math.Min(screenshotHeight, result.PageHeight - top) },
                });
            }

            return result;
        });
    }

    /// <summary>Fails with the overlapping strings and the overflowing ones, named, with their boxes.</summary>
    public static void AssertReadable(Measurement m, string page, int width)
    {
        var problems = new StringBuilder();
        if (m.LayoutWidth != width)
        {
            problems.Append(CultureInfo.InvariantCulture, $"The page is laid out {m.LayoutWidth} px wide in a {width} px viewport: it lacks <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">.\n");
        }

        if (m.ScrollWidth > m.LayoutWidth + Tolerance)
        {
            problems.Append(CultureInfo.InvariantCulture, $"The page scrolls sideways: {m.ScrollWidth} px of content in {m.LayoutWidth} px.\n");
        }

        foreach (var o in m.Overlaps)
        {
            problems.Append(CultureInfo.InvariantCulture, $"\"{o.A.Text}\" {o.A} overlaps \"{o.B.Text}\" {o.B}.\n");
        }

        foreach (var o in m.Overflows)
        {
            problems.Append(CultureInfo.InvariantCulture, $"\"{o.Text}\" {o} reaches past the {m.LayoutWidth} px viewport.\n");
        }

        Assert.True(problems.Length == 0, $"{Path.GetFileName(page)} at {width} px ({m.TextBoxes} text boxes measured, {m.OverlapCount} overlaps, {m.OverflowCount} overflows; first ones):\n{problems}");
    }

    /// <summary>Runs in the page. Returns at most 20 overlaps and 20 overflows, with the total counts.</summary>
    private const string Script = """
        () => {
          const doc = document.documentElement;
          const sx = window.scrollX, sy = window.scrollY;
          const scrollsX = el => { const o = getComputedStyle(el).overflowX; return o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip'; };
          const clipOf = el => {
            // The innermost ancestor that clips sideways: its box bounds what of the text can be seen.
            for (let e = el; e && e !== document.body && e !== doc; e = e.parentElement) { if (scrollsX(e)) { return e; } }
            return null;
          };
          const boxes = [];
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          let node, id = 0;
          while ((node = walker.nextNode())) {
            const text = node.textContent.replace(/\s+/g, ' ').trim();
            const el = node.parentElement;
            if (!text || !el || el.closest('script, style, noscript, template, title')) { continue; }
            const style = getComputedStyle(el);
            if (style.visibility !== 'visible' || parseFloat(style.opacity) === 0) { continue; }
            const clip = clipOf(el);
            const clipRect = clip ? clip.getBoundingClientRect() : null;
            const range = document.createRange();
            range.selectNodeContents(node);
            id++;
            for (const r of range.getClientRects()) {
              let l = r.left, t = r.top, rt = r.right, b = r.bottom;
              if (clipRect) { l = Math.max(l, clipRect.left); rt = Math.min(rt, clipRect.right); t = Math.max(t, clipRect.top); b = Math.min(b, clipRect.bottom); }
              if (rt - l < 0.5 || b - t < 0.5) { continue; }
              boxes.push({ text: text.length > 80 ? text.slice(0, 77) + '...' : text, node: id, left: l + sx, top: t + sy, right: rt + sx, bottom: b + sy, clipped: !!clip });
            }
          }
          const tol = 1.0;
          const overlaps = [];
          let overlapCount = 0;
          const sorted = boxes.slice().sort((a, b) => a.top - b.top);
          for (let i = 0; i < sorted.length; i++) {
            const a = sorted[i];
            for (let j = i + 1; j < sorted.length && sorted[j].top < a.bottom - tol; j++) {
              const b = sorted[j];
              if (a.node === b.node) { continue; }
              const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
              const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
              if (w > tol && h > tol) { overlapCount++; if (overlaps.length < 20) { overlaps.push({ a: a, b: b }); } }
            }
          }
          const width = doc.clientWidth;
          const overflows = boxes.filter(b => !b.clipped && (b.right > width + tol || b.left < -tol));
          return {
            layoutWidth: width,
            scrollWidth: doc.scrollWidth,
            pageHeight: Math.ceil(doc.scrollHeight),
            textBoxes: boxes.length,
            overlapCount: overlapCount,
            overlaps: overlaps,
            overflowCount: overflows.length,
            overflows: overflows.slice(0, 20)
          };
        }
        """;

    public sealed record Measurement(int LayoutWidth, int ScrollWidth, int PageHeight, int TextBoxes, int OverlapCount, IReadOnlyList<Overlap> Overlaps, int OverflowCount, IReadOnlyList<TextBox> Overflows);

    public sealed record Overlap(TextBox A, TextBox B);

    public sealed record TextBox(string Text, int Node, double Left, double Top, double Right, double Bottom, bool Clipped)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"at x {Left:0.#}–{Right:0.#}, y {Top:0.#}–{Bottom:0.#}");
    }
}
