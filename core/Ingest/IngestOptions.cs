using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Pipeline.Core.Engine;
using Pipeline.Core.Lake;
using Pipeline.Core.Readers;

namespace Pipeline.Core.Ingest;

/// <summary>Configuration section <c>Ingest</c>.</summary>
public sealed class IngestOptions
{
    public const string SectionName = "Ingest";

    /// <summary>
    /// Attempts before an upload that keeps failing unexpectedly is given up and quarantined (the function then returns
    /// normally, so the trigger does not loop). Default 5.
    /// </summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>
    /// How long a delivery that started processing owns the upload. Another delivery of the same upload arriving meanwhile
    /// returns at once (the owner's own trigger retries if it fails); after the lease a delivery may take over, e.g. when
    /// the owner's instance died; the taking-over delivery first removes the files the dead attempt wrote but never published.
    /// Temporary files older than this are deleted when the ingest service starts (<see cref="PipelineTemp"/>).
    /// Default 65 minutes: longer than the Functions timeout in host.json (1 hour), so no live attempt loses its lease.
    /// Between 1 minute and 7 days: a shorter lease lets a second delivery take over an upload still being read.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(65);

    /// <summary>
    /// How often, at most, an instance looks for uploads of a survey left Processing with an expired lease (a worker that
    /// died) and marks them Failed ("the worker stopped; the next delivery retries it"). The look happens before an
    /// ingest of that survey. Default 15 minutes: one ledger query per survey and instance per quarter hour; shorter finds
    /// stopped uploads sooner at the cost of more queries; <see cref="TimeSpan.Zero"/> looks before every ingest.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan ExpiredLeaseSweepInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Progress is reported every this many rows. Default 50,000.</summary>
    [Range(1, int.MaxValue)]
    public int ProgressEveryRows { get; set; } = 50_000;

    /// <summary>
    /// Read and parse the upload on a second thread while this one validates, cleans and writes (rows pass in batches
    /// through a bounded queue: at most <see cref="ReadAhead"/>.BatchRows × Batches rows in flight). Default true: on two
    /// cores it takes the reading off the critical path (docs/performance.md); on one core it costs a little handover.
    /// </summary>
    public bool ReadAhead { get; set; } = true;

    /// <summary>How curated, rejected and issue tables are written (section <c>Ingest:Parquet</c>, validated with the rest).</summary>
    [ValidateObjectMembers(typeof(ValidateParquetTableOptions))]
    public ParquetTableOptions Parquet { get; set; } = new();

    /// <summary>
    /// The limits of every reader (section <c>Ingest:Readers</c>: <c>CsproText</c>, <c>Delimited</c>, <c>Excel</c>,
    /// <c>CsproDb</c>, <c>Zip</c>), validated with the rest; defaults in docs/cspro-support.md ("Limits").
    /// </summary>
    [ValidateObjectMembers(typeof(ValidateReaderOptions))]
    public ReaderOptions Readers { get; set; } = new();
}

/// <summary>Rows read so far from one upload.</summary>
public readonly record struct IngestProgress(string Upload, long Rows);
