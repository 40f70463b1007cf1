using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Pipeline.Core.Dictionary;
using Pipeline.Core.Engine;
using Pipeline.Core.Packs;

namespace Pipeline.Core.Readers;

/// <summary>
/// Reads a CSPro DB (<c>.csdb</c>, SQLite) with the survey pack's dictionary. The upload is copied to a temporary file
/// (SQLite needs random access), opened read-only and deleted on dispose.
/// <list type="bullet">
/// <item>Schema version 3 (CSPro 7.x and 8): relational tables, <c>level-N</c> tables holding the IDs, one table per
/// record (lower-case name), <c>occ</c> for repeating records, <c>item(k)</c> columns for item occurrences.</item>
/// <item>Schema version ≤ 2: <c>cases.questionnaire</c> holds each case as text-data lines, cut as a <c>.dat</c> line is.</item>
/// </list>
/// Cases come in <c>file_order</c>; within a case, as CSPro writes text data: a level's records in dictionary order
/// (occurrences by <c>occ</c>), then its child level nodes. Deleted cases (<c>deleted=1</c>) are left out and counted in
/// <see cref="Deleted"/>. Values: NULL is not applicable (null); DEFAULT (stored as 1e52) becomes the text
/// <c>DEFAULT</c>, which the validator rejects; MISSING and REFUSED are stored as their codes and pass through.
/// <see cref="SourceRow.Row"/> is the running number of the row in that order (1-based).
/// <para>The upload stream is read to its end while it is copied, and left open: the caller still owns it (and can,
/// e.g., finish a hash over it).</para>
/// </summary>
public sealed class CsproDbReader : IExportReader
{
    private const int LatestSchemaVersion = 3;

    /// <summary>SQLITE_TOOBIG: a value longer than the connection's length limit (<see cref="CsproDbSchemaGuard.Harden"/>).</summary>
    private const int SqliteTooBig = 18;

    /// <summary>A format check, not a resource limit: a version such as 7.7.3 or 8.0.1 is a few bytes.</summary>
    private const int MaxCsproVersionBytes = 64;
    private static readonly string[] RequiredTables = ["meta", "cases"];
    private readonly TempSpool _spool;
    private readonly SqliteConnection _connection;
    private readonly SurveyPack _pack;
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private readonly ShortStringPool _pool = new(); // subitem codes repeat on every row; rows are read one at a time
    private readonly CsproDbReaderOptions _options;
    private long _row;
    private long _caseNumber;
    private long _caseRows;
    private long _caseBytes;

    private CsproDbReader(TempSpool spool, SqliteConnection connection, SurveyPack pack, string fileName, Meta meta, long deleted, long cases, CsproDbReaderOptions options)
    {
        _spool = spool;
        _options = options;
        _connection = connection;
        _pack = pack;
        FileName = fileName;
        SchemaVersion = meta.SchemaVersion;
        CsproVersion = meta.CsproVersion;
        EmbeddedDictionaryText = meta.Dictionary;
        Deleted = deleted;
        Cases = cases;
        Records = BuildRecordPlans(pack);
    }

    public string Format => "cspro-db";

    public string FileName { get; }

    /// <summary><c>meta.schema_version</c>: 3 for relational storage, ≤ 2 for text questionnaires.</summary>
    public int SchemaVersion { get; }

    /// <summary><c>meta.cspro_version</c>, e.g. 7.4.0.</summary>
    public string CsproVersion { get; }

    /// <summary>Cases marked deleted (<c>deleted=1</c>); they are not read.</summary>
    public long Deleted { get; }

    /// <inheritdoc />
    public long DeletedCases => Deleted;

    /// <summary>Cases that are read (not deleted).</summary>
    public long Cases { get; }

    /// <summary>The dictionary stored in <c>meta.dictionary</c> (classic text in 7.x files, JSON in 8.x files).</summary>
    public string EmbeddedDictionaryText { get; }

    /// <summary>
    /// Per record, the items the file holds but the layout has no column for (ID items of levels 2 and 3 today, see
    /// <see cref="CsproTextDataReader.ItemsWithoutColumn"/>).
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ItemsWithoutColumn =>
        Records.Where(r => r.ItemsWithoutColumn.Length > 0).ToDictionary(r => r.Record.Name, r => (IReadOnlyList<string>)r.ItemsWithoutColumn, StringComparer.OrdinalIgnoreCase);

    private List<RecordPlan> Records { get; }

    /// <summary>Copies the upload, opens it read-only and checks that its tables hold every record and item of the pack's dictionary.</summary>
    /// <summary>The temporary copy SQLite reads (deleted on disposal).</summary>
    internal string SpoolPath => _spool.Path;

    public static async Task<CsproDbReader> CreateAsync(Stream content, string fileName, SurveyPack pack, CsproDbReaderOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pack);
        options ??= new CsproDbReaderOptions();
        var (spool, connection) = await OpenAsync(content, fileName, options, cancellationToken).ConfigureAwait(false);
        try
        {
            var meta = await ReadMetaAsync(connection, fileName, options, cancellationToken).ConfigureAwait(false);
            if (meta.SchemaVersion >= LatestSchemaVersion)
            {
                await CheckTablesAsync(connection, fileName, pack, cancellationToken).ConfigureAwait(false);
            }

            // After the tables: a file of another survey altogether is better told by the tables it lacks.
            CheckEmbeddedDictionary(meta.Dictionary, fileName, pack);

            var deleted = await ScalarAsync(connection, "SELECT COUNT(*) FROM cases WHERE deleted <> 0", fileName, cancellationToken).ConfigureAwait(false);
            var cases = await ScalarAsync(connection, "SELECT COUNT(*) FROM cases WHERE deleted = 0", fileName, cancellationToken).ConfigureAwait(false);
            return new CsproDbReader(spool, connection, pack, fileName, meta, deleted, cases, options);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            await spool.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Reads only the dictionary stored in <c>meta.dictionary</c> (text or JSON), e.g. to compare it with a survey pack.</summary>
    public static async Task<DataDictionary> ReadEmbeddedDictionaryAsync(Stream content, string fileName, CsproDbReaderOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (spool, connection) = await OpenAsync(content, fileName, options ?? new CsproDbReaderOptions(), cancellationToken).ConfigureAwait(false);
        await using (spool)
        await using (connection)
        {
            var meta = await ReadMetaAsync(connection, fileName, options ?? new CsproDbReaderOptions(), cancellationToken).ConfigureAwait(false);
            return ParseDictionary(meta.Dictionary, fileName);
        }
    }

    /// <summary>Parses <see cref="EmbeddedDictionaryText"/>; throws <see cref="DictionaryFormatException"/> naming <c>meta.dictionary</c>.</summary>
    public DataDictionary ParseEmbeddedDictionary() => ParseDictionary(EmbeddedDictionaryText, FileName);

    public async IAsyncEnumerable<SourceRow> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var v3 = SchemaVersion >= LatestSchemaVersion;
        var sql = v3
            ? $"SELECT c.\"key\", l.\"level-1-id\"{string.Concat(IdColumns(0).Select(c => $", l.{Quote(c)}"))} FROM cases c LEFT JOIN \"level-1\" l ON l.\"case-id\" = c.id WHERE c.deleted = 0 ORDER BY c.file_order"
            : "SELECT \"key\", questionnaire, octet_length(questionnaire) FROM cases WHERE deleted = 0 ORDER BY file_order";
        await using var command = _connection.CreateCommand();
        command.CommandText = sql;
        var parser = v3 ? null : new CsproLineParser(_pack);
        SqliteDataReader cases;
        try
        {
            cases = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException e)
        {
            throw Damaged(e, "listing the cases");
        }

        await using (cases)
        {
            long caseNumber = 0;
            while (true)
            {
                List<SourceRow> rows;
                try
                {
                    if (!await cases.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        break;
                    }

                    caseNumber++;
                    StartCase(caseNumber);
                    rows = v3 ? await ReadCaseAsync(cases, cancellationToken).ConfigureAwait(false) : ReadQuestionnaire(cases, parser!);
                }
                catch (SqliteException e)
                {
                    throw Damaged(e, $"case {caseNumber.ToString(CultureInfo.InvariantCulture)} in file order");
                }

                // One case at a time: cases are small (a household), the file is not.
                foreach (var row in rows)
                {
                    yield return row;
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in _commands.Values)
        {
            await command.DisposeAsync().ConfigureAwait(false);
        }

        await _connection.DisposeAsync().ConfigureAwait(false);
        await _spool.DisposeAsync().ConfigureAwait(false);
    }

    private List<SourceRow> ReadQuestionnaire(SqliteDataReader cases, CsproLineParser parser)
    {
        parser.StartCase();
        var rows = new List<SourceRow>();
        Spend(0, cases.IsDBNull(2) ? 0 : cases.GetInt64(2)); // before the text is decoded into a string
        var text = cases.IsDBNull(1) ? string.Empty : cases.GetString(1);
        foreach (var line in text.Split(["\r\n", "\n", "\r"], StringSplitOptions.None))
        {
            Spend(1, 0);
            if (parser.Parse(line, _row + 1, null, out _) is { } row)
            {
                _row++;
                rows.Add(row);
            }
        }

        return rows;
    }

    private void StartCase(long caseNumber)
    {
        _caseNumber = caseNumber;
        _caseRows = 0;
        _caseBytes = 0;
    }

    /// <summary>
    /// Counts what the case being read holds so far against <see cref="CsproDbReaderOptions.MaxRowsPerCase"/> and
    /// <see cref="CsproDbReaderOptions.MaxCaseBytes"/>: a case is held in memory whole, so it must stay small.
    /// </summary>
    private void Spend(long rows, long bytes)
    {
        _caseRows += rows;
        _caseBytes += bytes;
        const string split = "A real case (one household, one questionnaire) is far smaller: check that the file was written by CSEntry or CSPro, or ask the data team to raise the limit.";
        var where = $"case {_caseNumber.ToString(CultureInfo.InvariantCulture)} in file order";
        if (_caseRows > _options.MaxRowsPerCase)
        {
            throw new InputFileException(FileName, $"{where} has more than {_options.MaxRowsPerCase.ToString(CultureInfo.InvariantCulture)} rows (records or lines), the limit per case (setting Ingest:Readers:CsproDb:MaxRowsPerCase).", split, row: _row + 1);
        }

        if (_caseBytes > _options.MaxCaseBytes)
        {
            throw new InputFileException(FileName, $"{where} holds more than {_options.MaxCaseBytes.ToString(CultureInfo.InvariantCulture)} bytes, the limit per case (setting Ingest:Readers:CsproDb:MaxCaseBytes).", split, row: _row + 1);
        }
    }

    private static long FieldBytes(string?[] fields)
    {
        long bytes = 0;
        foreach (var field in fields)
        {
            bytes += field?.Length ?? 0;
        }

        return bytes;
    }

    private async Task<List<SourceRow>> ReadCaseAsync(SqliteDataReader cases, CancellationToken cancellationToken)
    {
        var rows = new List<SourceRow>();
        var key = cases.IsDBNull(0) ? string.Empty : cases.GetString(0);
        var ids = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (cases.IsDBNull(1))
        {
            // A case row without level data: report it rather than skip it; the IDs come from the key.
            var first = Records[0];
            var fields = new string?[first.Layout.Columns.Count];
            var offset = 0;
            foreach (var item in _pack.Dictionary.CaseIdItems)
            {
                var index = first.Layout.IndexOf(item.Name);
                var raw = offset < key.Length ? key.Substring(offset, Math.Min(item.Length, key.Length - offset)) : string.Empty;
                if (index >= 0)
                {
                    fields[index] = item.DataType == ItemDataType.Alpha ? CsproFieldText.Alpha(raw) : CsproFieldText.Numeric(raw.PadRight(item.Length), item, out _);
                }

                offset += item.Length;
            }

            rows.Add(new SourceRow(first.Layout, ++_row, fields, $"case '{key}' has no row in table level-1, so none of its records can be read"));
            return rows;
        }

        var levelId = cases.GetInt64(1);
        var idItems = _pack.Dictionary.Levels[0].IdItems;
        for (var i = 0; i < idItems.Count; i++)
        {
            ids[idItems[i].Name] = CsproFieldText.FromDatabase(cases.GetValue(2 + i), idItems[i]);
        }

        await ReadLevelAsync(0, levelId, ids, rows, cancellationToken).ConfigureAwait(false);
        return rows;
    }

    private async Task ReadLevelAsync(int level, long levelId, Dictionary<string, string?> ids, List<SourceRow> rows, CancellationToken cancellationToken)
    {
        foreach (var plan in Records.Where(r => r.Level == level))
        {
            await ReadRecordAsync(plan, levelId, ids, rows, cancellationToken).ConfigureAwait(false);
        }

        if (level + 1 >= _pack.Dictionary.Levels.Count)
        {
            return;
        }

        var child = level + 2; // tables are 1-based: level-1, level-2, ...
        var idItems = _pack.Dictionary.Levels[level + 1].IdItems;
        var command = Command(
            $"level-{child}",
            $"SELECT \"level-{child}-id\"{string.Concat(IdColumns(level + 1).Select(c => $", {Quote(c)}"))} FROM \"level-{child}\" WHERE \"level-{child - 1}-id\" = $id ORDER BY occ, \"level-{child}-id\"");
        command.Parameters["$id"].Value = levelId;
        var children = new List<(long Id, Dictionary<string, string?> Ids)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var childIds = new Dictionary<string, string?>(ids, StringComparer.OrdinalIgnoreCase);
                for (var i = 0; i < idItems.Count; i++)
                {
                    childIds[idItems[i].Name] = CsproFieldText.FromDatabase(reader.GetValue(1 + i), idItems[i]);
                }

                Spend(1, 0); // a child node is held until its records are read, so it counts as a row
                children.Add((reader.GetInt64(0), childIds));
            }
        }

        foreach (var (id, childIds) in children)
        {
            await ReadLevelAsync(level + 1, id, childIds, rows, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ReadRecordAsync(RecordPlan plan, long levelId, Dictionary<string, string?> ids, List<SourceRow> rows, CancellationToken cancellationToken)
    {
        var command = Command(plan.Table, plan.Sql);
        command.Parameters["$id"].Value = levelId;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var count = 0;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            count++;
            var fields = new string?[plan.Layout.Columns.Count];
            for (var c = 0; c < fields.Length; c++)
            {
                var source = plan.Sources[c];
                if (source.IdName is not null)
                {
                    fields[c] = ids.GetValueOrDefault(source.IdName);
                }
                else if (source.Ordinal >= 0)
                {
                    fields[c] = CsproFieldText.FromDatabase(reader.GetValue(source.Ordinal), source.Item!);
                }
            }

            Spend(1, FieldBytes(fields)); // before subitems are derived: they repeat their parent's characters
            plan.Layout.DeriveSubitems(fields, _pool);
            string? problem = null;
            if (count > plan.Record.MaxRecords)
            {
                problem = $"record {plan.Record.Name} occurs {count.ToString(CultureInfo.InvariantCulture)} times in this {(plan.Level == 0 ? "case" : "level node")}; the dictionary allows {plan.Record.MaxRecords.ToString(CultureInfo.InvariantCulture)}";
            }

            rows.Add(new SourceRow(plan.Layout, ++_row, fields, problem));
        }
    }

    private SqliteCommand Command(string key, string sql)
    {
        if (!_commands.TryGetValue(key, out var command))
        {
            command = _connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.Add("$id", SqliteType.Integer);
            _commands[key] = command;
        }

        return command;
    }

    private IEnumerable<string> IdColumns(int level) => _pack.Dictionary.Levels[level].IdItems.Select(i => i.Name.ToLowerInvariant());

    private InputFileException Damaged(SqliteException e, string where) => e.SqliteErrorCode == SqliteTooBig
        ? new(FileName, $"{where} holds a value of more than {Math.Max(_options.MaxCaseBytes, _options.MaxDictionaryBytes).ToString(CultureInfo.InvariantCulture)} bytes, more than a whole case may hold (setting Ingest:Readers:CsproDb:MaxCaseBytes).", "A real case is far smaller: check that the file was written by CSEntry or CSPro, or ask the data team to raise the limit.", row: _row + 1, inner: e)
        : new(FileName, $"the database could not be read at {where}: {e.Message}", "The file is damaged (truncated or corrupted in transfer): copy it again from the device or from CSWeb and upload it again.", row: _row + 1, inner: e);

    private static List<RecordPlan> BuildRecordPlans(SurveyPack pack)
    {
        var plans = new List<RecordPlan>();
        for (var l = 0; l < pack.Dictionary.Levels.Count; l++)
        {
            foreach (var record in pack.Dictionary.Levels[l].Records)
            {
                plans.Add(new RecordPlan(pack, l, record));
            }
        }

        return plans;
    }

    /// <summary>
    /// The file's own dictionary (<c>meta.dictionary</c>) against the pack's: a different layout is rejected naming the
    /// first difference (<see cref="DictionaryLayoutComparison"/>). An empty <c>meta.dictionary</c> (CSPro always writes
    /// it; only other writers leave it out) is not compared: the tables are checked against the pack's dictionary anyway.
    /// </summary>
    private static void CheckEmbeddedDictionary(string text, string fileName, SurveyPack pack)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        DataDictionary embedded;
        try
        {
            embedded = DictionaryReader.ParseLayout(text, $"{fileName} (meta.dictionary)"); // only its layout is compared
        }
        catch (DictionaryFormatException e)
        {
            throw new InputFileException(fileName, $"the dictionary stored in the file (meta.dictionary) cannot be read, so it cannot be compared with survey '{pack.Id}''s: {e.Message}", "Upload the .csdb that CSEntry or CSPro wrote, unchanged.", inner: e);
        }

        if (DictionaryLayoutComparison.FirstDifference(embedded, pack.Dictionary, "the file's dictionary (meta.dictionary)") is { } difference)
        {
            throw new InputFileException(
                fileName,
                $"the file was written with a dictionary whose layout is not survey '{pack.Id}''s ({pack.Manifest.Dictionary}): {difference}.",
                "Upload data entered with the survey's dictionary; if the questionnaire changed, update the survey pack's dictionary (and its rules) first.");
        }
    }

    private static DataDictionary ParseDictionary(string text, string fileName) =>
        DictionaryReader.Parse(text, $"{fileName} (meta.dictionary)");

    private static async Task<(TempSpool Spool, SqliteConnection Connection)> OpenAsync(Stream content, string fileName, CsproDbReaderOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var spool = await TempSpool.CreateAsync(content, fileName, ".csdb", options.MaxFileBytes, cancellationToken).ConfigureAwait(false);

        try
        {
            await CheckHeaderAsync(spool, fileName, options, cancellationToken).ConfigureAwait(false);
            var builder = new SqliteConnectionStringBuilder
            {
                // immutable: our private copy never changes, so SQLite needs no -wal/-shm files and no locks.
                DataSource = new Uri(spool.Path).AbsoluteUri + "?immutable=1",
                Mode = SqliteOpenMode.ReadOnly,
                Pooling = false,
            };
            var connection = new SqliteConnection(builder.ToString());
            try
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                CsproDbSchemaGuard.Harden(connection, options);
            }
            catch (SqliteException e)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw new InputFileException(fileName, $"SQLite cannot open the file: {e.Message}", "Upload the .csdb file as CSPro wrote it (an encrypted .csdbe must be exported unencrypted first).", inner: e);
            }

            try
            {
                // Before any query of the data: a generated column or a view would be evaluated by it.
                await CsproDbSchemaGuard.CheckAsync(connection, fileName, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            return (spool, connection);
        }
        catch
        {
            await spool.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Checks the 100-byte SQLite header: magic, and a file as long as the header says (a cut upload is caught here, not mid-read).</summary>
    private static async Task CheckHeaderAsync(TempSpool spool, string fileName, CsproDbReaderOptions options, CancellationToken cancellationToken)
    {
        const string upload = "Upload the .csdb file exactly as CSPro wrote it (copy it again from the device or CSWeb).";
        if (spool.Length == 0)
        {
            throw new InputFileException(fileName, "the file is empty.", upload);
        }

        var header = new byte[100];
        int read;
        await using (var file = File.OpenRead(spool.Path))
        {
            read = await file.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        }

        if (!header.AsSpan().StartsWith("SQLite format 3\0"u8))
        {
            throw new InputFileException(fileName, "this is not a SQLite database, so not a CSPro DB (.csdb): it does not start with \"SQLite format 3\". An encrypted CSPro DB (.csdbe) cannot be read either.", "Upload the .csdb file CSPro wrote, or export the data (CSV, .dat) and upload that.", row: null);
        }

        if (read < 100)
        {
            throw new InputFileException(fileName, $"the SQLite file is truncated: it has {spool.Length.ToString(CultureInfo.InvariantCulture)} bytes, less than its 100-byte header.", upload);
        }

        var pageSize = (long)BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(16));
        pageSize = pageSize == 1 ? 65536 : pageSize;
        var pages = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(28));
        var headerSizeValid = pages > 0 && BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(24)) == BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(92));
        if (pageSize < 512 || (pageSize & (pageSize - 1)) != 0)
        {
            throw new InputFileException(fileName, $"the SQLite header is damaged (page size {pageSize.ToString(CultureInfo.InvariantCulture)}).", upload);
        }

        if (headerSizeValid && pages * pageSize > options.MaxFileBytes)
        {
            // Before "truncated": a header declaring terabytes is not a cut upload.
            throw new InputFileException(fileName, $"the SQLite header declares a database of {(pages * pageSize).ToString(CultureInfo.InvariantCulture)} bytes ({pages.ToString(CultureInfo.InvariantCulture)} pages of {pageSize.ToString(CultureInfo.InvariantCulture)}), more than the limit of {TempSpool.Size(options.MaxFileBytes)} (MaxFileBytes).", "Upload the .csdb file exactly as CSPro wrote it; if it really is that large, split the data or ask the data team to raise the limit.");
        }

        if ((headerSizeValid && spool.Length < pages * pageSize) || spool.Length % pageSize != 0)
        {
            var expected = headerSizeValid ? $"{(pages * pageSize).ToString(CultureInfo.InvariantCulture)} bytes ({pages.ToString(CultureInfo.InvariantCulture)} pages of {pageSize.ToString(CultureInfo.InvariantCulture)})" : $"a multiple of its page size {pageSize.ToString(CultureInfo.InvariantCulture)}";
            throw new InputFileException(fileName, $"the SQLite file is truncated: its header says {expected}, but the file has {spool.Length.ToString(CultureInfo.InvariantCulture)} bytes.", upload);
        }

        CheckBytesAfterEnd(spool.Length, headerSizeValid ? pages * pageSize : null, fileName);
    }

    /// <summary>
    /// The database size the header declares (page count × page size, trusted by SQLite only while the change counter
    /// at offset 24 equals the version-valid-for number at offset 92) against the file: SQLite never reads bytes after
    /// that size, so bytes there are data nobody checked (e.g. gigabytes appended to a small database).
    /// </summary>
    private static void CheckBytesAfterEnd(long fileLength, long? declared, string fileName)
    {
        if (declared is not { } size)
        {
            return; // an old writer's header: SQLite takes the file's length as the database's, so there is no "after"
        }

        if (fileLength > size)
        {
            throw new InputFileException(fileName, $"the file has {(fileLength - size).ToString(CultureInfo.InvariantCulture)} bytes after the end of the database: its SQLite header says the database ends at byte {size.ToString(CultureInfo.InvariantCulture)}, but the file has {fileLength.ToString(CultureInfo.InvariantCulture)} bytes.", "Upload the .csdb file exactly as CSPro wrote it; something was appended to this one.");
        }
    }

    private static async Task<Meta> ReadMetaAsync(SqliteConnection connection, string fileName, CsproDbReaderOptions options, CancellationToken cancellationToken)
    {
        var tables = await TablesAsync(connection, fileName, cancellationToken).ConfigureAwait(false);
        var missing = RequiredTables.Where(t => !tables.Contains(t)).ToArray();
        if (missing.Length > 0)
        {
            throw new InputFileException(fileName, $"this SQLite database is not a CSPro DB: it has no table {string.Join(" or ", missing)} (tables found: {Shorten(tables)}).", "Upload the .csdb file CSPro wrote for this survey.");
        }

        try
        {
            // Types and sizes first (typeof and octet_length do not load a value): a file may hold anything in meta.
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT typeof(schema_version), typeof(cspro_version), octet_length(cspro_version), typeof(dictionary), octet_length(dictionary) FROM meta LIMIT 1";
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    throw new InputFileException(fileName, "table meta is empty, so the CSPro DB has no schema version and no dictionary.", "Upload the .csdb file as CSPro wrote it.");
                }

                CheckMetaTypes(reader, fileName, options);
            }

            command.CommandText = "SELECT schema_version, cspro_version, dictionary FROM meta LIMIT 1";
            await using var values = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await values.ReadAsync(cancellationToken).ConfigureAwait(false);
            var version = values.GetInt64(0); // an integer: checked above
            if (version is < 1 or > LatestSchemaVersion)
            {
                throw new InputFileException(fileName, $"the CSPro DB schema version (meta.schema_version) is {version.ToString(CultureInfo.InvariantCulture)}; this reader knows versions 1 to {LatestSchemaVersion.ToString(CultureInfo.InvariantCulture)} (CSPro 7.x and 8.x).", "Export the data from CSPro as CSV or .dat and upload that, and tell the data team which CSPro version wrote the file.");
            }

            return new Meta((int)version, values.IsDBNull(1) ? string.Empty : values.GetString(1), values.IsDBNull(2) ? string.Empty : values.GetString(2));
        }
        catch (SqliteException e)
        {
            throw new InputFileException(fileName, $"table meta cannot be read: {e.Message}", "Upload the .csdb file as CSPro wrote it.", inner: e);
        }
    }

    /// <summary>
    /// Row 1 of <c>meta</c> as CSPro writes it: <c>schema_version</c> an integer, <c>cspro_version</c> a short text,
    /// <c>dictionary</c> a text within <see cref="CsproDbReaderOptions.MaxDictionaryBytes"/>. Reader columns: the
    /// three types, then the byte lengths of the two texts.
    /// </summary>
    private static void CheckMetaTypes(SqliteDataReader reader, string fileName, CsproDbReaderOptions options)
    {
        const string asWritten = "Upload the .csdb file that CSEntry or CSPro wrote, unchanged.";
        var versionType = reader.GetString(0);
        if (versionType != "integer")
        {
            throw new InputFileException(fileName, $"meta.schema_version holds {Stored(versionType)}; expected an integer from 1 to {LatestSchemaVersion.ToString(CultureInfo.InvariantCulture)} (the CSPro DB schema version).", asWritten, column: "meta.schema_version");
        }

        var csproVersionBytes = reader.IsDBNull(2) ? 0 : reader.GetInt64(2);
        if (reader.GetString(1) is not ("text" or "null") || csproVersionBytes > MaxCsproVersionBytes)
        {
            throw new InputFileException(fileName, $"meta.cspro_version holds {Stored(reader.GetString(1))} of {csproVersionBytes.ToString(CultureInfo.InvariantCulture)} bytes; expected a CSPro version text such as 7.7.3, at most {MaxCsproVersionBytes.ToString(CultureInfo.InvariantCulture)} bytes.", asWritten, column: "meta.cspro_version");
        }

        if (reader.GetString(3) is not ("text" or "null"))
        {
            throw new InputFileException(fileName, $"meta.dictionary holds {Stored(reader.GetString(3))}; expected the dictionary as text (CSPro's .dcf text or JSON).", asWritten, column: "meta.dictionary");
        }

        var bytes = reader.IsDBNull(4) ? 0 : reader.GetInt64(4);
        if (bytes > options.MaxDictionaryBytes)
        {
            throw new InputFileException(
                fileName,
                $"the dictionary stored in the file (meta.dictionary) has {bytes.ToString(CultureInfo.InvariantCulture)} bytes, more than the {options.MaxDictionaryBytes.ToString(CultureInfo.InvariantCulture)} bytes a CSPro dictionary may have here.",
                asWritten);
        }
    }

    private static string Stored(string sqliteType) => sqliteType switch
    {
        "null" => "nothing (NULL)",
        "integer" => "an integer",
        _ => $"a {sqliteType}",
    };

    private static async Task CheckTablesAsync(SqliteConnection connection, string fileName, SurveyPack pack, CancellationToken cancellationToken)
    {
        var dictionary = pack.Dictionary;
        var tables = await TablesAsync(connection, fileName, cancellationToken).ConfigureAwait(false);
        var problems = new List<string>();
        for (var l = 0; l < dictionary.Levels.Count; l++)
        {
            var level = dictionary.Levels[l];
            var table = $"level-{l + 1}";
            if (!tables.Contains(table))
            {
                problems.Add($"table {table} (the IDs of level {level.Name}) is missing");
                continue;
            }

            var expected = new List<string> { $"level-{l + 1}-id", l == 0 ? "case-id" : $"level-{l}-id" };
            if (l > 0)
            {
                expected.Add("occ");
            }

            expected.AddRange(level.IdItems.Select(i => i.Name.ToLowerInvariant()));
            await MissingColumnsAsync(connection, table, expected, $"level {level.Name}", problems, cancellationToken).ConfigureAwait(false);
            foreach (var record in level.Records)
            {
                var recordTable = record.Name.ToLowerInvariant();
                if (!tables.Contains(recordTable))
                {
                    problems.Add($"table {recordTable} for record {record.Name} is missing");
                    continue;
                }

                var columns = new List<string> { $"level-{l + 1}-id" };
                if (record.MaxRecords > 1)
                {
                    columns.Add("occ");
                }

                columns.AddRange(RecordPlan.ItemColumns(record).Select(c => c.Column));
                await MissingColumnsAsync(connection, recordTable, columns, $"record {record.Name}", problems, cancellationToken).ConfigureAwait(false);
            }
        }

        if (problems.Count > 0)
        {
            throw new InputFileException(
                fileName,
                $"the CSPro DB does not match dictionary {dictionary.Name} of survey '{pack.Id}': {string.Join("; ", problems.Take(10))}{(problems.Count > 10 ? $"; and {problems.Count - 10} more" : string.Empty)}.",
                "Upload data entered with this survey's dictionary, or update the survey pack's dictionary to the one in the file (meta.dictionary).");
        }
    }

    private static async Task MissingColumnsAsync(SqliteConnection connection, string table, IEnumerable<string> expected, string what, List<string> problems, CancellationToken cancellationToken)
    {
        var columns = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT name FROM pragma_table_info({QuoteLiteral(table)})";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                columns.Add(reader.GetString(0));
            }
        }

        var missing = expected.Where(c => !columns.Contains(c)).ToList();
        if (missing.Count > 0)
        {
            problems.Add($"table {table} ({what}) has no column {string.Join(", ", missing.Take(10))}{(missing.Count > 10 ? $" and {missing.Count - 10} more" : string.Empty)}");
        }
    }

    private static async Task<HashSet<string>> TablesAsync(SqliteConnection connection, string fileName, CancellationToken cancellationToken)
    {
        var tables = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                tables.Add(reader.GetString(0));
            }
        }
        catch (SqliteException e)
        {
            throw new InputFileException(fileName, $"the SQLite schema (table sqlite_schema, the first page) cannot be read: {e.Message}", "The file is damaged: upload the .csdb file again, exactly as CSPro wrote it.", inner: e);
        }

        return tables;
    }

    private static async Task<long> ScalarAsync(SqliteConnection connection, string sql, string fileName, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }
        catch (SqliteException e)
        {
            throw new InputFileException(fileName, $"table cases cannot be read: {e.Message}", "The file is damaged: upload the .csdb file again, exactly as CSPro wrote it.", inner: e);
        }
    }

    private static string Shorten(IEnumerable<string> names)
    {
        var list = names.Order(StringComparer.Ordinal).ToList();
        return list.Count == 0 ? "none" : string.Join(", ", list.Take(10)) + (list.Count > 10 ? ", …" : string.Empty);
    }

    internal static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string QuoteLiteral(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private sealed record Meta(int SchemaVersion, string CsproVersion, string Dictionary);

    private sealed record FieldSource(string? IdName, DictionaryItem? Item, int Ordinal);

    /// <summary>How one record's rows are selected and laid out.</summary>
    private sealed class RecordPlan
    {
        public RecordPlan(SurveyPack pack, int level, DictionaryRecord record)
        {
            Record = record;
            Level = level;
            Layout = RecordLayout.For(pack, record);
            Table = record.Name.ToLowerInvariant();
            var itemColumns = ItemColumns(record);
            var ordinals = itemColumns.Select((c, i) => (c.LayoutName, c.Item, i)).ToDictionary(x => x.LayoutName, x => (x.Item, x.i), StringComparer.OrdinalIgnoreCase);
            var levelIds = pack.Dictionary.Levels.Take(level + 1).SelectMany(l => l.IdItems).ToDictionary(i => i.Name, StringComparer.OrdinalIgnoreCase);
            Sources = Layout.Columns.Select(c =>
                levelIds.ContainsKey(c.Name) ? new FieldSource(c.Name, null, -1)
                : ordinals.TryGetValue(c.Name, out var o) ? new FieldSource(null, o.Item, o.i)
                : new FieldSource(null, null, -1)).ToArray();
            var used = Layout.Columns.Select(c => c.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
            ItemsWithoutColumn = levelIds.Keys.Concat(ordinals.Keys).Where(n => !used.Contains(n)).ToArray();
            var order = record.MaxRecords > 1 ? "occ, " : string.Empty;
            Sql = $"SELECT {string.Join(", ", itemColumns.Select(c => Quote(c.Column)))} FROM {Quote(Table)} WHERE {Quote($"level-{level + 1}-id")} = $id ORDER BY {order}{Quote(Table + "-id")}";
        }

        public DictionaryRecord Record { get; }

        public int Level { get; }

        public RecordLayout Layout { get; }

        public string Table { get; }

        public string Sql { get; }

        public FieldSource[] Sources { get; }

        public string[] ItemsWithoutColumn { get; }

        /// <summary>The item columns CSPro creates for a record: <c>name</c>, or <c>name(1)</c>…<c>name(n)</c> for occurrences.</summary>
        public static List<(string LayoutName, string Column, DictionaryItem Item)> ItemColumns(DictionaryRecord record)
        {
            var columns = new List<(string, string, DictionaryItem)>();
            foreach (var item in record.Items.Where(i => !i.IsSubitem))
            {
                var name = item.Name.ToLowerInvariant();
                if (item.Occurrences > 1)
                {
                    for (var o = 1; o <= item.Occurrences; o++)
                    {
                        columns.Add(($"{item.Name}_{o}", $"{name}({o})", item));
                    }
                }
                else
                {
                    columns.Add((item.Name, name, item));
                }
            }

            return columns;
        }
    }
}
