using Parquet;
using Pipeline.Core.Values;
using Pipeline.Core.Lake;

namespace Pipeline.Tests.Core;

/// <summary>
/// The writer's text budget (issue #18): long texts (issue messages, quarantined raw values) end a row group before the
/// cell budget does, so a table of long texts cannot hold a million strings in memory.
/// </summary>
public sealed class ParquetTextBudgetTests
{
    [Fact]
    public async Task Append_LongTextsOverTheTextBudget_StartANewRowGroupWithoutLosingARow()
    {
        var options = new ParquetTableOptions { RowGroupRows = 100_000, MaxBufferedTextBytes = 64 * 1024 };
        await using var writer = await ParquetTableWriter.CreateAsync([new TableColumn("n", ColumnKind.Integer), new TableColumn("message", ColumnKind.Text)], null, options);
        for (var i = 0; i < 1_000; i++)
        {
            // A new 200-character string each row, as issue messages are: 426 estimated bytes, 64 KiB hold 153 of them.
            await writer.AppendAsync(new[] { CellValue.OfInteger(i), CellValue.OfText(new string('m', 200)) });
        }

        var parts = await writer.CompleteAsync();
        await using var reader = await ParquetReader.CreateAsync(parts.Single());

        Assert.Equal(7, reader.RowGroupCount); // ceil(1,000 / 154): the budget is reached at the 154th row
        Assert.Equal(1_000, Enumerable.Range(0, reader.RowGroupCount).Sum(g => reader.OpenRowGroupReader(g).RowCount));
    }

    [Fact]
    public async Task Append_NumbersOnly_AreHeldToTheCellBudgetAlone()
    {
        var options = new ParquetTableOptions { RowGroupRows = 100_000, MaxBufferedTextBytes = 64 * 1024 };
        await using var writer = await ParquetTableWriter.CreateAsync([new TableColumn("n", ColumnKind.Integer)], null, options);
        for (var i = 0; i < 10_000; i++)
        {
            await writer.AppendAsync(new[] { CellValue.OfInteger(i) });
        }

        await using var reader = await ParquetReader.CreateAsync((await writer.CompleteAsync()).Single());

        Assert.Equal(1, reader.RowGroupCount);
    }
}
