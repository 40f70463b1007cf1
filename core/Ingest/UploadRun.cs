using Pipeline.Core.Cleaning;
using Pipeline.Core.Engine;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Core.Quality;
using Pipeline.Core.Readers;

namespace Pipeline.Core.Ingest;

/// <summary>
/// What the processing of one claimed upload works on, from opening the blob to publishing: the pack, the ledger record
/// being filled in, the open reader, the tables written, the counters and the checks that need the whole upload. It owns
/// them all and disposes them together (the record tables first, the upload stream last).
/// </summary>
internal sealed class UploadRun : IAsyncDisposable
{
    private readonly UploadStream _upload;

    private UploadRun(SurveyPack pack, UploadRecord record, UploadStream upload, IExportReader reader, Dictionary<string, string> metadata, IssuesTable issues, ParquetTableOptions parquet, IProgress<IngestProgress>? progress, CancellationToken cancellationToken)
    {
        Pack = pack;
        Record = record;
        _upload = upload;
        Reader = reader;
        Metadata = metadata;
        Issues = issues;
        Parquet = parquet;
        Progress = progress;
        CancellationToken = cancellationToken;
        Quality = new QualityStats(pack.Manifest.Quality);
        try
        {
            Checks = new UploadChecks(pack, reader.Records, Cases);
        }
        catch
        {
            Quality.Dispose();
            throw;
        }
    }

    public SurveyPack Pack { get; }

    /// <summary>The upload's ledger record: as claimed, then with what the processing found (format, hash, counts, paths).</summary>
    public UploadRecord Record { get; set; }

    public IExportReader Reader { get; }

    /// <summary>Key-value metadata every Parquet file of this upload carries (survey, upload id, dictionary).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Every issue of the upload, all records together.</summary>
    public IssuesTable Issues { get; }

    public ParquetTableOptions Parquet { get; }

    public QualityStats Quality { get; }

    public CleaningCounts Cleaning { get; } = new();

    /// <summary>The upload's case numbering, filled as rows are read.</summary>
    public CaseKeys Cases { get; } = new();

    /// <summary>The checks that need the whole upload: they observe every row and finish after the last.</summary>
    public UploadChecks Checks { get; }

    /// <summary>The curated and rejected tables by record name, created as the first row of a record is read.</summary>
    public Dictionary<string, RecordTables> Tables { get; } = new(StringComparer.Ordinal);

    public IProgress<IngestProgress>? Progress { get; }

    public CancellationToken CancellationToken { get; }

    /// <summary>Opens the claimed upload's blob and its reader, and the tables and counters its processing fills.</summary>
    public static async Task<UploadRun> OpenAsync(ILakeStore lake, SurveyPack pack, UploadRecord record, ParquetTableOptions parquet, ReaderOptions readers, IProgress<IngestProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lake);
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentNullException.ThrowIfNull(record);
        var upload = await UploadStream.OpenAsync(await lake.OpenReadAsync(LakeZone.Incoming, record.BlobPath, cancellationToken, record.ETag).ConfigureAwait(false), FormatDetector.SniffLength, cancellationToken).ConfigureAwait(false);
        IExportReader? reader = null;
        IssuesTable? issues = null;
        try
        {
            reader = await ExportReaders.OpenAsync(upload, upload.Head, record.BlobPath, pack, readers, cancellationToken).ConfigureAwait(false);
            reader.ReuseFieldArrays(RowChecks.RingSize); // a row is done with before RingSize more are read (RowChecks)
            var metadata = new Dictionary<string, string> { ["survey"] = pack.Id, ["upload_id"] = record.UploadId, ["dictionary"] = pack.Dictionary.Name };
            issues = await IssuesTable.CreateAsync(record.UploadId, metadata, parquet, cancellationToken).ConfigureAwait(false);
            return new UploadRun(pack, record, upload, reader, metadata, issues, parquet, progress, cancellationToken);
        }
        catch
        {
            if (issues is not null)
            {
                await issues.DisposeAsync().ConfigureAwait(false);
            }

            if (reader is not null)
            {
                await reader.DisposeAsync().ConfigureAwait(false);
            }

            await upload.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The SHA-256 of the whole upload; call once the reader has read it all.</summary>
    public Task<string> FinishHashAsync() => _upload.FinishHashAsync(CancellationToken);

    /// <summary>Creates and adds the tables of <paramref name="layout"/>'s record, when its first row comes.</summary>
    public async Task<RecordTables> AddTablesAsync(RecordLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var recordMetadata = new Dictionary<string, string>(Metadata) { ["record"] = layout.Record.Name };
        var tables = await RecordTables.CreateAsync(Pack, layout, recordMetadata, Parquet, CancellationToken).ConfigureAwait(false);
        Tables.Add(layout.Record.Name, tables);
        return tables;
    }

    /// <summary>
    /// Finishes the tables the whole-upload checks will not rewrite, so that their buffers are released before the
    /// rewrite needs memory.
    /// </summary>
    public async Task CompleteWrittenTablesAsync()
    {
        foreach (var tables in Tables.Values)
        {
            await tables.CompleteWrittenAsync(CancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            foreach (var tables in Tables.Values)
            {
                await tables.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            Checks.Dispose();
            Quality.Dispose();
            await Issues.DisposeAsync().ConfigureAwait(false);
            await Reader.DisposeAsync().ConfigureAwait(false);
            await _upload.DisposeAsync().ConfigureAwait(false);
        }
    }
}
