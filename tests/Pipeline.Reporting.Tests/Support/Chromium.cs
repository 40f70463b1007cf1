using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace Pipeline.Reporting.Tests.Support;

/// <summary>
/// Headless Chromium (Debian package <c>chromium</c>, installed by scripts/test.sh) driven by Playwright for .NET through
/// its executable path: Playwright's own browser download is never used (nothing is fetched; the driver, node for the
/// platform, ships inside the Microsoft.Playwright package). Every page gets a new browser context (a fresh profile: no
/// cookies, cache or storage from another page) with a viewport of exactly the asked CSS width.
/// Browsers are pooled for the test process: a test takes an idle one or launches one, and gives it back when done, so
/// the tests of a class or collection (which run one after another) share one browser, and tests that run at the same
/// time never drive the same one. The pool closes them when the process ends.
/// Shared by Pipeline.Reporting.Tests and Pipeline.Tests (linked, not copied).
/// </summary>
public static class Chromium
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private static readonly ConcurrentBag<Instance> Idle = [];
    private static readonly ConcurrentBag<Instance> All = [];

    static Chromium() => AppDomain.CurrentDomain.ProcessExit += (_, _) => CloseAll();

    public static string Executable =>
        Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path
        : new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("Headless Chromium is needed for this test: `apt-get install -y chromium` (Debian), or set CHROMIUM_PATH.");

    /// <summary>
    /// Opens the local HTML file in a new page <paramref name="width"/> × <paramref name="height"/> CSS px (1 device px
    /// each), waits for its load event, and runs <paramref name="use"/> on it. With <paramref name="mobile"/>, the page is
    /// a phone's (mobile emulation and touch), so its viewport meta decides its layout width.
    /// </summary>
    public static async Task<T> WithPageAsync<T>(string htmlFile, int width, int height, bool mobile, Func<IPage, Task<T>> use, string fragment = "")
    {
        var instance = await RentAsync();
        try
        {
            await using var context = await instance.Browser.NewContextAsync(new BrowserNewContextOptions
            {
                ViewportSize = new ViewportSize { Width = width, Height = height },
                DeviceScaleFactor = 1,
                IsMobile = mobile,
                HasTouch = mobile,
                ServiceWorkers = ServiceWorkerPolicy.Block,
            });
            context.SetDefaultTimeout((float)Timeout.TotalMilliseconds);
            var page = await context.NewPageAsync();
            await page.GotoAsync(new Uri(htmlFile).AbsoluteUri + fragment, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
            return await use(page);
        }
        finally
        {
            Idle.Add(instance);
        }
    }

    /// <summary>A screenshot of the top <paramref name="width"/> × <paramref name="height"/> px of the page.</summary>
    public static Task ScreenshotAsync(string htmlFile, string png, int width = 1280, int height = 3000) =>
        WithPageAsync(htmlFile, width, height, mobile: false, async page =>
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = png, Type = ScreenshotType.Png, Scale = ScreenshotScale.Css });
            return File.Exists(png) ? png : throw new InvalidOperationException($"Chromium wrote no screenshot {png}.");
        });

    /// <summary>
    /// The DOM after the page's scripts ran, serialised (what <c>chromium --dump-dom</c> prints); <paramref name="fragment"/>
    /// (e.g. "#lang=en") is added to the page's address.
    /// </summary>
    public static Task<string> DumpDomAsync(string htmlFile, string fragment = "") =>
        WithPageAsync(htmlFile, 1280, 900, mobile: false, page => page.ContentAsync(), fragment);

    private static async Task<Instance> RentAsync()
    {
        while (Idle.TryTake(out var idle))
        {
            if (idle.Browser.IsConnected)
            {
                return idle;
            }
        }

        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Executable,
                Headless = true,
                Timeout = (float)Timeout.TotalMilliseconds,
                Args = ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions", "--mute-audio"],
            });
            var instance = new Instance(playwright, browser);
            All.Add(instance);
            return instance;
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    private static void CloseAll()
    {
        foreach (var instance in All)
        {
            try
            {
                instance.Browser.CloseAsync().Wait(TimeSpan.FromSeconds(10));
            }
            catch (AggregateException)
            {
                // Already gone: disposing the driver below ends whatever is left.
            }

            instance.Playwright.Dispose();
        }
    }

    private sealed record Instance(IPlaywright Playwright, IBrowser Browser);
}
