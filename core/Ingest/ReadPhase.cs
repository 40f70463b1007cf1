using Microsoft.Extensions.Logging;
using Pipeline.Core.Engine;
using Pipeline.Core.Packs;
using Pipeline.Core.Privacy;

namespace Pipeline.Core.Ingest;

/// <summary>
/// The streaming part of an ingest, once per row: read → dictionary checks → cleaning and row rules → curated or
/// rejected table, issues, quality counts, and the whole-upload checks' notes. A measured hot path (allocations per row:
/// docs/performance.md), so one loop with the per-upload values in locals.
/// </summary>
internal sealed class ReadPhase(IngestOptions options, Pseudonymiser pseudonymiser, ILogger logger)
{
    /// <summary>Reads every row of <paramref name="run"/>'s upload into its tables; returns the number of rows read.</summary>
    public async Task<long> ReadAllAsync(UploadRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var (record, records, issuesTable, quality, checks, cancellationToken) = (run.Record, run.Tables, run.Issues, run.Quality, run.Checks, run.CancellationToken);
        var ingested = record.ReceivedUtc; // the first delivery's time: a retry writes identical files
        Func<string, string> pseudonym = pseudonymiser.Pseudonym; // one delegate, not one per row
        long read = 0;
        var rejections = new RejectionLog(); // one log line per upload, not per row

        // With read-ahead the reading and the dictionary checks run on another thread, a few batches ahead of the rest
        // here (RowChecks says why the split falls there).
        var checkedRows = new RowChecks(run.Pack, run.Cleaning, run.Cases).CheckAsync(run.Reader.ReadAsync(cancellationToken), cancellationToken);
        var rows = options.ReadAhead ? ReadAhead.Of(checkedRows, cancellationToken) : checkedRows;
        await foreach (var checkedRow in rows.ConfigureAwait(false))
        {
            read++;
            var row = checkedRow.Row;
            if (!records.TryGetValue(row.Layout.Record.Name, out var tables))
            {
                tables = await run.AddTablesAsync(row.Layout).ConfigureAwait(false);
            }

            checkedRow.Complete();
            var (cells, issues, caseKey) = (checkedRow.Cells, checkedRow.Issues, checkedRow.CaseKey);
            quality.Add(row.Layout, cells, issues, checkedRow.Accepted, caseKey, checkedRow.CaseIndex, pseudonym, checkedRow.NulledCode);
            if (checkedRow.Accepted)
            {
                checks.Observe(row.Layout.Record.Name, checkedRow.Values, checkedRow.CaseIndex, row.Row, null, cells);
                var warnings = issues.Count == 0 ? null : string.Join(',', issues.Select(i => i.Rule).Distinct(StringComparer.Ordinal));
                await tables.AddCuratedAsync(caseKey, cells, checkedRow.Nulled, warnings, record.UploadId, row.Row, ingested, pseudonym, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var reasons = string.Join("; ", issues.Where(i => i.Severity == IssueSeverity.Error).Select(i => $"{i.Rule}: {i.Message}"));
                checks.Observe(row.Layout.Record.Name, checkedRow.Values, checkedRow.CaseIndex, row.Row, reasons, cells);
                await tables.AddRejectedAsync(row, caseKey, reasons, pseudonym, cancellationToken).ConfigureAwait(false);
                quality.AddRejectedCase(row.Layout, row, pseudonym);
                rejections.Add(row.Row, issues);
            }

            await issuesTable.AddAsync(issues, cancellationToken).ConfigureAwait(false);
            if (read % options.ProgressEveryRows == 0)
            {
                run.Progress?.Report(new IngestProgress(record.BlobPath, read));
            }
        }

        rejections.Write(logger, record.BlobPath);
        return read;
    }
}
