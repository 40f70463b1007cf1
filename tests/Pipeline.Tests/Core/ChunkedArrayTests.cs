using Pipeline.Core.Engine;

namespace Pipeline.Tests.Core;

/// <summary>
/// The per-case arrays of the end-of-upload checks: with a memory budget they spill to a temporary file, and every
/// value still comes back; memory stays at the budget for input in case order, and unordered input stops the spilling.
/// </summary>
public sealed class ChunkedArrayTests
{
    private const int ChunkItems = 1 << 16;
    private const long TwoChunksOfLongs = 2L * ChunkItems * sizeof(long);

    [Fact]
    public void Indexer_CasesInOrderBeyondTheBudget_EveryValueComesBackAndTwoChunksStayInMemory()
    {
        const long Count = 10L * ChunkItems + 123;
        using var array = new ChunkedArray<long>(-1, TwoChunksOfLongs);
        for (var i = 0L; i < Count; i++)
        {
            array.Grow(i + 1);
            array[i] = i * 7;
        }

        // Three passes, as the end-of-upload checks make: read, update, read again.
        for (var i = 0L; i < Count; i++)
        {
            Assert.Equal(i * 7, array[i]);
            array[i] += 1;
        }

        for (var i = 0L; i < Count; i++)
        {
            Assert.Equal((i * 7) + 1, array[i]);
        }

        Assert.True(array.Spilling);
        Assert.Equal(2, array.ResidentChunks);
        Assert.InRange(array.Reloads, 1, 3 * 11);
    }

    [Fact]
    public void Indexer_UnwrittenItemsOfASpilledArray_ReadAsTheFill()
    {
        using var array = new ChunkedArray<double>(double.NaN, 2L * ChunkItems * sizeof(double));
        array.Grow(6L * ChunkItems);
        array[0] = 1;
        array[(5L * ChunkItems) + 5] = 2;
        array[3L * ChunkItems] = 3;

        Assert.Equal(1, array[0]);
        Assert.True(double.IsNaN(array[1]));
        Assert.True(double.IsNaN(array[ChunkItems]));
        Assert.Equal(3, array[3L * ChunkItems]);
        Assert.Equal(2, array[(5L * ChunkItems) + 5]);
    }

    [Fact]
    public void Indexer_CasesInRandomOrder_StopsSpillingAndKeepsEveryValue()
    {
        const int Chunks = 12;
        using var array = new ChunkedArray<long>(0, TwoChunksOfLongs);
        array.Grow((long)Chunks * ChunkItems);
        var random = new Random(20261128);
        var expected = new Dictionary<long, long>();
        for (var n = 0; n < 5_000; n++)
        {
            var i = random.NextInt64((long)Chunks * ChunkItems);
            array[i] += n;
            expected[i] = expected.GetValueOrDefault(i) + n;
        }

        Assert.False(array.Spilling);
        Assert.True(array.Reloads < 100, $"{array.Reloads} chunk reloads before random access was recognised");
        foreach (var (i, value) in expected)
        {
            Assert.Equal(value, array[i]);
        }
    }

    [Fact]
    public void Indexer_PassesRestartedFromTheFirstCase_KeepSpilling()
    {
        // The end-of-upload checks look for the first rejected case, then walk every case from the start again.
        const long Count = 16L * ChunkItems;
        using var array = new ChunkedArray<long>(0, TwoChunksOfLongs);
        array.Grow(Count);
        for (var i = 0L; i < Count; i++)
        {
            array[i] = i;
        }

        for (var table = 0; table < 6; table++)
        {
            for (var i = 0L; i < (table + 2) * ChunkItems; i++)
            {
                Assert.Equal(i, array[i]); // a short walk: stops at a case in chunk table + 1
            }

            for (var i = 0L; i < Count; i++)
            {
                Assert.Equal(i, array[i]);
            }
        }

        Assert.True(array.Spilling);
        Assert.Equal(2, array.ResidentChunks);
    }

    [Fact]
    public void Indexer_CharactersSpilled_ComeBackExactly()
    {
        const long Count = 6L * ChunkItems;
        using var array = new ChunkedArray<char>(' ', 2L * ChunkItems * sizeof(char));
        array.Grow(Count);
        for (var i = 0L; i < Count; i++)
        {
            array[i] = (char)('a' + (i % 26));
        }

        for (var i = 0L; i < Count; i++)
        {
            Assert.Equal((char)('a' + (i % 26)), array[i]);
        }
    }

    [Fact]
    public void Indexer_NoBudget_NeverSpills()
    {
        using var array = new ChunkedArray<int>(0);
        array.Grow(20L * ChunkItems);
        for (var i = 0L; i < 20L * ChunkItems; i += 1000)
        {
            array[i] = (int)i;
        }

        Assert.Equal(0, array.Reloads);
        Assert.Equal(20, array.ResidentChunks);
    }
}
