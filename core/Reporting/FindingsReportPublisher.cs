using Pipeline.Core.Findings;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;

namespace Pipeline.Core.Reporting;

/// <summary>
/// Writes a run's human-readable outputs into its run folder, beside the star schema:
/// <c>findings/&lt;survey&gt;/runs/run_id=&lt;id&gt;/findings-report.html</c>, <c>findings.csv</c>, <c>findings.xlsx</c> and
/// <c>comparison.csv</c> (the comparison table of <c>comparison.parquet</c>, for Excel).
/// Call it before the current pointer is switched, so that a run folder named by <c>current.json</c> is always complete. The scripts the page inlines are loaded once per instance.
/// </summary>
public sealed class FindingsReportPublisher(ILakeStore lake, TimeProvider time)
{
    public const string HtmlFile = "findings-report.html";
    public const string CsvFile = "findings.csv";
    public const string XlsxFile = "findings.xlsx";
    public const string ComparisonCsvFile = "comparison.csv";

    private readonly Lazy<Task<FindingsReport>> _report = new(() => FindingsReport.CreateAsync(time));

    /// <summary>The lake path (findings zone) of one of the files of a run.</summary>
    public static string PathOf(string survey, string runId, string file) => FindingsPaths.RunFolder(survey, runId) + file;

    /// <summary>Writes the four files; <paramref name="confidence"/> is the run's <see cref="FindingsOptions.Confidence"/>.</summary>
    public async Task PublishAsync(SurveyPack pack, FindingsRunRecord run, IReadOnlyList<FindingRow> rows, double confidence, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentNullException.ThrowIfNull(run);
        var report = await _report.Value.ConfigureAwait(false);
        await WriteAsync(PathOf(pack.Id, run.RunId, HtmlFile), s => report.WriteHtmlAsync(pack, run, rows, s, confidence, cancellationToken), cancellationToken).ConfigureAwait(false);
        await WriteAsync(PathOf(pack.Id, run.RunId, CsvFile), s => FindingsExport.WriteCsvAsync(pack, run, rows, s, cancellationToken), cancellationToken).ConfigureAwait(false);
        await WriteAsync(PathOf(pack.Id, run.RunId, XlsxFile), s => FindingsExport.WriteXlsxAsync(pack, run, rows, s, cancellationToken), cancellationToken).ConfigureAwait(false);
        await WriteAsync(PathOf(pack.Id, run.RunId, ComparisonCsvFile), s => FindingsExport.WriteComparisonCsvAsync(pack, run, rows, s, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteAsync(string path, Func<Stream, Task> write, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream();
        await write(content).ConfigureAwait(false);
        content.Position = 0;
        await lake.WriteAsync(LakeZone.Findings, path, content, ifMatch: null, cancellationToken).ConfigureAwait(false);
    }
}
