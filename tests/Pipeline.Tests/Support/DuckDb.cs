using DuckDB.NET.Data;

namespace Pipeline.Tests.Support;

/// <summary>DuckDB as the independent reader of our Parquet (and of the source CSV).</summary>
public static class DuckDb
{
    public static List<object?[]> Query(string sql)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    public static T Scalar<T>(string sql) => (T)Convert.ChangeType(Query(sql)[0][0]!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Single-quoted SQL string literal of a path.</summary>
    public static string Literal(string path) => "'" + path.Replace("'", "''", StringComparison.Ordinal) + "'";
}
