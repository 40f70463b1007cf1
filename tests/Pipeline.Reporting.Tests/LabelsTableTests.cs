using Pipeline.Core.Lake;
using Pipeline.Core.Reporting;
using Pipeline.Reporting.Tests.Support;

namespace Pipeline.Reporting.Tests;

/// <summary>labels.parquet, as published into the curated zone by the sample run, read back with DuckDB.</summary>
[Collection(SampleRunCollection.Name)]
public sealed class LabelsTableTests(SampleRun sample)
{
    private const string Survey = "peru-coffee-cacao";

    [Fact]
    public async Task LabelsTable_PeruPack_LabelsCodesOfCuratedColumnsInThePackLanguage()
    {
        var rows = await ReadAsync();

        // pack.yaml says language: es, so label is the dictionary's ES text.
        Assert.Contains(("PARTICIPANT_REC", "B3_SEX", "1", "Hombre"), rows);
        Assert.Contains(("PARTICIPANT_REC", "B3_SEX", "2", "Mujer"), rows);
        Assert.Contains(("PARTICIPANT_REC", "REGION", "1", "San Martín"), rows); // ID items are columns of every record
        Assert.Contains(("PARTICIPANT_REC", "B2_AGE", "999", "No sabe"), rows);
    }

    [Fact]
    public async Task LabelsTable_PeruPack_HasALabelColumnPerDictionaryLanguage()
    {
        var file = await sample.DownloadAsync(LakeZone.Curated, LabelsTable.PathOf(Survey));

        var columns = DuckDb.Query($"select column_name from (describe select * from read_parquet({DuckDb.Literal(file)}))").Select(r => (string)r[0]!).ToList();
        var rows = DuckDb.Query($"select item, code, label, label_en, label_es from read_parquet({DuckDb.Literal(file)}) where record = 'PARTICIPANT_REC'")
            .Select(r => ((string)r[0]!, (string)r[1]!, (string)r[2]!, (string)r[3]!, (string)r[4]!)).ToList();

        Assert.Equal(["record", "item", "code", "label", "label_en", "label_es"], columns);
        Assert.Contains(("B3_SEX", "2", "Mujer", "Female", "Mujer"), rows);
        Assert.Contains(("B7_ALLIANCE", "1", "Alianza Perú Café", "Peru Coffee Alliance", "Alianza Perú Café"), rows);
        Assert.Contains(("PRODUCER_SIZE", "1", "Pequeño", "Small", "Pequeño"), rows); // cleaning.yaml's labels and labelsIn
    }

    [Fact]
    public async Task LabelsTable_RangesAndPersonalData_AreNotListed()
    {
        var rows = await ReadAsync();
        var personal = sample.Pack.Manifest.PersonalData.Drop.Concat(sample.Pack.Manifest.PersonalData.Pseudonymise).ToHashSet(StringComparer.OrdinalIgnoreCase);

        Assert.DoesNotContain(rows, r => r.Item == "B2_AGE" && r.Code == "15"); // 15:105 is a range, not a code
        Assert.DoesNotContain(rows, r => personal.Contains(r.Item));
        Assert.Equal(rows.Count, rows.Select(r => (r.Record, r.Item, r.Code)).Distinct().Count()); // one label per code: Power Query's lookup needs it
    }

    [Fact]
    public async Task LabelsTable_EveryLabelledColumn_IsAColumnOfTheCuratedTable()
    {
        var rows = await ReadAsync();

        foreach (var group in rows.GroupBy(r => r.Record))
        {
            var columns = (await PowerQueryKit.CuratedColumnsAsync(sample.Pack, sample.Pack.Dictionary.FindRecord(group.Key)!)).Select(c => c.Column.Name).ToHashSet();
            Assert.All(group, r => Assert.Contains(r.Item, columns));
        }
    }

    private async Task<List<(string Record, string Item, string Code, string Label)>> ReadAsync()
    {
        var file = await sample.DownloadAsync(LakeZone.Curated, LabelsTable.PathOf(Survey));
        return DuckDb.Query($"select record, item, code, label from read_parquet({DuckDb.Literal(file)})")
            .Select(r => ((string)r[0]!, (string)r[1]!, (string)r[2]!, (string)r[3]!))
            .ToList();
    }
}
