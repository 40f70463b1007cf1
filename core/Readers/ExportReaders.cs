using Pipeline.Core.Packs;

namespace Pipeline.Core.Readers;

/// <summary>
/// Chooses the reader for an upload from its first bytes, never from its name: SQLite → CSPro DB; zip → Excel workbook
/// or zip bundle; text whose lines match the dictionary's record types and ID columns → CSPro text data; other text
/// with a delimiter in its header → delimited export; an empty file (or blank lines only) → an export of no case.
/// </summary>
internal static class ExportReaders
{
    private const string WhatToDo = "Upload CSPro data: a .dat with its survey's dictionary, a .csdb, CSV/tab/semicolon exports with a header of item names, an .xlsx export, or a zip of these.";

    /// <summary>Opens the reader for the upload with the default limits (<see cref="ReaderOptions"/>).</summary>
    public static Task<IExportReader> OpenAsync(Stream upload, ReadOnlyMemory<byte> head, string displayName, SurveyPack pack, CancellationToken cancellationToken) =>
        OpenAsync(upload, head, displayName, pack, options: null, cancellationToken);

    /// <summary>Opens the reader for the upload; each reader gets its part of <paramref name="options"/> (null: defaults).</summary>
    public static async Task<IExportReader> OpenAsync(Stream upload, ReadOnlyMemory<byte> head, string displayName, SurveyPack pack, ReaderOptions? options, CancellationToken cancellationToken)
    {
        options ??= new ReaderOptions();
        var (format, delimiter) = FormatDetector.Detect(head.Span);
        if (format is UploadFormat.Delimited or UploadFormat.Unknown && CsproTextDataReader.LooksLikeTextData(head.Span, pack.Dictionary))
        {
            return await CsproTextDataReader.CreateAsync(upload, displayName, pack, options.CsproText, cancellationToken).ConfigureAwait(false);
        }

        return format switch
        {
            UploadFormat.Delimited => await DelimitedExportReader.CreateAsync(upload, displayName, delimiter, pack, options.Delimited, cancellationToken).ConfigureAwait(false),
            UploadFormat.CsproDb => await CsproDbReader.CreateAsync(upload, displayName, pack, options.CsproDb, cancellationToken).ConfigureAwait(false),
            UploadFormat.Zip when ZipBundle.IsOfficePackage(head.Span) => await ExcelExportReader.CreateAsync(upload, displayName, pack, options.Zip, options.Excel, cancellationToken).ConfigureAwait(false),
            UploadFormat.Zip => await BundleReader.CreateAsync(upload, displayName, pack, options, cancellationToken).ConfigureAwait(false),
            UploadFormat.Empty => new EmptyExportReader(),
            UploadFormat.Dictionary => throw new InputFileException(displayName, "this is a CSPro dictionary (.dcf), not data; the survey's dictionary comes from its survey pack.", WhatToDo),
            UploadFormat.Unknown when FormatDetector.IsOnlyBlanks(head.Span) => throw new InputFileException(
                displayName,
                $"the first {FormatDetector.SniffLength / 1024} KiB are only blanks (spaces, tabs, line ends), so the format cannot be told; an export of no case is shorter.",
                "Remove the blank lines at the start of the file (an export of no case may be an empty file) and upload it again."),
            _ => throw new InputFileException(displayName, "the content is neither delimited text with a header row, nor CSPro text data matching the survey's dictionary, nor a CSPro DB, Excel or zip file.", WhatToDo),
        };
    }
}

/// <summary>
/// An empty upload (no byte, or blank lines only): a legitimate export of no case (CSPro writes an empty .dat when no
/// case was entered). It reads no row; the ingest accepts it as 0 cases and the quality report warns.
/// </summary>
internal sealed class EmptyExportReader : IExportReader
{
    public string Format => "empty";

    public async IAsyncEnumerable<SourceRow> ReadAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await Task.CompletedTask.ConfigureAwait(false);
        yield break;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
