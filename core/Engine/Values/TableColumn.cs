namespace Pipeline.Core.Values;

/// <summary>Parquet physical shape of a lake column.</summary>
public enum ColumnKind
{
    /// <summary>INT64, nullable.</summary>
    Integer,

    /// <summary>DOUBLE, nullable. CSPro items with decimals.</summary>
    Real,

    /// <summary>UTF-8 string, nullable.</summary>
    Text,

    /// <summary>INT64 timestamp (milliseconds, UTC), never INT96. Values are passed as Unix milliseconds.</summary>
    Timestamp,
}

public sealed record TableColumn(string Name, ColumnKind Kind);

/// <summary>One cell on its way to Parquet: no boxing, null is <see cref="IsNull"/>.</summary>
public readonly record struct CellValue(bool IsNull, long Integer, double Real, string? Text)
{
    public static CellValue Null { get; } = new(true, 0, 0, null);

    public static CellValue OfInteger(long value) => new(false, value, 0, null);

    public static CellValue OfReal(double value) => new(false, 0, value, null);

    public static CellValue OfText(string? value) => value is null ? Null : new(false, 0, 0, value);

    public static CellValue OfTimestamp(DateTimeOffset value) => new(false, value.ToUnixTimeMilliseconds(), 0, null);
}
