using Pipeline.Generator.Faults;
using Pipeline.Generator.Tests.Support;

namespace Pipeline.Generator.Tests;

/// <summary>Excel's rows per sheet: the check that refuses a run before it writes a workbook it cannot hold.</summary>
public class XlsxLimitTests
{
    [Fact]
    public async Task FindOverflow_MoreCasesThanRows_NamesTheMainRecordWithoutDrawing()
    {
        var spec = await Generated.PeruSpecAsync();

        var overflow = XlsxLimits.FindOverflow(spec, FaultPlan.None, cases: 49_000_000, seed: 1);

        Assert.Equal(("PARTICIPANT_REC", (long)XlsxLimits.MaxRows), overflow);
    }

    [Fact]
    public async Task FindOverflow_RosterOverASmallLimit_NamesTheRosterAndTheFirstCaseThatDoesNotFit()
    {
        const int limit = 100;
        var spec = await Generated.PeruSpecAsync();

        var overflow = XlsxLimits.FindOverflow(spec, FaultPlan.None, cases: 90, seed: 3, maxDataRows: limit);

        // Counted again from the cases: the named record is the first to pass the limit, at the named case.
        Assert.NotNull(overflow);
        var (record, at) = overflow.Value;
        var rows = new Dictionary<string, int>();
        var cases = await Generated.CasesAsync(90, seed: 3);
        foreach (var generated in cases.Take((int)at - 1))
        {
            foreach (var r in generated.Records)
            {
                rows[r.Record.Name] = rows.GetValueOrDefault(r.Record.Name) + 1;
            }
        }

        Assert.All(rows, r => Assert.True(r.Value <= limit, $"{r.Key} has {r.Value} rows before case {at}"));
        Assert.True(rows.GetValueOrDefault(record) + cases[(int)at - 1].Occurrences(record).Count() > limit);
    }

    [Fact]
    public async Task FindOverflow_RunThatFits_IsNull()
    {
        var spec = await Generated.PeruSpecAsync();

        Assert.Null(XlsxLimits.FindOverflow(spec, FaultPlan.None, cases: 90, seed: 3, maxDataRows: 90 * 20)); // no record can reach it
        Assert.Null(XlsxLimits.FindOverflow(spec, FaultPlan.Parse("orphan=0.5"), cases: 90, seed: 3, maxDataRows: 1_000)); // counted: it fits
    }
}
