using Azure.Storage.Blobs;
using Microsoft.Azure.Functions.Worker;
using Pipeline.Core.Ingest;

namespace Pipeline.Functions;

/// <summary>
/// Event Grid blob trigger on the incoming container: hands the uploaded blob's path to the core. The core streams the
/// blob itself (after a server-side raw copy) and never throws for a bad file; an unexpected failure is rethrown so the
/// host retries, up to <see cref="IngestOptions.MaxAttempts"/>.
/// </summary>
public sealed class IngestUpload(IngestService ingest)
{
    /// <summary>App setting naming the connection: <c>LakeStorage</c> or <c>LakeStorage__blobServiceUri</c> + identity settings.</summary>
    public const string Connection = "LakeStorage";

    [Function(nameof(IngestUpload))]
    public async Task RunAsync(
        [BlobTrigger("%IncomingContainer%/{name}", Source = BlobTriggerSource.EventGrid, Connection = Connection)] BlobClient blob,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        await ingest.IngestAsync(blob.Name, progress: null, cancellationToken);
    }
}
