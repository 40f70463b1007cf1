using System.IO.Compression;
using System.Text;
using static Pipeline.Tests.Hostile.HostileClass;

namespace Pipeline.Tests.Hostile;

/// <summary>
/// The hostile inputs of issue #18, generated from <see cref="CorpusSeeds"/> (no binary blob in the repository). Names
/// are stable: they are the upload's file name, so each message can be checked for it.
/// </summary>
public static class HostileCorpus
{
    private static readonly Expectation Reject = new(Verdict.Rejected);
    private static readonly Expectation Accept = new(Verdict.Accepted);
    private static readonly Expectation Either = new(Verdict.Either);
    private static readonly Expectation Flagged = new(Verdict.Either, RowsFlagged: true);
    private static readonly Encoding Latin1 = Encoding.Latin1;

    public static IReadOnlyList<HostileCase> All { get; } = [.. Controls(), .. Csdb(), .. Zip(), .. Xlsx(), .. Dat(), .. Csv(), .. Dictionaries(), .. Corruptions()];

    private static HostileCase Case(string name, HostileClass kind, string extension, Func<CorpusSeeds, byte[]> build, Expectation expect, string why) =>
        new(name, kind, extension, build, expect, why);

    private static IEnumerable<HostileCase> Controls()
    {
        yield return Case("control-dat", Control, ".dat", s => s.Dat, Accept, "the generated .dat as it is");
        yield return Case("control-participant-csv", Control, ".csv", s => s.ParticipantCsv, Accept, "the generated level-1 CSV");
        yield return Case("control-plot-csv", Control, ".csv", s => s.PlotCsv, Accept, "the generated plot CSV");
        yield return Case("control-csdb", Control, ".csdb", s => s.Csdb, Accept, "the generated CSPro DB");
        yield return Case("control-xlsx", Control, ".xlsx", s => s.Xlsx, Accept, "the generated workbook");
        yield return Case("control-zip-dat-dcf", Control, ".zip", s => Zips.Of(("PERU.dat", s.Dat), ("PERU.dcf", Encoding.UTF8.GetBytes(s.Dcf))), Accept, "a .dat zipped with its dictionary");
    }

    private static IEnumerable<HostileCase> Csdb()
    {
        HostileCase Sql(string name, HostileClass kind, Expectation expect, string why, params string[] sql) =>
            Case(name, kind, ".csdb", s => Databases.Edit(s.Csdb, sql), expect, why);

        yield return Sql("csdb-meta-version-text", Crash, Reject, "meta.schema_version is text", "UPDATE meta SET schema_version = 'three'");
        yield return Sql("csdb-meta-version-huge", Crash, Reject, "meta.schema_version beyond Int32", "UPDATE meta SET schema_version = 9000000000000000000");
        yield return Sql("csdb-meta-version-blob", Crash, Reject, "meta.schema_version is a blob", "UPDATE meta SET schema_version = X'00FF'");
        yield return Sql("csdb-meta-version-null", Crash, Reject, "meta.schema_version is null", "CREATE TABLE m2 AS SELECT * FROM meta", "DROP TABLE meta", "CREATE TABLE meta (schema_version, cspro_version, dictionary)", "INSERT INTO meta SELECT NULL, cspro_version, dictionary FROM m2", "DROP TABLE m2");
        yield return Sql("csdb-meta-empty", Crash, Reject, "meta has no row", "DELETE FROM meta");
        yield return Sql("csdb-meta-missing", Crash, Reject, "no meta table", "DROP TABLE meta");
        yield return Sql("csdb-cases-missing", Crash, Reject, "no cases table", "DROP TABLE vector_clock", "DROP TABLE notes", "DROP TABLE cases");
        yield return Sql("csdb-dictionary-garbage", Crash, Reject, "meta.dictionary is not a dictionary", "UPDATE meta SET dictionary = 'not a dictionary at all'");
        yield return Sql("csdb-dictionary-json-deep", Crash, Reject, "meta.dictionary is JSON nested 100,000 deep (stack)", $"UPDATE meta SET dictionary = '{new string('[', 100_000)}'");
        yield return Sql("csdb-dictionary-huge", ResourceBomb, Reject, "meta.dictionary of 40 MB", "UPDATE meta SET dictionary = dictionary || printf('%.*c', 40000000, ' ')");
        yield return Sql("csdb-generated-column", ResourceBomb, Reject, "a record table with a generated column of 200 MB a row", "ALTER TABLE \"participant_rec\" ADD COLUMN zz TEXT GENERATED ALWAYS AS (printf('%.*c', 200000000, 'x')) VIRTUAL");
        yield return Sql("csdb-view-for-table", ResourceBomb, Reject, "a record table replaced by a view that computes 200 MB a row", "ALTER TABLE \"plot_rec\" RENAME TO plot_old", "CREATE VIEW \"plot_rec\" AS SELECT *, printf('%.*c', 200000000, 'x') AS zz FROM plot_old");
        yield return Sql("csdb-trigger", ResourceBomb, Either, "a trigger on cases (never fired by a read-only reader)", "CREATE TRIGGER t AFTER UPDATE ON cases BEGIN DELETE FROM cases; END");
        yield return Sql("csdb-case-30mb-name", ResourceBomb, Reject, "one case whose name value is 30 MB", "UPDATE \"participant_rec\" SET \"b1_name\" = printf('%.*c', 30000000, 'x')");
        yield return Sql("csdb-case-300k-plots", ResourceBomb, Reject, "one case with 300,000 plot rows", "CREATE TEMP TABLE one AS SELECT * FROM \"plot_rec\" LIMIT 1", "UPDATE one SET \"plot_rec-id\" = NULL", "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000) INSERT INTO \"plot_rec\" SELECT one.* FROM one, n");
        yield return Case("csdb-zeros-appended", SilentChange, ".csdb", s => [.. s.Csdb, .. new byte[2 << 20]], Reject, "2 MiB of zeros after the end of the database");
        yield return Case("csdb-header-only", Crash, ".csdb", s => s.Csdb[..100], Reject, "only the 100-byte SQLite header");
        yield return Case("csdb-truncated-half", Crash, ".csdb", s => Damage.Truncate(s.Csdb, 0.5), Reject, "half a database");
        yield return Sql("csdb-bad-name-rule", PersonalData, Either, "a name too long for its item: no message may quote it", $"UPDATE \"participant_rec\" SET \"b1_name\" = '{CorpusSeeds.PlantedName} {CorpusSeeds.PlantedName} {CorpusSeeds.PlantedName}'");
        yield return Sql("csdb-bad-gps", PersonalData, Flagged, "a GPS value that is not a number: the issue must not quote it", $"UPDATE \"participant_rec\" SET \"a5_x\" = '{CorpusSeeds.PlantedBadX}'");
    }

    private static IEnumerable<HostileCase> Zip()
    {
        byte[] Bundle(CorpusSeeds s) => Zips.Of(("PERU.dat", s.Dat), ("PERU.dcf", Encoding.UTF8.GetBytes(s.Dcf)));
        yield return Case("zip-end-count-more", Crash, ".zip", s => Zips.WithEndField(Zips.WithEndField(Bundle(s), 8, 7), 10, 7), Reject, "the end record counts more entries than the directory has");
        yield return Case("zip-end-count-zero", Crash, ".zip", s => Zips.WithEndField(Zips.WithEndField(Bundle(s), 8, 0), 10, 0), Reject, "the end record counts no entry");
        yield return Case("zip-end-offset-beyond", Crash, ".zip", s => Zips.WithEndField(Bundle(s), 16, 0x7FFFFFF0), Reject, "the directory offset points past the end");
        yield return Case("zip-end-size-wrong", Crash, ".zip", s => Zips.WithEndField(Bundle(s), 12, 3), Either, "the directory size is 3 bytes");
        yield return Case("zip-zip64-3m-entries", ResourceBomb, ".zip", s => Zips.Zip64Claiming(Bundle(s), 3_000_000), Reject, "a Zip64 end record claiming 3 million entries");
        yield return Case("zip-many-entries", ResourceBomb, ".zip", s => Zips.Of([.. Enumerable.Range(0, 5000).Select(i => ($"e{i}.txt", new byte[] { 1 }))]), Reject, "5,000 one-byte entries");
        yield return Case("zip-small-entries-ratio", ResourceBomb, ".zip", s => Zips.Of(CompressionLevel.SmallestSize, [.. Enumerable.Range(0, 24).Select(i => ($"PERU{i}.dat", RepeatedLine(s.Dat, 1, 1_000_000)))]), Reject, "24 entries just under 1 MiB each, each compressed hundreds of times: only the whole zip's ratio stops them");
        yield return Case("zip-small-entries-fast", ResourceBomb, ".zip", s => Zips.Of([.. Enumerable.Range(0, 24).Select(i => ($"PERU{i}.dat", RepeatedLine(s.Dat, 1, 1_000_000)))]), Either, "the same 24 MB compressed fast, under 100 times: a large upload of one repeated line, read within budget");
        yield return Case("zip-one-gib-zeros", ResourceBomb, ".zip", _ => Zips.Repeated("PERU.dat", [0], 1L << 30), Reject, "one entry of 1 GiB of zeros");
        yield return Case("zip-encrypted", UnclearMessage, ".zip", s => Zips.MarkedEncrypted(Bundle(s)), new(Verdict.Rejected, MessageMustContainAny: ["encrypt", "password"], MessageMustNotContain: ["damaged"]), "entries flagged encrypted");
        yield return Case("zip-traversal", Crash, ".zip", s => Zips.Of(("../../../etc/PERU.dat", s.Dat)), Either, "an entry named ../../../etc/PERU.dat");
        yield return Case("zip-nested", Crash, ".zip", s => Zips.Of(("inner.zip", Bundle(s))), Reject, "a zip in a zip");
        yield return Case("zip-empty-archive", Crash, ".zip", _ => Zips.Of(), Reject, "a zip of no entry");
        yield return Case("zip-truncated", Crash, ".zip", s => Damage.Truncate(Bundle(s), 0.6), Reject, "60% of a zip");
        yield return Case("zip-only-dcf", Crash, ".zip", s => Zips.Of(("PERU.dcf", Encoding.UTF8.GetBytes(s.Dcf))), Reject, "a dictionary and no data");
    }

    private static IEnumerable<HostileCase> Xlsx()
    {
        HostileCase Sheet(string name, HostileClass kind, string record, Func<string, string> edit, Expectation expect, string why) =>
            Case(name, kind, ".xlsx", s => Workbooks.EditSheet(s.Xlsx, record, edit), expect, why);
        const string P = "PARTICIPANT_REC";
        yield return Sheet("xlsx-cell-zzzzzz", ResourceBomb, P, x => Workbooks.ReplaceFirst(x, "r=\"A2\"", "r=\"ZZZZZZ2\""), Reject, "cell reference ZZZZZZ2");
        yield return Sheet("xlsx-cell-xfe", ResourceBomb, P, x => Workbooks.ReplaceFirst(x, "r=\"A2\"", "r=\"XFE2\""), Reject, "cell reference one column beyond XFD");
        yield return Sheet("xlsx-cell-a0", Crash, P, x => Workbooks.ReplaceFirst(x, "r=\"A2\"", "r=\"A0\""), Reject, "cell reference A0");
        yield return Sheet("xlsx-cell-digits-first", Crash, P, x => Workbooks.ReplaceFirst(x, "r=\"A2\"", "r=\"2A\""), Reject, "cell reference 2A");
        yield return Sheet("xlsx-row-2000000000", ResourceBomb, P, x => Workbooks.ReplaceFirst(x, "(<(?:\\w+:)?row [^>]*)r=\"2\"", "$1r=\"2000000000\""), Reject, "row number 2,000,000,000");
        yield return Sheet("xlsx-row-1048577", ResourceBomb, P, x => Workbooks.ReplaceFirst(x, "(<(?:\\w+:)?row [^>]*)r=\"2\"", "$1r=\"1048577\""), Reject, "row number beyond Excel's last");
        yield return Sheet("xlsx-row-negative", Crash, P, x => Workbooks.ReplaceFirst(x, "(<(?:\\w+:)?row [^>]*)r=\"2\"", "$1r=\"-5\""), Reject, "row number -5");
        yield return Sheet("xlsx-dimension-huge", ResourceBomb, P, x => Workbooks.ReplaceFirst(x, "<(?<p>(?:\\w+:)?)sheetData", "<${p}dimension ref=\"A1:XFD1048576\"/><${p}sheetData"), Either, "a dimension claiming the whole sheet");
        yield return Sheet("xlsx-20000-columns", ResourceBomb, P, x => Workbooks.ReplaceFirst(x, "</(?<p>(?:\\w+:)?)row>", string.Concat(Enumerable.Range(0, 20000).Select(i => "<${p}c t=\"inlineStr\"><${p}is><${p}t>c" + i + "</${p}t></${p}is></${p}c>")) + "</${p}row>"), Reject, "a header row of 20,000 cells");
        yield return Sheet("xlsx-billion-laughs", ResourceBomb, P, x => Workbooks.ReplaceFirst("<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\"><!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\"><!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\"><!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\"><!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\">]>" + x[(x.IndexOf("?>", StringComparison.Ordinal) + 2)..], "sheetData>", "sheetData><x:row r=\"1000000\"><x:c t=\"inlineStr\"><x:is><x:t>&h;</x:t></x:is></x:c></x:row>"), Reject, "an entity expansion bomb in the sheet");
        yield return Sheet("xlsx-truncated-xml", Crash, P, x => x[..(x.Length / 2)], Reject, "the sheet XML cut in half");
        yield return Sheet("xlsx-shared-string-out-of-range", Crash, P, x => Workbooks.ReplaceFirst(x, "<(?<p>(?:\\w+:)?)c r=\"A2\"[^>]*>.*?</\\k<p>c>", "<${p}c r=\"A2\" t=\"s\"><${p}v>999999</${p}v></${p}c>"), Reject, "a shared string index beyond the table");
        yield return Sheet("xlsx-error-cell", SilentChange, P, x => Workbooks.ReplaceFirst(x, "<(?<p>(?:\\w+:)?)c r=\"I2\"[^>]*>.*?</\\k<p>c>", "<${p}c r=\"I2\" t=\"e\"><${p}v>#DIV/0!</${p}v></${p}c>"), Flagged, "an error cell (#DIV/0!) where B2_AGE is");
        yield return Sheet("xlsx-plot-30-times", SilentChange, "PLOT_REC", x => Workbooks.RepeatSecondRow(x, 30), Flagged, "the same plot 30 times (MaxRecords)");
        yield return Case("xlsx-blank-name-header", PersonalData, ".xlsx", s => Zips.EditParts(s.Xlsx, (_, t) => t.Replace(">B1_NAME<", "><", StringComparison.Ordinal)), Either, "a blank header over the name column: names must not reach any message");
        yield return Case("xlsx-no-workbook", Crash, ".xlsx", s => Zips.EditParts(s.Xlsx, (n, t) => n == "xl/workbook.xml" ? null : t), Reject, "no xl/workbook.xml");
        yield return Sheet("xlsx-inline-string-10mb", ResourceBomb, P, x => Workbooks.ReplaceFirst(x, "<(?<p>(?:\\w+:)?)c r=\"E2\"[^>]*>.*?</\\k<p>c>", "<${p}c r=\"E2\" t=\"inlineStr\"><${p}is><${p}t>" + new string('x', 10_000_000) + "</${p}t></${p}is></${p}c>"), Reject, "a 10 MB text cell where A4_LOCALITY (40 characters) is");
        yield return Case("xlsx-truncated", Crash, ".xlsx", s => Damage.Truncate(s.Xlsx, 0.7), Reject, "70% of a workbook");
    }

    private static IEnumerable<HostileCase> Dat()
    {
        yield return Case("dat-10mb-line", ResourceBomb, ".dat", s => [.. s.Dat, .. Encoding.ASCII.GetBytes("1" + new string('9', 10_000_000) + "\r\n")], Reject, "one line of 10 MB");
        yield return Case("dat-nul-bytes", Crash, ".dat", s => Damage.ZeroBlock(s.Dat, 1, 64), Either, "64 NUL bytes in a line");
        yield return Case("dat-record-type-only", Crash, ".dat", s => [.. s.Dat, .. "1\r\n2\r\n"u8.ToArray()], Either, "lines of a record type and nothing else");
        yield return Case("dat-cr-only", Crash, ".dat", s => Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(s.Dat).Replace("\r\n", "\r", StringComparison.Ordinal)), Either, "old Mac line ends");
        yield return Case("dat-2m-short-lines", ResourceBomb, ".dat", s => [.. s.Dat, .. Enumerable.Repeat("2\r\n"u8.ToArray(), 2_000_000).SelectMany(b => b)], Either, "2 million lines of a record type only");
        yield return Case("dat-plots-30-times", SilentChange, ".dat", s => RepeatedPlot(s.Dat, 30), Flagged, "the same plot line 30 times in one case (MaxRecords)");
        yield return Case("dat-bom-latin1", SilentChange, ".dat", s => BomWithLatin1(s.Dat), Flagged, "UTF-8 with a BOM, one line in Latin-1 (acceptance 3)");
        yield return Case("dat-bad-gps", PersonalData, ".dat", s => WithGps(s.Dat, CorpusSeeds.PlantedBadX.PadLeft(11)), Flagged, "a GPS value that is not a number: the issue must not quote it");
        yield return Case("dat-planted-name", PersonalData, ".dat", s => WithName(s.Dat, CorpusSeeds.PlantedName, CorpusSeeds.PlantedX), Accept, "planted name and coordinate: must not leave the raw zone");
        yield return Case("dat-utf16", SilentChange, ".dat", s => [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(Encoding.UTF8.GetString(s.Dat).TrimStart('\uFEFF'))], Either, "the .dat in UTF-16");
    }

    private static IEnumerable<HostileCase> Csv()
    {
        yield return Case("csv-headerless", PersonalData, ".csv", s => Csv(s, rows => rows.Skip(1)), new(Verdict.Rejected, MessageMustContainAny: ["header"]), "no header: names and GPS in the first row");
        yield return Case("csv-header-of-labels-17kb", UnclearMessage, ".csv", s => Csv(s, rows => rows.Select((r, i) => i == 0 ? r.Select(c => c + " " + new string('l', 450)).ToArray() : r)), new(Verdict.Rejected, MessageMustNotContain: ["MaxBufferSize"]), "a header of 17 KB of labels");
        yield return Case("csv-1mb-field", ResourceBomb, ".csv", s => Csv(s, rows => rows.Select((r, i) => i == 1 ? r.Select((c, j) => j == 4 ? new string('x', 1_000_000) : c).ToArray() : r)), new(Verdict.Either, MessageMustNotContain: ["MaxBufferSize"]), "a field of 1 MB");
        yield return Case("csv-unterminated-quote", Crash, ".csv", s => Csv(s, rows => rows.Select((r, i) => i == 2 ? r.Select((c, j) => j == 4 ? "\"" + c : c).ToArray() : r)), Either, "an opening quote that never closes");
        yield return Case("csv-50000-columns", ResourceBomb, ".csv", s => Csv(s, rows => rows.Select(r => r.Concat(Enumerable.Range(0, 50_000).Select(i => $"X{i}")).ToArray())), Reject, "50,000 extra columns");
        yield return Case("csv-semicolon-decimal-comma", SilentChange, ".csv", s => CorpusSeeds.Csv(CorpusSeeds.Rows(s.PlotCsv).Select(r => r.Select(c => c.Replace('.', ',')).ToArray()), ';'), new(Verdict.Accepted, MaxRejectedRows: 0), "semicolons and decimal commas, as the docs promise to convert");
        yield return Case("csv-plot-30-times", SilentChange, ".csv", s => CorpusSeeds.Csv(CorpusSeeds.Rows(s.PlotCsv).Take(2).Concat(Enumerable.Repeat(CorpusSeeds.Rows(s.PlotCsv)[1], 30))), Flagged, "the same plot 30 times (MaxRecords)");
        yield return Case("csv-name-too-long", PersonalData, ".csv", s => Csv(s, rows => rows.Select((r, i) => i == 1 ? Set(r, rows, "B1_NAME", string.Join(' ', Enumerable.Repeat(CorpusSeeds.PlantedName, 3))) : r)), Either, "a name longer than its item: the issue must not quote it");
        yield return Case("csv-bad-gps", PersonalData, ".csv", s => Csv(s, rows => rows.Select((r, i) => i == 1 ? Set(r, rows, "A5_X", CorpusSeeds.PlantedBadX) : r)), Flagged, "a GPS value that is not a number");
        yield return Case("csv-bom-latin1", SilentChange, ".csv", s => [.. Encoding.UTF8.GetPreamble(), .. Latin1.GetBytes(Encoding.UTF8.GetString(s.ParticipantCsv).TrimStart('\uFEFF'))], Either, "a BOM, then Latin-1 text");
        yield return Case("csv-nul-bytes", Crash, ".csv", s => Damage.ZeroBlock(s.ParticipantCsv, 2, 40), Either, "NUL bytes in the middle");
        yield return Case("csv-only-header", Crash, ".csv", s => CorpusSeeds.Csv(CorpusSeeds.Rows(s.ParticipantCsv).Take(1)), Either, "a header and no row");
        yield return Case("csv-duplicate-header", Crash, ".csv", s => Csv(s, rows => rows.Select(r => r.Append(r[0]).ToArray())), Reject, "a column named twice");
        yield return Case("csv-formula-injection", PersonalData, ".csv", s => Csv(s, rows => rows.Select((r, i) => i == 1 ? Set(r, rows, "A4_LOCALITY", "=HYPERLINK(\"http://x\")") : r)), Either, "a formula in a text value");
    }

    private static IEnumerable<HostileCase> Dictionaries()
    {
        HostileCase Dcf(string name, HostileClass kind, Func<string, string> edit, Expectation expect, string why) =>
            Case(name, kind, ".zip", s => Zips.Of(("PERU.dat", s.Dat), ("PERU.dcf", Encoding.UTF8.GetBytes(edit(s.Dcf)))), expect, why);
        yield return Dcf("dcf-start-text", Crash, d => Workbooks.ReplaceFirst(d, "Start=51", "Start=abc"), Reject, "Start=abc");
        yield return Dcf("dcf-len-zero", Crash, d => Workbooks.ReplaceFirst(d, "Len=11", "Len=0"), Reject, "Len=0");
        yield return Dcf("dcf-len-huge", ResourceBomb, d => Workbooks.ReplaceFirst(d, "Len=11", "Len=2000000000"), Reject, "Len=2,000,000,000");
        yield return Dcf("dcf-occurrences-huge", ResourceBomb, d => Workbooks.ReplaceFirst(d, "MaxRecords=\\d+", "MaxRecords=2000000000"), Reject, "MaxRecords=2,000,000,000");
        yield return Dcf("dcf-no-dictionary-section", Crash, d => d.Replace("[Dictionary]", "[Nothing]", StringComparison.Ordinal), Reject, "no [Dictionary] section");
        yield return Dcf("dcf-empty", Crash, _ => string.Empty, Either, "an empty .dcf");
        yield return Dcf("dcf-100k-items", ResourceBomb, d => d + string.Concat(Enumerable.Range(0, 100_000).Select(i => $"\r\n[Item]\r\nName=ZZ{i}\r\nStart=1\r\nLen=1\r\n")), Reject, "100,000 extra items");
        yield return Dcf("dcf-binary", Crash, _ => Encoding.Latin1.GetString(Damage.Flip(new byte[4096], 3, 3000)), Either, "binary junk named .dcf");
        yield return Case("dcf-json-truncated", Crash, ".zip", s => Zips.Of(("PERU.dat", s.Dat), ("PERU.json", "{\"software\":\"CSPro\",\"fileType\":\"dictionary\",\"levels\":[{\"records\":["u8.ToArray())), Either, "a JSON dictionary cut short");
        yield return Case("dcf-json-deep", Crash, ".zip", s => Zips.Of(("PERU.dat", s.Dat), ("PERU.json", Encoding.ASCII.GetBytes("{\"software\":\"CSPro\",\"fileType\":\"dictionary\",\"levels\":" + new string('[', 100_000)))), Either, "a JSON dictionary nested 100,000 deep");
        yield return Case("dcf-as-upload", Crash, ".dcf", s => Encoding.UTF8.GetBytes(s.Dcf), Reject, "a dictionary uploaded as data");
    }

    private static IEnumerable<HostileCase> Corruptions()
    {
        var formats = new (string Name, string Extension, Func<CorpusSeeds, byte[]> Seed)[]
        {
            ("dat", ".dat", s => s.Dat),
            ("csv", ".csv", s => s.ParticipantCsv),
            ("csdb", ".csdb", s => s.Csdb),
            ("xlsx", ".xlsx", s => s.Xlsx),
            ("zip", ".zip", s => Zips.Of(("PERU.dat", s.Dat), ("PERU.dcf", Encoding.UTF8.GetBytes(s.Dcf)))),
        };
        foreach (var (name, extension, seed) in formats)
        {
            yield return Case($"corrupt-{name}-truncate-10", Corruption, extension, s => Damage.Truncate(seed(s), 0.1), Either, "the first 10%");
            yield return Case($"corrupt-{name}-truncate-90", Corruption, extension, s => Damage.Truncate(seed(s), 0.9), Either, "the first 90%");
            yield return Case($"corrupt-{name}-flip-8", Corruption, extension, s => Damage.Flip(seed(s), 8, 8), Either, "8 flipped bits");
            yield return Case($"corrupt-{name}-flip-200", Corruption, extension, s => Damage.Flip(seed(s), 200, 200), Either, "200 flipped bits");
            yield return Case($"corrupt-{name}-insert", Corruption, extension, s => Damage.Insert(seed(s), 5, 300), Either, "300 random bytes inserted");
            yield return Case($"corrupt-{name}-zero-block", Corruption, extension, s => Damage.ZeroBlock(seed(s), 6, 2000), Either, "2,000 bytes zeroed");
            yield return Case($"corrupt-{name}-splice", Corruption, extension, s => Damage.Splice(seed(s), 7), Either, "a block copied over another");
        }
    }

    private static byte[] Csv(CorpusSeeds s, Func<List<string[]>, IEnumerable<string[]>> edit) => CorpusSeeds.Csv(edit(CorpusSeeds.Rows(s.ParticipantCsv)));

    private static string[] Set(string[] row, List<string[]> rows, string column, string value)
    {
        var copy = (string[])row.Clone();
        copy[Array.IndexOf(rows[0], column)] = value;
        return copy;
    }

    private static string[] Lines(byte[] dat) => Encoding.UTF8.GetString(dat).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

    private static byte[] Join(IEnumerable<string> lines, Encoding? encoding = null) =>
        [.. Encoding.UTF8.GetPreamble(), .. (encoding ?? Encoding.UTF8).GetBytes(string.Concat(lines.Select(l => l + "\r\n")))];

    private static byte[] RepeatedLine(byte[] dat, int recordType, int bytes)
    {
        var line = Lines(dat).First(l => l[0] == (char)('0' + recordType + 1)) + "\r\n";
        return Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(line, bytes / line.Length)));
    }

    private static byte[] RepeatedPlot(byte[] dat, int times)
    {
        var lines = Lines(dat).ToList();
        var plot = lines.FindIndex(l => l[0] == '2');
        lines.InsertRange(plot, Enumerable.Repeat(lines[plot], times));
        return Join(lines);
    }

    private static byte[] BomWithLatin1(byte[] dat)
    {
        var lines = Lines(dat);
        var second = Array.FindIndex(lines, Array.FindIndex(lines, l => l[0] == '1') + 1, l => l[0] == '1');
        var bytes = new List<byte>(Encoding.UTF8.GetPreamble());
        for (var i = 0; i < lines.Length; i++)
        {
            var line = i == second ? lines[i][..71] + CorpusSeeds.PlantedLatin1Name.PadRight(60) + lines[i][131..] : lines[i];
            bytes.AddRange((i == second ? Latin1 : Encoding.UTF8).GetBytes(line + "\r\n"));
        }

        return [.. bytes];
    }

    private static byte[] WithGps(byte[] dat, string x)
    {
        var lines = Lines(dat);
        var i = Array.FindIndex(lines, l => l[0] == '1');
        lines[i] = lines[i][..50] + x + lines[i][61..];
        return Join(lines);
    }

    private static byte[] WithName(byte[] dat, string name, string x)
    {
        var lines = Lines(dat);
        var i = Array.FindIndex(lines, l => l[0] == '1');
        lines[i] = lines[i][..50] + x.PadLeft(11) + lines[i][61..71] + name.PadRight(60) + lines[i][131..];
        return Join(lines);
    }
}
