using Pipeline.Generator.Cases;
using Pipeline.Generator.Tests.Support;

namespace Pipeline.Generator.Tests;

/// <summary>Cases are allocated across the strata of the sample design (design/strata.csv, planned_sample).</summary>
public class AllocationTests
{
    [Fact]
    public async Task Generate_DefaultSample_AllocatesThePlannedSamplePerStratum()
    {
        using var folder = new TempFolder();
        var pack = await Generated.PeruPackAsync();

        var result = await Generated.RunAsync(folder.Path, new GeneratorOptions().Cases, formats: ExportFormats.Csv);

        Assert.Equal(565, result.Cases);
        foreach (var stratum in pack.Strata)
        {
            Assert.Equal(stratum.PlannedSample, result.CasesByStratum.GetValueOrDefault(stratum.Id));
        }

        // The rows carry the stratum's codes: coffee San Martín is alliance 1, region 1, and so on.
        var rows = (await Generated.ReadCsvAsync(folder.Path)).Where(r => r.Layout.Record.Name == "PARTICIPANT_REC").ToList();
        foreach (var stratum in pack.Strata)
        {
            var count = rows.Count(r => r.Field("B7_ALLIANCE") == stratum.Codes["B7_ALLIANCE"].ToString(System.Globalization.CultureInfo.InvariantCulture)
                && r.Field("REGION") == stratum.Codes["REGION"].ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(stratum.PlannedSample, count);
        }
    }

    [Fact]
    public async Task CaseSource_AnyNumberOfCases_KeepsEveryStratumWithinOneCaseOfItsShare()
    {
        var pack = await Generated.PeruPackAsync();
        var planned = pack.Strata.Where(s => s.PlannedSample > 0).ToDictionary(s => s.Id, s => (double)s.PlannedSample / 565);
        var counts = planned.Keys.ToDictionary(k => k, _ => 0);
        var source = new CaseSource(await Generated.PeruSpecAsync(), seed: 3);

        for (var k = 1; k <= 1200; k++)
        {
            counts[source.Next().Stratum.Id]++;
            foreach (var (id, share) in planned)
            {
                Assert.InRange(counts[id], (k * share) - 1, (k * share) + 1);
            }
        }
    }

    [Fact]
    public async Task CaseSource_BeyondOneQuestionnaireNumberCycle_KeepsCaseKeysUnique()
    {
        var source = new CaseSource(await Generated.PeruSpecAsync(), seed: 11);
        var keys = new HashSet<string>(StringComparer.Ordinal);

        for (var k = 1; k <= 10_100; k++)
        {
            var generated = source.Next();
            Assert.True(keys.Add(generated.Key), $"case {k} repeats key {generated.Key}");
        }
    }
}
