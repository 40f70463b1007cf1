using Pipeline.Core.Lake;

namespace Pipeline.Tests.Lake;

/// <summary>The one retry loop for ETag conflicts: what it retries, when it gives up and what it says then.</summary>
public sealed class OptimisticConcurrencyTests
{
    private static readonly Func<int, TimeSpan> NoWait = _ => TimeSpan.Zero;

    [Fact]
    public async Task Retry_TwoConflictsThenSuccess_ReturnsTheThirdAttemptsResult()
    {
        var seen = new List<int>();

        var result = await OptimisticConcurrency.RetryOnConflictAsync(
            attempt =>
            {
                seen.Add(attempt);
                return attempt < 2 ? throw new LakeConflictException("412") : Task.FromResult("written");
            },
            "s/_current.json", CancellationToken.None, maxAttempts: 5, backoff: NoWait);

        Assert.Equal("written", result);
        Assert.Equal([0, 1, 2], seen);
    }

    [Fact]
    public async Task Retry_EveryAttemptConflicts_GivesUpAfterTheLimitAndSaysWhatKeptChanging()
    {
        var attempts = 0;

        var error = await Assert.ThrowsAsync<LakeConflictException>(() => OptimisticConcurrency.RetryOnConflictAsync<int>(
            _ =>
            {
                attempts++;
                throw new LakeConflictException($"curated/s/_current.json is no longer version \"0x{attempts}\".");
            },
            "The current view of survey s (curated zone, s/_current.json)", CancellationToken.None, maxAttempts: 3, backoff: NoWait));

        Assert.Equal(3, attempts);
        Assert.StartsWith("The current view of survey s (curated zone, s/_current.json) kept changing: 3 conditional writes in a row lost", error.Message, StringComparison.Ordinal);
        Assert.Contains("is no longer version \"0x3\"", error.Message, StringComparison.Ordinal);
        Assert.IsType<LakeConflictException>(error.InnerException);
    }

    [Fact]
    public async Task Retry_OtherException_IsNotRetried()
    {
        var attempts = 0;

        await Assert.ThrowsAsync<IOException>(() => OptimisticConcurrency.RetryOnConflictAsync<int>(
            _ =>
            {
                attempts++;
                throw new IOException("The response never came");
            },
            "s/_current.json", CancellationToken.None, maxAttempts: 5, backoff: NoWait));

        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task Retry_CancelledDuringTheWaitAfterAConflict_StopsWithoutAnotherAttempt()
    {
        using var cancellation = new CancellationTokenSource();
        var attempts = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => OptimisticConcurrency.RetryOnConflictAsync<int>(
            _ =>
            {
                attempts++;
                cancellation.Cancel();
                throw new LakeConflictException("412");
            },
            "s/_current.json", cancellation.Token, maxAttempts: 5, backoff: _ => TimeSpan.FromMinutes(1)));

        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task Retry_AlreadyCancelled_MakesNoAttempt()
    {
        var attempts = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => OptimisticConcurrency.RetryOnConflictAsync(
            _ =>
            {
                attempts++;
                return Task.FromResult(0);
            },
            "s/_current.json", new CancellationToken(canceled: true), backoff: NoWait));

        Assert.Equal(0, attempts);
    }

    [Fact]
    public async Task Retry_ZeroAttempts_IsRefused()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => OptimisticConcurrency.RetryOnConflictAsync(_ => Task.FromResult(0), "s/_current.json", CancellationToken.None, maxAttempts: 0));
    }

    [Fact]
    public void JitteredBackoff_GrowsWithTheAttemptUpToTenTimes()
    {
        Assert.InRange(OptimisticConcurrency.JitteredBackoff(0), TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(50));
        Assert.InRange(OptimisticConcurrency.JitteredBackoff(50), TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(500));
    }
}
