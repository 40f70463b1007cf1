using System.Globalization;
using System.IO.Compression;
using System.Security;
using System.Text;

namespace Pipeline.Readers.Tests.Support;

/// <summary>
/// A test-only writer of minimal .xlsx workbooks (Office Open XML by hand: inline strings and numbers), so that tests can
/// also build broken workbooks. A cell value that is a number type is written as a number, a string as inline text,
/// null as no cell.
/// </summary>
public static class XlsxBuilder
{
    public static byte[] Build(params (string Name, IReadOnlyList<object?[]> Rows)[] sheets)
    {
        ArgumentNullException.ThrowIfNull(sheets);
        return BuildXml(null, sheets.Select(s => (s.Name, Sheet(s.Rows))).ToArray());
    }

    /// <summary>
    /// A workbook whose sheets' XML is given as is (hostile workbooks: huge references, error cells), with an optional
    /// <c>xl/sharedStrings.xml</c>. <see cref="SheetXml"/> wraps rows in the worksheet element.
    /// </summary>
    public static byte[] BuildXml(string? sharedStrings, params (string Name, string Xml)[] sheets)
    {
        ArgumentNullException.ThrowIfNull(sheets);
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, "[Content_Types].xml", ContentTypes(sheets.Length));
            Add(zip, "_rels/.rels", """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>""");
            var workbook = new StringBuilder("""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>""");
            var rels = new StringBuilder("""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">""");
            for (var s = 0; s < sheets.Length; s++)
            {
                workbook.Append(CultureInfo.InvariantCulture, $"""<sheet name="{SecurityElement.Escape(sheets[s].Name)}" sheetId="{s + 1}" r:id="rId{s + 1}"/>""");
                rels.Append(CultureInfo.InvariantCulture, $"""<Relationship Id="rId{s + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{s + 1}.xml"/>""");
                Add(zip, $"xl/worksheets/sheet{s + 1}.xml", sheets[s].Xml);
            }

            if (sharedStrings is not null)
            {
                rels.Append("""<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>""");
                Add(zip, "xl/sharedStrings.xml", sharedStrings);
            }

            Add(zip, "xl/workbook.xml", workbook.Append("</sheets></workbook>").ToString());
            Add(zip, "xl/_rels/workbook.xml.rels", rels.Append("</Relationships>").ToString());
        }

        return buffer.ToArray();
    }

    private static string ContentTypes(int sheets)
    {
        var text = new StringBuilder("""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>""");
        for (var s = 1; s <= sheets; s++)
        {
            text.Append(CultureInfo.InvariantCulture, $"""<Override PartName="/xl/worksheets/sheet{s}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>""");
        }

        return text.Append("</Types>").ToString();
    }

    /// <summary>A worksheet part around raw <c>sheetData</c> content (and an optional dimension reference).</summary>
    public static string SheetXml(string rows, string? dimension = null) =>
        """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"""
        + (dimension is null ? string.Empty : $"""<dimension ref="{dimension}"/>""")
        + "<sheetData>" + rows + "</sheetData></worksheet>";

    private static string Sheet(IReadOnlyList<object?[]> rows)
    {
        var text = new StringBuilder("""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>""");
        for (var r = 0; r < rows.Count; r++)
        {
            text.Append(CultureInfo.InvariantCulture, $"""<row r="{r + 1}">""");
            for (var c = 0; c < rows[r].Length; c++)
            {
                var reference = Letter(c) + (r + 1).ToString(CultureInfo.InvariantCulture);
                switch (rows[r][c])
                {
                    case null:
                        break;
                    case string s:
                        text.Append(CultureInfo.InvariantCulture, $"""<c r="{reference}" t="inlineStr"><is><t xml:space="preserve">{SecurityElement.Escape(s)}</t></is></c>""");
                        break;
                    case IFormattable number:
                        text.Append(CultureInfo.InvariantCulture, $"""<c r="{reference}"><v>{number.ToString(null, CultureInfo.InvariantCulture)}</v></c>""");
                        break;
                    default:
                        throw new ArgumentException($"unsupported cell value {rows[r][c]}", nameof(rows));
                }
            }

            text.Append("</row>");
        }

        return text.Append("</sheetData></worksheet>").ToString();
    }

    public static string Letter(int index)
    {
        var letters = string.Empty;
        for (var n = index + 1; n > 0; n = (n - 1) / 26)
        {
            letters = (char)('A' + ((n - 1) % 26)) + letters;
        }

        return letters;
    }

    private static void Add(ZipArchive zip, string name, string content)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Fastest);
        using var stream = entry.Open();
        var bytes = Encoding.UTF8.GetBytes(content);
        stream.Write(bytes);
    }
}
