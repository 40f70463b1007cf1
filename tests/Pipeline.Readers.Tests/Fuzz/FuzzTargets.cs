using System.Text;
using Pipeline.Core.Dictionary;
using Pipeline.Core.Packs;
using Pipeline.Core.Readers;

namespace Pipeline.Readers.Tests.Fuzz;

/// <summary>
/// The readers under fuzzing, each read to its end as the ingest reads it. What a reader may throw for a bad input is
/// <see cref="InputFileException"/> (a dictionary: <see cref="DictionaryFormatException"/>); anything else is a bug.
/// </summary>
public static class FuzzTargets
{
    public static readonly string[] Readers = ["dat", "csv", "xlsx", "csdb", "zip", "dcf", "json"];

    /// <summary>A read that takes longer than this is a hang; the token is also passed to the reader.</summary>
    public static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(20);

    private static readonly Lazy<Task<SurveyPack>> Peru = new(async () =>
        (await SurveyPackCatalog.LoadAsync(Path.Combine(FuzzFolders.Root, "survey-packs"))).Find("peru-coffee-cacao")!);

    /// <summary>Reads the whole input; returns normally or throws the one exception a bad file may give.</summary>
    public static async Task ReadAllAsync(string reader, byte[] input)
    {
        using var timeout = new CancellationTokenSource(ReadTimeout);
        try
        {
            await ReadAsync(reader, input, timeout.Token);
        }
        catch (InputFileException e) when (e.File.Length > 0)
        {
            // Expected: the reader refused the file and named it (an exception without a file is a finding too).
        }
        catch (DictionaryFormatException) when (reader is "dcf" or "json")
        {
            // Expected for a dictionary.
        }
    }

    private static async Task ReadAsync(string reader, byte[] input, CancellationToken cancellationToken)
    {
        if (reader is "dcf" or "json")
        {
            await DictionaryReader.ReadAsync(new MemoryStream(input, writable: false), $"fuzz.{reader}", cancellationToken);
            return;
        }

        var pack = await Peru.Value;
        var stream = new MemoryStream(input, writable: false);
        await using IExportReader export = reader switch
        {
            "dat" => await CsproTextDataReader.CreateAsync(stream, "fuzz.dat", pack, cancellationToken: cancellationToken),
            "csv" => await DelimitedExportReader.CreateAsync(stream, "fuzz.csv", ',', pack, cancellationToken),
            "xlsx" => await ExcelExportReader.CreateAsync(stream, "fuzz.xlsx", pack, cancellationToken: cancellationToken),
            "csdb" => await CsproDbReader.CreateAsync(stream, "fuzz.csdb", pack, cancellationToken: cancellationToken),
            "zip" => await BundleReader.CreateAsync(stream, "fuzz.zip", pack, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(reader), reader, "no such fuzz target"),
        };
        await foreach (var row in export.ReadAsync(cancellationToken))
        {
            _ = row;
        }
    }

    /// <summary>The exception and where it was thrown (its first frames), so a finding can be triaged from the test output.</summary>
    public static string Describe(Exception e) =>
        new StringBuilder(e.GetType().FullName).Append(": ").Append(e.Message).Append(' ')
            .AppendJoin(" < ", (e.StackTrace ?? string.Empty).Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Take(4)).ToString();
}

/// <summary>Where the seeds and the regressions are: in the source tree, so a found input is a file to commit.</summary>
public static class FuzzFolders
{
    public static string Root { get; } = FindRoot();

    public static string Seeds(string reader) => Path.Combine(Root, "tests", "Pipeline.Readers.Tests", "Fuzz", "seeds", reader);

    public static string Regressions(string reader) => Path.Combine(Root, "tests", "Pipeline.Readers.Tests", "Fuzz", "regressions", reader);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pipeline.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Pipeline.sln above {AppContext.BaseDirectory}.");
    }
}
