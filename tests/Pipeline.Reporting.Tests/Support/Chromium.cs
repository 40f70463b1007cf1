using System.Diagnostics;

namespace Pipeline.Reporting.Tests.Support;

/// <summary>
/// Headless Chromium (Debian package <c>chromium</c>) on a local file: a screenshot, or the DOM after the page's
/// scripts ran. Every run gets a new profile folder and no network features, so nothing is fetched or remembered.
/// </summary>
public static class Chromium
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    public static string Executable =>
        Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path
        : new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("Headless Chromium is needed for this test: `apt-get install -y chromium` (Debian), or set CHROMIUM_PATH.");

    public static async Task ScreenshotAsync(string page, string png, int width, int height)
    {
        var (exit, _, error) = await RunAsync(page, string.Empty, $"--screenshot={png}", $"--window-size={width},{height}", "--hide-scrollbars");
        if (exit != 0 || !File.Exists(png))
        {
            throw new InvalidOperationException($"Chromium exited with {exit} and wrote no screenshot {png}: {error}");
        }
    }

    /// <summary>The DOM after the page's scripts ran; <paramref name="fragment"/> (e.g. "#lang=en") is added to the page's address.</summary>
    public static async Task<string> DumpDomAsync(string page, string fragment = "")
    {
        var (exit, output, error) = await RunAsync(page, fragment, "--dump-dom");
        return exit == 0 ? output : throw new InvalidOperationException($"Chromium exited with {exit}: {error}");
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(string page, string fragment, params string[] arguments)
    {
        var profile = Directory.CreateTempSubdirectory("chromium-profile-");
        try
        {
            var start = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-extensions", "--mute-audio", $"--user-data-dir={profile.FullName}",
            }.Concat(arguments))
            {
                start.ArgumentList.Add(a);
            }

            start.ArgumentList.Add(new Uri(page).AbsoluteUri + fragment);
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Executable}.");
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var cancel = new CancellationTokenSource(Timeout);
            try
            {
                await process.WaitForExitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"Chromium did not finish within {Timeout.TotalSeconds} s on {page}.");
            }

            return (process.ExitCode, await output, await error);
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }
}
