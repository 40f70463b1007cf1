using System.Runtime.CompilerServices;
using Pipeline.Core.Packs;

namespace Pipeline.Core.Readers;

/// <summary>
/// Reads every data file of a zip bundle, one after the other, each with the reader its content calls for. A dictionary
/// in the bundle is not used: the survey pack's dictionary is the authority (docs/cspro-support.md).
/// </summary>
internal sealed class BundleReader : IExportReader
{
    private readonly ZipBundle _bundle;
    private readonly SurveyPack _pack;

    private BundleReader(ZipBundle bundle, SurveyPack pack)
    {
        _bundle = bundle;
        _pack = pack;
    }

    public string Format => "zip";

    /// <inheritdoc />
    public string? TextEncoding { get; private set; }

    /// <inheritdoc />
    public long DeletedCases { get; private set; }

    /// <inheritdoc />
    public long ErasedLines { get; private set; }

    public static async Task<BundleReader> CreateAsync(Stream upload, string displayName, SurveyPack pack, CancellationToken cancellationToken)
    {
        var bundle = await ZipBundle.OpenAsync(upload, displayName, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (bundle.DataEntries.Count == 0)
        {
            await bundle.DisposeAsync().ConfigureAwait(false);
            throw new InputFileException(displayName, "the zip holds no data file (only a dictionary or companion files).", "Zip the .dat, .csdb, .csv or .xlsx files together with (optionally) the dictionary.");
        }

        return new BundleReader(bundle, pack);
    }

    public async IAsyncEnumerable<SourceRow> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var entry in _bundle.DataEntries)
        {
            var stream = _bundle.OpenEntry(entry);
            await using var reader = await ExportReaders.OpenAsync(stream, entry.Head, _bundle.DisplayName(entry), _pack, cancellationToken).ConfigureAwait(false);
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
