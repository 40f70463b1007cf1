using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml;

namespace Pipeline.Core.Reporting;

/// <summary>How a column's numbers are shown; the stored value is never changed.</summary>
internal enum XlsxFormat
{
    General,
    Percent,
}

/// <summary>One worksheet: a header row, then rows of string, long, double or null cells.</summary>
internal sealed record XlsxSheet(string Name, IReadOnlyList<string> Header, IReadOnlyList<XlsxFormat> Formats, IReadOnlyList<object?[]> Rows)
{
    /// <summary>A cell's own format (row index into <see cref="Rows"/>, column), or null for its column's <see cref="Formats"/>.</summary>
    public Func<int, int, XlsxFormat?>? CellFormat { get; init; }

    public XlsxFormat FormatOf(int row, int column) => CellFormat?.Invoke(row, column) ?? Formats[column];
}

/// <summary>
/// Writes a small .xlsx workbook (Office Open XML, ECMA-376 SpreadsheetML): inline strings, numbers, a bold frozen
/// header with a filter. It needs no package beyond the BCL; the tests check the output with the Open XML SDK's schema
/// validator and read it back with ExcelDataReader. Meant for tables of thousands of rows, built in memory.
/// </summary>
internal static class XlsxWriter
{
    private const string Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private const string Relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    private const string PackageRelationships = "http://schemas.openxmlformats.org/package/2006/relationships";

    // Style indexes in styles.xml's cellXfs.
    private const int HeaderStyle = 1;
    private const int PercentStyle = 2;

    public static async Task WriteAsync(Stream output, IReadOnlyList<XlsxSheet> sheets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            Part(zip, "[Content_Types].xml", w => ContentTypes(w, sheets.Count));
            Part(zip, "_rels/.rels", w => Rels(w, [("rId1", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument", "xl/workbook.xml")]));
            Part(zip, "xl/workbook.xml", w => Workbook(w, sheets));
            var rels = sheets.Select((s, i) => ($"rId{i + 1}", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet", $"worksheets/sheet{i + 1}.xml")).ToList();
            rels.Add(($"rId{sheets.Count + 1}", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles", "styles.xml"));
            Part(zip, "xl/_rels/workbook.xml.rels", w => Rels(w, rels));
            Part(zip, "xl/styles.xml", Styles);
            for (var i = 0; i < sheets.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var sheet = sheets[i];
                Part(zip, $"xl/worksheets/sheet{i + 1}.xml", w => Worksheet(w, sheet));
            }
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
    }

    private static void Part(ZipArchive zip, string name, Action<XmlWriter> write)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        using var stream = entry.Open();
        using var writer = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false), CheckCharacters = true });
        writer.WriteStartDocument(standalone: true);
        write(writer);
        writer.WriteEndDocument();
    }

    private static void ContentTypes(XmlWriter w, int sheets)
    {
        const string ns = "http://schemas.openxmlformats.org/package/2006/content-types";
        w.WriteStartElement("Types", ns);
        Default(w, ns, "rels", "application/vnd.openxmlformats-package.relationships+xml");
        Default(w, ns, "xml", "application/xml");
        Override(w, ns, "/xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml");
        Override(w, ns, "/xl/styles.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml");
        for (var i = 1; i <= sheets; i++)
        {
            Override(w, ns, $"/xl/worksheets/sheet{i}.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml");
        }

        w.WriteEndElement();

        static void Default(XmlWriter w, string ns, string extension, string type)
        {
            w.WriteStartElement("Default", ns);
            w.WriteAttributeString("Extension", extension);
            w.WriteAttributeString("ContentType", type);
            w.WriteEndElement();
        }

        static void Override(XmlWriter w, string ns, string part, string type)
        {
            w.WriteStartElement("Override", ns);
            w.WriteAttributeString("PartName", part);
            w.WriteAttributeString("ContentType", type);
            w.WriteEndElement();
        }
    }

    private static void Rels(XmlWriter w, IEnumerable<(string Id, string Type, string Target)> relationships)
    {
        w.WriteStartElement("Relationships", PackageRelationships);
        foreach (var (id, type, target) in relationships)
        {
            w.WriteStartElement("Relationship", PackageRelationships);
            w.WriteAttributeString("Id", id);
            w.WriteAttributeString("Type", type);
            w.WriteAttributeString("Target", target);
            w.WriteEndElement();
        }

        w.WriteEndElement();
    }

    private static void Workbook(XmlWriter w, IReadOnlyList<XlsxSheet> sheets)
    {
        w.WriteStartElement("workbook", Main);
        w.WriteAttributeString("xmlns", "r", null, Relationships);
        w.WriteStartElement("sheets", Main);
        for (var i = 0; i < sheets.Count; i++)
        {
            w.WriteStartElement("sheet", Main);
            w.WriteAttributeString("name", sheets[i].Name);
            w.WriteAttributeString("sheetId", (i + 1).ToString(CultureInfo.InvariantCulture));
            w.WriteAttributeString("id", Relationships, $"rId{i + 1}");
            w.WriteEndElement();
        }

        w.WriteEndElement();

        // Excel keeps a sheet's filter range in this hidden name; without it the filter buttons are dropped on open.
        w.WriteStartElement("definedNames", Main);
        for (var i = 0; i < sheets.Count; i++)
        {
            w.WriteStartElement("definedName", Main);
            w.WriteAttributeString("name", "_xlnm._FilterDatabase");
            w.WriteAttributeString("localSheetId", i.ToString(CultureInfo.InvariantCulture));
            w.WriteAttributeString("hidden", "1");
            w.WriteString($"'{sheets[i].Name}'!{FilterRange(sheets[i], absolute: true)}");
            w.WriteEndElement();
        }

        w.WriteEndElement();
        w.WriteEndElement();
    }

    private static void Styles(XmlWriter w)
    {
        w.WriteStartElement("styleSheet", Main);
        w.WriteStartElement("fonts", Main);
        w.WriteAttributeString("count", "2");
        Font(w, bold: false);
        Font(w, bold: true);
        w.WriteEndElement();
        w.WriteStartElement("fills", Main);
        w.WriteAttributeString("count", "2");
        foreach (var pattern in new[] { "none", "gray125" })
        {
            w.WriteStartElement("fill", Main);
            w.WriteStartElement("patternFill", Main);
            w.WriteAttributeString("patternType", pattern);
            w.WriteEndElement();
            w.WriteEndElement();
        }

        w.WriteEndElement();
        w.WriteStartElement("borders", Main);
        w.WriteAttributeString("count", "1");
        w.WriteStartElement("border", Main);
        foreach (var side in new[] { "left", "right", "top", "bottom", "diagonal" })
        {
            w.WriteElementString(side, Main, null);
        }

        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteStartElement("cellStyleXfs", Main);
        w.WriteAttributeString("count", "1");
        Xf(w, numFmt: 0, font: 0, withXfId: false);
        w.WriteEndElement();
        w.WriteStartElement("cellXfs", Main);
        w.WriteAttributeString("count", "3");
        Xf(w, numFmt: 0, font: 0, withXfId: true);
        Xf(w, numFmt: 0, font: 1, withXfId: true); // HeaderStyle
        Xf(w, numFmt: 10, font: 0, withXfId: true); // PercentStyle: built-in format 10 is 0.00%
        w.WriteEndElement();
        w.WriteStartElement("cellStyles", Main);
        w.WriteAttributeString("count", "1");
        w.WriteStartElement("cellStyle", Main);
        w.WriteAttributeString("name", "Normal");
        w.WriteAttributeString("xfId", "0");
        w.WriteAttributeString("builtinId", "0");
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndElement();

        static void Font(XmlWriter w, bool bold)
        {
            w.WriteStartElement("font", Main);
            if (bold)
            {
                w.WriteElementString("b", Main, null);
            }

            w.WriteStartElement("sz", Main);
            w.WriteAttributeString("val", "11");
            w.WriteEndElement();
            w.WriteStartElement("name", Main);
            w.WriteAttributeString("val", "Calibri");
            w.WriteEndElement();
            w.WriteEndElement();
        }

        static void Xf(XmlWriter w, int numFmt, int font, bool withXfId)
        {
            w.WriteStartElement("xf", Main);
            w.WriteAttributeString("numFmtId", numFmt.ToString(CultureInfo.InvariantCulture));
            w.WriteAttributeString("fontId", font.ToString(CultureInfo.InvariantCulture));
            w.WriteAttributeString("fillId", "0");
            w.WriteAttributeString("borderId", "0");
            if (withXfId)
            {
                w.WriteAttributeString("xfId", "0");
            }

            if (numFmt != 0)
            {
                w.WriteAttributeString("applyNumberFormat", "1");
            }

            if (font != 0)
            {
                w.WriteAttributeString("applyFont", "1");
            }

            w.WriteEndElement();
        }
    }

    private static void Worksheet(XmlWriter w, XlsxSheet sheet)
    {
        w.WriteStartElement("worksheet", Main);
        w.WriteStartElement("sheetViews", Main);
        w.WriteStartElement("sheetView", Main);
        w.WriteAttributeString("workbookViewId", "0");
        w.WriteStartElement("pane", Main);
        w.WriteAttributeString("ySplit", "1");
        w.WriteAttributeString("topLeftCell", "A2");
        w.WriteAttributeString("activePane", "bottomLeft");
        w.WriteAttributeString("state", "frozen");
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndElement();

        w.WriteStartElement("cols", Main);
        for (var c = 0; c < sheet.Header.Count; c++)
        {
            var column = c;
            var widest = sheet.Rows.Select((r, i) => Display(r[column], sheet.FormatOf(i, column)).Length).Append(sheet.Header[c].Length).Max();
            w.WriteStartElement("col", Main);
            w.WriteAttributeString("min", (c + 1).ToString(CultureInfo.InvariantCulture));
            w.WriteAttributeString("max", (c + 1).ToString(CultureInfo.InvariantCulture));
            w.WriteAttributeString("width", Math.Clamp(widest + 2, 8, 60).ToString(CultureInfo.InvariantCulture));
            w.WriteAttributeString("customWidth", "1");
            w.WriteEndElement();
        }

        w.WriteEndElement();

        w.WriteStartElement("sheetData", Main);
        Row(w, 1, sheet.Header.Cast<object?>().ToArray(), _ => HeaderStyle);
        for (var r = 0; r < sheet.Rows.Count; r++)
        {
            var row = r;
            Row(w, r + 2, sheet.Rows[r], c => sheet.FormatOf(row, c) == XlsxFormat.Percent ? PercentStyle : 0);
        }

        w.WriteEndElement();
        w.WriteStartElement("autoFilter", Main);
        w.WriteAttributeString("ref", FilterRange(sheet, absolute: false));
        w.WriteEndElement();
        w.WriteEndElement();
    }

    private static void Row(XmlWriter w, int number, object?[] cells, Func<int, int> style)
    {
        w.WriteStartElement("row", Main);
        w.WriteAttributeString("r", number.ToString(CultureInfo.InvariantCulture));
        for (var c = 0; c < cells.Length; c++)
        {
            if (cells[c] is null)
            {
                continue; // an absent cell is empty: what the Parquet's null means
            }

            w.WriteStartElement("c", Main);
            w.WriteAttributeString("r", Reference(c, number));
            if (style(c) is var s and not 0)
            {
                w.WriteAttributeString("s", s.ToString(CultureInfo.InvariantCulture));
            }

            switch (cells[c])
            {
                case double d:
                    w.WriteElementString("v", Main, d.ToString("R", CultureInfo.InvariantCulture));
                    break;
                case long l:
                    w.WriteElementString("v", Main, l.ToString(CultureInfo.InvariantCulture));
                    break;
                case int i:
                    w.WriteElementString("v", Main, i.ToString(CultureInfo.InvariantCulture));
                    break;
                default:
                    w.WriteAttributeString("t", "inlineStr");
                    w.WriteStartElement("is", Main);
                    w.WriteStartElement("t", Main);
                    var text = XmlSafe(Convert.ToString(cells[c], CultureInfo.InvariantCulture) ?? string.Empty);
                    if (text.Length > 0 && (char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1])))
                    {
                        w.WriteAttributeString("xml", "space", null, "preserve");
                    }

                    w.WriteString(text);
                    w.WriteEndElement();
                    w.WriteEndElement();
                    break;
            }

            w.WriteEndElement();
        }

        w.WriteEndElement();
    }

    private static string FilterRange(XlsxSheet sheet, bool absolute)
    {
        var last = Reference(sheet.Header.Count - 1, sheet.Rows.Count + 1);
        if (!absolute)
        {
            return $"A1:{last}";
        }

        var split = last.AsSpan().IndexOfAnyInRange('0', '9');
        return $"$A$1:${last[..split]}${last[split..]}";
    }

    /// <summary>"A1"-style reference of a zero-based column and a one-based row.</summary>
    internal static string Reference(int column, int row)
    {
        var letters = new StringBuilder();
        for (var c = column + 1; c > 0; c = (c - 1) / 26)
        {
            letters.Insert(0, (char)('A' + ((c - 1) % 26)));
        }

        return letters.Append(row.ToString(CultureInfo.InvariantCulture)).ToString();
    }

    private static string Display(object? value, XlsxFormat format) => value switch
    {
        null => string.Empty,
        double d when format == XlsxFormat.Percent => d.ToString("0.00%", CultureInfo.InvariantCulture),
        double d => d.ToString("0.######", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };

    /// <summary>XML 1.0 cannot carry most control characters; they are dropped rather than failing the export.</summary>
    private static string XmlSafe(string text) =>
        text.Any(ch => ch < 0x20 && ch is not ('\t' or '\n' or '\r')) ? new string(text.Where(ch => ch >= 0x20 || ch is '\t' or '\n' or '\r').ToArray()) : text;
}
