using Microsoft.Data.Sqlite;
using Pipeline.Core.Readers;
using Pipeline.Readers.Tests.Support;

namespace Pipeline.Readers.Tests;

/// <summary>CSPro DB files built to crash the reader or to exhaust it (issue #18), each built here from the fixture by SQL.</summary>
public class HostileCsdbTests
{
    private const string ThreeLevel = "ThreeLevelTest.csdb";

    /// <summary>A copy of ThreeLevelTest.csdb changed by <paramref name="sql"/> (one case, one person).</summary>
    private static string Altered(Fixture.TempFolder folder, string name, params string[] sql)
    {
        var path = folder.File(name);
        File.Copy(Fixture.Path("csdb", ThreeLevel), path);
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        foreach (var statement in sql)
        {
            CsdbWriter.Execute(connection, statement);
        }

        return path;
    }

    private static async Task<InputFileException> ErrorAsync(string path, CsproDbReaderOptions? options = null, List<SourceRow>? rows = null)
    {
        var pack = await Fixture.PackAsync("three-level");
        return await Fixture.FileErrorAsync(async () =>
        {
            await using var file = File.OpenRead(path);
            await using var reader = await CsproDbReader.CreateAsync(file, Path.GetFileName(path), pack, options);
            await foreach (var row in reader.ReadAsync(CancellationToken.None))
            {
                rows?.Add(row);
            }
        });
    }

    // ---- meta values ----
    [Theory]
    [InlineData("'three'", "a text")]
    [InlineData("x'03'", "a blob")]
    [InlineData("3.5", "a real")]
    public async Task Create_MetaSchemaVersionNotAnInteger_NamesTheColumnAndWhatWasExpected(string value, string found)
    {
        using var folder = new Fixture.TempFolder();
        var path = Altered(folder, "version.csdb", $"UPDATE meta SET schema_version = {value}");

        var error = await ErrorAsync(path);

        Assert.Equal("meta.schema_version", error.Column);
        Assert.Equal($"meta.schema_version holds {found}; expected an integer from 1 to 3 (the CSPro DB schema version).", error.Problem);
    }

    [Fact]
    public async Task Create_MetaSchemaVersionTooLargeForAnInt_SaysTheVersionAndTheKnownOnes()
    {
        using var folder = new Fixture.TempFolder();
        var path = Altered(folder, "huge.csdb", "UPDATE meta SET schema_version = 9223372036854775807");

        var error = await ErrorAsync(path);

        Assert.StartsWith("the CSPro DB schema version (meta.schema_version) is 9223372036854775807; this reader knows versions 1 to 3", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_MetaCsproVersionAsALargeBlob_NamesTheColumnAndItsSize()
    {
        using var folder = new Fixture.TempFolder();
        var path = Altered(folder, "blob.csdb", "UPDATE meta SET cspro_version = zeroblob(100000)");

        var error = await ErrorAsync(path);

        Assert.Equal("meta.cspro_version", error.Column);
        Assert.Equal("meta.cspro_version holds a blob of 100000 bytes; expected a CSPro version text such as 7.7.3, at most 64 bytes.", error.Problem);
    }

    [Fact]
    public async Task Create_MetaDictionaryAsABlob_SaysTextWasExpected()
    {
        using var folder = new Fixture.TempFolder();
        var path = Altered(folder, "dictblob.csdb", "UPDATE meta SET dictionary = CAST(dictionary AS BLOB)");

        var error = await ErrorAsync(path);

        Assert.Equal("meta.dictionary holds a blob; expected the dictionary as text (CSPro's .dcf text or JSON).", error.Problem);
    }

    // ---- schema that SQLite would evaluate ----
    [Fact]
    public async Task Create_VirtualGeneratedColumn_IsRejectedBeforeAnyQueryNamingIt()
    {
        // The 12 KB file that reached 13.4 GB: reading person_rec would compute a 1 GB blob per row.
        using var folder = new Fixture.TempFolder();
        var path = Altered(folder, "generated.csdb", "ALTER TABLE person_rec ADD COLUMN bomb BLOB GENERATED ALWAYS AS (zeroblob(1000000000)) VIRTUAL");

        var error = await ErrorAsync(path);

        Assert.Equal("generated.csdb", error.File);
        Assert.Equal("the database holds objects that SQLite would evaluate while it is read, which CSPro never writes: generated column person_rec.bomb. Only plain tables and indexes are read.", error.Problem);
    }

    [Fact]
    public async Task Create_StoredGeneratedColumnViewAndTrigger_AreAllNamed()
    {
        using var folder = new Fixture.TempFolder();
        var path = Altered(
            folder,
            "schema.csdb",
            "CREATE TABLE extra (a INTEGER, b INTEGER GENERATED ALWAYS AS (a * 2) STORED)",
            "CREATE VIEW everything AS SELECT * FROM person_rec, person_rec, person_rec",
            "CREATE TRIGGER touch AFTER UPDATE ON cases BEGIN SELECT 1; END");

        var error = await ErrorAsync(path);

        Assert.Contains("generated column extra.b", error.Problem, StringComparison.Ordinal);
        Assert.Contains("view everything", error.Problem, StringComparison.Ordinal);
        Assert.Contains("trigger touch", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_VirtualTable_IsRejectedNamingIt()
    {
        using var folder = new Fixture.TempFolder();
        var path = Altered(folder, "fts.csdb", "CREATE VIRTUAL TABLE search USING fts5(text)");

        var error = await ErrorAsync(path);

        Assert.Contains("virtual table search", error.Problem, StringComparison.Ordinal);
    }

    // ---- file size against the header ----
    [Fact]
    public async Task Create_BytesAppendedAfterTheDatabase_AreRejectedCountingThem()
    {
        using var folder = new Fixture.TempFolder();
        var path = Altered(folder, "appended.csdb");
        var length = new FileInfo(path).Length;
        await using (var file = new FileStream(path, FileMode.Append))
        {
            file.Write(new byte[1 << 20]); // a whole number of pages, so only the header can tell
        }

        var error = await ErrorAsync(path);

        Assert.Equal($"the file has 1048576 bytes after the end of the database: its SQLite header says the database ends at byte {length}, but the file has {length + (1 << 20)} bytes.", error.Problem);
    }

    [Fact]
    public async Task Create_HeaderDeclaringMorePagesThanTheLimit_SaysTheLimitNotTruncated()
    {
        using var folder = new Fixture.TempFolder();
        var path = Altered(folder, "pages.csdb");
        var bytes = File.ReadAllBytes(path);
        bytes.AsSpan(28, 4).Fill(0x7F); // page count 2,139,062,143 (the change counters still agree, so SQLite would trust it)
        File.WriteAllBytes(path, bytes);

        var error = await ErrorAsync(path);

        Assert.StartsWith("the SQLite header declares a database of 70092788301824 bytes (2139062143 pages of 32768), more than the limit of 4 GiB (MaxFileBytes).", error.Problem, StringComparison.Ordinal);
    }

    // ---- case size ----
    [Fact]
    public async Task Read_CaseWithMoreRowsThanTheLimit_IsRejectedBeforeAnyOfItsRowsIsHandedOn()
    {
        using var folder = new Fixture.TempFolder();
        var path = Altered(
            folder,
            "roster.csdb",
            "CREATE TABLE n (i INTEGER)",
            "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 50) INSERT INTO n SELECT i FROM c",
            "INSERT INTO person_rec (`level-3-id`, occ, first_name) SELECT p.`level-3-id`, p.occ + n.i, p.first_name FROM person_rec p, n");
        var rows = new List<SourceRow>();

        var error = await ErrorAsync(path, new CsproDbReaderOptions { MaxRowsPerCase = 20 }, rows);

        Assert.Empty(rows);
        Assert.StartsWith("case 1 in file order has more than 20 rows (records or lines), the limit per case (setting Ingest:Readers:CsproDb:MaxRowsPerCase).", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_CaseValueLargerThanTheCaseLimit_IsRefusedBySqliteBeforeItIsFetched()
    {
        using var folder = new Fixture.TempFolder();
        var path = Altered(folder, "longname.csdb", "UPDATE person_rec SET first_name = printf('%.*c', 3000000, 'x')");

        var error = await ErrorAsync(path, new CsproDbReaderOptions { MaxCaseBytes = 1 << 20, MaxDictionaryBytes = 1 << 20 });

        Assert.StartsWith("case 1 in file order holds a value of more than 1048576 bytes, more than a whole case may hold (setting Ingest:Readers:CsproDb:MaxCaseBytes).", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_CaseWhoseValuesAddUpOverTheLimit_IsRejectedNamingTheLimit()
    {
        using var folder = new Fixture.TempFolder();
        var path = Altered(
            folder,
            "manyvalues.csdb",
            "CREATE TABLE n (i INTEGER)",
            "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 30) INSERT INTO n SELECT i FROM c",
            "INSERT INTO person_rec (`level-3-id`, occ, first_name) SELECT p.`level-3-id`, p.occ + n.i, printf('%.*c', 60000, 'x') FROM person_rec p, n");

        var error = await ErrorAsync(path, new CsproDbReaderOptions { MaxCaseBytes = 1 << 20 });

        Assert.StartsWith("case 1 in file order holds more than 1048576 bytes, the limit per case (setting Ingest:Readers:CsproDb:MaxCaseBytes).", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_SchemaVersion2QuestionnaireOverTheCaseLimit_IsMeasuredBeforeItIsRead()
    {
        var pack = await Fixture.PackAsync("household");
        using var folder = new Fixture.TempFolder();
        var path = folder.File("v2big.csdb");
        CsdbWriter.Write(path, pack.Dictionary, string.Empty, TestCases.Random(pack.Dictionary, seed: 5, cases: 1), schemaVersion: 2);
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            CsdbWriter.Execute(connection, "UPDATE cases SET questionnaire = questionnaire || printf('%.*c', 200000, ' ')");
        }

        var options = new CsproDbReaderOptions { MaxCaseBytes = 100_000, MaxDictionaryBytes = 1 << 20 };
        var error = await Fixture.FileErrorAsync(async () =>
        {
            await using var file = File.OpenRead(path);
            await using var reader = await CsproDbReader.CreateAsync(file, "v2big.csdb", pack, options);
            await Fixture.ReadAllAsync(reader);
        });

        Assert.StartsWith("case 1 in file order holds more than 100000 bytes, the limit per case (setting Ingest:Readers:CsproDb:MaxCaseBytes).", error.Problem, StringComparison.Ordinal);
    }
}
