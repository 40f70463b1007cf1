using System.Reflection;

namespace Pipeline.Core.Reporting;

/// <summary>
/// The vendored browser libraries the findings report inlines (Chart.js and its error-bar plugin, MIT, see
/// <c>core/Reporting/vendor/README.md</c>). They are read once, from the reporting assembly's embedded resources
/// (<c>Reporting/vendor/&lt;file&gt;</c>) or, failing that, from a <c>Reporting/vendor</c> folder next to the
/// application or given by the caller, so the page needs no network when it is opened.
/// </summary>
public sealed class ReportAssets
{
    /// <summary>Chart.js 4 UMD build (defines the global <c>Chart</c>).</summary>
    public const string ChartJsFile = "chart.umd.min.js";

    /// <summary>chartjs-chart-error-bars UMD build (defines <c>ChartErrorBars</c>; needs <c>Chart</c>).</summary>
    public const string ErrorBarsFile = "chartjs-chart-error-bars.umd.min.js";

    private const string ResourcePrefix = "Reporting/vendor/";

    private ReportAssets(string chartJs, string errorBars)
    {
        ChartJs = chartJs;
        ErrorBars = errorBars;
    }

    public string ChartJs { get; }

    public string ErrorBars { get; }

    /// <summary>
    /// Loads both scripts. Looks in the core assembly's embedded resources first, then in <paramref name="folder"/>
    /// when given, then in <c>Reporting/vendor</c> under the application's base directory. Throws
    /// <see cref="FileNotFoundException"/> naming every place it looked when a script is in none of them.
    /// </summary>
    public static async Task<ReportAssets> LoadAsync(string? folder = null, CancellationToken cancellationToken = default)
    {
        var chartJs = await ReadAsync(ChartJsFile, folder, cancellationToken).ConfigureAwait(false);
        var errorBars = await ReadAsync(ErrorBarsFile, folder, cancellationToken).ConfigureAwait(false);
        return new ReportAssets(chartJs, errorBars);
    }

    private static async Task<string> ReadAsync(string file, string? folder, CancellationToken cancellationToken)
    {
        var assembly = typeof(ReportAssets).Assembly;
        var resource = FindResource(assembly, file);
        if (resource is not null)
        {
            await using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            return Clean(file, await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false));
        }

        var candidates = new[] { folder, Path.Combine(AppContext.BaseDirectory, "Reporting", "vendor") }
            .Where(f => f is not null)
            .Select(f => Path.Combine(f!, file))
            .ToArray();
        foreach (var path in candidates.Where(File.Exists))
        {
            return Clean(file, await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false));
        }

        throw new FileNotFoundException(
            $"The findings report needs the script {file}: it is neither an embedded resource '{ResourcePrefix}{file}' of {assembly.GetName().Name} nor in {string.Join(" or ", candidates)}. " +
            "Build core/Reporting with <EmbeddedResource Include=\"vendor/*.js\" LogicalName=\"Reporting/vendor/%(Filename)%(Extension)\" /> or copy core/Reporting/vendor next to the application.",
            file);
    }

    private static string? FindResource(Assembly assembly, string file)
    {
        // The LogicalName form first; the default manifest name (namespace-style) as a fallback.
        var names = assembly.GetManifestResourceNames();
        return names.FirstOrDefault(n => n == ResourcePrefix + file)
            ?? names.FirstOrDefault(n => n.EndsWith(".Reporting.vendor." + file, StringComparison.Ordinal));
    }

    /// <summary>Drops the source-map comment (the map is not shipped) and refuses text that would end the inline script early.</summary>
    private static string Clean(string file, string script)
    {
        if (script.Contains("</script", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"{file} contains '</script' and cannot be inlined in an HTML page.");
        }

        var lines = script.Split('\n').Where(l => !l.StartsWith("//# sourceMappingURL=", StringComparison.Ordinal));
        return string.Join('\n', lines);
    }
}
