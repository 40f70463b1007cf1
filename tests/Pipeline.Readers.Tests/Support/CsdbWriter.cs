using System.Globalization;
using Microsoft.Data.Sqlite;
using Pipeline.Core.Dictionary;

namespace Pipeline.Readers.Tests.Support;

/// <summary>
/// A test-only writer of CSPro DB files with the schema of <c>zDataO/SQLiteRepository.cpp</c> (as in ThreeLevelTest.csdb):
/// schema version 3 (relational) or 2 (case text in <c>cases.questionnaire</c>). Numbers are stored as INTEGER, or REAL
/// when the item has decimals; not applicable as NULL; alpha padded to its length.
/// </summary>
public static class CsdbWriter
{
    public static void Write(string path, DataDictionary dictionary, string dictionaryText, IReadOnlyList<TestNode> cases, int schemaVersion = 3, IReadOnlySet<int>? deletedCases = null)
    {
        ArgumentNullException.ThrowIfNull(dictionary);
        ArgumentNullException.ThrowIfNull(cases);
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using var transaction = connection.BeginTransaction();
        Execute(connection, "CREATE TABLE meta (schema_version INTEGER NOT NULL, cspro_version TEXT NOT NULL, dictionary TEXT NOT NULL)");
        Execute(connection, "CREATE TABLE file_revisions (id INTEGER NOT NULL PRIMARY KEY, device_id TEXT NOT NULL, timestamp INTEGER NOT NULL)");
        Execute(connection, "CREATE TABLE cases (id TEXT NOT NULL, `key` TEXT NOT NULL, label TEXT, questionnaire TEXT NOT NULL, last_modified_revision INTEGER NOT NULL, deleted INTEGER NOT NULL DEFAULT 0, file_order REAL NOT NULL UNIQUE, verified INTEGER NOT NULL DEFAULT 0)");
        Execute(connection, "INSERT INTO meta VALUES ($v, '7.7.3', $d)", ("$v", schemaVersion), ("$d", dictionaryText));
        Execute(connection, "INSERT INTO file_revisions VALUES (1, 'test', 0)");
        if (schemaVersion >= 3)
        {
            CreateTables(connection, dictionary);
        }

        var ids = new Counter();
        for (var c = 0; c < cases.Count; c++)
        {
            var node = cases[c];
            var caseId = Guid.NewGuid().ToString();
            var key = string.Concat(dictionary.Levels[0].IdItems.Select(i => DatWriter.Encode(i, node.Ids.GetValueOrDefault(i.Name))));
            var questionnaire = schemaVersion >= 3 ? string.Empty : DatWriter.Write(dictionary, [node]);
            var deleted = deletedCases?.Contains(c) == true ? 1 : 0;

            // file_order deliberately the reverse of insertion order: the reader must sort by it.
            Execute(connection, "INSERT INTO cases (id, `key`, label, questionnaire, last_modified_revision, deleted, file_order) VALUES ($id, $key, '', $q, 1, $del, $order)", ("$id", caseId), ("$key", key), ("$q", questionnaire), ("$del", deleted), ("$order", (double)(cases.Count - c) * 1.5));
            if (schemaVersion >= 3)
            {
                WriteNode(connection, dictionary, node, caseId, parentId: 0, occ: 1, ids);
            }
        }

        transaction.Commit();
    }

    private static void CreateTables(SqliteConnection connection, DataDictionary dictionary)
    {
        for (var l = 0; l < dictionary.Levels.Count; l++)
        {
            var level = dictionary.Levels[l];
            var parent = l == 0 ? "`case-id` TEXT NOT NULL" : $"`level-{l}-id` INTEGER NOT NULL, `occ` INTEGER NOT NULL DEFAULT 1";
            var idColumns = string.Concat(level.IdItems.Select(i => $", `{i.Name.ToLowerInvariant()}` {Type(i)}"));
            Execute(connection, $"CREATE TABLE `level-{l + 1}` (`level-{l + 1}-id` INTEGER PRIMARY KEY NOT NULL, {parent}{idColumns})");
            foreach (var record in level.Records)
            {
                var occ = record.MaxRecords > 1 ? ", `occ` INTEGER NOT NULL DEFAULT 1" : string.Empty;
                var columns = string.Concat(Columns(record).Select(c => $", `{c.Column}` {Type(c.Item)}"));
                Execute(connection, $"CREATE TABLE `{record.Name.ToLowerInvariant()}` (`{record.Name.ToLowerInvariant()}-id` INTEGER PRIMARY KEY NOT NULL, `level-{l + 1}-id` INTEGER NOT NULL{occ}{columns})");
            }
        }
    }

    private static void WriteNode(SqliteConnection connection, DataDictionary dictionary, TestNode node, string caseId, long parentId, int occ, Counter ids)
    {
        var l = node.Level;
        var level = dictionary.Levels[l];
        var levelId = ids.Next($"level-{l + 1}");
        var idNames = level.IdItems.Select(i => $"`{i.Name.ToLowerInvariant()}`").ToList();
        var idValues = level.IdItems.Select(i => Stored(i, node.Ids.GetValueOrDefault(i.Name))).ToList();
        if (l == 0)
        {
            Insert(connection, "level-1", ["`level-1-id`", "`case-id`", .. idNames], [levelId, caseId, .. idValues]);
        }
        else
        {
            Insert(connection, $"level-{l + 1}", [$"`level-{l + 1}-id`", $"`level-{l}-id`", "`occ`", .. idNames], [levelId, parentId, occ, .. idValues]);
        }

        foreach (var group in node.Records.GroupBy(r => r.Record))
        {
            var o = 0;
            foreach (var record in group)
            {
                o++;
                var table = record.Record.Name.ToLowerInvariant();
                var columns = Columns(record.Record);
                List<string> names = [$"`{table}-id`", $"`level-{l + 1}-id`", .. columns.Select(c => $"`{c.Column}`")];
                List<object?> values = [ids.Next(table), levelId, .. columns.Select(c => Stored(c.Item, record.Values.GetValueOrDefault(c.Name)))];
                if (record.Record.MaxRecords > 1)
                {
                    names.Add("`occ`");
                    values.Add(o);
                }

                Insert(connection, table, names, values);
            }
        }

        var childOcc = 0;
        foreach (var child in node.Children)
        {
            WriteNode(connection, dictionary, child, caseId, levelId, ++childOcc, ids);
        }
    }

    public static List<(string Name, string Column, DictionaryItem Item)> Columns(DictionaryRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var columns = new List<(string, string, DictionaryItem)>();
        foreach (var item in record.Items)
        {
            // Subitems get their own columns in a real .csdb; the reader must ignore them (they are views of the parent).
            for (var o = 1; o <= item.Occurrences; o++)
            {
                var name = item.Occurrences > 1 ? $"{item.Name}_{o}" : item.Name;
                var column = item.Occurrences > 1 ? $"{item.Name.ToLowerInvariant()}({o})" : item.Name.ToLowerInvariant();
                columns.Add((name, column, item));
            }
        }

        return columns;
    }

    private static object? Stored(DictionaryItem item, string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (item.DataType == ItemDataType.Alpha)
        {
            return value.PadRight(item.Length);
        }

        var number = decimal.Parse(value, NumberStyles.Number, CultureInfo.InvariantCulture);
        return item.Decimals > 0 ? (object)(double)number : (long)number;
    }

    private static string Type(DictionaryItem item) => item.DataType == ItemDataType.Alpha ? "TEXT" : "INTEGER";

    private static void Insert(SqliteConnection connection, string table, IReadOnlyList<string> columns, IReadOnlyList<object?> values)
    {
        var parameters = values.Select((v, i) => ($"$p{i}", v)).ToArray();
        Execute(connection, $"INSERT INTO `{table}` ({string.Join(", ", columns)}) VALUES ({string.Join(", ", parameters.Select(p => p.Item1))})", parameters);
    }

    public static void Execute(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        command.ExecuteNonQuery();
    }

    private sealed class Counter
    {
        private readonly Dictionary<string, long> _next = new(StringComparer.Ordinal);

        public long Next(string table) => _next[table] = _next.GetValueOrDefault(table) + 1;
    }
}
