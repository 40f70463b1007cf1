using System.Diagnostics;

namespace Pipeline.Tests.Support;

/// <summary>Headless Chromium (Debian package, installed by scripts/test.sh) to render our HTML pages as a person sees them.</summary>
public static class Chromium
{
    public const string Executable = "/usr/bin/chromium";

    /// <summary>The DOM after scripts ran.</summary>
    public static string DumpDom(string htmlFile) => Run(htmlFile, "--dump-dom");

    /// <summary>Takes a full-width screenshot of the page into <paramref name="png"/>.</summary>
    public static void Screenshot(string htmlFile, string png, int height = 3000) => Run(htmlFile, $"--screenshot={png}", $"--window-size=1280,{height}");

    private static string Run(string htmlFile, params string[] extra)
    {
        Assert.True(File.Exists(Executable), $"{Executable} is missing; ./scripts/test.sh installs the Debian package chromium.");
        var profile = Directory.CreateTempSubdirectory("chromium-profile-");
        var start = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", $"--user-data-dir={profile.FullName}" }.Concat(extra).Append(new Uri(htmlFile).AbsoluteUri))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(120_000), "chromium did not finish in 120 s");
        profile.Delete(recursive: true);
        Assert.True(process.ExitCode == 0, $"chromium failed: {stderr.Result}");
        return stdout.Result;
    }
}
