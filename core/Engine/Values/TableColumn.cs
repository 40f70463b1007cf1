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

    /// <summary>
    /// INT32 with the Parquet logical type DATE (days since 1970-01-01), nullable. In a <see cref="CellValue"/> the date is
    /// the number YYYYMMDD (<see cref="CellValue.OfDate"/>), so conditions and rules read a date item as the number they
    /// read before it was a date; only the Parquet writer and reader turn it into days.
    /// </summary>
    Date,
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

    /// <summary>A date, held as the number YYYYMMDD (20220815 for 15 August 2022).</summary>
    public static CellValue OfDate(DateOnly value) => new(false, NumberOf(value), 0, null);

    /// <summary>The number YYYYMMDD of <paramref name="value"/>.</summary>
    public static long NumberOf(DateOnly value) => (value.Year * 10000L) + (value.Month * 100L) + value.Day;

    /// <summary>The date a number YYYYMMDD stands for, or null when it is no date (20220231, 0, a negative number).</summary>
    public static DateOnly? DateOf(long yyyymmdd)
    {
        if (yyyymmdd is < 10101 or > 99991231)
        {
            return null;
        }

        var year = (int)(yyyymmdd / 10000);
        var month = (int)(yyyymmdd / 100 % 100);
        var day = (int)(yyyymmdd % 100);
        return month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month) ? new DateOnly(year, month, day) : null;
    }
}
