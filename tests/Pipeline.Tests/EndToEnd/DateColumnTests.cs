using System.Globalization;
using Parquet;
using Parquet.Schema;
using Pipeline.Core.Ingest;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.EndToEnd;

/// <summary>
/// Date items in the curated lake (#19, acceptance point 7): the Peru pack declares C1_DATE a date (pack.yaml
/// <c>dates</c>); the fixture pack Fixtures/date-packs/visit-dates has a dictionary that captures VISIT_DATE as a date
/// (CaptureType=Date, DDMMYYYY) with a MISSING code. Read back with DuckDB and with Parquet.Net.
/// </summary>
public sealed class DateColumnTests
{
    private const string Peru = "peru-coffee-cacao";
    private const string Visits = "visit-dates";

    [Fact]
    public async Task PeruSample_C1Date_IsADateColumnEqualToTheSourceDayForDuckDbAndParquetNet()
    {
        await using var pipeline = await TestPipeline.LocalAsync(await TestPipeline.PeruPacksAsync());
        var outcome = await pipeline.Get<IngestService>().IngestAsync(await pipeline.UploadAsync(Peru, RepoPaths.PeruSample));
        var parquet = await pipeline.DownloadAsync(LakeZone.Curated, LakePaths.Curated(Peru, "PARTICIPANT_REC", outcome.Upload.UploadId));

        // DuckDB: the column's type, its physical Parquet type, and the first interview's day (CSV line 2: 20221107).
        Assert.Equal("DATE", DuckDb.Scalar<string>($"select typeof(C1_DATE) from read_parquet({DuckDb.Literal(parquet)}) limit 1"));
        Assert.Equal("INT32", DuckDb.Scalar<string>($"select type from parquet_schema({DuckDb.Literal(parquet)}) where name = 'C1_DATE'"));
        Assert.Equal(1L, DuckDb.Scalar<long>($"select count(*) from read_parquet({DuckDb.Literal(parquet)}) where _source_row = 2 and C1_DATE = DATE '2022-11-07'"));

        // Every curated row's date is the day its source row's YYYYMMDD names, as DuckDB reads the CSV itself.
        var compared = DuckDb.Query($"""
            set threads = 1;
            with src as (
                select *, row_number() over () + 1 as src_row
                from read_csv({DuckDb.Literal(RepoPaths.PeruSample)}, header = true, all_varchar = true)),
            cur as (select * from read_parquet({DuckDb.Literal(parquet)}))
            select count(*), count(*) filter (where cur.C1_DATE is distinct from strptime(src.C1_DATE, '%Y%m%d')::date)
            from cur join src on cur._source_row = src.src_row
            """).Single();
        Assert.Equal(outcome.Upload.RowsCurated, Convert.ToInt64(compared[0], CultureInfo.InvariantCulture));
        Assert.Equal(0L, Convert.ToInt64(compared[1], CultureInfo.InvariantCulture));

        // Cleaning still reads C1_DATE as the number YYYYMMDD: YEARS_IN_ALLIANCE = floor(C1_DATE / 10000) - B7_START_YEAR + 1.
        Assert.Equal(0L, DuckDb.Scalar<long>($"select count(*) filter (where YEARS_IN_ALLIANCE is distinct from year(C1_DATE) - B7_START_YEAR + 1) from read_parquet({DuckDb.Literal(parquet)}) where B7_START_YEAR is not null"));
        Assert.True(DuckDb.Scalar<long>($"select count(YEARS_IN_ALLIANCE) from read_parquet({DuckDb.Literal(parquet)})") > 0);

        // Parquet.Net: a field of format Date (INT32, logical type DATE), row 2 = 7 November 2022.
        await using var stream = File.OpenRead(parquet);
        await using var reader = await ParquetReader.CreateAsync(stream);
        var field = reader.Schema.DataFields.Single(f => f.Name == "C1_DATE");
        Assert.Equal(DateTimeFormat.Date, Assert.IsType<DateTimeDataField>(field).DateTimeFormat);
        using var group = reader.OpenRowGroupReader(0);
        var rows = (int)group.RowCount;
        var dates = new DateTime?[rows];
        var sourceRows = new long?[rows];
        await group.ReadAsync<DateTime>(field, dates.AsMemory());
        await group.ReadAsync<long>(reader.Schema.FindDataField("_source_row"), sourceRows.AsMemory());
        Assert.Equal(new DateTime(2022, 11, 7), dates[Array.IndexOf(sourceRows, 2L)]);
    }

    [Fact]
    public async Task DictionaryDateItem_ImpossibleDays_AreDateIssuesWithRowItemAndValue_AndTheOtherValuesAreDays()
    {
        await using var pipeline = await TestPipeline.LocalAsync(await SurveyPackCatalog.LoadAsync(RepoPaths.Fixture("date-packs")));
        var sample = Path.Combine(RepoPaths.Fixture("date-packs"), Visits, "sample", "VISIT_REC.csv");
        var outcome = await pipeline.Get<IngestService>().IngestAsync(await pipeline.UploadAsync(Visits, sample));

        Assert.True(outcome.Succeeded, outcome.Message);
        var issues = await pipeline.DownloadAsync(LakeZone.Reports, LakePaths.Issues(Visits, outcome.Upload.UploadId));
        var dateIssues = DuckDb.Query($"select row, case_key, item, value, severity, message from read_parquet({DuckDb.Literal(issues)}) where rule = '{Rules.InvalidDate}' order by row")
            .Select(r => (Row: Convert.ToInt64(r[0], CultureInfo.InvariantCulture), Case: (string)r[1]!, Item: (string)r[2]!, Value: (string)r[3]!, Severity: (string)r[4]!, Message: (string)r[5]!)).ToList();

        // CSV lines 4 (31 February), 5 (00000000, not the MISSING code) and 8 (month 13); header = line 1.
        Assert.Equal([(4L, "003", "31022022"), (5L, "004", "00000000"), (8L, "007", "15132022")], dateIssues.Select(i => (i.Row, i.Case, i.Value)));
        Assert.All(dateIssues, i => Assert.Equal(("VISIT_DATE", "error"), (i.Item, i.Severity)));
        Assert.Contains("VISIT_DATE=31022022 is not a date in the format DDMMYYYY", dateIssues[0].Message, StringComparison.Ordinal);
        Assert.Contains("such as 15082022", dateIssues[0].Message, StringComparison.Ordinal);

        // The three go to quarantine with their text; the others are curated.
        Assert.Equal((8L, 5L, 3L), (outcome.Upload.RowsRead, outcome.Upload.RowsCurated, outcome.Upload.RowsRejected));
        var rejected = await pipeline.DownloadAsync(LakeZone.Quarantine, LakePaths.Rejected(Visits, outcome.Upload.UploadId, "VISIT_REC"));
        Assert.Equal(["31022022", "00000000", "15132022"], DuckDb.Query($"select VISIT_DATE from read_parquet({DuckDb.Literal(rejected)}) order by _source_row").Select(r => (string)r[0]!));

        var curated = await pipeline.DownloadAsync(LakeZone.Curated, LakePaths.Curated(Visits, "VISIT_REC", outcome.Upload.UploadId));
        var types = DuckDb.Query($"select column_name, column_type from (describe select * from read_parquet({DuckDb.Literal(curated)}))").ToDictionary(r => (string)r[0]!, r => (string)r[1]!);
        Assert.Equal("DATE", types["VISIT_DATE"]);
        Assert.Equal("BIGINT", types["BIRTH_MONTH"]); // MMYYYY names no day: it stays a number
        var rows = DuckDb.Query($"select CASE_NO, VISIT_DATE, _nulled, _warnings from read_parquet({DuckDb.Literal(curated)}) order by CASE_NO")
            .ToDictionary(r => Convert.ToInt64(r[0], CultureInfo.InvariantCulture), r => (Date: DayOf(r[1]), Nulled: (string?)r[2], Warnings: (string?)r[3]));
        Assert.Equal(new DateOnly(2022, 8, 15), rows[1].Date);
        Assert.Equal(new DateOnly(2022, 8, 1), rows[2].Date); // 1082022: a number is zero-filled to the format's 8 digits, as CSPro stores it
        Assert.Null(rows[5].Date); // the MISSING code: null, with the code and reason in _nulled
        Assert.Equal("VISIT_DATE=99999999 missing", rows[5].Nulled);
        Assert.Null(rows[6].Date); // blank: not applicable
        Assert.Null(rows[6].Nulled);
        Assert.Equal(new DateOnly(2023, 1, 2), rows[8].Date);

        // The pack's rule reads the date as the number YYYYMMDD (02012023 in DDMMYYYY is 20230102 > 20221231).
        Assert.Equal("visit-in-2022", rows[8].Warnings);
        Assert.Null(rows[1].Warnings);
    }

    /// <summary>A DuckDB DATE as DuckDB.NET hands it over.</summary>
    private static DateOnly? DayOf(object? value) => value switch
    {
        null => null,
        DateOnly d => d,
        DateTime t => DateOnly.FromDateTime(t),
        _ => throw new InvalidOperationException($"DuckDB gave a {value.GetType()} for a DATE."),
    };
}
