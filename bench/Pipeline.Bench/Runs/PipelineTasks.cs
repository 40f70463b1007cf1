using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Core.Cleaning;
using Pipeline.Core.Engine;
using Pipeline.Core.Findings;
using Pipeline.Core.Ingest;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Core.Readers;

namespace Pipeline.Bench.Runs;

/// <summary>The child tasks that run our pipeline, whole or stage by stage.</summary>
internal static class PipelineTasks
{
    public static async Task<Measurement> IngestAsync(MeasureRequest request, CancellationToken cancellationToken)
    {
        using var host = await PipelineHost.StartAsync(request.Lake!, request.PacksFolder, cancellationToken);
        var ingest = host.Services.GetRequiredService<IngestService>();
        long read = 0, curated = 0, rejected = 0;
        var scope = MeasureScope.Start();
        foreach (var path in request.Inputs)
        {
            var outcome = await ingest.IngestAsync(path, progress: null, cancellationToken);
            if (!outcome.Succeeded || outcome.AlreadyProcessed)
            {
                throw new InvalidOperationException($"Ingest of {path} did not run to success: {outcome.Upload.Status} {outcome.Upload.ErrorSummary}");
            }

            (read, curated, rejected) = (read + outcome.Upload.RowsRead, curated + outcome.Upload.RowsCurated, rejected + outcome.Upload.RowsRejected);
        }

        return scope.Stop(request.Task, read, $"{read} rows read = {curated} curated + {rejected} rejected");
    }

    /// <summary>The reader alone, or reader and validator, over local files (a FileStream as the local lake opens it).</summary>
    public static async Task<Measurement> ReadAsync(MeasureRequest request, bool validate, CancellationToken cancellationToken)
    {
        var pack = await BenchPack.LoadAsync(request.Survey, request.PacksFolder, cancellationToken);
        long rows = 0, accepted = 0;
        var scope = MeasureScope.Start();
        foreach (var file in request.Inputs)
        {
            var content = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
            await using var reader = Path.GetExtension(file).Equals(".dat", StringComparison.OrdinalIgnoreCase)
                ? (IExportReader)await CsproTextDataReader.CreateAsync(content, file, pack, cancellationToken: cancellationToken)
                : await DelimitedExportReader.CreateAsync(content, file, ',', pack, cancellationToken);
            if (!validate)
            {
                await foreach (var row in reader.ReadAsync(cancellationToken))
                {
                    rows++;
                }

                continue;
            }

            // The ingest's own per-row checks (dictionary, cleaning, rules), on one thread.
            await foreach (var row in new RowChecks(pack, new CleaningCounts(), new CaseKeys()).CheckAsync(reader.ReadAsync(cancellationToken), cancellationToken))
            {
                rows++;
                row.Complete();
                accepted += row.Accepted ? 1 : 0;
            }
        }

        return scope.Stop(request.Task, rows, validate ? $"{rows} rows, {accepted} accepted" : $"{rows} rows");
    }

    public static async Task<Measurement> FindingsAsync(MeasureRequest request, CancellationToken cancellationToken)
    {
        using var host = await PipelineHost.StartAsync(request.Lake!, request.PacksFolder, cancellationToken);
        var pack = host.Services.GetRequiredService<SurveyPackCatalog>().Find(request.Survey)!;
        var scope = MeasureScope.Start();
        var run = await host.Services.GetRequiredService<FindingsService>().RecomputeAsync(pack, force: true, cancellationToken);
        var headline = pack.Indicators.Indicators[0].Id;
        var all = run.Rows.First(r => r.IndicatorId == headline && r.CellCode is null);
        return scope.Stop(request.Task, run.Status.Record.Cases, string.Create(CultureInfo.InvariantCulture, $"{run.Rows.Count} cells; {headline} all = {all.Estimate.Estimate:0.000000}"));
    }

    /// <summary>The findings' read stage: every current case of each indicator record, with the integer items the catalogue uses.</summary>
    public static async Task<Measurement> ScanAsync(MeasureRequest request, CancellationToken cancellationToken)
    {
        using var host = await PipelineHost.StartAsync(request.Lake!, request.PacksFolder, cancellationToken);
        var pack = host.Services.GetRequiredService<SurveyPackCatalog>().Find(request.Survey)!;
        var lake = host.Services.GetRequiredService<ILakeStore>();
        var scope = MeasureScope.Start();
        var (manifest, _) = await new CurrentViewStore(lake).ReadAsync(pack.Id, cancellationToken);
        long cases = 0;
        foreach (var record in pack.Indicators.Indicators.Select(i => i.Record).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            await foreach (var values in new CuratedView(lake).ReadAsync(manifest, record, ItemsOf(pack, record), cancellationToken))
            {
                cases += values.Count > 0 ? 1 : 0;
            }
        }

        return scope.Stop(request.Task, cases, $"{cases} cases");
    }

    private static string[] ItemsOf(SurveyPack pack, string record)
    {
        var indicators = pack.Indicators.Indicators.Where(i => string.Equals(i.Record, record, StringComparison.OrdinalIgnoreCase)).ToList();
        return pack.Manifest.Design.StratumItems
            .Concat(indicators.Select(i => i.Item))
            .Concat(indicators.SelectMany(i => i.Universe.Select(u => u.Item)))
            .Concat(indicators.SelectMany(i => i.Breakdowns).Select(b => pack.Indicators.Breakdowns.First(d => d.Id == b).Item))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToArray();
    }
}
