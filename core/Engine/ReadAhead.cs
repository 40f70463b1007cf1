using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;

namespace Pipeline.Core.Engine;

/// <summary>
/// Runs a row source on a thread of its own, a few batches ahead of the consumer: reading and parsing (one core) overlap
/// with what the consumer does with each row (the other). Rows keep their order; memory is bounded by
/// <see cref="BatchRows"/> × <see cref="Batches"/> rows. An error of the source (e.g. an exception that carries a file's
/// line and column) is rethrown to the consumer as it was, after the rows before it.
/// </summary>
internal static class ReadAhead
{
    /// <summary>
    /// Rows handed over at a time: large enough that the handover costs nothing per row, small enough that the rows in
    /// flight die young, in the youngest GC generation (larger batches of wide records outlive it: docs/performance.md).
    /// </summary>
    public const int BatchRows = 64;

    /// <summary>Batches the source may run ahead.</summary>
    public const int Batches = 4;

    /// <summary>
    /// Most items the source can have yielded that the consumer has not finished: the batches queued, the one being
    /// filled and the one being consumed. A source that reuses its items must keep more than this.
    /// </summary>
    public const int MaxInFlight = (Batches + 2) * BatchRows;

    public static async IAsyncEnumerable<T> Of<T>(IAsyncEnumerable<T> rows, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var channel = Channel.CreateBounded<T[]>(new BoundedChannelOptions(Batches) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Exception? error = null;
        var producer = Task.Run(
            async () =>
            {
                var batch = new T[BatchRows];
                var n = 0;
                try
                {
                    await foreach (var row in rows.WithCancellation(stop.Token).ConfigureAwait(false))
                    {
                        batch[n++] = row;
                        if (n == BatchRows)
                        {
                            await channel.Writer.WriteAsync(batch, stop.Token).ConfigureAwait(false);
                            batch = new T[BatchRows];
                            n = 0;
                        }
                    }
                }
#pragma warning disable CA1031 // handed to the consumer below, rethrown with its original stack
                catch (Exception e)
#pragma warning restore CA1031
                {
                    error = e;
                }

                try
                {
                    // The last, partial batch: after an error too, so that the consumer sees every row before it.
                    if (n > 0 && error is not OperationCanceledException)
                    {
                        Array.Resize(ref batch, n);
                        await channel.Writer.WriteAsync(batch, stop.Token).ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    // the consumer stopped: nobody reads this batch
                }
                finally
                {
                    channel.Writer.TryComplete();
                }
            },
            CancellationToken.None);

        try
        {
            await foreach (var batch in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (var row in batch)
                {
                    yield return row;
                }
            }

            await producer.ConfigureAwait(false);
            if (error is not null)
            {
                ExceptionDispatchInfo.Throw(error);
            }
        }
        finally
        {
            // The consumer stopped early (an exception, a break): stop the source and wait for it, so that nothing reads
            // the upload after the caller disposed it.
            await stop.CancelAsync().ConfigureAwait(false);
            await producer.ConfigureAwait(false);
        }
    }
}
