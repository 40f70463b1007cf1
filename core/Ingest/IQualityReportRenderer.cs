using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Core.Quality;

namespace Pipeline.Core.Ingest;

/// <summary>
/// Renders the per-upload quality report (<c>report.html</c>) from the upload's statistics. A port: the page lives in
/// the reporting layer, above this one, and is wired by the host (<c>AddSurveyPipeline</c>).
/// </summary>
public interface IQualityReportRenderer
{
    /// <summary>Writes the page to <paramref name="output"/>, which stays open.</summary>
    Task WriteAsync(Stream output, SurveyPack pack, UploadRecord upload, QualityStats stats, CancellationToken cancellationToken);
}
