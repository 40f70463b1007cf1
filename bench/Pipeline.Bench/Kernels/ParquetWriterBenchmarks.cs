using BenchmarkDotNet.Attributes;
using Pipeline.Core.Lake;
using Pipeline.Core.Readers;
using Pipeline.Core.Validation;
using Pipeline.Core.Values;

namespace Pipeline.Bench.Kernels;

/// <summary>
/// <see cref="ParquetTableWriter"/> per row, on the participant record's curated columns (typed cells from the
/// validator): <see cref="Repeats"/> × the cases, in row groups of <see cref="KernelInputs.Cases"/> rows, so the
/// column buffers are reused as in a long upload (the default row group is 100,000 rows).
/// </summary>
public class ParquetWriterBenchmarks
{
    private const int Repeats = 5;
    private TableColumn[] _columns = [];
    private CellValue[][] _rows = [];

    [GlobalSetup]
    public void Setup()
    {
        var inputs = KernelInputs.Get();
        (_columns, _rows) = TypedRowsAsync(inputs).GetAwaiter().GetResult();
    }

    [Benchmark(OperationsPerInvoke = KernelInputs.Cases * Repeats)]
    public async Task<long> WriteRows()
    {
        await using var writer = await ParquetTableWriter.CreateAsync(_columns, null, new ParquetTableOptions { RowGroupRows = KernelInputs.Cases });
        for (var r = 0; r < Repeats; r++)
        {
            foreach (var row in _rows)
            {
                await writer.AppendAsync(row);
            }
        }

        return (await writer.CompleteAsync()).Sum(part => part.Length);
    }

    private static async Task<(TableColumn[] Columns, CellValue[][] Rows)> TypedRowsAsync(KernelInputs inputs)
    {
        await using var reader = await DelimitedExportReader.CreateAsync(new MemoryStream(inputs.FirstRecordCsv, writable: false), "bench.csv", ',', inputs.Pack, CancellationToken.None);
        var layout = reader.Layout;
        var validator = new RowValidator(layout, inputs.Pack.Rules);
        var issues = new List<RowIssue>();
        var rows = new List<CellValue[]>();
        await foreach (var row in reader.ReadAsync(CancellationToken.None))
        {
            var cells = new CellValue[layout.Columns.Count];
            issues.Clear();
            validator.Validate(row, cells, issues, out _);
            rows.Add(cells);
        }

        // Pseudonymised items are text in the lake; the layout already says so (ColumnKind.Text).
        var columns = layout.Columns.Select(c => new TableColumn(c.Name, c.Kind)).ToArray();
        return (columns, rows.ToArray());
    }
}
