using System.Globalization;
using Pipeline.Core.Findings;
using Pipeline.Core.Ingest;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Tests.Support;

namespace Pipeline.Tests.EndToEnd;

/// <summary>Our Parquet, read by two independent readers: DuckDB (C++) and hyparquet (JavaScript).</summary>
public sealed class IndependentReaderTests : IAsyncLifetime
{
    private const string Survey = "peru-coffee-cacao";
    private TestPipeline _pipeline = null!;
    private string _curated = null!;
    private string _fact = null!;

    public async Task InitializeAsync()
    {
        _pipeline = await TestPipeline.LocalAsync(await TestPipeline.PeruPacksAsync());
        var outcome = await _pipeline.Get<IngestService>().IngestAsync(await _pipeline.UploadAsync(Survey, RepoPaths.PeruSample));
        var run = await _pipeline.Get<FindingsService>().RecomputeAsync(_pipeline.Get<SurveyPackCatalog>().Find(Survey)!);
        _curated = await _pipeline.DownloadAsync(LakeZone.Curated, LakePaths.Curated(Survey, "PARTICIPANT_REC", outcome.Upload.UploadId));
        _fact = await _pipeline.DownloadAsync(LakeZone.Findings, FindingsPaths.Table(Survey, run.Status.Record.RunId, "fact_findings"));
    }

    public async Task DisposeAsync() => await _pipeline.DisposeAsync();

    [Fact]
    public void CuratedParquet_DuckDbSeesTypedColumns()
    {
        var types = DuckDb.Query($"select column_name, column_type from (describe select * from read_parquet({DuckDb.Literal(_curated)}))")
            .ToDictionary(r => (string)r[0]!, r => (string)r[1]!);

        Assert.Equal("BIGINT", types["Q12_MEMBER"]);
        Assert.Equal("VARCHAR", types["A4_LOCALITY"]);
        Assert.Equal("VARCHAR", types["C3_SURVEYOR"]);
        Assert.Equal("BIGINT", types["_source_row"]);
        Assert.StartsWith("TIMESTAMP", types["_ingested_utc"], StringComparison.Ordinal);
        Assert.DoesNotContain("B1_NAME", types.Keys);
        Assert.DoesNotContain("A5_X", types.Keys);
    }

    [Fact]
    public void CuratedParquet_TimestampsAreInt64AndValueLabelsAreInTheMetadata()
    {
        var physical = DuckDb.Scalar<string>($"select type from parquet_schema({DuckDb.Literal(_curated)}) where name = '_ingested_utc'");
        var labels = DuckDb.Scalar<string>($"select decode(value) from parquet_kv_metadata({DuckDb.Literal(_curated)}) where decode(key) = 'value_labels'");

        Assert.Equal("INT64", physical);
        using var json = System.Text.Json.JsonDocument.Parse(labels);
        Assert.Equal("Peru Cacao Alliance", json.RootElement.GetProperty("B7_ALLIANCE").GetProperty("2").GetString());
        Assert.False(json.RootElement.TryGetProperty("B1_NAME", out _));
    }

    [Fact]
    public void CuratedParquet_HyparquetReadsTheSameRowsAsDuckDb()
    {
        var js = NodeParquet.Read(_curated);
        var duck = DuckDb.Query($"select _source_row, _case_key, Q12_MEMBER, Q31_LOAN_OBTAINED, A4_LOCALITY from read_parquet({DuckDb.Literal(_curated)}) order by _source_row");

        Assert.Equal(duck.Count, js.Count);
        var byRow = js.ToDictionary(r => long.Parse(r["_source_row"].GetString()!, CultureInfo.InvariantCulture));
        foreach (var d in duck)
        {
            var j = byRow[Convert.ToInt64(d[0], CultureInfo.InvariantCulture)];
            Assert.Equal((string)d[1]!, j["_case_key"].GetString());
            Assert.Equal(Text(d[2]), j["Q12_MEMBER"].GetString());
            Assert.Equal(Text(d[3]), j["Q31_LOAN_OBTAINED"].GetString());
            Assert.Equal((string?)d[4], j["A4_LOCALITY"].GetString());
        }
    }

    /// <summary>An estimate as both readers give it; null where the cell has no data.</summary>
    private static double? Number(object? value) => value is null ? null : Convert.ToDouble(value, CultureInfo.InvariantCulture);

    private static double? Number(System.Text.Json.JsonElement value) => value.ValueKind == System.Text.Json.JsonValueKind.Null ? null : value.GetDouble();

    private static string? Text(object? value) => value is null ? null : Convert.ToString(value, CultureInfo.InvariantCulture);

    [Fact]
    public void FindingsParquet_HyparquetAndDuckDbAgreeOnEveryEstimate()
    {
        var js = NodeParquet.Read(_fact).ToDictionary(r => r["indicator_id"].GetString() + "|" + r["cell_key"].GetString());
        var duck = DuckDb.Query($"select indicator_id, cell_key, estimate, ci_low, ci_high, unweighted_n from read_parquet({DuckDb.Literal(_fact)})");

        Assert.Equal(duck.Count, js.Count);
        Assert.Contains(duck, d => d[2] is not null);
        foreach (var d in duck)
        {
            var j = js[$"{d[0]}|{d[1]}"];
            Assert.Equal(Number(d[2]), Number(j["estimate"]));
            Assert.Equal(Number(d[3]), Number(j["ci_low"]));
            Assert.Equal(Number(d[4]), Number(j["ci_high"]));
            Assert.Equal(Convert.ToString(d[5], CultureInfo.InvariantCulture), j["unweighted_n"].GetString());
        }
    }
}
