using System.Collections.Concurrent;
using System.Text;
using Pipeline.Core.Dictionary;
using Pipeline.Core.Packs;
using Pipeline.Core.Readers;
using Pipeline.Core.Validation;
using Pipeline.Core.Values;

namespace Pipeline.Readers.Tests.Support;

/// <summary>Fixture files, packs, and helpers to read a reader to the end and validate its rows.</summary>
public static class Fixture
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<SurveyPack>>> Packs = new(StringComparer.Ordinal);

    public static string Path(params string[] parts) => System.IO.Path.Combine([AppContext.BaseDirectory, "Fixtures", .. parts]);

    public static Stream Open(params string[] parts) => File.OpenRead(Path(parts));

    /// <summary>A survey pack fixture folder (Fixtures/packs/&lt;name&gt;), loaded once per test run.</summary>
    public static Task<SurveyPack> PackAsync(string name) =>
        Packs.GetOrAdd(name, n => new Lazy<Task<SurveyPack>>(() => SurveyPack.LoadAsync(Path("packs", n)))).Value;

    public static MemoryStream Bytes(byte[] bytes) => new(bytes, writable: false);

    /// <summary>Text data as CSPro writes it: UTF-8 with a BOM, CRLF line ends.</summary>
    public static MemoryStream Dat(params string[] lines) =>
        Bytes([.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes(string.Join("\r\n", lines) + "\r\n")]);

    public static async Task<List<SourceRow>> ReadAllAsync(IExportReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var rows = new List<SourceRow>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await foreach (var row in reader.ReadAsync(timeout.Token))
        {
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>Runs the pipeline's own validator on rows (one validator per record, as the ingest does).</summary>
    public static List<RowIssue> Validate(IEnumerable<SourceRow> rows)
    {
        var validators = new Dictionary<RecordLayout, RowValidator>();
        var issues = new List<RowIssue>();
        foreach (var row in rows)
        {
            if (!validators.TryGetValue(row.Layout, out var validator))
            {
                validators[row.Layout] = validator = new RowValidator(row.Layout);
            }

            validator.Validate(row, new CellValue[row.Layout.Columns.Count], issues, out _);
        }

        return issues;
    }

    /// <summary>The raw text of a column of a row, by layout column name.</summary>
    public static string? Field(this SourceRow row, string column)
    {
        ArgumentNullException.ThrowIfNull(row);
        var index = row.Layout.IndexOf(column);
        Assert.True(index >= 0, $"record {row.Layout.Record.Name} has no column {column}");
        return row.Fields[index];
    }

    public static async Task<InputFileException> FileErrorAsync(Func<Task> action)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var task = action();
        var finished = await Task.WhenAny(task, Task.Delay(Timeout.Infinite, timeout.Token));
        Assert.True(finished == task, "the reader hung for 60 s");
        return await Assert.ThrowsAsync<InputFileException>(() => task);
    }

    /// <summary>A fresh temporary folder for a test, deleted at dispose.</summary>
    public sealed class TempFolder : IDisposable
    {
        public TempFolder()
        {
            Directory.CreateDirectory(FolderPath);
        }

        public string FolderPath { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "readers-test-" + Guid.NewGuid().ToString("N"));

        public string File(string name) => System.IO.Path.Combine(FolderPath, name);

        public void Dispose()
        {
            try
            {
                Directory.Delete(FolderPath, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    public static DataDictionary Dictionary(string file) => DictionaryReader.Parse(System.IO.File.ReadAllText(Path("dictionaries", file)), file);
}
