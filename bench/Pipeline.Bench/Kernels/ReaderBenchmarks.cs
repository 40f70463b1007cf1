using BenchmarkDotNet.Attributes;
using Pipeline.Core.Ingest;
using Pipeline.Core.Lake;
using Pipeline.Core.Readers;

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
        long rows = 0;
        await foreach (var row in reader.ReadAsync(CancellationToken.None))
        {
            rows += row.Fields.Length;
        }

        return rows;
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
        long rows = 0;
        await foreach (var row in reader.ReadAsync(CancellationToken.None))
        {
            rows += row.Fields.Length;
        }

        return rows;
    }

    [Benchmark(OperationsPerInvoke = KernelInputs.Cases)]
    public async Task<long> CsvReadValidate()
    {
        await using var reader = await DelimitedExportReader.CreateAsync(new MemoryStream(_inputs.FirstRecordCsv, writable: false), "bench.csv", ',', _inputs.Pack, CancellationToken.None);
        return await ValidateAllAsync(reader);
    }

    /// <summary>What IngestService does per row before writing: one validator and one cell array per record.</summary>
    private async Task<long> ValidateAllAsync(IExportReader reader)
    {
        var validators = new Dictionary<string, (RowValidator Validator, CellValue[] Cells)>(StringComparer.Ordinal);
        var issues = new List<RowIssue>();
        long accepted = 0;
        await foreach (var row in reader.ReadAsync(CancellationToken.None))
        {
            if (!validators.TryGetValue(row.Layout.Record.Name, out var state))
            {
                state = (new RowValidator(row.Layout, _inputs.Pack.Rules), new CellValue[row.Layout.Columns.Count]);
                validators.Add(row.Layout.Record.Name, state);
            }

            issues.Clear();
            if (state.Validator.Validate(row, state.Cells, issues, out _))
            {
                accepted++;
            }
        }

        return accepted;
    }
}
