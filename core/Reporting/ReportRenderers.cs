using Pipeline.Core.Findings;
using Pipeline.Core.Ingest;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Core.Quality;

namespace Pipeline.Core.Reporting;

/// <summary>The findings outputs for people: the report with its exports (<see cref="FindingsReportPublisher"/>) and the label tables (<see cref="LabelsTable"/>).</summary>
public sealed class FindingsPublisher(ILakeStore lake, TimeProvider time) : IFindingsPublisher
{
    /// <inheritdoc />
    public async Task PublishAsync(SurveyPack pack, FindingsRunRecord run, IReadOnlyList<FindingRow> rows, double confidence, CancellationToken cancellationToken)
    {
        await new FindingsReportPublisher(lake, time).PublishAsync(pack, run, rows, confidence, cancellationToken).ConfigureAwait(false);
        await LabelsTable.PublishAsync(lake, pack, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>The quality report page of an upload (<see cref="QualityReportPage"/>).</summary>
public sealed class QualityReportRenderer : IQualityReportRenderer
{
    /// <inheritdoc />
    public Task WriteAsync(Stream output, SurveyPack pack, UploadRecord upload, QualityStats stats, CancellationToken cancellationToken) =>
        QualityReportPage.WriteAsync(output, pack, upload, stats, cancellationToken);
}
