using Pipeline.Core.Engine;
using Pipeline.Core.Readers;

namespace Pipeline.Tests.Core;

/// <summary>The ingest's read-ahead thread: rows keep their order, and a bad file still fails with its own error, after its good rows.</summary>
public sealed class ReadAheadTests
{
    [Fact]
    public async Task Of_ManyRows_YieldsEveryRowInOrder()
    {
        var seen = new List<int>();

        await foreach (var n in ReadAhead.Of(Numbers(10_000, failAt: null)))
        {
            seen.Add(n);
        }

        Assert.Equal(Enumerable.Range(0, 10_000), seen);
    }

    [Fact]
    public async Task Of_SourceFailsHalfWay_GivesTheRowsBeforeThenTheSameError()
    {
        var seen = new List<int>();

        var error = await Assert.ThrowsAsync<InputFileException>(async () =>
        {
            await foreach (var n in ReadAhead.Of(Numbers(1_000, failAt: 700)))
            {
                seen.Add(n);
            }
        });

        Assert.Equal(Enumerable.Range(0, 700), seen);
        Assert.Contains("export.csv", error.Message, StringComparison.Ordinal);
        Assert.Contains("701", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Of_ConsumerStopsEarly_StopsTheSource()
    {
        var produced = 0;

        await foreach (var n in ReadAhead.Of(Counted(() => produced++)))
        {
            if (n == 10)
            {
                break;
            }
        }

        // The source ran at most the queued batches ahead, not to its end.
        Assert.InRange(produced, 11, 11 + ReadAhead.MaxInFlight);
    }

    private static async IAsyncEnumerable<int> Numbers(int count, int? failAt)
    {
        for (var i = 0; i < count; i++)
        {
            if (i == failAt)
            {
                throw new InputFileException("export.csv", "the text is not valid delimited data here.", "Fix the quotes.", row: i + 1);
            }

            await Task.Yield();
            yield return i;
        }
    }

    private static async IAsyncEnumerable<int> Counted(Action onEach)
    {
        for (var i = 0; i < 1_000_000; i++)
        {
            onEach();
            await Task.Yield();
            yield return i;
        }
    }
}
