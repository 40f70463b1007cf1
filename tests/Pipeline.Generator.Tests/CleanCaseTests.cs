using Pipeline.Generator.Rules;
using Pipeline.Generator.Tests.Support;

namespace Pipeline.Generator.Tests;

/// <summary>Without faults, every case keeps every rule: value sets, the questionnaire's skips, sums, rosters.</summary>
public class CleanCaseTests
{
    [Fact]
    public async Task Generate_NoFaults_ReadBackCasesBreakNoRuleOfTheSpec()
    {
        using var folder = new TempFolder();
        await Generated.RunAsync(folder.Path, 565, formats: ExportFormats.Csv);
        var spec = await Generated.PeruSpecAsync();
        var rules = new CaseRules(spec);

        var cases = Generated.ByCase(await Generated.ReadCsvAsync(folder.Path));
        var violations = cases.SelectMany((c, i) => rules.Check(rules.FromExport(i + 1, c.Rows.Select(r => (r.Layout, (IReadOnlyList<string?>)r.Fields))))).ToList();

        Assert.Equal(565, cases.Count);
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations.Take(20).Select(v => $"{v.CaseKey} {v.Record}#{v.Occurrence} {v.Item}: {v.Rule}: {v.Message}")));
    }

    [Fact]
    public async Task Generate_NoFaults_PipelineValidatorRejectsNoRow()
    {
        using var folder = new TempFolder();
        await Generated.RunAsync(folder.Path, 565, formats: ExportFormats.Csv);

        var issues = Generated.Validate(await Generated.ReadCsvAsync(folder.Path));

        Assert.True(issues.Count == 0, string.Join(Environment.NewLine, issues.Take(20).Select(i => $"row {i.Row} {i.Record} {i.Item}: {i.Message}")));
    }

    [Fact]
    public async Task CaseSource_ManySeeds_EveryCaseKeepsEveryRule()
    {
        var rules = new CaseRules(await Generated.PeruSpecAsync());
        for (var seed = 100; seed < 120; seed++)
        {
            foreach (var generated in await Generated.CasesAsync(150, seed))
            {
                var violations = rules.Check(generated);
                Assert.True(violations.Count == 0, $"seed {seed}, case {generated.Number}: {string.Join("; ", violations.Select(v => $"{v.Record}.{v.Item} {v.Rule}: {v.Message}"))}");
            }
        }
    }

    [Fact]
    public async Task CaseSource_CasesThatCultivated_ListTheirAllianceCropWithProductionInItsSizeClass()
    {
        foreach (var generated in await Generated.CasesAsync(565))
        {
            var main = generated.Occurrences("PARTICIPANT_REC").Single();
            var crops = generated.Occurrences("CROP_REC").ToList();
            if (main["Q3_CULTIVATED"] is not { IsNumber: true, Number: 1 })
            {
                Assert.Empty(crops);
                continue;
            }

            var allianceCrop = main["B7_ALLIANCE"].Number == 1 ? 6 : 7;
            var crop = Assert.Single(crops, c => c["Q4_CROP"].Number == allianceCrop);
            var kg = crop["Q4_2_PROD"].Number * crop["Q4_2_KG_PER_UNIT"].Number;
            Assert.InRange(kg, 1, 8000);
            Assert.Equal(crops.Select(c => c["Q4_CROP"].Number).Order(), crops.Select(c => c["Q4_CROP"].Number));
        }
    }
}
