using Pipeline.Core.Ingest;

namespace Pipeline.Tests.Architecture.Fixture;

/// <summary>A deliberate layer violation for <see cref="LayerTests"/>: checked as if it were in the engine, it uses the ingest above it.</summary>
internal static class EngineTypeThatUsesTheIngest
{
    public static string Describe(IngestOutcome outcome) => outcome.Upload.UploadId;
}
