using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Spreadsheet;
using Pipeline.Core.Readers;
using Pipeline.Generator.Cases;

namespace Pipeline.Generator.Writers;

/// <summary>
/// One worksheet, written as cases arrive: the Open XML SDK's <see cref="OpenXmlWriter"/> writes the worksheet's XML
/// into a temporary file beside the workbook, the header then a row per record occurrence, so that every sheet grows at
/// once without being held in memory. <see cref="XlsxPackage"/> copies the file into the workbook at the end (CSPro's
/// libxlsxwriter works the same way in its constant-memory mode). The file is deleted when the spool is disposed.
/// <para>
/// Cells as CSPro's <c>ExcelExportWriter</c> writes them: the header in bold, numbers as number cells with the item's
/// decimals, texts (alpha items, and a non-numeric fault in a numeric item) as inline strings, right-trimmed, and no
/// cell at all for blank.
/// </para>
/// </summary>
internal sealed class XlsxSheetSpool : IDisposable
{
    /// <summary>Index of the bold cell format in the workbook's styles (<see cref="XlsxPackage"/>).</summary>
    public const string HeaderStyle = "1";

    private readonly RecordLayout _layout;
    private readonly string[] _columnLetters;
    private readonly FileStream _file;
    private readonly OpenXmlWriter _xml;

    // Reused for every row and cell: this is the writer's hot path (hundreds of cells per case).
    private readonly OpenXmlAttribute[] _rowAttributes = new OpenXmlAttribute[1];
    private readonly OpenXmlAttribute[] _numberAttributes = new OpenXmlAttribute[1];
    private readonly OpenXmlAttribute[] _textAttributes = [default, new("t", string.Empty, "inlineStr")];
    private readonly Row _rowElement = new();
    private readonly Cell _cellElement = new();
    private readonly InlineString _inlineElement = new();
    private bool _finished;

    public XlsxSheetSpool(string name, RecordLayout layout, string temporaryPath)
    {
        Name = name;
        _layout = layout;
        _columnLetters = Enumerable.Range(0, layout.Columns.Count).Select(ColumnLetters).ToArray();
        _file = new FileStream(temporaryPath, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        _xml = OpenXmlWriter.Create(_file);
        _xml.WriteStartElement(new Worksheet());
        _xml.WriteStartElement(new SheetData());
        WriteHeader();
    }

    /// <summary>The worksheet's name in the workbook.</summary>
    public string Name { get; }

    public string RecordName => _layout.Record.Name;

    /// <summary>Rows written below the header.</summary>
    public long DataRows => Math.Max(0, Rows - 1);

    /// <summary>Rows written, the header included.</summary>
    private long Rows { get; set; }

    public void Add(GeneratedValue[] values)
    {
        if (Rows >= XlsxLimits.MaxRows)
        {
            // ExportGenerator checks the run against the limit before writing; this only guards a caller that did not.
            throw new InvalidOperationException($"Sheet {Name} is full: Excel holds at most {XlsxLimits.MaxRows:N0} rows.");
        }

        var row = StartRow();
        for (var c = 0; c < values.Length; c++)
        {
            var text = values[c].ToExportText(_layout.Columns[c].Item);
            if (string.IsNullOrEmpty(text))
            {
                continue; // blank: no cell, as CSPro writes nothing for NOTAPPL
            }

            if (values[c].IsNumber)
            {
                WriteNumber(_columnLetters[c] + row, text);
            }
            else
            {
                WriteText(_columnLetters[c] + row, text, style: null);
            }
        }

        _xml.WriteEndElement();
    }

    /// <summary>Closes the worksheet's XML and returns its content, from the start, for the workbook to copy.</summary>
    public Stream Finish()
    {
        if (!_finished)
        {
            _xml.WriteEndElement(); // sheetData
            _xml.WriteEndElement(); // worksheet
            _xml.Close();
            _file.Flush();
            _finished = true;
        }

        _file.Position = 0;
        return _file;
    }

    public void Dispose()
    {
        try
        {
            _xml.Dispose();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ArgumentException)
        {
            // Disposal after a failed run (an unfinished element): the run's own exception says what went wrong.
        }

        _file.Dispose(); // deletes the temporary file (DeleteOnClose)
    }

    /// <summary>Column letters of a 0-based column: A … Z, AA … .</summary>
    internal static string ColumnLetters(int index)
    {
        var letters = string.Empty;
        for (var n = index + 1; n > 0; n = (n - 1) / 26)
        {
            letters = (char)('A' + ((n - 1) % 26)) + letters;
        }

        return letters;
    }

    private void WriteHeader()
    {
        var row = StartRow();
        for (var c = 0; c < _layout.Columns.Count; c++)
        {
            WriteText(_columnLetters[c] + row, _layout.Columns[c].Name, HeaderStyle);
        }

        _xml.WriteEndElement();
    }

    private string StartRow()
    {
        Rows++;
        var row = Rows.ToString(CultureInfo.InvariantCulture);
        _rowAttributes[0] = new OpenXmlAttribute("r", string.Empty, row);
        _xml.WriteStartElement(_rowElement, _rowAttributes);
        return row;
    }

    private void WriteNumber(string reference, string number)
    {
        _numberAttributes[0] = new OpenXmlAttribute("r", string.Empty, reference);
        _xml.WriteStartElement(_cellElement, _numberAttributes);
        _xml.WriteElement(new CellValue(number));
        _xml.WriteEndElement();
    }

    private void WriteText(string reference, string text, string? style)
    {
        _textAttributes[0] = new OpenXmlAttribute("r", string.Empty, reference);
        IEnumerable<OpenXmlAttribute> attributes = style is null ? _textAttributes : [.. _textAttributes, new OpenXmlAttribute("s", string.Empty, style)];
        _xml.WriteStartElement(_cellElement, attributes);
        _xml.WriteStartElement(_inlineElement);

        // Leading or trailing blanks (and line breaks) survive only with xml:space="preserve", as Excel writes it.
        var preserve = text.Length > 0 && (char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1]));
        _xml.WriteElement(preserve ? new Text(text) { Space = SpaceProcessingModeValues.Preserve } : new Text(text));
        _xml.WriteEndElement();
        _xml.WriteEndElement();
    }
}
