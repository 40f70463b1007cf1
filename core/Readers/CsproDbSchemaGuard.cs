using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Pipeline.Core.Readers;

/// <summary>
/// What a <c>.csdb</c> must not make SQLite do before any of its data is queried. A SQLite file carries code as well as
/// data: a generated column, a view or a virtual table is evaluated when it is read, and a 12 KB file can make one
/// query produce gigabytes. CSPro writes plain tables and indexes only, so anything else is refused, naming it.
/// </summary>
internal static class CsproDbSchemaGuard
{
    private const string Rewrite = "Upload the .csdb file exactly as CSEntry or CSPro wrote it; a file changed by another tool cannot be read safely.";

    /// <summary>
    /// Per-connection guards, set before the first query. Not <c>PRAGMA hard_heap_limit</c>: it is process-wide and
    /// would fail the other uploads read in parallel; the length limit bounds what one value can take instead.
    /// </summary>
    public static void Harden(SqliteConnection connection, CsproDbReaderOptions options)
    {
        // The longest string or blob SQLite will build or hand back: a larger value fails with SQLITE_TOOBIG instead of
        // being allocated. The dictionary is measured (octet_length, which does not load it) before it is read.
        var longest = Math.Max(options.MaxCaseBytes, options.MaxDictionaryBytes);
        SQLitePCL.raw.sqlite3_limit(connection.Handle, SQLitePCL.raw.SQLITE_LIMIT_LENGTH, longest);
        using var command = connection.CreateCommand();
        command.CommandText =
            "PRAGMA trusted_schema = OFF;" // functions named in the schema run only if SQLite knows them harmless
            + "PRAGMA query_only = ON;"
            + "PRAGMA cell_size_check = ON;" // a damaged page fails as damaged instead of being read past its end
            + "PRAGMA mmap_size = 0;"
            + $"PRAGMA cache_size = -{options.CacheKibibytes.ToString(CultureInfo.InvariantCulture)};";
        command.ExecuteNonQuery();
    }

    /// <summary>Throws <see cref="InputFileException"/> naming every view, trigger, virtual table and generated column (up to 10).</summary>
    public static async Task CheckAsync(SqliteConnection connection, string fileName, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var tables = new List<string>();
        try
        {
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = "SELECT type, name, rootpage FROM sqlite_master WHERE type IN ('table', 'view', 'trigger')";
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    Classify(reader.GetString(0), reader.IsDBNull(1) ? string.Empty : reader.GetString(1), reader.IsDBNull(2) ? 0 : reader.GetInt64(2), problems, tables);
                }
            }

            foreach (var table in tables)
            {
                await GeneratedColumnsAsync(connection, table, problems, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (SqliteException e)
        {
            throw new InputFileException(fileName, $"the SQLite schema (table sqlite_schema, the first page) cannot be read: {e.Message}", "The file is damaged: upload the .csdb file again, exactly as CSPro wrote it.", inner: e);
        }

        if (problems.Count > 0)
        {
            throw new InputFileException(
                fileName,
                $"the database holds objects that SQLite would evaluate while it is read, which CSPro never writes: {string.Join(", ", problems.Take(10))}{(problems.Count > 10 ? $" and {(problems.Count - 10).ToString(CultureInfo.InvariantCulture)} more" : string.Empty)}. Only plain tables and indexes are read.",
                Rewrite);
        }
    }

    private static void Classify(string type, string name, long rootPage, List<string> problems, List<string> tables)
    {
        switch (type)
        {
            case "view":
                problems.Add($"view {name}");
                break;
            case "trigger":
                problems.Add($"trigger {name}");
                break;
            case "table" when rootPage == 0:
                problems.Add($"virtual table {name}"); // a virtual table has no b-tree of its own: its module computes the rows
                break;
            case "table":
                tables.Add(name);
                break;
        }
    }

    /// <summary>Hidden 2 (virtual) and 3 (stored) in <c>table_xinfo</c> are generated columns; both are refused.</summary>
    private static async Task GeneratedColumnsAsync(SqliteConnection connection, string table, List<string> problems, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, hidden FROM pragma_table_xinfo($table) WHERE hidden IN (2, 3)";
        command.Parameters.AddWithValue("$table", table);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            problems.Add($"generated column {table}.{reader.GetString(0)}");
        }
    }
}
