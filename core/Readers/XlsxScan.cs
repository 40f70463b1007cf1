using System.Globalization;
using System.IO.Compression;
using System.Xml;

namespace Pipeline.Core.Readers;

/// <summary>What the scan found in one sheet: the columns it uses and its error cells (<c>t="e"</c>).</summary>
internal sealed class XlsxSheetFacts
{
    /// <summary>Columns used by a cell (the last one's 1-based index); 0 for a sheet without cells.</summary>
    public int Columns { get; set; }

    /// <summary>The used range as ExcelDataReader sees it: the last row and the last column (1-based), declared or used.</summary>
    public (long Rows, int Columns) Range { get; set; }

    /// <summary>Error cells by (1-based row, 0-based column): the error text (<c>#DIV/0!</c>), which ExcelDataReader reads as empty.</summary>
    public Dictionary<(long Row, int Column), string> Errors { get; } = [];
}

/// <summary>
/// Reads a workbook's XML once, streaming, before ExcelDataReader does, and holds it to <see cref="ExcelExportReaderOptions"/>:
/// ExcelDataReader trusts cell references and row numbers as indexes (a reference <c>ZZZZZZ2</c> sizes its rows, a
/// <c>&lt;row r="2000000000"&gt;</c> makes it walk every row before it), and keeps every shared string in memory.
/// No text is kept but error cells' codes, and no message quotes a cell's value.
/// </summary>
internal static class XlsxScan
{
    private const string WhatToDo = "Export the data again from CSPro as Excel (.xlsx), or upload a CSV export; a workbook edited by hand must stay within Excel's own limits.";
    private static readonly HashSet<string> ErrorCodes = new(StringComparer.Ordinal) { "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!" };
    private static readonly XmlReaderSettings Settings = new() { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true, IgnoreProcessingInstructions = true, CloseInput = true };

    /// <summary>Checks the shared strings and every sheet the workbook lists; the facts are keyed by sheet name.</summary>
    public static Dictionary<string, XlsxSheetFacts> Check(ZipArchive archive, string fileName, ExcelExportReaderOptions limits)
    {
        var part = "the shared strings";
        try
        {
            var sharedStrings = CheckSharedStrings(archive, fileName, limits);
            part = "the workbook's list of sheets";
            var facts = new Dictionary<string, XlsxSheetFacts>(StringComparer.Ordinal);
            var errors = 0;
            foreach (var (sheet, path) in SheetParts(archive, fileName))
            {
                // A listed sheet whose part the scan cannot find would reach ExcelDataReader unchecked: refuse it.
                var entry = archive.GetEntry(path) ?? throw new InputFileException(fileName, $"sheet '{sheet}' is listed in xl/workbook.xml but its part {path} is not in the workbook: the workbook is damaged.", WhatToDo);
                part = $"sheet '{sheet}'";
                facts[sheet] = CheckSheet(entry, sheet, fileName, limits, limits.MaxErrorCells - errors, sharedStrings);
                errors += facts[sheet].Errors.Count;
            }

            return facts;
        }
        catch (XmlException e)
        {
            throw new InputFileException(fileName, $"the XML of {part} cannot be read (line {e.LineNumber.ToString(CultureInfo.InvariantCulture)}, position {e.LinePosition.ToString(CultureInfo.InvariantCulture)}).", "The workbook is damaged: export it again from CSPro and upload it.", inner: e);
        }
        catch (InvalidDataException e)
        {
            throw new InputFileException(fileName, $"{part} cannot be unpacked: the workbook is damaged.", "Export it again from CSPro and upload it.", inner: e);
        }
    }

    /// <summary>Each sheet's name and the zip path of its part, from <c>xl/workbook.xml</c> and its relationships.</summary>
    private static List<(string Sheet, string Path)> SheetParts(ZipArchive archive, string fileName)
    {
        var targets = new Dictionary<string, string>(StringComparer.Ordinal);
        if (archive.GetEntry("xl/_rels/workbook.xml.rels") is { } rels)
        {
            using var reader = XmlReader.Create(rels.Open(), Settings);
            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "Relationship" && reader.GetAttribute("Id") is { } id && reader.GetAttribute("Target") is { } target)
                {
                    targets[id] = target.StartsWith('/') ? target[1..] : "xl/" + target;
                }
            }
        }

        var sheets = new List<(string, string)>();
        if (archive.GetEntry("xl/workbook.xml") is { } workbook)
        {
            using var reader = XmlReader.Create(workbook.Open(), Settings);
            while (reader.Read())
            {
                if (reader.NodeType != XmlNodeType.Element || reader.LocalName != "sheet")
                {
                    continue;
                }

                // Excel requires name, sheetId and r:id on every sheet; ExcelDataReader fails with a bare
                // ArgumentNullException on a sheet without sheetId (found by fuzzing), so it is checked here.
                var name = reader.GetAttribute("name");
                if (name is null || !uint.TryParse(reader.GetAttribute("sheetId"), NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    throw new InputFileException(fileName, $"sheet {(sheets.Count + 1).ToString(CultureInfo.InvariantCulture)} listed in xl/workbook.xml has no {(name is null ? "name" : "valid sheetId")}: the workbook is damaged.", "Export the data again from CSPro as Excel (.xlsx) and upload it, or upload a CSV export.");
                }

                if (reader.GetAttribute("id", "http://schemas.openxmlformats.org/officeDocument/2006/relationships") is { } id && targets.TryGetValue(id, out var path))
                {
                    sheets.Add((name, path));
                }
            }
        }

        return sheets;
    }

    /// <summary>Checks the shared strings against the limits and returns how many there are.</summary>
    private static long CheckSharedStrings(ZipArchive archive, string fileName, ExcelExportReaderOptions limits)
    {
        if (archive.GetEntry("xl/sharedStrings.xml") is not { } entry)
        {
            return 0;
        }

        using var reader = XmlReader.Create(entry.Open(), Settings);
        long strings = 0, chars = 0;
        var buffer = new char[4096];
        while (reader.Read())
        {
            if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "si" && ++strings > limits.MaxSharedStrings)
            {
                throw new InputFileException(fileName, $"the workbook has more than {limits.MaxSharedStrings.ToString(CultureInfo.InvariantCulture)} shared strings (setting Ingest:Readers:Excel:MaxSharedStrings).", WhatToDo);
            }

            if (IsText(reader.NodeType))
            {
                var length = TextLength(reader, buffer, limits.MaxCellChars);
                if (length > limits.MaxCellChars)
                {
                    throw new InputFileException(fileName, $"shared string {strings.ToString(CultureInfo.InvariantCulture)} of the workbook is longer than {limits.MaxCellChars.ToString(CultureInfo.InvariantCulture)} characters (setting Ingest:Readers:Excel:MaxCellChars).", WhatToDo);
                }

                chars += length;
                if (chars > limits.MaxSharedStringChars)
                {
                    throw new InputFileException(fileName, $"the shared strings of the workbook hold more than {limits.MaxSharedStringChars.ToString(CultureInfo.InvariantCulture)} characters (setting Ingest:Readers:Excel:MaxSharedStringChars).", WhatToDo);
                }
            }
        }

        return strings;
    }

    private static XlsxSheetFacts CheckSheet(ZipArchiveEntry entry, string sheet, string fileName, ExcelExportReaderOptions limits, int errorsLeft, long sharedStrings)
    {
        var facts = new XlsxSheetFacts();
        using var reader = XmlReader.Create(entry.Open(), Settings);
        var buffer = new char[4096];
        long row = 0;
        var cellsInRow = 0;
        var column = -1;
        string? cell = null;
        var isError = false;
        var isShared = false;
        var inValue = false;
        while (reader.Read())
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element when reader.LocalName == "dimension":
                    facts.Range = CheckDimension(reader.GetAttribute("ref"), sheet, fileName, limits);
                    break;
                case XmlNodeType.Element when reader.LocalName == "row":
                    row = RowNumber(reader.GetAttribute("r"), row, sheet, fileName, limits);
                    (cellsInRow, column) = (0, -1);
                    facts.Range = (Math.Max(facts.Range.Rows, row), facts.Range.Columns);
                    CheckRange(facts, sheet, fileName, limits);
                    break;
                case XmlNodeType.Element when reader.LocalName == "c":
                    if (++cellsInRow > limits.MaxColumns)
                    {
                        throw new InputFileException(fileName, $"row {row.ToString(CultureInfo.InvariantCulture)} of sheet '{sheet}' has more than {limits.MaxColumns.ToString(CultureInfo.InvariantCulture)} cells (setting Ingest:Readers:Excel:MaxColumns).", WhatToDo, row: row);
                    }

                    (column, cell) = CellColumn(reader.GetAttribute("r"), column, row, sheet, fileName, limits);
                    facts.Columns = Math.Max(facts.Columns, column + 1);
                    if (facts.Columns > facts.Range.Columns)
                    {
                        facts.Range = (facts.Range.Rows, facts.Columns);
                        CheckRange(facts, sheet, fileName, limits);
                    }

                    var type = reader.GetAttribute("t");
                    (isError, isShared) = (type == "e", type == "s");
                    break;
                case XmlNodeType.Element when reader.LocalName is "v" or "t" && !reader.IsEmptyElement:
                    inValue = true;
                    break;
                case XmlNodeType.EndElement when reader.LocalName is "v" or "t":
                    inValue = false;
                    break;
                case var node when inValue && IsText(node):
                    if (isShared)
                    {
                        // A shared-string cell holds an index into xl/sharedStrings.xml; one beyond it is a damaged workbook
                        // (ExcelDataReader would read the cell as empty without a word).
                        var n = reader.CanReadValueChunk ? reader.ReadValueChunk(buffer, 0, 20) : 0;
                        var text = reader.CanReadValueChunk ? new string(buffer, 0, n) : reader.Value;
                        if (!long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= sharedStrings)
                        {
                            throw new InputFileException(fileName, $"cell {cell} of sheet '{sheet}' refers to {(index > 0 || text.Trim() == "0" ? "shared string number " + index.ToString(CultureInfo.InvariantCulture) : "a shared string by something that is not a number")}, but the workbook has {sharedStrings.ToString(CultureInfo.InvariantCulture)} (xl/sharedStrings.xml): the workbook is damaged.", "Export the data again from CSPro as Excel (.xlsx), or upload a CSV export.", row: row, column: cell);
                        }
                    }

                    if (isError)
                    {
                        // Error codes are short (#DIV/0!, #N/A); keep 16 characters at most, then count the rest as any text.
                        var n = reader.CanReadValueChunk ? reader.ReadValueChunk(buffer, 0, 16) : 0;
                        var code = reader.CanReadValueChunk ? new string(buffer, 0, n) : reader.Value;
                        // Only Excel's own codes are repeated in messages: a hand-edited error cell may hold any text.
                        facts.Errors[(row, column)] = ErrorCodes.Contains(code.Trim()) ? code.Trim() : string.Empty;
                        if (facts.Errors.Count > errorsLeft)
                        {
                            throw new InputFileException(fileName, $"the workbook has more than {limits.MaxErrorCells.ToString(CultureInfo.InvariantCulture)} error cells (#DIV/0!, #N/A, …; setting Ingest:Readers:Excel:MaxErrorCells), the last at cell {cell} of sheet '{sheet}'.", "CSPro writes no formulas: export the data again from CSPro as Excel (.xlsx), or upload a CSV export.", row: row, column: cell);
                        }
                    }

                    if (TextLength(reader, buffer, limits.MaxCellChars) > limits.MaxCellChars)
                    {
                        throw new InputFileException(fileName, $"cell {cell} of sheet '{sheet}' holds more than {limits.MaxCellChars.ToString(CultureInfo.InvariantCulture)} characters (setting Ingest:Readers:Excel:MaxCellChars).", WhatToDo, row: row, column: cell);
                    }

                    break;
                default:
                    break;
            }
        }

        return facts;
    }

    private static bool IsText(XmlNodeType type) => type is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace or XmlNodeType.Whitespace;

    /// <summary>The length of the current text node, read in chunks and stopped past <paramref name="limit"/>: a huge cell is never held.</summary>
    private static long TextLength(XmlReader reader, char[] buffer, int limit)
    {
        if (!reader.CanReadValueChunk)
        {
            return reader.Value.Length;
        }

        long length = 0;
        int n;
        while ((n = reader.ReadValueChunk(buffer, 0, buffer.Length)) > 0)
        {
            length += n;
            if (length > limit)
            {
                break;
            }
        }

        return length;
    }

    private static long RowNumber(string? r, long previous, string sheet, string fileName, ExcelExportReaderOptions limits)
    {
        if (r is null)
        {
            return previous + 1; // r is optional: the row after the previous one
        }

        if (!long.TryParse(r, NumberStyles.None, CultureInfo.InvariantCulture, out var row) || row < 1 || row > limits.MaxRows)
        {
            throw new InputFileException(fileName, $"sheet '{sheet}' has a row numbered {Shorten(r)}, beyond row {limits.MaxRows.ToString(CultureInfo.InvariantCulture)} (setting Ingest:Readers:Excel:MaxRows) or not a row number.", WhatToDo, row: previous + 1);
        }

        return row;
    }

    /// <summary>The 0-based column of a cell and its reference for messages; a cell without <c>r</c> follows the previous one.</summary>
    private static (int Column, string Reference) CellColumn(string? r, int previous, long row, string sheet, string fileName, ExcelExportReaderOptions limits)
    {
        if (r is null)
        {
            var next = previous + 1;
            return (next, ExcelExportReader.ColumnLetter(next) + row.ToString(CultureInfo.InvariantCulture));
        }

        var (column, cellRow) = Parse(r);
        if (column < 0 || column >= limits.MaxColumns || cellRow < 1 || cellRow > limits.MaxRows)
        {
            throw new InputFileException(fileName, $"cell {Shorten(r)} of sheet '{sheet}' is beyond column {ExcelExportReader.ColumnLetter(limits.MaxColumns - 1)} or row {limits.MaxRows.ToString(CultureInfo.InvariantCulture)} (settings Ingest:Readers:Excel:MaxColumns and MaxRows), or not a cell reference.", WhatToDo, row: row, column: Shorten(r));
        }

        return (column, r);
    }

    private static (long Rows, int Columns) CheckDimension(string? reference, string sheet, string fileName, ExcelExportReaderOptions limits)
    {
        (long Rows, int Columns) range = (0, 0);
        foreach (var corner in (reference ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var (column, row) = Parse(corner);
            if (column < 0 || column >= limits.MaxColumns || row < 1 || row > limits.MaxRows)
            {
                throw new InputFileException(fileName, $"sheet '{sheet}' declares its used range as {Shorten(reference!)}, beyond column {ExcelExportReader.ColumnLetter(limits.MaxColumns - 1)} or row {limits.MaxRows.ToString(CultureInfo.InvariantCulture)} (settings Ingest:Readers:Excel:MaxColumns and MaxRows).", WhatToDo);
            }

            range = (Math.Max(range.Rows, row), Math.Max(range.Columns, column + 1));
        }

        return range;
    }

    private static void CheckRange(XlsxSheetFacts facts, string sheet, string fileName, ExcelExportReaderOptions limits)
    {
        var (rows, columns) = facts.Range;
        if (rows * columns > limits.MaxSheetCells)
        {
            throw new InputFileException(fileName, $"sheet '{sheet}' spans {rows.ToString(CultureInfo.InvariantCulture)} rows and {columns.ToString(CultureInfo.InvariantCulture)} columns (to cell {ExcelExportReader.ColumnLetter(columns - 1)}{rows.ToString(CultureInfo.InvariantCulture)}), more than {limits.MaxSheetCells.ToString(CultureInfo.InvariantCulture)} cells (setting Ingest:Readers:Excel:MaxSheetCells); every row up to the last would be read.", WhatToDo, row: rows);
        }
    }

    /// <summary>
    /// A reference such as <c>AB12</c> as a 0-based column and a 1-based row; -1 for a part that is missing, not
    /// letters-then-digits, or longer than Excel's (3 letters, 7 digits), so that no arithmetic can overflow.
    /// </summary>
    internal static (int Column, long Row) Parse(string reference)
    {
        var letters = 0;
        while (letters < reference.Length && char.IsAsciiLetter(reference[letters]))
        {
            letters++;
        }

        var digits = reference.AsSpan(letters);
        if (letters is 0 or > 3 || digits.Length is 0 or > 7 || digits.ContainsAnyExceptInRange('0', '9'))
        {
            return (-1, -1);
        }

        var column = 0;
        foreach (var c in reference.AsSpan(0, letters))
        {
            column = (column * 26) + (char.ToUpperInvariant(c) - 'A' + 1);
        }

        return (column - 1, long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture));
    }

    private static string Shorten(string s) => s.Length <= 16 ? s : s[..16] + "…";
}
