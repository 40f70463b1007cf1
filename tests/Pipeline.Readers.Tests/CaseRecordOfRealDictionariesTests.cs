using Pipeline.Core.Dictionary;
using Pipeline.Readers.Tests.Support;

namespace Pipeline.Readers.Tests;

/// <summary>The case record (<see cref="CaseRecord"/>) of real CSPro dictionaries whose first record is not the case's own.</summary>
public sealed class CaseRecordOfRealDictionariesTests
{
    [Fact]
    public void CaseRecord_KenyaCensus_IsTheHousingRecord_NotThePersonRosterThatComesFirst()
    {
        // The 2019 Kenya census short form: POP_REC (Required=No, MaxRecords=500) first, then HOUSING_REC (once per case).
        // No record is required, so a case without persons (a vacant dwelling) is a whole case.
        var census = Fixture.Dictionary("kenya-census-2019_CensusMainShortForm.dcf");

        Assert.Equal("POP_REC", census.Levels[0].Records[0].Name);
        Assert.Equal(("HOUSING_REC", 1), (CaseRecord.Of(census).Name, CaseRecord.IndexOf(census)));
        Assert.DoesNotContain(census.Levels[0].Records, r => r.Required);
    }

    [Fact]
    public void CaseRecord_IdbPopulationData_FirstRecordRequiredAndSingleton_IsTheFirstRecord()
    {
        // COUNTRY_METADATA_REC (Required and MaxRecords default to Yes and 1), then two repeating records.
        var idb = Fixture.Dictionary("idb-population-data.v70-text.dcf");

        Assert.Equal(("COUNTRY_METADATA_REC", 0), (CaseRecord.Of(idb).Name, CaseRecord.IndexOf(idb)));
    }
}
