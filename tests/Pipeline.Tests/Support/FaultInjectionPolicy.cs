using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Pipeline.Tests.Support;

/// <summary>
/// An Azure SDK pipeline policy that lets requests through until it is armed, then fails (or cancels) the Nth request,
/// or every request matching a filter. Added per call, outside the SDK's retry loop, so the failure reaches the caller
/// as a storage outage that outlasted the retries would.
/// </summary>
public sealed class FaultInjectionPolicy : HttpPipelinePolicy
{
    private readonly int _failAt;
    private readonly Func<HttpMessage, bool>? _always;
    private readonly CancellationTokenSource? _cancel;
    private int _count;
    private volatile bool _armed;

    private FaultInjectionPolicy(int failAt, Func<HttpMessage, bool>? always, CancellationTokenSource? cancel)
    {
        _failAt = failAt;
        _always = always;
        _cancel = cancel;
    }

    /// <summary>Requests seen since arming.</summary>
    public int Count => _count;

    public static FaultInjectionPolicy CountOnly() => new(int.MaxValue, null, null);

    public static FaultInjectionPolicy FailAt(int n) => new(n, null, null);

    public static FaultInjectionPolicy CancelAt(int n, CancellationTokenSource cancel) => new(n, null, cancel);

    public static FaultInjectionPolicy FailWhen(Func<HttpMessage, bool> filter) => new(int.MaxValue, filter, null);

    public void Arm() => _armed = true;

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Inject(message);
        ProcessNext(message, pipeline);
    }

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Inject(message);
        return ProcessNextAsync(message, pipeline);
    }

    private void Inject(HttpMessage message)
    {
        if (!_armed)
        {
            return;
        }

        var n = Interlocked.Increment(ref _count);
        if (n == _failAt || _always?.Invoke(message) == true)
        {
            if (_cancel is not null)
            {
                _cancel.Cancel();
                throw new OperationCanceledException(_cancel.Token);
            }

            throw new RequestFailedException(503, $"Injected failure at request {n}: {message.Request.Method} {message.Request.Uri}");
        }
    }
}
