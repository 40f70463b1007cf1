using Microsoft.Data.Sqlite;
using Pipeline.Core.Dictionary;
using Pipeline.Core.Packs;
using Pipeline.Core.Readers;
using Pipeline.Readers.Tests.Support;

namespace Pipeline.Readers.Tests;

public class CsproDbReaderTests
{
    private const string ThreeLevel = "ThreeLevelTest.csdb";

    private static async Task<(List<SourceRow> Rows, CsproDbReader Reader)> ReadAsync(Stream content, string pack, string name)
    {
        await using var owned = content; // spooling readers leave the caller's stream open
        var reader = await CsproDbReader.CreateAsync(content, name, await Fixture.PackAsync(pack));
        await using (reader)
        {
            return (await Fixture.ReadAllAsync(reader), reader);
        }
    }

    private static async Task<(List<SourceRow> Rows, CsproDbReader Reader)> ReadFileAsync(string path, string pack) =>
        await ReadAsync(File.OpenRead(path), pack, Path.GetFileName(path));

    [Fact]
    public async Task Read_ThreeLevelTestCsdb_ReadsEveryRecordOfItsCaseInCsproOrder()
    {
        var (rows, reader) = await ReadAsync(Fixture.Open("csdb", ThreeLevel), "three-level", ThreeLevel);

        Assert.Equal(["COMPOUND_INFO_REC", "HOUSING_UNIT_REC", "HOUSEHOLD_REC", "PERSON_REC"], rows.Select(r => r.Layout.Record.Name));
        Assert.Equal([1L, 2, 3, 4], rows.Select(r => r.Row));
        Assert.Equal((3, "7.4.0", 1L, 0L), (reader.SchemaVersion, reader.CsproVersion, reader.Cases, reader.Deleted));
        Assert.All(rows, r => Assert.Null(r.StructuralProblem));
        var compound = rows[0];
        Assert.Equal(["1", "1", "001", "1", "1", "1"], compound.Layout.IdColumns.Select(i => compound.Fields[i]));
        Assert.Equal("234.00000", compound.Field("LATITUDE"));
        Assert.Equal("234234.56700", compound.Field("LONGITUDE"));
        Assert.Equal(["1", "2", "3", "4", "5"], Enumerable.Range(1, 5).Select(o => compound.Field($"HOUSING_UNITS_{o}")));
        Assert.Equal("123", rows[2].Field("H07_RENT"));
    }

    [Fact]
    public async Task Read_ThreeLevelTestCsdb_MapsSpecialValues()
    {
        var (rows, _) = await ReadAsync(Fixture.Open("csdb", ThreeLevel), "three-level", ThreeLevel);

        var person = rows[3];
        Assert.Equal("newdude", person.Field("FIRST_NAME")); // stored space-padded to 50
        Assert.Equal(string.Empty, person.Field("LAST_NAME"));
        Assert.Equal("8", person.Field("P03_SEX")); // REFUSED, stored as its code
        Assert.Equal("99", person.Field("P04_AGE")); // MISSING, stored as its code
        Assert.Null(person.Field("P10_HIGH_GR")); // NULL = not applicable
        Assert.Equal("12*4", person.Field("SINGLE_PARENT_OF_REPEATING_SUBITEM"));
        // Subitems are cut from the parent: '*' is not a digit, which CSPro's own column stores as DEFAULT (1e52).
        Assert.Equal(["1", "2", "*"], new[] { 1, 2, 3 }.Select(o => person.Field($"REPEATING_SUBITEM_{o}")));
        Assert.Equal(string.Empty, person.Field("REPEATING_PARENT_1"));
        Assert.Equal("2", person.Field("REPEATING_PARENT_2"));

        var issues = Fixture.Validate(rows);
        Assert.DoesNotContain(issues, i => i.Item is "P03_SEX" or "P04_AGE"); // codes in the value set
    }

    [Fact]
    public async Task Read_DefaultStoredAs1e52_BecomesTextDefaultThatTheValidatorRejects()
    {
        using var folder = new Fixture.TempFolder();
        var path = folder.File("default.csdb");
        File.Copy(Fixture.Path("csdb", ThreeLevel), path);
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            CsdbWriter.Execute(connection, "UPDATE person_rec SET p02_rel = 1e52");
        }

        var (rows, _) = await ReadFileAsync(path, "three-level");

        Assert.Equal("DEFAULT", rows[3].Field("P02_REL"));
        var issue = Assert.Single(Fixture.Validate(rows), i => i.Item == "P02_REL");
        Assert.Equal((Rules.NotANumber, 4L), (issue.Rule, issue.Row));
        Assert.Contains("P02_REL must be a number; found 'DEFAULT'", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_MetaDictionaryOverTheLimit_IsRejectedBeforeItIsRead()
    {
        using var folder = new Fixture.TempFolder();
        var path = folder.File("big-dictionary.csdb");
        File.Copy(Fixture.Path("csdb", ThreeLevel), path);
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            CsdbWriter.Execute(connection, "UPDATE meta SET dictionary = dictionary || printf('%.*c', 20000, ' ')");
        }

        var pack = await Fixture.PackAsync("three-level");
        var options = new CsproDbReaderOptions { MaxDictionaryBytes = 10_000 };
        await using var file = File.OpenRead(path);
        var e = await Assert.ThrowsAsync<InputFileException>(() => CsproDbReader.CreateAsync(file, "big-dictionary.csdb", pack, options));
        await using var again = File.OpenRead(path);
        var embedded = await Assert.ThrowsAsync<InputFileException>(() => CsproDbReader.ReadEmbeddedDictionaryAsync(again, "big-dictionary.csdb", options));

        Assert.Equal("big-dictionary.csdb", e.File);
        Assert.Matches(@"^the dictionary stored in the file \(meta\.dictionary\) has \d+ bytes, more than the 10000 bytes a CSPro dictionary may have here\.$", e.Problem);
        Assert.Equal(e.Problem, embedded.Problem);
    }

    [Fact]
    public async Task Create_ThreeLevelTestCsdb_EmbeddedDictionaryMatchesTheTables()
    {
        // CreateAsync checks that every record has its table and every item its column(s); the pack's dictionary is
        // the one embedded in the file, so this checks the file against its own dictionary.
        var pack = await Fixture.PackAsync("three-level");
        await using var file = Fixture.Open("csdb", ThreeLevel);
        await using var reader = await CsproDbReader.CreateAsync(file, ThreeLevel, pack);

        var embedded = reader.ParseEmbeddedDictionary();

        Assert.Equal(DictionaryCanon.Of(pack.Dictionary), DictionaryCanon.Of(embedded));
        Assert.Empty(reader.ItemsWithoutColumn);
    }

    [Fact]
    public async Task Read_SyntheticV3WithDeletedCases_ExcludesAndCountsThemAndFollowsFileOrder()
    {
        var pack = await Fixture.PackAsync("household");
        var cases = TestCases.Random(pack.Dictionary, seed: 11, cases: 6);
        using var folder = new Fixture.TempFolder();
        var path = folder.File("deleted.csdb");
        CsdbWriter.Write(path, pack.Dictionary, string.Empty, cases, deletedCases: new HashSet<int> { 1, 4 });

        var (rows, reader) = await ReadFileAsync(path, "household");

        Assert.Equal(2, reader.Deleted);
        Assert.Equal(cases.Count - 2, reader.Cases);
        var kept = cases.Where((_, i) => i is not 1 and not 4).Reverse().ToList(); // the writer gives later cases a lower file_order
        var expected = kept.SelectMany(c => c.Flatten()).ToList();
        Assert.Equal(expected.Count, rows.Count);
        Assert.Equal(expected.Select(e => (e.Node.Ids["CLUSTER"], e.Node.Ids["HH"])), rows.Select(r => (r.Field("CLUSTER"), r.Field("HH"))));
    }

    [Fact]
    public async Task Read_SchemaVersion2_CutsTheQuestionnaireTextLikeADatFile()
    {
        var pack = await Fixture.PackAsync("household");
        var cases = TestCases.Random(pack.Dictionary, seed: 5, cases: 4);
        using var folder = new Fixture.TempFolder();
        var path = folder.File("v2.csdb");
        CsdbWriter.Write(path, pack.Dictionary, string.Empty, cases, schemaVersion: 2);

        var (rows, reader) = await ReadFileAsync(path, "household");

        Assert.Equal(2, reader.SchemaVersion);
        var expected = Enumerable.Reverse(cases).SelectMany(c => c.Flatten()).ToList();
        Assert.Equal(expected.Count, rows.Count);
        Assert.Equal(expected.Select(e => e.Record.Record.Name), rows.Select(r => r.Layout.Record.Name));
    }

    [Fact]
    public async Task Dispose_AfterReading_DeletesTheTemporaryCopy()
    {
        // This reader's own copy: other test assemblies, running at the same time, spool .csdb files to the same folder.
        var (rows, reader) = await ReadAsync(Fixture.Open("csdb", ThreeLevel), "three-level", ThreeLevel);

        Assert.NotEmpty(rows);
        Assert.StartsWith(Path.GetTempPath(), reader.SpoolPath, StringComparison.Ordinal);
        Assert.False(File.Exists(reader.SpoolPath), $"{reader.SpoolPath} is still there");
    }

    [Fact]
    public async Task Create_SpoolsTheUploadToItsEnd_AndLeavesTheCallersStreamOpen()
    {
        // The ingest finishes a SHA-256 over the upload after the reader is done: the stream must still be usable.
        using var upload = new MemoryStream(File.ReadAllBytes(Fixture.Path("csdb", ThreeLevel)));

        await using (await CsproDbReader.CreateAsync(upload, ThreeLevel, await Fixture.PackAsync("three-level")))
        {
            Assert.True(upload.CanRead);
            Assert.Equal(upload.Length, upload.Position);
        }
    }

    // ---- malformed .csdb ----
    [Fact]
    public async Task Create_TruncatedSqlite_SaysTruncatedWithSizes()
    {
        var bytes = File.ReadAllBytes(Fixture.Path("csdb", ThreeLevel))[..300_000];

        var error = await Fixture.FileErrorAsync(async () => await ReadAsync(Fixture.Bytes(bytes), "three-level", "cut.csdb"));

        Assert.Equal("cut.csdb", error.File);
        Assert.Contains("the SQLite file is truncated: its header says 884736 bytes (27 pages of 32768), but the file has 300000 bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("copy it again", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_TruncatedBelowHeader_SaysTruncated()
    {
        var bytes = File.ReadAllBytes(Fixture.Path("csdb", ThreeLevel))[..50];

        var error = await Fixture.FileErrorAsync(async () => await ReadAsync(Fixture.Bytes(bytes), "three-level", "tiny.csdb"));

        Assert.Contains("tiny.csdb: the SQLite file is truncated: it has 50 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_NotASqliteFile_SaysWhatACsdbIs()
    {
        var error = await Fixture.FileErrorAsync(async () => await ReadAsync(Fixture.Open("dat", "household.dat"), "household", "renamed.csdb"));

        Assert.Contains("renamed.csdb: this is not a SQLite database, so not a CSPro DB (.csdb)", error.Message, StringComparison.Ordinal);
        Assert.Contains(".csdbe", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_EmptyCsdb_SaysEmpty()
    {
        var error = await Fixture.FileErrorAsync(async () => await ReadAsync(Fixture.Bytes([]), "household", "empty.csdb"));

        Assert.StartsWith("empty.csdb: the file is empty.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_CsdbMissingARecordTable_NamesTableAndRecord()
    {
        using var folder = new Fixture.TempFolder();
        var path = folder.File("norecord.csdb");
        File.Copy(Fixture.Path("csdb", ThreeLevel), path);
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            CsdbWriter.Execute(connection, "DROP TABLE person_rec");
        }

        var error = await Fixture.FileErrorAsync(async () => await ReadFileAsync(path, "three-level"));

        Assert.Contains("norecord.csdb: the CSPro DB does not match dictionary HOUSEHOLD_DICT of survey 'three-level': table person_rec for record PERSON_REC is missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_CsdbMissingAnItemColumn_NamesTableAndColumn()
    {
        using var folder = new Fixture.TempFolder();
        var path = folder.File("nocolumn.csdb");
        File.Copy(Fixture.Path("csdb", ThreeLevel), path);
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            CsdbWriter.Execute(connection, "ALTER TABLE household_rec DROP COLUMN h12_fuel");
        }

        var error = await Fixture.FileErrorAsync(async () => await ReadFileAsync(path, "three-level"));

        Assert.Contains("table household_rec (record HOUSEHOLD_REC) has no column h12_fuel", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_CsdbOfAnotherDictionary_ListsTheMissingTables()
    {
        var error = await Fixture.FileErrorAsync(async () => await ReadAsync(Fixture.Open("csdb", ThreeLevel), "household", "other.csdb"));

        Assert.Contains("does not match dictionary HOUSEHOLD_DICT of survey 'household'", error.Message, StringComparison.Ordinal);
        Assert.Contains("table housing_rec for record HOUSING_REC is missing", error.Message, StringComparison.Ordinal);
        Assert.Contains("table level-1 (level HOUSEHOLD_QUEST) has no column cluster, hh", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_SqliteWithoutCsproTables_SaysItIsNotACsproDb()
    {
        using var folder = new Fixture.TempFolder();
        var path = folder.File("plain.csdb");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            CsdbWriter.Execute(connection, "CREATE TABLE people (name TEXT)");
        }

        var error = await Fixture.FileErrorAsync(async () => await ReadFileAsync(path, "household"));

        Assert.Contains("plain.csdb: this SQLite database is not a CSPro DB: it has no table meta or cases (tables found: people)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_UnknownSchemaVersion_SaysWhichVersionsAreKnown()
    {
        using var folder = new Fixture.TempFolder();
        var path = folder.File("future.csdb");
        File.Copy(Fixture.Path("csdb", ThreeLevel), path);
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            CsdbWriter.Execute(connection, "UPDATE meta SET schema_version = 9");
        }

        var error = await Fixture.FileErrorAsync(async () => await ReadFileAsync(path, "three-level"));

        Assert.Contains("future.csdb: the CSPro DB schema version (meta.schema_version) is 9; this reader knows versions 1 to 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_CaseWithoutLevelRow_IsReportedWithItsKey()
    {
        using var folder = new Fixture.TempFolder();
        var path = folder.File("orphan.csdb");
        File.Copy(Fixture.Path("csdb", ThreeLevel), path);
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            CsdbWriter.Execute(connection, "INSERT INTO cases (id, `key`, label, questionnaire, last_modified_revision, deleted, file_order) SELECT 'orphan', '02010010011 1', '', '', last_modified_revision, 0, 2 FROM cases");
        }

        var (rows, _) = await ReadFileAsync(path, "three-level");

        var orphan = rows[^1];
        Assert.Equal(5, orphan.Row);
        Assert.Equal("case '02010010011 1' has no row in table level-1, so none of its records can be read", orphan.StructuralProblem);
        Assert.Equal("02", orphan.Field("PROVINCE"));
    }

    [Fact]
    public async Task Read_RecordTablePageCorrupted_SaysDamagedNamingTheCase()
    {
        using var folder = new Fixture.TempFolder();
        var path = folder.File("corrupt.csdb");
        File.Copy(Fixture.Path("csdb", ThreeLevel), path);
        long rootPage;
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT rootpage FROM sqlite_master WHERE name = 'person_rec'";
            rootPage = (long)command.ExecuteScalar()!;
        }

        // Garbage in the page of table person_rec: the header and the schema are fine, the damage shows when rows are read.
        var bytes = File.ReadAllBytes(path);
        var pageSize = (bytes[16] << 8) | bytes[17];
        bytes.AsSpan((int)((rootPage - 1) * pageSize), pageSize).Fill(0xEE);
        File.WriteAllBytes(path, bytes);

        var error = await Fixture.FileErrorAsync(async () => await ReadFileAsync(path, "three-level"));

        Assert.Contains("corrupt.csdb, row 4: the database could not be read at case 1 in file order", error.Message, StringComparison.Ordinal);
        Assert.Contains("The file is damaged", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadEmbeddedDictionary_JsonDictionaryInMeta_IsReadToo()
    {
        var pack = await Fixture.PackAsync("household");
        using var folder = new Fixture.TempFolder();
        var path = folder.File("v8.csdb");
        var json = File.ReadAllText(Fixture.Path("dictionaries", "idb-population-data.v80-json.dcf"));
        CsdbWriter.Write(path, pack.Dictionary, json, []);

        await using var file = File.OpenRead(path);
        var dictionary = await CsproDbReader.ReadEmbeddedDictionaryAsync(file, "v8.csdb");

        Assert.Equal("IDB_POPULATION_DATA_DICT", dictionary.Name);
    }

    [Fact]
    public async Task ReadEmbeddedDictionary_BrokenDictionaryText_NamesMetaDictionary()
    {
        var pack = await Fixture.PackAsync("household");
        using var folder = new Fixture.TempFolder();
        var path = folder.File("brokendict.csdb");
        CsdbWriter.Write(path, pack.Dictionary, "{ \"name\": ", []);

        await using var file = File.OpenRead(path);
        var error = await Assert.ThrowsAsync<DictionaryFormatException>(async () => await CsproDbReader.ReadEmbeddedDictionaryAsync(file, "brokendict.csdb"));

        Assert.Contains("brokendict.csdb (meta.dictionary), line 1", error.Message, StringComparison.Ordinal);
    }
}
