using System.Globalization;

namespace Pipeline.Core.Values;

/// <summary>
/// Names → positions of a row's cells (the record's columns, then the columns cleaning adds), and the numeric reading
/// of a cell that conditions use: numbers as they are, a text as its number or, if it is not one, as "answered" (0).
/// </summary>
public sealed class RowValues
{
    private readonly Dictionary<string, int> _index;
    private readonly ColumnKind[] _kinds;

    public RowValues(IEnumerable<TableColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var list = columns.ToList();
        Names = list.Select(c => c.Name).ToList();
        _kinds = list.Select(c => c.Kind).ToArray();
        _index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < list.Count; i++)
        {
            _index.TryAdd(list[i].Name, i);
        }
    }

    public IReadOnlyList<string> Names { get; }

    public int Count => _kinds.Length;

    public int IndexOf(string name) => _index.TryGetValue(name, out var i) ? i : -1;

    public ColumnKind KindOf(int index) => _kinds[index];

    /// <summary>The value of <paramref name="name"/> in <paramref name="cells"/>, or null when blank or unknown.</summary>
    public double? Value(ReadOnlySpan<CellValue> cells, string name)
    {
        var i = IndexOf(name);
        return i < 0 || i >= cells.Length ? null : Value(cells[i], _kinds[i]);
    }

    public static double? Value(CellValue cell, ColumnKind kind) =>
        cell.IsNull ? null
        : kind switch
        {
            ColumnKind.Integer or ColumnKind.Timestamp or ColumnKind.Date => cell.Integer,
            ColumnKind.Real => cell.Real,
            _ => double.TryParse(cell.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : 0,
        };

    /// <summary>A cell as text, the way reports show it.</summary>
    public static string Show(CellValue cell, ColumnKind kind) =>
        cell.IsNull ? string.Empty
        : kind switch
        {
            ColumnKind.Integer or ColumnKind.Timestamp or ColumnKind.Date => cell.Integer.ToString(CultureInfo.InvariantCulture),
            ColumnKind.Real => cell.Real.ToString(CultureInfo.InvariantCulture),
            _ => cell.Text ?? string.Empty,
        };
}
