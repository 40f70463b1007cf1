using Pipeline.Core.Engine;
using Pipeline.Core.Values;

namespace Pipeline.Tests.Lake;

/// <summary>The ingest's spool of rows awaiting the end-of-upload rewrite: every value comes back exactly, in order.</summary>
public sealed class RowSpoolTests
{
    private static readonly TableColumn[] Columns =
    [
        new("id", ColumnKind.Integer),
        new("share", ColumnKind.Real),
        new("name", ColumnKind.Text),
        new("at", ColumnKind.Timestamp),
    ];

    [Fact]
    public void ReadAll_MixedRows_ComeBackExactlyAndInOrder()
    {
        CellValue[][] rows =
        [
            [CellValue.OfInteger(0), CellValue.OfReal(0.5), CellValue.OfText("Café con leche"), CellValue.OfInteger(1_700_000_000_000)],
            [CellValue.Null, CellValue.Null, CellValue.Null, CellValue.Null],
            [CellValue.OfInteger(long.MinValue), CellValue.OfReal(-1e300), CellValue.OfText(string.Empty), CellValue.OfInteger(-1)],
            [CellValue.OfInteger(long.MaxValue), CellValue.OfReal(double.Epsilon), CellValue.OfText("Ñuñoa 🌱 \n tab\t"), CellValue.OfInteger(0)],
            [CellValue.OfInteger(-300), CellValue.OfReal(3.141592653589793), CellValue.OfText(new string('x', 200_000)), CellValue.Null],
        ];
        using var spool = new RowSpool(Columns);
        foreach (var row in rows)
        {
            spool.Append(row);
        }

        var back = spool.ReadAll().Select(r => r.ToArray()).ToList();

        Assert.Equal(rows.Length, spool.RowCount);
        Assert.Equal(rows.Length, back.Count);
        for (var r = 0; r < rows.Length; r++)
        {
            Assert.Equal(rows[r], back[r]);
        }
    }

    [Fact]
    public void ReadAll_ManyRowsAcrossBlocks_KeepsEveryRow()
    {
        using var spool = new RowSpool(Columns);
        for (var i = 0; i < 50_000; i++)
        {
            spool.Append([CellValue.OfInteger(i), CellValue.OfReal(i / 7.0), CellValue.OfText(i % 3 == 0 ? null : $"row {i}"), CellValue.OfInteger(i * 1000L)]);
        }

        var n = 0;
        foreach (var row in spool.ReadAll())
        {
            Assert.Equal(n, row[0].Integer);
            Assert.Equal(n / 7.0, row[1].Real);
            Assert.Equal(n % 3 == 0 ? null : $"row {n}", row[2].Text);
            Assert.Equal(n * 1000L, row[3].Integer);
            n++;
        }

        Assert.Equal(50_000, n);
    }

    [Fact]
    public void ReadAll_Twice_SaysTheSpoolIsReadOnce()
    {
        using var spool = new RowSpool(Columns);
        spool.Append([CellValue.OfInteger(1), CellValue.Null, CellValue.Null, CellValue.Null]);
        _ = spool.ReadAll().Count();

        var error = Assert.Throws<InvalidOperationException>(() => spool.ReadAll().Count());

        Assert.Contains("read back once", error.Message, StringComparison.Ordinal);
    }
}
