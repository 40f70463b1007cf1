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

    public async Task<UploadRecord?> GetUploadAsync(string surveyId, string uploadId, CancellationToken cancellationToken)
    {
        var file = FileOf(options.UploadsTable, surveyId, uploadId);
        return File.Exists(file) ? await ReadAsync<UploadRecord>(file, cancellationToken).ConfigureAwait(false) : null;
    }

    public Task SaveUploadAsync(UploadRecord upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        return WriteAsync(FileOf(options.UploadsTable, upload.SurveyId, upload.UploadId), upload, cancellationToken);
    }

    public IAsyncEnumerable<UploadRecord> ListUploadsAsync(string surveyId, CancellationToken cancellationToken) =>
        ListAsync<UploadRecord>(options.UploadsTable, surveyId, cancellationToken);

    public Task SaveFindingsRunAsync(FindingsRunRecord run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        return WriteAsync(FileOf(options.FindingsRunsTable, run.SurveyId, run.RunId), run, cancellationToken);
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

        foreach (var file in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            yield return await ReadAsync<T>(file, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<T> ReadAsync<T>(string file, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(file);
        return (await JsonSerializer.DeserializeAsync<T>(stream, Json, cancellationToken).ConfigureAwait(false))!;
    }

    private static async Task WriteAsync<T>(string file, T value, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var temp = file + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await File.WriteAllBytesAsync(temp, JsonSerializer.SerializeToUtf8Bytes(value, Json), cancellationToken).ConfigureAwait(false);
        File.Move(temp, file, overwrite: true);
    }

    private string FileOf(string table, string surveyId, string id) => Path.Combine(_root, table, surveyId, id + ".json");
}
