namespace Pipeline.Core.Lake;

/// <summary>
/// The one retry loop for optimistic concurrency: read a blob or ledger row with its ETag, compute the next version,
/// write it on condition of that ETag, and start again from the read when another writer got there first
/// (<see cref="LakeConflictException"/>). Only conflicts are retried; any other exception, and cancellation, ends the
/// loop at once.
/// </summary>
public static class OptimisticConcurrency
{
    /// <summary>
    /// Default attempts before giving up: 100. The most contended write is the current view of a survey
    /// (<see cref="CurrentViewStore.PublishAsync"/>), which every upload of a batch publishes into at about the same
    /// time; with the default backoff, 100 attempts wait for up to about half a minute of losing streaks, enough for a
    /// few dozen concurrent uploads, and still end a loop that would never win (a writer that keeps rewriting the same
    /// blob) well inside a function's timeout. Ledger rows are contended only by duplicate deliveries of one upload and
    /// are settled in a few attempts.
    /// </summary>
    public const int DefaultMaxAttempts = 100;

    /// <summary>
    /// Runs <paramref name="attempt"/> (given the 0-based attempt number) until it returns without a
    /// <see cref="LakeConflictException"/>, waiting <paramref name="backoff"/> between attempts. The attempt must redo the
    /// read as well as the write: a retry with the old ETag would conflict again.
    /// </summary>
    /// <param name="attempt">One read-modify-write; throws <see cref="LakeConflictException"/> when its conditional write lost.</param>
    /// <param name="conflictingOn">What the writes go to (e.g. "curated/survey/_current.json"), for the exception that ends a losing streak.</param>
    /// <param name="cancellationToken">Checked before each attempt and during each wait.</param>
    /// <param name="maxAttempts">Attempts in all, the first included; at least 1. Default <see cref="DefaultMaxAttempts"/>.</param>
    /// <param name="backoff">
    /// The wait after a conflict, given the 0-based number of the attempt that conflicted. Default
    /// <see cref="JitteredBackoff"/>; tests pass zero.
    /// </param>
    /// <exception cref="LakeConflictException">
    /// Every attempt conflicted. The message names <paramref name="conflictingOn"/> and the number of attempts; the inner
    /// exception is the last conflict. Callers that already handled a conflict from a single attempt handle this the same way.
    /// </exception>
    public static async Task<T> RetryOnConflictAsync<T>(
        Func<int, Task<T>> attempt, string conflictingOn, CancellationToken cancellationToken, int maxAttempts = DefaultMaxAttempts, Func<int, TimeSpan>? backoff = null)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        backoff ??= JitteredBackoff;
        for (var number = 0; ; number++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return await attempt(number).ConfigureAwait(false);
            }
            catch (LakeConflictException e) when (number + 1 >= maxAttempts)
            {
                throw new LakeConflictException(
                    $"{conflictingOn} kept changing: {maxAttempts} conditional writes in a row lost to concurrent writers. Last conflict: {e.Message}",
                    e);
            }
            catch (LakeConflictException)
            {
                // Another writer won: wait a little (jittered, so that the losers do not collide again in step) and redo the read.
            }

            var wait = backoff(number);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// 5 to 50 ms, times the attempt's number (1-based) up to 10: short while a few writers collide, up to half a second
    /// when many do. Random, so that writers that lost together do not retry together.
    /// </summary>
    public static TimeSpan JitteredBackoff(int attempt) =>
        TimeSpan.FromMilliseconds(Random.Shared.Next(5, 50) * Math.Min(attempt + 1, 10));
}
