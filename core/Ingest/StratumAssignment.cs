using Pipeline.Core.Packs;
using Pipeline.Core.Values;

namespace Pipeline.Core.Ingest;

/// <summary>
/// The sample design's part of a case: its stratum (the one whose codes its level-1 row's stratum items hold) and its
/// design weight (the stratum's universe over its planned sample), two columns of the level-1 table.
/// </summary>
internal sealed class StratumAssignment(SurveyPack pack)
{
    private readonly IReadOnlyList<Stratum> _strata = pack.Strata;
    private readonly IReadOnlyList<string> _items = pack.Manifest.Design.StratumItems;

    /// <summary>The columns this fills, in order: the stratum id and the weight.</summary>
    public static readonly IReadOnlyList<TableColumn> Columns =
    [
        new(CleaningCatalogue.StratumColumn, ColumnKind.Text),
        new(CleaningCatalogue.WeightColumn, ColumnKind.Real),
    ];

    /// <summary>Writes the case's stratum and weight to <paramref name="row"/> at <paramref name="at"/> and the next column.</summary>
    public void Fill(CellValue[] row, RowValues values, int at)
    {
        var stratum = StratumOf(row, values);
        row[at] = CellValue.OfText(stratum?.Id);
        row[at + 1] = stratum is { PlannedSample: > 0 } s ? CellValue.OfReal((double)s.Universe / s.PlannedSample) : CellValue.Null;
    }

    /// <summary>The stratum whose codes the row's stratum items hold, or null (loops, not LINQ: once per case).</summary>
    private Stratum? StratumOf(CellValue[] row, RowValues values)
    {
        foreach (var stratum in _strata)
        {
            var all = true;
            foreach (var item in _items)
            {
                if (values.Value(row, item) is not { } code || !stratum.Codes.TryGetValue(item, out var wanted) || Math.Abs(code - wanted) >= 1e-9)
                {
                    all = false;
                    break;
                }
            }

            if (all)
            {
                return stratum;
            }
        }

        return null;
    }
}
