using System.Globalization;
using System.IO.Compression;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Pipeline.Core.Reporting;

/// <summary>
/// Writes an .xlsx workbook with the Open XML SDK: per sheet a bold header row, frozen, with a filter over the table,
/// then typed cells (numbers as number cells, text as inline strings, null as no cell), and columns sized to their
/// widest cell. The sheets' rows are streamed (<see cref="OpenXmlWriter"/>) straight into the output's zip entries, so
/// memory does not grow with rows.
/// <para>
/// The SDK writes the other parts (content types, relationships, the workbook with its sheet list and filter names, the
/// styles) as a small package in memory: on .NET, System.IO.Packaging keeps every part in memory until the package is
/// closed and refuses a write-only stream. Its entries are then copied into a write-only <see cref="ZipArchive"/> on
/// the output, each empty sheet replaced by its streamed rows (the generator's <c>XlsxPackage</c> works the same way).
/// </para>
/// </summary>
internal static class XlsxWorkbook
{
    // Cell format indexes in the styles part (Styles()); 0 is the default.
    private const string HeaderStyle = "1";
    private const string PercentStyle = "2";

    /// <summary>
    /// Writes the workbook to <paramref name="output"/>, which stays open. The zip is written synchronously as rows are
    /// streamed: give a stream that accepts synchronous writes (a memory or file stream).
    /// </summary>
    public static async Task WriteAsync(Stream output, IReadOnlyList<XlsxSheet> sheets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(sheets);
        var sizes = sheets.Select(s => Measure(s, cancellationToken)).ToList();
        using var skeleton = new MemoryStream();
        var sheetEntries = WriteSkeleton(skeleton, sheets, sizes);
        skeleton.Position = 0;
        using var source = new ZipArchive(skeleton, ZipArchiveMode.Read);
        var target = await ZipArchive.CreateAsync(output, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, cancellationToken).ConfigureAwait(false);
        await using (target.ConfigureAwait(false))
        {
            foreach (var entry in source.Entries)
            {
                var copy = await target.CreateEntry(entry.FullName, CompressionLevel.Optimal).OpenAsync(cancellationToken).ConfigureAwait(false);
                await using (copy.ConfigureAwait(false))
                {
                    if (sheetEntries.TryGetValue(entry.FullName, out var index))
                    {
                        WriteWorksheet(copy, sheets[index], sizes[index], cancellationToken);
                        continue;
                    }

                    var input = await entry.OpenAsync(cancellationToken).ConfigureAwait(false);
                    await using (input.ConfigureAwait(false))
                    {
                        await input.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }
    }

    /// <summary>What must be known before a sheet's rows are written: its columns' widths and its number of rows.</summary>
    private sealed record SheetSize(int[] Widths, int Rows);

    private static SheetSize Measure(XlsxSheet sheet, CancellationToken cancellationToken)
    {
        var widest = sheet.Header.Select(h => h.Length).ToArray();
        var rows = 0;
        foreach (var row in sheet.Rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            rows++;
            for (var c = 0; c < widest.Length; c++)
            {
                widest[c] = Math.Max(widest[c], XlsxSheet.Display(row[c], sheet.FormatOf(row, c)).Length);
            }
        }

        return new SheetSize(widest.Select(w => Math.Clamp(w + 2, 8, 60)).ToArray(), rows);
    }

    /// <summary>Writes the package with empty sheets; returns, per zip entry of a sheet, the sheet's index.</summary>
    private static Dictionary<string, int> WriteSkeleton(Stream stream, IReadOnlyList<XlsxSheet> sheets, IReadOnlyList<SheetSize> sizes)
    {
        var entries = new Dictionary<string, int>(StringComparer.Ordinal);
        using var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook);
        // Relationship IDs are given, not drawn (AddWorkbookPart draws one), so that the bytes do not change from run to run.
        var workbook = document.AddNewPart<WorkbookPart>("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", "rId1");
        var list = new Sheets();
        var filters = new DefinedNames();
        for (var i = 0; i < sheets.Count; i++)
        {
            var id = $"rId{i + 1}";
            var part = workbook.AddNewPart<WorksheetPart>(id);
            part.Worksheet = new Worksheet(new SheetData());
            list.Append(new Sheet { Name = sheets[i].Name, SheetId = (uint)(i + 1), Id = id });
            entries[part.Uri.OriginalString.TrimStart('/')] = i;

            // Excel keeps a sheet's filter range in this hidden name; without it the filter buttons are dropped on open.
            var quoted = sheets[i].Name.Replace("'", "''", StringComparison.Ordinal);
            filters.Append(new DefinedName($"'{quoted}'!$A$1:${ColumnLetters(sheets[i].Header.Count - 1)}${sizes[i].Rows + 1}")
            {
                Name = "_xlnm._FilterDatabase",
                LocalSheetId = (uint)i,
                Hidden = true,
            });
        }

        workbook.AddNewPart<WorkbookStylesPart>($"rId{sheets.Count + 1}").Stylesheet = Styles();
        workbook.Workbook = new Workbook(list, filters);
        return entries;
    }

    /// <summary>Excel's required defaults, then cell formats 1 (<see cref="HeaderStyle"/>: bold) and 2 (<see cref="PercentStyle"/>).</summary>
    private static Stylesheet Styles() => new(
        new Fonts(Font(bold: false), Font(bold: true)) { Count = 2 },
        new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 })) { Count = 2 },
        new Borders(new Border(new LeftBorder(), new RightBorder(), new TopBorder(), new BottomBorder(), new DiagonalBorder())) { Count = 1 },
        new CellStyleFormats(new CellFormat { NumberFormatId = 0, FontId = 0, FillId = 0, BorderId = 0 }) { Count = 1 },
        new CellFormats(
            new CellFormat { NumberFormatId = 0, FontId = 0, FillId = 0, BorderId = 0, FormatId = 0 },
            new CellFormat { NumberFormatId = 0, FontId = 1, FillId = 0, BorderId = 0, FormatId = 0, ApplyFont = true },
            // Built-in number format 10 is 0.00%.
            new CellFormat { NumberFormatId = 10, FontId = 0, FillId = 0, BorderId = 0, FormatId = 0, ApplyNumberFormat = true }) { Count = 3 },
        new CellStyles(new CellStyle { Name = "Normal", FormatId = 0, BuiltinId = 0 }) { Count = 1 });

    private static Font Font(bool bold)
    {
        var font = new Font();
        if (bold)
        {
            font.Append(new Bold());
        }

        font.Append(new FontSize { Val = 11 }, new FontName { Val = "Calibri" });
        return font;
    }

    private static void WriteWorksheet(Stream stream, XlsxSheet sheet, SheetSize size, CancellationToken cancellationToken)
    {
        using var xml = OpenXmlWriter.Create(stream);
        xml.WriteStartElement(new Worksheet());
        xml.WriteElement(new SheetViews(new SheetView(new Pane { VerticalSplit = 1, TopLeftCell = "A2", ActivePane = PaneValues.BottomLeft, State = PaneStateValues.Frozen }) { WorkbookViewId = 0 }));
        xml.WriteElement(new Columns(size.Widths.Select((w, c) => new Column { Min = (uint)(c + 1), Max = (uint)(c + 1), Width = w, CustomWidth = true })));
        xml.WriteStartElement(new SheetData());
        var letters = Enumerable.Range(0, sheet.Header.Count).Select(ColumnLetters).ToArray();
        var cells = new CellWriter(xml, letters);
        cells.Row(1, [.. sheet.Header], _ => HeaderStyle);
        var number = 1;
        foreach (var row in sheet.Rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            cells.Row(++number, row, c => sheet.FormatOf(row, c) == XlsxFormat.Percent ? PercentStyle : null);
        }

        xml.WriteEndElement(); // sheetData
        xml.WriteElement(new AutoFilter { Reference = $"A1:{letters[^1]}{size.Rows + 1}" });
        xml.WriteEndElement(); // worksheet
        xml.Close();
    }

    /// <summary>Column letters of a 0-based column: A … Z, AA … .</summary>
    internal static string ColumnLetters(int column)
    {
        var letters = string.Empty;
        for (var n = column + 1; n > 0; n = (n - 1) / 26)
        {
            letters = (char)('A' + ((n - 1) % 26)) + letters;
        }

        return letters;
    }

    /// <summary>Writes rows of typed cells; the elements are reused from row to row.</summary>
    private sealed class CellWriter(OpenXmlWriter xml, string[] letters)
    {
        private static readonly OpenXmlAttribute InlineStringType = new("t", string.Empty, "inlineStr");
        private readonly Row _row = new();
        private readonly Cell _cell = new();
        private readonly InlineString _inline = new();
        private readonly List<OpenXmlAttribute> _attributes = new(3);

        public void Row(int number, object?[] values, Func<int, string?> style)
        {
            var row = number.ToString(CultureInfo.InvariantCulture);
            xml.WriteStartElement(_row, [new OpenXmlAttribute("r", string.Empty, row)]);
            for (var c = 0; c < values.Length; c++)
            {
                if (values[c] is not { } value)
                {
                    continue; // an absent cell is empty: what the Parquet's null means
                }

                _attributes.Clear();
                _attributes.Add(new OpenXmlAttribute("r", string.Empty, letters[c] + row));
                if (style(c) is { } s)
                {
                    _attributes.Add(new OpenXmlAttribute("s", string.Empty, s));
                }

                var numeric = value switch
                {
                    double d => d.ToString("R", CultureInfo.InvariantCulture),
                    long l => l.ToString(CultureInfo.InvariantCulture),
                    int i => i.ToString(CultureInfo.InvariantCulture),
                    _ => null,
                };
                if (numeric is null)
                {
                    _attributes.Add(InlineStringType);
                }

                xml.WriteStartElement(_cell, _attributes);
                if (numeric is not null)
                {
                    xml.WriteElement(new CellValue(numeric));
                }
                else
                {
                    xml.WriteStartElement(_inline);
                    var text = XmlSafe(Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty);
                    // Leading or trailing blanks (and line breaks) survive only with xml:space="preserve", as Excel writes it.
                    var preserve = text.Length > 0 && (char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1]));
                    xml.WriteElement(preserve ? new Text(text) { Space = SpaceProcessingModeValues.Preserve } : new Text(text));
                    xml.WriteEndElement();
                }

                xml.WriteEndElement();
            }

            xml.WriteEndElement();
        }

        /// <summary>XML 1.0 cannot carry most control characters; they are dropped rather than failing the export.</summary>
        private static string XmlSafe(string text) =>
            text.Any(ch => ch < 0x20 && ch is not ('\t' or '\n' or '\r')) ? new string(text.Where(ch => ch >= 0x20 || ch is '\t' or '\n' or '\r').ToArray()) : text;
    }
}
