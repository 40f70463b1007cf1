using System.IO.Compression;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Pipeline.Generator.Writers;

/// <summary>
/// Puts the workbook together once every sheet is spooled. The Open XML SDK writes every part except the sheets' rows:
/// content types, relationships, the workbook with its sheet list, and the styles (a bold header). It cannot stream
/// them into the file itself: on .NET, System.IO.Packaging keeps every part it writes in memory until the package is
/// closed (a read-write zip; a write-only package is refused by the SDK). So the SDK writes a small package with empty
/// sheets into memory, and its entries are copied into the real file through a write-only <see cref="ZipArchive"/>,
/// which streams, each empty sheet replaced by its spooled XML.
/// </summary>
internal static class XlsxPackage
{
    // Every entry gets this time, so the same seed gives the same bytes (zip times start in 1980).
    private static readonly DateTimeOffset EntryTime = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static async Task WriteAsync(string path, IReadOnlyList<XlsxSheetSpool> sheets, CancellationToken cancellationToken)
    {
        using var skeleton = new MemoryStream();
        var sheetEntries = WriteSkeleton(skeleton, sheets);
        skeleton.Position = 0;
        using var source = new ZipArchive(skeleton, ZipArchiveMode.Read);
        var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        await using (file.ConfigureAwait(false))
        {
            using var target = new ZipArchive(file, ZipArchiveMode.Create);
            foreach (var entry in source.Entries)
            {
                var copy = target.CreateEntry(entry.FullName, CompressionLevel.Optimal);
                copy.LastWriteTime = EntryTime;
                var output = copy.Open();
                await using (output.ConfigureAwait(false))
                {
                    if (sheetEntries.TryGetValue(entry.FullName, out var sheet))
                    {
                        await sheet.Finish().CopyToAsync(output, 1 << 16, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        var input = entry.Open();
                        await using (input.ConfigureAwait(false))
                        {
                            await input.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
                        }
                    }
                }
            }
        }
    }

    /// <summary>Writes the package with empty sheets; returns, per zip entry of a sheet, the spool that fills it.</summary>
    private static Dictionary<string, XlsxSheetSpool> WriteSkeleton(Stream stream, IReadOnlyList<XlsxSheetSpool> sheets)
    {
        var entries = new Dictionary<string, XlsxSheetSpool>(StringComparer.Ordinal);
        using var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook);
        // Relationship IDs are given, not drawn (AddWorkbookPart draws one), so that the bytes do not change from run to run.
        var workbook = document.AddNewPart<WorkbookPart>("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", "rId1");
        var list = new Sheets();
        for (var i = 0; i < sheets.Count; i++)
        {
            var id = $"rId{i + 1}";
            var part = workbook.AddNewPart<WorksheetPart>(id);
            part.Worksheet = new Worksheet(new SheetData());
            list.Append(new Sheet { Name = sheets[i].Name, SheetId = (uint)(i + 1), Id = id });
            entries[part.Uri.OriginalString.TrimStart('/')] = sheets[i];
        }

        workbook.AddNewPart<WorkbookStylesPart>($"rId{sheets.Count + 1}").Stylesheet = Styles();
        workbook.Workbook = new Workbook(list);
        return entries;
    }

    /// <summary>Excel's required defaults, and cell format 1 (<see cref="XlsxSheetSpool.HeaderStyle"/>): bold.</summary>
    private static Stylesheet Styles() => new(
        new Fonts(Font(bold: false), Font(bold: true)) { Count = 2 },
        new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 })) { Count = 2 },
        new Borders(new Border(new LeftBorder(), new RightBorder(), new TopBorder(), new BottomBorder(), new DiagonalBorder())) { Count = 1 },
        new CellStyleFormats(new CellFormat { NumberFormatId = 0, FontId = 0, FillId = 0, BorderId = 0 }) { Count = 1 },
        new CellFormats(
            new CellFormat { NumberFormatId = 0, FontId = 0, FillId = 0, BorderId = 0, FormatId = 0 },
            new CellFormat { NumberFormatId = 0, FontId = 1, FillId = 0, BorderId = 0, FormatId = 0, ApplyFont = true }) { Count = 2 },
        new CellStyles(new CellStyle { Name = "Normal", FormatId = 0, BuiltinId = 0 }) { Count = 1 });

    private static Font Font(bool bold)
    {
        var font = new Font();
        if (bold)
        {
            font.Append(new Bold());
        }

        font.Append(new FontSize { Val = 11 }, new FontName { Val = "Calibri" }, new FontFamilyNumbering { Val = 2 });
        return font;
    }
}
