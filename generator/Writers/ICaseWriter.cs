using Pipeline.Generator.Cases;

namespace Pipeline.Generator.Writers;

/// <summary>
/// Writes generated cases in one export format. Cases arrive one at a time and are not kept; <see cref="CompleteAsync"/>
/// flushes and closes the files and says what was written. <c>DisposeAsync</c> never throws and leaves an incomplete
/// file as it is (the run failed and says so).
/// </summary>
internal interface ICaseWriter : IAsyncDisposable
{
    ValueTask WriteAsync(GeneratedCase generated, CancellationToken cancellationToken);

    Task<IReadOnlyList<GeneratedFile>> CompleteAsync(CancellationToken cancellationToken);
}
