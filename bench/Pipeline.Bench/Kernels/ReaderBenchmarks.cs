using BenchmarkDotNet.Attributes;
using Pipeline.Core.Cleaning;
using Pipeline.Core.Engine;
using Pipeline.Core.Ingest;
using Pipeline.Core.Readers;
using Pipeline.Core.Validation;

namespace Pipeline.Bench.Kernels;

/// <summary>
/// Reading and validating, per case: the .dat through <see cref="CsproTextDataReader"/> (all of a case's record lines,
/// cut by CsproLineParser), and the participant CSV through <see cref="DelimitedExportReader"/> (one row per case);
/// each alone and followed by <see cref="RowValidator"/> (dictionary checks, the pack's rules, duplicate detection).
/// </summary>
public class ReaderBenchmarks
{
    private KernelInputs _inputs = null!;

    [GlobalSetup]
    public void Setup() => _inputs = KernelInputs.Get();

    [Benchmark(OperationsPerInvoke = KernelInputs.Cases)]
    public async Task<long> DatRead()
    {
        await using var reader = await CsproTextDataReader.CreateAsync(new MemoryStream(_inputs.Dat, writable: false), "bench.dat", _inputs.Pack);
        return await CountFieldsAsync(reader);
    }

    [Benchmark(OperationsPerInvoke = KernelInputs.Cases)]
    public async Task<long> DatReadValidate()
    {
        await using var reader = await CsproTextDataReader.CreateAsync(new MemoryStream(_inputs.Dat, writable: false), "bench.dat", _inputs.Pack);
        return await ValidateAllAsync(reader);
    }

    [Benchmark(OperationsPerInvoke = KernelInputs.Cases)]
    public async Task<long> CsvRead()
    {
        await using var reader = await DelimitedExportReader.CreateAsync(new MemoryStream(_inputs.FirstRecordCsv, writable: false), "bench.csv", ',', _inputs.Pack, CancellationToken.None);
        return await CountFieldsAsync(reader);
    }

    [Benchmark(OperationsPerInvoke = KernelInputs.Cases)]
    public async Task<long> CsvReadValidate()
    {
        await using var reader = await DelimitedExportReader.CreateAsync(new MemoryStream(_inputs.FirstRecordCsv, writable: false), "bench.csv", ',', _inputs.Pack, CancellationToken.None);
        return await ValidateAllAsync(reader);
    }

    private static async Task<long> CountFieldsAsync(IExportReader reader)
    {
        long fields = 0;
        await foreach (var row in reader.ReadAsync(CancellationToken.None))
        {
            fields += row.Fields.Length;
        }

        return fields;
    }

    /// <summary>What IngestService does per row before writing: the ingest's own RowChecks, dictionary checks, cleaning and rules.</summary>
    private async Task<long> ValidateAllAsync(IExportReader reader)
    {
        long accepted = 0;
        await foreach (var row in new RowChecks(_inputs.Pack, new CleaningCounts(), new CaseKeys()).CheckAsync(reader.ReadAsync(CancellationToken.None)))
        {
            row.Complete();
            accepted += row.Accepted ? 1 : 0;
        }

        return accepted;
    }
}
