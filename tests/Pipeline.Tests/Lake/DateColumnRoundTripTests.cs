using Parquet;
using Pipeline.Core.Engine;
using Pipeline.Core.Lake;
using Pipeline.Core.Values;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.Lake;

/// <summary>
/// A <see cref="ColumnKind.Date"/> column: a cell holds the number YYYYMMDD, Parquet holds INT32 days with the logical
/// type DATE. Through our writer and reader, the spool, and DuckDB.
/// </summary>
public sealed class DateColumnRoundTripTests
{
    private static readonly TableColumn[] Columns = [new("n", ColumnKind.Integer), new("day", ColumnKind.Date)];

    private static readonly CellValue[][] Rows =
    [
        [CellValue.OfInteger(1), CellValue.OfDate(new DateOnly(2022, 8, 15))],
        [CellValue.OfInteger(2), CellValue.Null],
        [CellValue.OfInteger(3), CellValue.OfDate(new DateOnly(2024, 2, 29))],
        [CellValue.OfInteger(4), CellValue.OfDate(new DateOnly(1969, 12, 31))], // before the epoch: negative days
        [CellValue.OfInteger(5), CellValue.OfDate(new DateOnly(1, 1, 1))],
    ];

    [Theory]
    [InlineData(20220815L, 2022, 8, 15)]
    [InlineData(20240229L, 2024, 2, 29)]
    [InlineData(10101L, 1, 1, 1)]
    public void DateOf_RealDay_IsThatDay(long number, int year, int month, int day) =>
        Assert.Equal(new DateOnly(year, month, day), CellValue.DateOf(number));

    [Theory]
    [InlineData(20220231L)]
    [InlineData(20221301L)]
    [InlineData(20230229L)]
    [InlineData(0L)]
    [InlineData(-20220815L)]
    [InlineData(202208150L)]
    public void DateOf_NoCalendarDay_IsNull(long number) => Assert.Null(CellValue.DateOf(number));

    [Fact]
    public async Task WriteThenRead_DateColumn_ComesBackAsTheSameDaysAndDuckDbSeesDates()
    {
        await using var writer = await ParquetTableWriter.CreateAsync(Columns, null, new ParquetTableOptions { RowGroupRows = 2 });
        foreach (var row in Rows)
        {
            await writer.AppendAsync(row);
        }

        var file = (await writer.CompleteAsync()).Single();
        var back = new List<CellValue[]>();
        await foreach (var row in ParquetTableReader.ReadAsync(file, Columns))
        {
            back.Add([.. row]);
        }

        Assert.Equal(Rows.Select(r => r[1]), back.Select(r => r[1]));

        var path = Path.Combine(Path.GetTempPath(), $"dates-{Guid.NewGuid():N}.parquet");
        try
        {
            file.Position = 0;
            await using (var copy = File.Create(path))
            {
                await file.CopyToAsync(copy);
            }

            Assert.Equal("DATE", DuckDb.Scalar<string>($"select typeof(day) from read_parquet({DuckDb.Literal(path)}) limit 1"));
            Assert.Equal(["2022-08-15", null, "2024-02-29", "1969-12-31", "0001-01-01"], DuckDb.Query($"select strftime(day, '%Y-%m-%d') from read_parquet({DuckDb.Literal(path)}) order by n").Select(r => (string?)r[0]));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Spool_DateColumn_ComesBackExactly()
    {
        using var spool = new RowSpool(Columns);
        foreach (var row in Rows)
        {
            spool.Append(row);
        }

        Assert.Equal(Rows.Select(r => r[1]), spool.ReadAll(8).Select(r => r[1]).ToList());
    }

    [Fact]
    public async Task Write_NumberThatIsNoDate_FailsNamingTheColumn()
    {
        await using var writer = await ParquetTableWriter.CreateAsync(Columns, null, new ParquetTableOptions { RowGroupRows = 1 });

        var error = await Assert.ThrowsAnyAsync<InvalidOperationException>(async () =>
        {
            await writer.AppendAsync(new[] { CellValue.OfInteger(1), CellValue.OfInteger(20220231) });
            await writer.CompleteAsync();
        });

        Assert.Contains("Column day holds 20220231, which is no date", error.Message, StringComparison.Ordinal);
    }
}
