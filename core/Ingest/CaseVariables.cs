using System.Globalization;
using Pipeline.Core.Conditions;
using Pipeline.Core.Packs;
using Pipeline.Core.Values;

namespace Pipeline.Core.Ingest;

/// <summary>
/// The pack's case variables (cleaning.yaml <c>case_variables</c>), columns of the level-1 table: an aggregate (sum,
/// count or "any" over a roster's rows) is accumulated in the case's slots of <see cref="CaseStore"/> while rows stream
/// in; once the upload is read, <see cref="Fill"/> writes every variable of a case, computed ones from the level-1 row.
/// </summary>
internal sealed class CaseVariables
{
    private readonly IReadOnlyList<CaseVariable> _variables;
    private readonly IReadOnlyList<TableColumn> _columns;
    private readonly (RuleExpression? Value, (RuleExpression When, RuleExpression Value)[] Cases)[] _computed;
    private readonly Dictionary<string, List<Aggregate>> _aggregatesByRecord = new(StringComparer.OrdinalIgnoreCase);
    private readonly (int Slot, int Roster)[] _aggregateOf;

    /// <param name="pack">The survey pack: its case variables.</param>
    /// <param name="recordIndex">Record name → its index in the dictionary's records.</param>
    /// <param name="accumulate">
    /// False when the upload cannot hold the level-1 record: then no roster sums are kept, since they would fill case
    /// columns of a table the upload does not have (8 bytes a case and sum, in memory or in the spill file).
    /// </param>
    public CaseVariables(SurveyPack pack, IReadOnlyDictionary<string, int> recordIndex, bool accumulate)
    {
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentNullException.ThrowIfNull(recordIndex);
        _variables = pack.Cleaning.CaseVariables;
        _columns = Columns(pack);
        // Expressions were parsed when the pack loaded; each upload wraps them with its own row bindings.
        var cleaning = pack.Cleaning.Expressions;
        _computed = _variables.Select(v => (v.Value is null ? null : RuleExpression.Of(cleaning.Value(v.Value)), v.Cases.Select(c => (RuleExpression.Of(cleaning.Condition(c.When)), RuleExpression.Of(cleaning.Value(c.Value)))).ToArray())).ToArray();
        foreach (var variable in _variables.Where(v => v.IsAggregate))
        {
            if (!_aggregatesByRecord.TryGetValue(variable.From!, out var list))
            {
                _aggregatesByRecord[variable.From!] = list = [];
            }

            list.Add(new Aggregate(
                SlotsPerCase++,
                variable,
                variable.Where is null ? null : RuleExpression.Of(cleaning.Condition(variable.Where)),
                variable.Sum is null ? null : RuleExpression.Of(cleaning.Value(variable.Sum)),
                variable.Any is null ? null : RuleExpression.Of(cleaning.Condition(variable.Any))));
        }

        _aggregateOf = _variables.Select(v => v.IsAggregate
            ? (_aggregatesByRecord[v.From!].First(a => ReferenceEquals(a.Variable, v)).Index, recordIndex[v.From!])
            : (-1, -1)).ToArray();
        if (!accumulate)
        {
            _aggregatesByRecord.Clear();
        }
    }

    /// <summary>The slots a case needs in <see cref="CaseStore"/>: one per aggregate.</summary>
    public int SlotsPerCase { get; }

    /// <summary>The number of case variables (their columns come first among the case columns).</summary>
    public int Count => _variables.Count;

    /// <summary>The case variables' columns, in order.</summary>
    public static IReadOnlyList<TableColumn> Columns(SurveyPack pack)
    {
        ArgumentNullException.ThrowIfNull(pack);
        return pack.Cleaning.CaseVariables.Select(v => new TableColumn(v.Name, IsInteger(v) ? ColumnKind.Integer : ColumnKind.Real)).ToList();
    }

    /// <summary>Adds an accepted row of <paramref name="record"/> to the aggregates over that record of case <paramref name="index"/>.</summary>
    public void Accumulate(string record, RowValues values, CellValue[] cells, int index, CaseStore cases)
    {
        if (!_aggregatesByRecord.TryGetValue(record, out var aggregates))
        {
            return;
        }

        foreach (var a in aggregates)
        {
            if (a.Where is not null && a.Where.Evaluate(values, cells) != true)
            {
                continue;
            }

            var current = double.IsNaN(cases[index, a.Index]) ? 0 : cases[index, a.Index];
            if (a.Sum is not null)
            {
                if (a.Sum.Compute(values, cells) is { } v)
                {
                    cases[index, a.Index] = current + v;
                }
            }
            else if (a.Any is not null)
            {
                cases[index, a.Index] = a.Any.Evaluate(values, cells) == true ? 1 : current;
            }
            else
            {
                cases[index, a.Index] = current + 1;
            }
        }
    }

    /// <summary>Writes case <paramref name="index"/>'s variables to its level-1 <paramref name="row"/>, from column <paramref name="at"/> on.</summary>
    public void Fill(CellValue[] row, RowValues values, int at, int index, CaseStore cases)
    {
        // The case columns are columns of the row: a variable reads the ones before it as they are stored.
        for (var v = 0; v < _variables.Count; v++)
        {
            var variable = _variables[v];
            double? value;
            if (variable.IsAggregate)
            {
                // A sum over no matching row is unknown (null); a count or an "any" over none is 0. When the upload
                // has no row of the roster at all (a partial export, e.g. PARTICIPANT_REC.csv alone), all are unknown.
                var (slot, roster) = _aggregateOf[v];
                var sum = cases[index, slot];
                var inUpload = cases.InUpload(roster);
                value = !inUpload ? null : variable.Sum is not null ? (double.IsNaN(sum) ? null : sum) : double.IsNaN(sum) ? 0 : sum;
            }
            else if (_computed[v].Value is { } expression)
            {
                value = expression.Compute(values, row);
            }
            else
            {
                value = null;
                foreach (var (when, result) in _computed[v].Cases)
                {
                    if (when.Evaluate(values, row) == true)
                    {
                        value = result.Compute(values, row);
                        break;
                    }
                }
            }

            row[at + v] = value is not { } x ? CellValue.Null : _columns[v].Kind == ColumnKind.Integer ? CellValue.OfInteger((long)Math.Round(x)) : CellValue.OfReal(x);
        }
    }

    private static bool IsInteger(CaseVariable v) =>
        v.Type is { } type ? type == "integer" :
        v.Count || v.Any is not null || (v.Cases.Count > 0 && v.Cases.All(c => long.TryParse(c.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)));

    private sealed record Aggregate(int Index, CaseVariable Variable, RuleExpression? Where, RuleExpression? Sum, RuleExpression? Any);
}
