using System.Globalization;
using Pipeline.Core.Readers;
using Pipeline.Generator.Cases;

namespace Pipeline.Generator.Writers;

/// <summary>
/// CSPro 8's Excel export (<c>zExportO/ExcelExportWriter.cpp</c>): one <c>.xlsx</c> workbook with a worksheet per record
/// in dictionary order, named after the record, even when the record has no occurrence; row 1 a bold header of item
/// names laid out as <see cref="RecordLayout"/> lays them out (IDs, then items, occurrences as NAME_k); one row per
/// record occurrence below it. Cells are written by <see cref="XlsxSheetSpool"/> and the workbook is put together by
/// <see cref="XlsxPackage"/>. Memory does not grow with the cases: each sheet's rows go to a temporary file beside the
/// workbook until <see cref="CompleteAsync"/> copies them in (so the folder needs about the sheets' XML, several
/// times the workbook, free while it runs). A sheet holds at most <see cref="XlsxLimits.MaxDataRows"/> rows;
/// <see cref="ExportGenerator"/> checks the run against that before writing.
/// </summary>
internal sealed class XlsxCaseWriter : ICaseWriter
{
    private readonly string _path;
    private readonly List<XlsxSheetSpool> _sheets = [];
    private readonly Dictionary<string, XlsxSheetSpool> _byRecord = new(StringComparer.Ordinal);

    public XlsxCaseWriter(string path, IEnumerable<RecordLayout> layouts)
    {
        _path = path;
        var list = layouts.ToList();
        var names = SheetNames.For(list.Select(l => l.Record.Name));
        try
        {
            for (var i = 0; i < list.Count; i++)
            {
                var spool = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.sheet{i + 1}.tmp");
                var sheet = new XlsxSheetSpool(names[i], list[i], spool);
                _sheets.Add(sheet);
                _byRecord[list[i].Record.Name] = sheet;
            }
        }
        catch
        {
            _sheets.ForEach(s => s.Dispose());
            throw;
        }
    }

    public ValueTask WriteAsync(GeneratedCase generated, CancellationToken cancellationToken)
    {
        foreach (var record in generated.Records)
        {
            _byRecord[record.Record.Name].Add(record.Values);
        }

        return ValueTask.CompletedTask;
    }

    public async Task<IReadOnlyList<GeneratedFile>> CompleteAsync(CancellationToken cancellationToken)
    {
        await XlsxPackage.WriteAsync(_path, _sheets, cancellationToken).ConfigureAwait(false);
        return [new GeneratedFile(_path, ExportFormats.Xlsx, new FileInfo(_path).Length, _sheets.Sum(s => s.DataRows), null)];
    }

    public ValueTask DisposeAsync()
    {
        _sheets.ForEach(s => s.Dispose());
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Worksheet names as CSPro makes them from record names (<c>ExcelWriter::CreateValidWorksheetName</c>,
    /// <c>ExportWriterBase::CreateFormattedName</c>): "History" is reserved, so such a record gets <c>_1</c>; the
    /// characters Excel forbids (<c>[]:*?/\</c>) are dropped, apostrophes trimmed from the ends, the name cut to 31
    /// characters, and a name already used gets <c>_1</c>, <c>_2</c>, … within those 31.
    /// </summary>
    internal static class SheetNames
    {
        private const int MaxLength = 31;

        public static List<string> For(IEnumerable<string> records)
        {
            var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var names = new List<string>();
            foreach (var record in records)
            {
                var name = string.Equals(record, "History", StringComparison.OrdinalIgnoreCase) ? record + "_1" : record;
                name = string.Concat(name.Where(c => "[]:*?/\\".IndexOf(c, StringComparison.Ordinal) < 0)).Trim('\'');
                name = name.Length == 0 ? $"Sheet{names.Count + 1}" : name[..Math.Min(name.Length, MaxLength)];
                var stem = name;
                for (var k = 1; used.Contains(name); k++)
                {
                    var suffix = "_" + k.ToString(CultureInfo.InvariantCulture);
                    name = stem[..Math.Min(stem.Length, MaxLength - suffix.Length)] + suffix;
                }

                used.Add(name);
                names.Add(name);
            }

            return names;
        }
    }
}
