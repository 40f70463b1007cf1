using System.Text.Json;
using Pipeline.Core.Lake;

namespace Pipeline.Core.Ingest;

/// <summary>The small JSON files an ingest writes (summaries, file errors), indented for people who open them.</summary>
internal static class LakeJson
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static async Task WriteAsync(ILakeStore lake, LakeZone zone, string path, object value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lake);
        using var content = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(value, Json));
        await lake.WriteAsync(zone, path, content, ifMatch: null, cancellationToken).ConfigureAwait(false);
    }
}
