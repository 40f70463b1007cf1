using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipeline.Core.Lake;

/// <summary>
/// The current view of a survey's curated data: <c>curated/&lt;survey&gt;/_current.json</c>, the list of published
/// uploads (oldest first) and their files. An upload becomes visible only when it is added here, in one conditional
/// write; readers that go through this manifest never see a partial upload. Later uploads win per case.
/// </summary>
public sealed record CurrentViewManifest(string Survey, IReadOnlyList<PublishedUpload> Uploads)
{
    public static string PathOf(string survey) => $"{survey}/_current.json";

    /// <summary>The upload that already published this exact content, or null.</summary>
    public PublishedUpload? WithContent(string sha256) => Uploads.FirstOrDefault(u => u.ContentSha256 == sha256);
}

/// <summary>
/// One published upload: its id, content hash, time, and the curated part files of each record it holds, in row order
/// (one file unless the record has more row groups than <see cref="ParquetTableOptions.RowGroupsPerFile"/>). In JSON
/// each record maps to an array of paths; a manifest written before part files existed maps it to one path, which
/// reads as a list of one.
/// </summary>
public sealed record PublishedUpload(
    string UploadId,
    string BlobPath,
    string ContentSha256,
    DateTimeOffset PublishedUtc,
    [property: JsonConverter(typeof(PartPathsConverter))] IReadOnlyDictionary<string, IReadOnlyList<string>> Records);

/// <summary>Reads each record's files as an array of paths or, from manifests written before part files, as one path.</summary>
internal sealed class PartPathsConverter : JsonConverter<IReadOnlyDictionary<string, IReadOnlyList<string>>>
{
    public override IReadOnlyDictionary<string, IReadOnlyList<string>> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var records = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("Expected an object of record names to part paths.");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var record = reader.GetString()!;
            reader.Read();
            records[record] = reader.TokenType == JsonTokenType.String
                ? [reader.GetString()!]
                : JsonSerializer.Deserialize<string[]>(ref reader, options) ?? [];
        }

        return records;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyDictionary<string, IReadOnlyList<string>> value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (record, parts) in value)
        {
            writer.WritePropertyName(record);
            JsonSerializer.Serialize(writer, parts, options);
        }

        writer.WriteEndObject();
    }
}

/// <summary>Reads and updates the manifest with ETag conditions (optimistic concurrency, retried on conflict).</summary>
public sealed class CurrentViewStore(ILakeStore lake)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    /// <summary>The manifest and its ETag; an empty manifest and <see cref="LakeETag.None"/> before the first publication.</summary>
    public async Task<(CurrentViewManifest Manifest, string ETag)> ReadAsync(string survey, CancellationToken cancellationToken)
    {
        var blob = await lake.ReadSmallAsync(LakeZone.Curated, CurrentViewManifest.PathOf(survey), cancellationToken).ConfigureAwait(false);
        if (blob is null)
        {
            return (new CurrentViewManifest(survey, []), LakeETag.None);
        }

        var manifest = JsonSerializer.Deserialize<CurrentViewManifest>(blob.Content.Span, Json);
        return (manifest ?? new CurrentViewManifest(survey, []), blob.ETag);
    }

    /// <summary>
    /// Adds an upload to the view unless it is already there (idempotent). Returns the upload that holds the same content
    /// when there is one (then nothing is added). Concurrent publishers retry until their write wins.
    /// </summary>
    public async Task<PublishedUpload?> PublishAsync(string survey, PublishedUpload upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var path = CurrentViewManifest.PathOf(survey);
        return await OptimisticConcurrency.RetryOnConflictAsync<PublishedUpload?>(
            async _ =>
            {
                var (manifest, etag) = await ReadAsync(survey, cancellationToken).ConfigureAwait(false);
                if (manifest.Uploads.Any(u => u.UploadId == upload.UploadId))
                {
                    return null;
                }

                if (manifest.WithContent(upload.ContentSha256) is { } same)
                {
                    return same;
                }

                var next = manifest with { Uploads = [.. manifest.Uploads, upload] };
                using var content = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(next, Json));
                await lake.WriteAsync(LakeZone.Curated, path, content, etag, cancellationToken).ConfigureAwait(false);
                return null;
            },
            $"The current view of survey {survey} (curated zone, {path})",
            cancellationToken).ConfigureAwait(false);
    }
}
