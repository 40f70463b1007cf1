using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Pipeline.Core.Lake;

namespace Pipeline.Storage.LocalFolder;

/// <summary>The ledger as JSON files: <c>&lt;root&gt;/_ledger/&lt;table&gt;/&lt;survey&gt;/&lt;id&gt;.json</c>, written atomically.</summary>
public sealed class LocalFolderLedger(string root, LakeOptions options) : ILedger
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };
    private readonly string _root = Path.Combine(Path.GetFullPath(root), "_ledger");

    public async Task<UploadRecord?> GetUploadAsync(string surveyId, string uploadId, CancellationToken cancellationToken) =>
        (await GetUploadEntryAsync(surveyId, uploadId, cancellationToken).ConfigureAwait(false))?.Record;

    public async Task<LedgerEntry<UploadRecord>?> GetUploadEntryAsync(string surveyId, string uploadId, CancellationToken cancellationToken)
    {
        var file = FileOf(options.UploadsTable, surveyId, uploadId);
        for (var attempt = 0; ; attempt++)
        {
            var info = new FileInfo(file);
            if (!info.Exists)
            {
                return null;
            }

            var etag = ConditionalFile.ETagOf(info);
            try
            {
                var record = await ReadAsync<UploadRecord>(file, cancellationToken).ConfigureAwait(false);
                if (ConditionalFile.ETagOf(new FileInfo(file)) == etag)
                {
                    return new LedgerEntry<UploadRecord>(record, etag);
                }
            }
            catch (IOException) when (attempt < 10)
            {
            }
        }
    }

    public async Task SaveUploadAsync(UploadRecord upload, CancellationToken cancellationToken, string? ifMatch = null)
    {
        ArgumentNullException.ThrowIfNull(upload);
        if (!await WriteAsync(FileOf(options.UploadsTable, upload.SurveyId, upload.UploadId), upload, ifMatch, cancellationToken).ConfigureAwait(false))
        {
            throw new LakeConflictException($"Ledger row {upload.SurveyId}/{upload.UploadId} changed or exists (condition {ifMatch}).");
        }
    }

    public IAsyncEnumerable<UploadRecord> ListUploadsAsync(string surveyId, CancellationToken cancellationToken) =>
        ListAsync<UploadRecord>(options.UploadsTable, surveyId, cancellationToken);

    public Task SaveFindingsRunAsync(FindingsRunRecord run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        return WriteAsync(FileOf(options.FindingsRunsTable, run.SurveyId, run.RunId), run, null, cancellationToken);
    }

    public IAsyncEnumerable<FindingsRunRecord> ListFindingsRunsAsync(string surveyId, CancellationToken cancellationToken) =>
        ListAsync<FindingsRunRecord>(options.FindingsRunsTable, surveyId, cancellationToken);

    private async IAsyncEnumerable<T> ListAsync<T>(string table, string surveyId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var folder = Path.Combine(_root, table, surveyId);
        if (!Directory.Exists(folder))
        {
            yield break;
        }

        foreach (var file in Directory.EnumerateFiles(folder, "*.json").Where(f => !Path.GetFileName(f).StartsWith(ConditionalFile.TempPrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            yield return await ReadAsync<T>(file, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<T> ReadAsync<T>(string file, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(file);
        return (await JsonSerializer.DeserializeAsync<T>(stream, Json, cancellationToken).ConfigureAwait(false))!;
    }

    private static Task<bool> WriteAsync<T>(string file, T value, string? ifMatch, CancellationToken cancellationToken) =>
        ConditionalFile.ReplaceAsync(file, output => output.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(value, Json), cancellationToken).AsTask(), ifMatch, cancellationToken);

    private string FileOf(string table, string surveyId, string id) => Path.Combine(_root, table, surveyId, id + ".json");
}
