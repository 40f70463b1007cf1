using System.Globalization;
using System.Text;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using DocumentFormat.OpenXml.Validation;
using ExcelDataReader;
using Pipeline.Core.Findings;
using Pipeline.Core.Lake;
using Pipeline.Core.Reporting;
using Pipeline.Reporting.Tests.Support;

namespace Pipeline.Reporting.Tests;

/// <summary>
/// The CSV and Excel exports of the sample run hold the same numbers as fact_findings.parquet, read by DuckDB; the
/// workbook is valid Office Open XML (the Open XML SDK's validator) and opens with ExcelDataReader.
/// </summary>
[Collection(SampleRunCollection.Name)]
public sealed class FindingsExportTests(SampleRun sample)
{
    private const string Survey = "peru-coffee-cacao";

    private static readonly string[] FactColumns =
    [
        "run_id", "indicator_id", "breakdown_id", "cell_key", "estimate", "standard_error", "ci_low", "ci_high", "deff",
        "weighted_numerator", "weighted_denominator", "unweighted_n", "degrees_of_freedom", "published", "flags",
    ];

    [Fact]
    public async Task ExcelExport_SampleRun_HoldsTheNumbersOfTheFactParquet()
    {
        var xlsx = await sample.DownloadAsync(LakeZone.Findings, FindingsReportPublisher.PathOf(Survey, sample.Run.Status.Record.RunId, FindingsReportPublisher.XlsxFile));

        var sheet = ReadFirstSheet(xlsx);

        // The Peru pack's language is Spanish: the headers are the catalogue's, in the order of the Parquet names.
        Assert.Equal(FindingsExport.ColumnsIn("es"), sheet[0].Select(v => (string)v!));
        AssertSameFacts(await FactRowsAsync(), sheet.Skip(1).Select(r => FindingsExport.Columns.Select((h, i) => (h, r[i])).ToDictionary()).ToList());
    }

    [Fact]
    public async Task ExcelExport_SampleRun_IsValidOfficeOpenXmlWithSpanishTitlesAndLabels()
    {
        var xlsx = await sample.DownloadAsync(LakeZone.Findings, FindingsReportPublisher.PathOf(Survey, sample.Run.Status.Record.RunId, FindingsReportPublisher.XlsxFile));

        using var document = SpreadsheetDocument.Open(xlsx, isEditable: false);
        var errors = new OpenXmlValidator().Validate(document).Select(e => $"{e.Part?.Uri} {e.Path?.XPath}: {e.Description}").ToList();

        Assert.Empty(errors);
        Assert.Equal(["resultados", "ejecucion", "columnas"], document.WorkbookPart!.Workbook.Sheets!.Elements<Sheet>().Select(s => s.Name!.Value));
        var rows = ReadFirstSheet(xlsx);
        var (titleColumn, labelColumn) = (FindingsExport.Columns.ToList().IndexOf("indicator_title"), FindingsExport.Columns.ToList().IndexOf("cell_label"));
        Assert.Equal(("titulo_indicador", "etiqueta_celda"), ((string)rows[0][titleColumn]!, (string)rows[0][labelColumn]!));
        // indicators.yaml's titleIn.es, and the cell labels of the dictionary's Spanish (ES) value labels.
        Assert.Contains(rows, r => Equals(r[titleColumn], "Pertenece a una asociación, cooperativa o comité de productores") && Equals(r[labelColumn], "Todos"));
        Assert.Contains(rows, r => Equals(r[labelColumn], "Alianza Perú Café"));
        Assert.Contains(rows, r => Equals(r[labelColumn], "Mujer"));
    }

    [Fact]
    public async Task ExcelExport_SampleRun_HasAFrozenFilteredHeaderAndTypedNumberCells()
    {
        var xlsx = await sample.DownloadAsync(LakeZone.Findings, FindingsReportPublisher.PathOf(Survey, sample.Run.Status.Record.RunId, FindingsReportPublisher.XlsxFile));

        using var document = SpreadsheetDocument.Open(xlsx, isEditable: false);
        var workbook = document.WorkbookPart!;
        var sheet = workbook.WorksheetParts.First(w => workbook.GetIdOfPart(w) == workbook.Workbook.Sheets!.Elements<Sheet>().First().Id!.Value).Worksheet;
        var last = $"V{sample.Run.Rows.Count + 1}"; // 22 columns: A to V

        var pane = sheet.Descendants<Pane>().Single();
        Assert.Equal((PaneStateValues.Frozen, 1d, "A2"), (pane.State!.Value, pane.VerticalSplit!.Value, pane.TopLeftCell!.Value!));
        Assert.Equal($"A1:{last}", sheet.Elements<AutoFilter>().Single().Reference!.Value);
        var filter = workbook.Workbook.DefinedNames!.Elements<DefinedName>().Single(d => d.LocalSheetId?.Value == 0);
        Assert.Equal(("_xlnm._FilterDatabase", $"'resultados'!$A$1:$V${sample.Run.Rows.Count + 1}"), (filter.Name!.Value!, filter.Text));
        var unweightedN = sheet.Descendants<Row>().ElementAt(1).Elements<Cell>().Single(c => c.CellReference!.Value!.StartsWith('S'));
        Assert.Null(unweightedN.DataType); // a number cell, not text
        Assert.True(long.TryParse(unweightedN.CellValue!.Text, CultureInfo.InvariantCulture, out _));
        Assert.Equal(["ejecucion", "columnas"], workbook.Workbook.Sheets!.Elements<Sheet>().Skip(1).Select(s => s.Name!.Value!));
    }

    [Fact]
    public async Task ExcelExport_ToAWriteOnlyStream_IsAValidWorkbook()
    {
        using var buffer = new MemoryStream();
        await using (var writeOnly = new WriteOnlyStream(buffer))
        {
            await FindingsExport.WriteXlsxAsync(sample.Pack, sample.Run.Status.Record, sample.Run.Rows, writeOnly);
        }

        buffer.Position = 0;
        using var document = SpreadsheetDocument.Open(buffer, isEditable: false);
        Assert.Empty(new OpenXmlValidator().Validate(document));
        Assert.Equal(sample.Run.Rows.Count + 1, document.WorkbookPart!.WorksheetParts.Max(w => w.Worksheet.Descendants<Row>().Count()));
    }

    [Fact]
    public async Task ExcelExport_Cancelled_Throws()
    {
        using var output = new MemoryStream();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => FindingsExport.WriteXlsxAsync(sample.Pack, sample.Run.Status.Record, sample.Run.Rows, output, new CancellationToken(canceled: true)));
    }

    [Fact]
    public async Task CsvExport_SampleRun_HoldsTheNumbersOfTheFactParquet()
    {
        var csv = await sample.DownloadAsync(LakeZone.Findings, FindingsReportPublisher.PathOf(Survey, sample.Run.Status.Record.RunId, FindingsReportPublisher.CsvFile));

        // DuckDB reads the CSV too: an independent parser of our quoting.
        var header = FindingsExport.Columns;
        var rows = DuckDb.Query($"select * from read_csv({DuckDb.Literal(csv)}, header = true, all_varchar = true)")
            .Select(r => header.Select((h, i) => (h, (object?)r[i])).ToDictionary(x => x.h, x => x.Item2 is string s ? Parse(x.h, s) : null))
            .ToList();

        Assert.Equal([0xEF, 0xBB, 0xBF], (await File.ReadAllBytesAsync(csv))[..3]);
        AssertSameFacts(await FactRowsAsync(), rows);
    }

    [Fact]
    public async Task CsvExport_TextWithCommasAndQuotes_IsQuotedAsRfc4180()
    {
        // A breakdown cell: its label is the fact row's (the "all" cell's is the catalogue's "Todos").
        var row = sample.Run.Rows.First(r => r.BreakdownId != "all") with { CellLabel = "Peru \"Coffee\", North" };
        using var output = new MemoryStream();

        await FindingsExport.WriteCsvAsync(sample.Pack, sample.Run.Status.Record, [row], output);

        var text = Encoding.UTF8.GetString(output.ToArray());
        Assert.Contains(",\"Peru \"\"Coffee\"\", North\",", text, StringComparison.Ordinal);
    }

    /// <summary>fact_findings.parquet read by DuckDB, keyed by indicator and cell.</summary>
    private async Task<Dictionary<(string, string), Dictionary<string, object?>>> FactRowsAsync()
    {
        var parquet = await sample.DownloadAsync(LakeZone.Findings, FindingsPaths.Table(Survey, sample.Run.Status.Record.RunId, "fact_findings"));
        return DuckDb.Query($"select {string.Join(", ", FactColumns)} from read_parquet({DuckDb.Literal(parquet)})")
            .Select(r => FactColumns.Select((c, i) => (c, r[i])).ToDictionary(x => x.c, x => x.Item2))
            .ToDictionary(r => ((string)r["indicator_id"]!, (string)r["cell_key"]!));
    }

    private static void AssertSameFacts(Dictionary<(string, string), Dictionary<string, object?>> facts, List<Dictionary<string, object?>> exported)
    {
        Assert.Equal(facts.Count, exported.Count);
        foreach (var row in exported)
        {
            var key = ((string)row["indicator_id"]!, (string)row["cell_key"]!);
            Assert.True(facts.TryGetValue(key, out var fact), $"The export has {key}, the Parquet does not.");
            foreach (var column in FactColumns)
            {
                var expected = fact![column];
                var actual = row[column];
                if (expected is null || (expected is string s && s.Length == 0))
                {
                    Assert.True(actual is null || (actual is string a && a.Length == 0), $"{key} {column}: Parquet has null/empty, the export has {actual}.");
                }
                else if (expected is string text)
                {
                    Assert.Equal(text, actual);
                }
                else
                {
                    // Exactly equal: reals are written in round-trip form.
                    Assert.Equal(Convert.ToDouble(expected, CultureInfo.InvariantCulture), Convert.ToDouble(actual, CultureInfo.InvariantCulture));
                }
            }
        }
    }

    private static object? Parse(string column, string value) =>
        column is "estimate" or "standard_error" or "ci_low" or "ci_high" or "deff" or "weighted_numerator" or "weighted_denominator" or "published" or "unweighted_n" or "degrees_of_freedom" or "cell_code"
            ? double.Parse(value, CultureInfo.InvariantCulture)
            : value;

    private static List<object?[]> ReadFirstSheet(string xlsx)
    {
        // ExcelDataReader's configuration asks for code page 1252 even for .xlsx; .NET needs the provider for it.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        using var stream = File.OpenRead(xlsx);
        using var reader = ExcelReaderFactory.CreateOpenXmlReader(stream);
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    /// <summary>A stream that can only be written forward, as a blob upload stream: no seek, no read, no length.</summary>
    private sealed class WriteOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }
}
