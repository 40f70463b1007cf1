using Pipeline.Core.Packs;

namespace Pipeline.Core.Ingest;

/// <summary>Chooses the reader for an upload from its first bytes (never from its name).</summary>
internal static class ExportReaders
{
    public static async Task<IExportReader> OpenAsync(UploadStream upload, string displayName, SurveyPack pack, CancellationToken cancellationToken)
    {
        var (format, delimiter) = FormatDetector.Detect(upload.Head.Span);
        return format switch
        {
            UploadFormat.Delimited => await DelimitedExportReader.CreateAsync(upload, displayName, delimiter, pack, cancellationToken).ConfigureAwait(false),
            _ => throw new InputFileException(displayName, Unsupported(format), "Export the data from CSPro as CSV (one file per record, header of item names) and upload that."),
        };
    }

    private static string Unsupported(UploadFormat format) => format switch
    {
        UploadFormat.Empty => "the file is empty.",
        UploadFormat.CsproDb => "this is a CSPro DB (.csdb) file; reading CSPro DB is not supported yet.",
        UploadFormat.Zip => "this is a zip container (an Excel workbook or a zip bundle); these are not supported yet.",
        UploadFormat.Dictionary => "this is a CSPro dictionary (.dcf), not data; the survey's dictionary comes from its survey pack.",
        _ => "the content is neither delimited text (CSV, semicolon or tab with a header row) nor a known CSPro file.",
    };
}
