using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Xml;
using ExcelDataReader;
using Pipeline.Core.Dictionary;
using Pipeline.Core.Engine;
using Pipeline.Core.Packs;

namespace Pipeline.Core.Readers;

/// <summary>
/// Reads an Excel workbook (<c>.xlsx</c>) exported by CSPro 8 (Data Viewer/Manager export or an export data source):
/// one sheet per record, named after the record (its name or its label, possibly cut to Excel's 31 characters), row 1
/// a header of item names (<c>NAME_k</c> for occurrences), one row per record occurrence. Values follow the delimited
/// export: an empty cell is not applicable, text passes as is, numbers are written invariantly; <c>DEFAULT</c> or any
/// other text in a numeric item is left for the validator to report.
/// <para>
/// The workbook is copied to a temporary file (zip needs random access) and held to the limits of
/// <see cref="ZipBundleOptions"/> before ExcelDataReader opens it. <see cref="SourceRow.Row"/> is the row of the sheet
/// (the header is row 1). Empty rows are skipped and counted in <see cref="EmptyRows"/>. The upload stream is read to
/// its end while it is copied, and left open: the caller still owns it.
/// </para>
/// </summary>
public sealed class ExcelExportReader : IExportReader
{
    private static readonly char[] SheetNameForbidden = [':', '\\', '/', '?', '*', '[', ']'];
    private readonly TempSpool _spool;
    private readonly FileStream _file;
    private readonly IExcelDataReader _excel;
    private readonly List<SheetPlan> _sheets;
    private readonly OccurrenceCounter _occurrences = new();
    private readonly ShortStringPool _pool = new(); // subitem codes repeat on every row; rows are read one at a time

    static ExcelExportReader()
    {
        // ExcelDataReader's configuration asks for code page 1252 (for legacy .xls) even when reading .xlsx; .NET ships
        // the code pages but only serves them once the provider is registered. Registering is idempotent and global.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    private ExcelExportReader(TempSpool spool, FileStream file, IExcelDataReader excel, List<SheetPlan> sheets, string fileName)
    {
        _spool = spool;
        _file = file;
        _excel = excel;
        _sheets = sheets;
        FileName = fileName;
    }

    public string Format => "excel";

    public string FileName { get; }

    /// <summary>Each sheet with the record it holds, in workbook order.</summary>
    public IReadOnlyList<(string Sheet, string Record)> Sheets => _sheets.Select(s => (s.Name, s.Layout.Record.Name)).ToList();

    /// <summary>Rows whose cells were all empty (skipped).</summary>
    public long EmptyRows { get; private set; }

    /// <summary>Per record, header columns that are dictionary items the layout has no column for (IDs of levels 2 and 3).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ItemsWithoutColumn =>
        _sheets.Where(s => s.Ignored.Count > 0).ToDictionary(s => s.Layout.Record.Name, s => (IReadOnlyList<string>)s.Ignored, StringComparer.OrdinalIgnoreCase);

    /// <summary>Copies and checks the workbook, then matches every sheet and its header to a record of the pack's dictionary.</summary>
    public static Task<ExcelExportReader> CreateAsync(Stream content, string fileName, SurveyPack pack, ZipBundleOptions? limits = null, CancellationToken cancellationToken = default) =>
        CreateAsync(content, fileName, pack, limits, null, cancellationToken);

    /// <summary>
    /// Copies and checks the workbook (zip limits, then <paramref name="options"/> on its XML), then matches every sheet and
    /// its header to a record of the pack's dictionary.
    /// </summary>
    public static async Task<ExcelExportReader> CreateAsync(Stream content, string fileName, SurveyPack pack, ZipBundleOptions? limits, ExcelExportReaderOptions? options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(pack);
        limits ??= new ZipBundleOptions();
        options ??= new ExcelExportReaderOptions();
        var spool = await TempSpool.CreateAsync(content, fileName, ".xlsx", limits.MaxTotalUncompressedBytes, cancellationToken).ConfigureAwait(false);

        FileStream? file = null;
        IExcelDataReader? excel = null;
        Dictionary<string, XlsxSheetFacts> facts;
        try
        {
            using (var archive = await ZipLimits.OpenAsync(spool, fileName, limits, "Excel workbook", cancellationToken).ConfigureAwait(false))
            {
                if (archive.GetEntry("xl/workbook.xml") is null)
                {
                    throw new InputFileException(fileName, "this zip is not an Excel workbook (it has no xl/workbook.xml).", "Upload the .xlsx that CSPro exported, or a zip bundle of CSPro files.");
                }

                facts = XlsxScan.Check(archive, fileName, options);
            }

            file = new FileStream(spool.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            excel = Open(file, fileName);
            var sheets = MatchSheets(excel, fileName, pack, facts);
            excel.Reset();
            return new ExcelExportReader(spool, file, excel, sheets, fileName);
        }
        catch
        {
            excel?.Dispose();
            if (file is not null)
            {
                await file.DisposeAsync().ConfigureAwait(false);
            }

            await spool.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async IAsyncEnumerable<SourceRow> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(false); // ExcelDataReader is synchronous; rows are produced as they are parsed
        for (var s = 0; s < _sheets.Count; s++)
        {
            var sheet = _sheets[s];
            if (s > 0 && !Step(() => _excel.NextResult(), sheet, 0))
            {
                yield break;
            }

            long row = 0;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!Step(() => _excel.Read(), sheet, row + 1))
                {
                    break;
                }

                row++;
                if (row == 1)
                {
                    continue; // the header, matched in CreateAsync
                }

                if (ToRow(sheet, row) is { } sourceRow)
                {
                    yield return sourceRow;
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _excel.Dispose();
        await _file.DisposeAsync().ConfigureAwait(false);
        await _spool.DisposeAsync().ConfigureAwait(false);
    }

    private SourceRow? ToRow(SheetPlan sheet, long row)
    {
        var fields = new string?[sheet.Layout.Columns.Count];
        var empty = true;
        string? problem = null;
        // Only the columns a cell uses: a declared range wider than the cells (A1:XFD1) must not cost every row 16,384 reads.
        var width = Math.Min(_excel.FieldCount, sheet.Facts.Columns);
        for (var i = 0; i < width; i++)
        {
            if (sheet.Facts.Errors.Count > 0 && sheet.Facts.Errors.TryGetValue((row, i), out var error))
            {
                // ExcelDataReader reads an error cell as empty; a failed formula is not "not applicable".
                empty = false;
                problem = problem is null ? ErrorCell(sheet, row, i, error) : $"{problem}; {ErrorCell(sheet, row, i, error)}";
                continue;
            }

            var text = Cell(_excel.GetValue(i));
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            empty = false;
            var target = i < sheet.Map.Length ? sheet.Map[i] : -1;
            if (target >= 0)
            {
                fields[target] = text;
            }
            else if (i >= sheet.Map.Length || sheet.IsBlankHeader(i))
            {
                // The value is not quoted: a column without a header may be anything, a name included.
                problem ??= $"cell {ColumnLetter(i)}{row.ToString(CultureInfo.InvariantCulture)} of sheet '{sheet.Name}' has a value but its column has no header, so the value is not read";
            }
        }

        if (empty)
        {
            EmptyRows++;
            return null;
        }

        sheet.Layout.DeriveSubitems(fields, _pool);
        var sourceRow = new SourceRow(sheet.Layout, row, fields, problem);
        var extra = _occurrences.Count(sourceRow);
        return extra is null ? sourceRow : sourceRow with { StructuralProblem = OccurrenceCounter.Join(problem, extra) };
    }

    private bool Step(Func<bool> step, SheetPlan sheet, long row)
    {
        try
        {
            return step();
        }
        catch (Exception e) when (IsDamagedWorkbook(e))
        {
            throw new InputFileException(FileName, $"sheet '{sheet.Name}' cannot be read at row {row.ToString(CultureInfo.InvariantCulture)}: {Describe(e)}.", "The workbook is damaged: export it again from CSPro and upload it.", row: row, inner: e);
        }
    }

    /// <summary>
    /// What ExcelDataReader throws on a damaged workbook, wherever it reads (opening, a header, a row, the next sheet):
    /// besides XML and zip errors, it parses attributes with <c>int.Parse</c>, which throws <see cref="FormatException"/>,
    /// <see cref="OverflowException"/> or <see cref="ArgumentNullException"/> on a missing or huge number (found by fuzzing).
    /// </summary>
    private static bool IsDamagedWorkbook(Exception e) =>
        e is XmlException or InvalidDataException or FormatException or InvalidOperationException or NotSupportedException or ArgumentException or OverflowException or ExcelDataReader.Exceptions.ExcelReaderException;

    /// <summary>
    /// The damage in words, never the exception's message: .NET quotes the text it failed on ("The input string 'Juan
    /// Perez' was not in a correct format", "'x' is an unexpected token"), and that text may be a personal value.
    /// </summary>
    private static string Describe(Exception e) => e switch
    {
        XmlException x => $"its XML is malformed at line {x.LineNumber.ToString(CultureInfo.InvariantCulture)}, position {x.LinePosition.ToString(CultureInfo.InvariantCulture)}",
        InvalidDataException => "its compressed data is damaged",
        FormatException or OverflowException or ArgumentException => "a number or reference in its XML cannot be read",
        _ => $"ExcelDataReader cannot read it ({e.GetType().Name})",
    };

    private static IExcelDataReader Open(FileStream file, string fileName)
    {
        try
        {
            return ExcelReaderFactory.CreateOpenXmlReader(file, new ExcelReaderConfiguration { LeaveOpen = true, FallbackEncoding = DictionaryReader.Windows1252 });
        }
        catch (Exception e) when (IsDamagedWorkbook(e))
        {
            throw new InputFileException(fileName, $"this is not a readable Excel workbook: {Describe(e)}.", "Export the data again from CSPro as Excel (.xlsx) and upload it, or upload a CSV export.", inner: e);
        }
    }

    private static List<SheetPlan> MatchSheets(IExcelDataReader excel, string fileName, SurveyPack pack, Dictionary<string, XlsxSheetFacts> facts)
    {
        var sheets = new List<SheetPlan>();
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        do
        {
            var name = excel.Name ?? string.Empty;
            var record = FindRecord(pack.Dictionary, name)
                ?? throw new InputFileException(fileName, $"sheet '{name}' matches no record of dictionary {pack.Dictionary.Name}; sheets must be named after a record (its name or its label). Records: {string.Join(", ", pack.Dictionary.Records.Select(r => r.Name))}.", "Export from CSPro with one sheet per record, or rename the sheet to the record's name.");
            if (seen.TryGetValue(record.Name, out var other))
            {
                throw new InputFileException(fileName, $"sheets '{other}' and '{name}' both hold record {record.Name}.", "Keep one sheet per record.");
            }

            seen[record.Name] = name;
            object?[] header;
            try
            {
                header = excel.Read() ? Enumerable.Range(0, excel.FieldCount).Select(excel.GetValue).ToArray() : [];
            }
            catch (Exception e) when (IsDamagedWorkbook(e))
            {
                throw new InputFileException(fileName, $"sheet '{name}' cannot be read: {Describe(e)}.", "Export the data again from CSPro as Excel (.xlsx).", row: 1, inner: e);
            }

            var plan = SheetPlan.Create(name, header.Select(h => Cell(h)?.Trim() ?? string.Empty).ToArray(), RecordLayout.For(pack, record), pack, fileName);
            plan.Facts = facts.GetValueOrDefault(name) ?? new XlsxSheetFacts { Columns = header.Length };
            sheets.Add(plan);
        }
        while (NextSheet(excel, fileName));

        return sheets;
    }

    private static bool NextSheet(IExcelDataReader excel, string fileName)
    {
        try
        {
            return excel.NextResult();
        }
        catch (Exception e) when (IsDamagedWorkbook(e))
        {
            throw new InputFileException(fileName, $"a sheet after '{excel.Name}' cannot be read: {Describe(e)}.", "Export the data again from CSPro as Excel (.xlsx).", inner: e);
        }
    }

    private static DictionaryRecord? FindRecord(DataDictionary dictionary, string sheet)
    {
        var wanted = Clean(sheet);
        return dictionary.Records.FirstOrDefault(r => Candidates(r).Any(c => string.Equals(c, wanted, StringComparison.OrdinalIgnoreCase)));

        static IEnumerable<string> Candidates(DictionaryRecord record)
        {
            foreach (var name in new[] { record.Name, record.Label }.Where(n => n.Length > 0))
            {
                var clean = Clean(name);
                yield return clean;
                yield return clean.Length > 31 ? clean[..31].TrimEnd() : clean; // Excel's sheet-name limit
            }
        }

        static string Clean(string name) => string.Concat(name.Where(c => Array.IndexOf(SheetNameForbidden, c) < 0)).Trim();
    }

    internal static string? Cell(object? value) => value switch
    {
        null or DBNull => null,
        string s => s,
        double d => d == Math.Floor(d) && Math.Abs(d) < 1e15 ? ((long)d).ToString(CultureInfo.InvariantCulture) : d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "1" : "0",
        DateTime t => t.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    private static string ErrorCell(SheetPlan sheet, long row, int column, string error) =>
        $"cell {ColumnLetter(column)}{row.ToString(CultureInfo.InvariantCulture)} of sheet '{sheet.Name}' holds {(error.Length > 0 ? "the error " + error : "an error value")} (a formula that failed), not a value";

    internal static string ColumnLetter(int index)
    {
        var letters = string.Empty;
        for (var n = index + 1; n > 0; n = (n - 1) / 26)
        {
            letters = (char)('A' + ((n - 1) % 26)) + letters;
        }

        return letters;
    }

    /// <summary>One sheet: its record's layout and, per sheet column, the layout column it fills (-1 for none).</summary>
    private sealed class SheetPlan
    {
        private readonly string[] _header;

        private SheetPlan(string name, string[] header, RecordLayout layout, int[] map, List<string> ignored)
        {
            Name = name;
            _header = header;
            Layout = layout;
            Map = map;
            Ignored = ignored;
        }

        public string Name { get; }

        public RecordLayout Layout { get; }

        public int[] Map { get; }

        public List<string> Ignored { get; }

        /// <summary>What the scan found: the columns the sheet uses and its error cells.</summary>
        public XlsxSheetFacts Facts { get; set; } = new();

        public bool IsBlankHeader(int column) => column >= _header.Length || _header[column].Length == 0;

        public static SheetPlan Create(string name, string[] header, RecordLayout layout, SurveyPack pack, string fileName)
        {
            const string export = "Export from CSPro with item names as the header (not labels), one sheet per record.";
            var lastNamed = Array.FindLastIndex(header, h => h.Length > 0);
            if (lastNamed < 0)
            {
                throw new InputFileException(fileName, $"sheet '{name}' has no header row: row 1 is empty, so its columns cannot be matched to the items of record {layout.Record.Name}.", export, row: 1);
            }

            header = header[..(lastNamed + 1)];
            var dictionary = pack.Dictionary;
            var lowerIds = dictionary.Levels.Skip(1).SelectMany(l => l.IdItems).Select(i => i.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var map = new int[header.Length];
            var ignored = new List<string>();
            var unknown = new List<string>();
            for (var i = 0; i < header.Length; i++)
            {
                map[i] = header[i].Length == 0 ? -1 : layout.IndexOf(header[i]);
                if (map[i] < 0 && header[i].Length > 0)
                {
                    if (lowerIds.Contains(header[i]))
                    {
                        ignored.Add(header[i]);
                    }
                    else
                    {
                        unknown.Add($"{ColumnLetter(i)} '{header[i]}'");
                    }
                }
            }

            if (unknown.Count > 0)
            {
                var labels = layout.Columns.Select(c => c.Item.Label).Where(l => l.Length > 0).ToHashSet(StringComparer.OrdinalIgnoreCase);
                var looksLikeLabels = header.Count(labels.Contains) * 2 >= unknown.Count;
                RejectIfNotAHeader(name, header, unknown.Count, looksLikeLabels, layout, fileName);
                var hint = looksLikeLabels ? " The header looks like item labels; CSPro writes labels by default (header=labels), but only names identify items unambiguously." : string.Empty;
                throw new InputFileException(fileName, $"the header of sheet '{name}' has columns that are not items of record {layout.Record.Name}: {string.Join(", ", unknown.Take(10))}{(unknown.Count > 10 ? $" and {unknown.Count - 10} more" : string.Empty)}.{hint}", export, row: 1);
            }

            var duplicates = header.Where(h => h.Length > 0).GroupBy(h => h, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
            if (duplicates.Count > 0)
            {
                throw new InputFileException(fileName, $"the header of sheet '{name}' names {string.Join(", ", duplicates)} more than once.", export, row: 1);
            }

            var missingIds = layout.IdColumns.Select(i => layout.Columns[i].Name).Where(id => !header.Contains(id, StringComparer.OrdinalIgnoreCase)).ToList();
            if (missingIds.Count > 0)
            {
                throw new InputFileException(fileName, $"sheet '{name}' has no column for the ID items {string.Join(", ", missingIds)}, so its cases cannot be identified.", "Export with the ID items included (CSPro's default).", row: 1);
            }

            return new SheetPlan(name, header, layout, map, ignored);
        }

        /// <summary>
        /// Refuses a row 1 of which at most half the named cells are items (or labels): it is data (a sheet exported
        /// without its header), and its cells (names, GPS) must not be quoted back as unknown columns.
        /// </summary>
        private static void RejectIfNotAHeader(string name, string[] header, int unknown, bool looksLikeLabels, RecordLayout layout, string fileName)
        {
            var named = header.Count(h => h.Length > 0);
            if (looksLikeLabels || unknown * 2 < named)
            {
                return;
            }

            var known = named - unknown;
            var what = known == 0 ? "none" : $"only {known.ToString(CultureInfo.InvariantCulture)}";
            throw new InputFileException(fileName, $"row 1 of sheet '{name}' is not a header: {what} of its {named.ToString(CultureInfo.InvariantCulture)} cells is an item name of record {layout.Record.Name}.", "Export from CSPro with item names in row 1 (not labels, not without a header), one sheet per record.", row: 1);
        }
    }
}
