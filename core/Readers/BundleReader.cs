using System.Runtime.CompilerServices;
using Pipeline.Core.Dictionary;
using Pipeline.Core.Packs;

namespace Pipeline.Core.Readers;

/// <summary>
/// Reads every data file of a zip bundle, one after the other, each with the reader its content calls for. A dictionary
/// in the bundle does not read the data: the survey pack's dictionary is the authority (docs/cspro-support.md). But it
/// says what the data was written with, so it is compared with the pack's first, and a bundle whose dictionary has
/// another layout is rejected, naming the first difference (<see cref="DictionaryLayoutComparison"/>).
/// </summary>
internal sealed class BundleReader : IExportReader
{
    private readonly ZipBundle _bundle;
    private readonly SurveyPack _pack;
    private readonly ReaderOptions _options;

    private BundleReader(ZipBundle bundle, SurveyPack pack, ReaderOptions options)
    {
        _bundle = bundle;
        _pack = pack;
        _options = options;
    }

    public string Format => "zip";

    /// <inheritdoc />
    public string? TextEncoding { get; private set; }

    /// <inheritdoc />
    public long DeletedCases { get; private set; }

    /// <inheritdoc />
    public long ErasedLines { get; private set; }

    public static Task<BundleReader> CreateAsync(Stream upload, string displayName, SurveyPack pack, CancellationToken cancellationToken) =>
        CreateAsync(upload, displayName, pack, options: null, cancellationToken);

    /// <summary>Opens the bundle within <see cref="ReaderOptions.Zip"/>; the files inside are read with the same options.</summary>
    public static async Task<BundleReader> CreateAsync(Stream upload, string displayName, SurveyPack pack, ReaderOptions? options, CancellationToken cancellationToken)
    {
        options ??= new ReaderOptions();
        var bundle = await ZipBundle.OpenAsync(upload, displayName, options.Zip, cancellationToken).ConfigureAwait(false);
        if (bundle.DataEntries.Count == 0)
        {
            await bundle.DisposeAsync().ConfigureAwait(false);
            throw new InputFileException(displayName, "the zip holds no data file (only a dictionary or companion files).", "Zip the .dat, .csdb, .csv or .xlsx files together with (optionally) the dictionary.");
        }

        try
        {
            await CheckDictionaryAsync(bundle, pack, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await bundle.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new BundleReader(bundle, pack, options);
    }

    /// <summary>Throws <see cref="InputFileException"/> when the bundle's dictionary cannot be read or differs in layout from the pack's.</summary>
    private static async Task CheckDictionaryAsync(ZipBundle bundle, SurveyPack pack, CancellationToken cancellationToken)
    {
        if (bundle.Dictionary is not { } entry)
        {
            return;
        }

        var name = bundle.DisplayName(entry);
        DataDictionary bundled;
        try
        {
            await using var stream = bundle.OpenEntry(entry);
            bundled = await DictionaryReader.ReadLayoutAsync(stream, name, cancellationToken).ConfigureAwait(false); // only its layout is compared
        }
        catch (DictionaryFormatException e)
        {
            throw new InputFileException(name, $"the dictionary in the zip cannot be read, so it cannot be compared with survey '{pack.Id}''s: {e.Message}", "Zip the .dcf that CSPro wrote for this data, or leave it out: the survey pack's dictionary reads the data.", inner: e);
        }

        if (DictionaryLayoutComparison.FirstDifference(bundled, pack.Dictionary) is { } difference)
        {
            throw new InputFileException(
                name,
                $"the dictionary in the zip is not the layout of survey '{pack.Id}''s dictionary ({pack.Manifest.Dictionary}): {difference}.",
                "Upload data entered with the survey's dictionary; if the questionnaire changed, update the survey pack's dictionary (and its rules) first.");
        }
    }

    public async IAsyncEnumerable<SourceRow> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var entry in _bundle.DataEntries)
        {
            var stream = _bundle.OpenEntry(entry);
            await using var reader = await ExportReaders.OpenAsync(stream, entry.Head, _bundle.DisplayName(entry), _pack, _options, cancellationToken).ConfigureAwait(false);
            try
            {
                await foreach (var row in reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    yield return row;
                }

                TextEncoding = TextEncoding == "windows-1252" ? TextEncoding : reader.TextEncoding ?? TextEncoding;
                DeletedCases += reader.DeletedCases;
                ErasedLines += reader.ErasedLines;
            }
            finally
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    public ValueTask DisposeAsync() => _bundle.DisposeAsync();
}
