using System.Globalization;
using Microsoft.Data.Sqlite;
using Pipeline.Core.Dictionary;
using Pipeline.Core.Engine;
using Pipeline.Core.Readers;
using Pipeline.Generator.Cases;

namespace Pipeline.Generator.Writers;

/// <summary>
/// CSPro DB, schema version 3 (<c>zDataO/SQLiteRepository.cpp</c>, <c>SQLiteDictionarySchemaGenerator.cpp</c>): the
/// static tables (meta with the dictionary text, file_revisions, cases, vector_clock, notes, sync_history), a
/// <c>level-1</c> table of case IDs, and one table per record named in lower case, with <c>occ</c> for repeating
/// records and one column per item (<c>item(k)</c> for occurrences). Numbers are INTEGER, or REAL with decimals; blank
/// is NULL; alpha is padded to its length. Cases are committed in batches, so memory stays flat.
/// </summary>
internal sealed class CsdbCaseWriter : ICaseWriter
{
    private const int CasesPerTransaction = 2_000;
    private const string Device = "pipeline-generator";
    private readonly string _path;
    private readonly int _seed;
    private readonly SqliteConnection _connection;
    private readonly Dictionary<string, RecordTable> _tables;
    private readonly SqliteCommand _insertCase;
    private readonly SqliteCommand _insertClock;
    private readonly SqliteCommand _insertLevel;
    private readonly RecordLayout _idLayout;
    private SqliteTransaction? _transaction;
    private long _cases;
    private long _levelId;

    private CsdbCaseWriter(string path, int seed, SqliteConnection connection, IReadOnlyList<RecordLayout> layouts)
    {
        _path = path;
        _seed = seed;
        _connection = connection;
        _idLayout = layouts[0];
        _tables = layouts.ToDictionary(l => l.Record.Name, l => new RecordTable(connection, l), StringComparer.Ordinal);
        _insertCase = Command("INSERT INTO cases (id, \"key\", label, questionnaire, last_modified_revision, deleted, file_order, verified) VALUES ($id, $key, '', '', 1, 0, $order, 0)", "$id", "$key", "$order");
        _insertClock = Command("INSERT INTO vector_clock (case_id, device, revision) VALUES ($id, $device, 1)", "$id", "$device");
        var ids = _idLayout.CaseIdColumns.Select(c => _idLayout.Columns[c].Name.ToLowerInvariant()).ToList();
        _insertLevel = Command(
            $"INSERT INTO \"level-1\" (\"level-1-id\", \"case-id\"{string.Concat(ids.Select(i => $", {Quote(i)}"))}) VALUES ($level, $case{string.Concat(ids.Select((_, i) => $", $p{i}"))})",
            ["$level", "$case", .. ids.Select((_, i) => $"$p{i}")]);
    }

    /// <summary>Creates the file (replacing one that exists) with the schema of the dictionary.</summary>
    public static async Task<CsdbCaseWriter> CreateAsync(string path, DataDictionary dictionary, string dictionaryText, IReadOnlyList<RecordLayout> layouts, int seed, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, Mode = SqliteOpenMode.ReadWriteCreate }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, "PRAGMA journal_mode = DELETE; PRAGMA synchronous = OFF;", cancellationToken).ConfigureAwait(false);
            foreach (var statement in Schema(layouts))
            {
                await ExecuteAsync(connection, statement, cancellationToken).ConfigureAwait(false);
            }

            await using (var meta = connection.CreateCommand())
            {
                meta.CommandText = "INSERT INTO meta (schema_version, cspro_version, dictionary, dictionary_timestamp) VALUES (3, $version, $dictionary, $time)";
                meta.Parameters.AddWithValue("$version", CsproVersion(dictionary));
                meta.Parameters.AddWithValue("$dictionary", dictionaryText);
                meta.Parameters.AddWithValue("$time", now.ToUnixTimeSeconds());
                await meta.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var revision = connection.CreateCommand())
            {
                revision.CommandText = "INSERT INTO file_revisions (id, device_id, timestamp) VALUES (1, $device, $time)";
                revision.Parameters.AddWithValue("$device", Device);
                revision.Parameters.AddWithValue("$time", now.ToUnixTimeSeconds());
                await revision.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return new CsdbCaseWriter(path, seed, connection, layouts);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public ValueTask WriteAsync(GeneratedCase generated, CancellationToken cancellationToken)
    {
        _transaction ??= _connection.BeginTransaction();
        _cases++;
        var id = CaseId(generated.Number);
        var first = generated.Records[0];
        Run(_insertCase, _transaction, id, CaseKeys.Of(first.Layout, first.Values), (double)_cases);
        Run(_insertClock, _transaction, id, Device);
        var levelId = ++_levelId;
        object?[] level = [levelId, id, .. first.Layout.CaseIdColumns.Select(c => Stored(first.Values[c], first.Layout.Columns[c].Item))];
        Run(_insertLevel, _transaction, level);
        foreach (var record in generated.Records)
        {
            _tables[record.Record.Name].Insert(_transaction, levelId, record);
        }

        if (_cases % CasesPerTransaction == 0)
        {
            _transaction.Commit();
            _transaction.Dispose();
            _transaction = null;
        }

        return ValueTask.CompletedTask;
    }

    public async Task<IReadOnlyList<GeneratedFile>> CompleteAsync(CancellationToken cancellationToken)
    {
        if (_transaction is not null)
        {
            await _transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            await _transaction.DisposeAsync().ConfigureAwait(false);
            _transaction = null;
        }

        var rows = _tables.Values.Sum(t => t.Rows);
        await DisposeAsync().ConfigureAwait(false);
        return [new GeneratedFile(_path, ExportFormats.Csdb, new FileInfo(_path).Length, rows, null)];
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var table in _tables.Values)
        {
            table.Dispose();
        }

        _insertCase.Dispose();
        _insertClock.Dispose();
        _insertLevel.Dispose();
        if (_transaction is not null)
        {
            await _transaction.DisposeAsync().ConfigureAwait(false);
            _transaction = null;
        }

        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>A version-4 UUID drawn from the run's seed and the case number, so the file is the same on every run.</summary>
    private string CaseId(long caseNumber)
    {
        Span<byte> bytes = stackalloc byte[16];
        new CaseRandom(_seed, caseNumber, CaseSeeds.CaseId).NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes).ToString();
    }

    internal static object? Stored(GeneratedValue value, DictionaryItem item)
    {
        if (value.IsBlank)
        {
            return null;
        }

        if (item.DataType == ItemDataType.Alpha)
        {
            return (value.Text ?? value.ToString()).PadRight(item.Length);
        }

        if (!value.IsNumber)
        {
            return value.Text; // a non-numeric fault: SQLite keeps the text in the INTEGER column, as a hand edit would
        }

        return item.Decimals > 0 ? (double)value.Number : (object)(long)value.Number;
    }

    private static string CsproVersion(DataDictionary dictionary)
    {
        var version = dictionary.Version.Replace("CSPro", string.Empty, StringComparison.OrdinalIgnoreCase).Trim();
        return version.Count(c => c == '.') == 1 ? version + ".0" : version;
    }

    private static IEnumerable<string> Schema(IReadOnlyList<RecordLayout> layouts)
    {
        yield return "CREATE TABLE meta (schema_version INTEGER NOT NULL, cspro_version TEXT NOT NULL, dictionary TEXT NOT NULL, dictionary_structure TEXT, dictionary_timestamp INTEGER)";
        yield return "CREATE TABLE file_revisions (id INTEGER PRIMARY KEY NOT NULL, device_id TEXT NOT NULL, timestamp INTEGER NOT NULL)";
        yield return "CREATE TABLE sync_history (id INTEGER PRIMARY KEY NOT NULL, file_revision INTEGER NOT NULL, device_id TEXT NOT NULL, device_name TEXT, user_name TEXT, timestamp INTEGER NOT NULL, universe TEXT, direction INTEGER NOT NULL, server_revision TEXT, partial INTEGER NOT NULL DEFAULT 0, last_id TEXT)";
        yield return "CREATE TABLE cases (id TEXT NOT NULL, \"key\" TEXT NOT NULL, label TEXT, questionnaire TEXT NOT NULL, last_modified_revision INTEGER NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, file_order REAL NOT NULL UNIQUE, verified INTEGER NOT NULL DEFAULT 0, partial_save_mode TEXT, partial_save_field_name TEXT, partial_save_level_key TEXT, partial_save_record_occurrence INTEGER, partial_save_item_occurrence INTEGER, partial_save_subitem_occurrence INTEGER, FOREIGN KEY(last_modified_revision) REFERENCES file_revisions(id))";
        yield return "CREATE UNIQUE INDEX cases_id ON cases(id)";
        yield return "CREATE INDEX cases_key ON cases(\"key\")";
        yield return "CREATE TABLE vector_clock (case_id TEXT NOT NULL, device TEXT NOT NULL, revision INTEGER NOT NULL, FOREIGN KEY(case_id) REFERENCES cases(id), UNIQUE(case_id, device))";
        yield return "CREATE TABLE notes (id INTEGER PRIMARY KEY NOT NULL, case_id TEXT NOT NULL, field_name TEXT NOT NULL, level_key TEXT NOT NULL, record_occurrence INTEGER NOT NULL, item_occurrence INTEGER NOT NULL, subitem_occurrence INTEGER NOT NULL, content TEXT NOT NULL, operator_id TEXT NOT NULL, modified_time INTEGER NOT NULL, FOREIGN KEY(case_id) REFERENCES cases(id))";
        var ids = layouts[0].CaseIdColumns.Select(c => layouts[0].Columns[c].Item);
        yield return $"CREATE TABLE \"level-1\" (\"level-1-id\" INTEGER PRIMARY KEY NOT NULL, \"case-id\" TEXT NOT NULL{string.Concat(ids.Select(i => $", {Quote(i.Name.ToLowerInvariant())} {Type(i)}"))}, FOREIGN KEY(\"case-id\") REFERENCES cases(id) ON DELETE CASCADE)";
        yield return "CREATE INDEX \"level-1-case-id\" ON \"level-1\"(\"case-id\")";
        foreach (var layout in layouts)
        {
            var table = layout.Record.Name.ToLowerInvariant();
            var occ = layout.Record.MaxRecords > 1 ? ", occ INTEGER NOT NULL" : string.Empty;
            var columns = string.Concat(RecordTable.ItemColumns(layout).Select(c => $", {Quote(c.Column)} {Type(c.Item)}"));
            yield return $"CREATE TABLE {Quote(table)} ({Quote(table + "-id")} INTEGER PRIMARY KEY NOT NULL, \"level-1-id\" INTEGER NOT NULL{occ}{columns}, FOREIGN KEY(\"level-1-id\") REFERENCES \"level-1\"(\"level-1-id\") ON DELETE CASCADE)";
            yield return $"CREATE INDEX {Quote(table + "-level-1-id")} ON {Quote(table)}(\"level-1-id\")";
        }
    }

    private static string Type(DictionaryItem item) => item.DataType == ItemDataType.Alpha ? "TEXT" : "INTEGER";

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private SqliteCommand Command(string sql, params string[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter(name, null));
        }

        return command;
    }

    private static void Run(SqliteCommand command, SqliteTransaction transaction, params object?[] values)
    {
        command.Transaction = transaction;
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }

        command.ExecuteNonQuery();
    }

    /// <summary>One record's table and its prepared insert.</summary>
    private sealed class RecordTable : IDisposable
    {
        private readonly SqliteCommand _insert;
        private readonly (int Column, DictionaryItem Item)[] _columns;
        private readonly bool _repeating;
        private long _id;

        public RecordTable(SqliteConnection connection, RecordLayout layout)
        {
            var table = layout.Record.Name.ToLowerInvariant();
            _repeating = layout.Record.MaxRecords > 1;
            var items = ItemColumns(layout);
            _columns = items.Select(c => (c.LayoutColumn, c.Item)).ToArray();
            List<string> names = [Quote(table + "-id"), "\"level-1-id\"", .. _repeating ? new[] { "occ" } : [], .. items.Select(c => Quote(c.Column))];
            _insert = connection.CreateCommand();
            _insert.CommandText = $"INSERT INTO {Quote(table)} ({string.Join(", ", names)}) VALUES ({string.Join(", ", names.Select((_, i) => $"$p{i.ToString(CultureInfo.InvariantCulture)}"))})";
            for (var i = 0; i < names.Count; i++)
            {
                _insert.Parameters.Add(new SqliteParameter($"$p{i.ToString(CultureInfo.InvariantCulture)}", null));
            }
        }

        public long Rows => _id;

        /// <summary>CSPro's item columns: the item name in lower case, or <c>name(k)</c> for each occurrence.</summary>
        public static List<(int LayoutColumn, string Column, DictionaryItem Item)> ItemColumns(RecordLayout layout)
        {
            var columns = new List<(int, string, DictionaryItem)>();
            for (var c = 0; c < layout.Columns.Count; c++)
            {
                var column = layout.Columns[c];
                if (column.IsId)
                {
                    continue;
                }

                // NAME_k is occurrence k, of the item or (for a subitem) of its parent: CSPro names both name(k).
                var name = column.Name.Length > column.Item.Name.Length
                    ? $"{column.Item.Name.ToLowerInvariant()}({column.Name[(column.Item.Name.Length + 1)..]})"
                    : column.Item.Name.ToLowerInvariant();
                columns.Add((c, name, column.Item));
            }

            return columns;
        }

        public void Insert(SqliteTransaction transaction, long levelId, GeneratedRecord record)
        {
            _insert.Transaction = transaction;
            var p = 0;
            _insert.Parameters[p++].Value = ++_id;
            _insert.Parameters[p++].Value = levelId;
            if (_repeating)
            {
                _insert.Parameters[p++].Value = record.Occurrence;
            }

            foreach (var (column, item) in _columns)
            {
                _insert.Parameters[p++].Value = Stored(record.Values[column], item) ?? DBNull.Value;
            }

            _insert.ExecuteNonQuery();
        }

        public void Dispose() => _insert.Dispose();
    }
}
