using Azure.Core;
using Azure.Core.Pipeline;

namespace Pipeline.Tests.Support;

/// <summary>
/// Fails the first try of every request with a dropped connection, inside the SDK's retry loop (per retry): the
/// pipeline's retry policy must absorb it.
/// </summary>
public sealed class FlakyTransport : HttpPipelinePolicy
{
    private const string Marker = "flaky-tried";
    private int _failures;
    private volatile bool _armed;

    public int Failures => _failures;

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
        if (_armed && !message.TryGetProperty(Marker, out _))
        {
            message.SetProperty(Marker, true);
            Interlocked.Increment(ref _failures);
            throw new IOException("Injected: connection reset by peer.");
        }
    }
}
