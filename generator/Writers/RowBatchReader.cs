using System.Collections;
using System.Collections.ObjectModel;
using System.Data.Common;

namespace Pipeline.Generator.Writers;

/// <summary>
/// A forward-only reader over a small batch of text rows (null = blank), so that Sylvan's <c>CsvDataWriter</c>, which
/// writes from a <see cref="DbDataReader"/>, can be fed a stream of rows one batch at a time. Every column is a string.
/// </summary>
internal sealed class RowBatchReader(IReadOnlyList<string> names, IReadOnlyList<string?[]> rows) : DbDataReader, IDbColumnSchemaGenerator
{
    private int _row = -1;

    /// <summary>Every column is a nullable string (Sylvan asks for the schema before it writes).</summary>
    public ReadOnlyCollection<DbColumn> GetColumnSchema() =>
        names.Select((n, i) => (DbColumn)new TextColumn(n, i)).ToList().AsReadOnly();

    public override int FieldCount => names.Count;

    public override bool HasRows => rows.Count > 0;

    public override bool IsClosed => false;

    public override int RecordsAffected => -1;

    public override int Depth => 0;

    public override object this[int ordinal] => GetValue(ordinal);

    public override object this[string name] => GetValue(GetOrdinal(name));

    public override bool Read() => ++_row < rows.Count;

    public override bool NextResult() => false;

    public override string GetName(int ordinal) => names[ordinal];

    public override int GetOrdinal(string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    public override Type GetFieldType(int ordinal) => typeof(string);

    public override string GetDataTypeName(int ordinal) => "string";

    public override bool IsDBNull(int ordinal) => rows[_row][ordinal] is null;

    public override string GetString(int ordinal) => rows[_row][ordinal] ?? string.Empty;

    public override object GetValue(int ordinal) => (object?)rows[_row][ordinal] ?? DBNull.Value;

    public override int GetValues(object[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var n = Math.Min(values.Length, names.Count);
        for (var i = 0; i < n; i++)
        {
            values[i] = GetValue(i);
        }

        return n;
    }

    public override IEnumerator GetEnumerator() => new DbEnumerator(this);

    public override bool GetBoolean(int ordinal) => throw NotText();

    public override byte GetByte(int ordinal) => throw NotText();

    public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length) => throw NotText();

    public override char GetChar(int ordinal) => throw NotText();

    public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length)
    {
        var text = GetString(ordinal);
        if (buffer is null)
        {
            return text.Length;
        }

        var count = (int)Math.Max(0, Math.Min(length, text.Length - dataOffset));
        text.CopyTo((int)dataOffset, buffer, bufferOffset, count);
        return count;
    }

    public override DateTime GetDateTime(int ordinal) => throw NotText();

    public override decimal GetDecimal(int ordinal) => throw NotText();

    public override double GetDouble(int ordinal) => throw NotText();

    public override float GetFloat(int ordinal) => throw NotText();

    public override Guid GetGuid(int ordinal) => throw NotText();

    public override short GetInt16(int ordinal) => throw NotText();

    public override int GetInt32(int ordinal) => throw NotText();

    public override long GetInt64(int ordinal) => throw NotText();

    private static NotSupportedException NotText() => new("Every column of a generated batch is text; read it with GetString.");

    private sealed class TextColumn : DbColumn
    {
        public TextColumn(string name, int ordinal)
        {
            ColumnName = name;
            ColumnOrdinal = ordinal;
            DataType = typeof(string);
            DataTypeName = "string";
            AllowDBNull = true;
        }
    }
}
