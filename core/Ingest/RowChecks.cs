using Pipeline.Core.Cleaning;
using Pipeline.Core.Engine;
using Pipeline.Core.Packs;
using Pipeline.Core.Readers;
using Pipeline.Core.Validation;
using Pipeline.Core.Values;

namespace Pipeline.Core.Ingest;

/// <summary>
/// The per-row checks of an ingest (<see cref="RowValidator"/> with its <see cref="RecordCleaner"/>, one pair per
/// record), split in two so that they can run on both cores: <see cref="CheckAsync"/> does the dictionary checks on
/// the read-ahead thread (<see cref="ReadAhead"/>) as rows are parsed; <see cref="CheckedRow.Complete"/> does the
/// cleaning and the row rules on the writing thread (measured: docs/performance.md). It yields
/// <see cref="CheckedRow"/>s from a ring of reused objects, so that it allocates nothing per row; the ring holds more
/// rows than can be in flight between the two threads.
/// </summary>
internal sealed class RowChecks(SurveyPack pack, CleaningCounts cleaning, CaseKeys cases)
{
    /// <summary>Rows in the ring: more than <see cref="ReadAhead"/> can hold in flight, plus the one being written.</summary>
    public static readonly int RingSize = ReadAhead.MaxInFlight + ReadAhead.BatchRows;

    private readonly Dictionary<string, (RowValidator Validator, RecordCleaner Cleaner, Func<int, long?> NulledCode)> _byRecord = new(StringComparer.Ordinal);
    private readonly CheckedRow[] _ring = Enumerable.Range(0, RingSize).Select(_ => new CheckedRow()).ToArray();
    private int _next;

    /// <summary>Checks each row of <paramref name="rows"/>; a yielded row is valid until <see cref="RingSize"/> more were yielded.</summary>
    public async IAsyncEnumerable<CheckedRow> CheckAsync(IAsyncEnumerable<SourceRow> rows, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        await foreach (var row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (!_byRecord.TryGetValue(row.Layout.Record.Name, out var stage))
            {
                var cleaner = new RecordCleaner(row.Layout, pack.Cleaning, pack.Gazetteer, cleaning);
                stage = (new RowValidator(row.Layout, pack.Rules, cleaner, cases), cleaner, cleaner.NulledCode);
                _byRecord.Add(row.Layout.Record.Name, stage);
            }

            var slot = _ring[_next];
            _next = (_next + 1) % _ring.Length;
            slot.Check(row, stage.Validator, stage.Cleaner, stage.NulledCode);

            // Cases are numbered here, in row order, so that the writing thread's whole-upload checks need no key lookup.
            slot.CaseIndex = slot.CaseKey.AsSpan().ContainsAnyExcept(' ') ? cases.GetOrAdd(slot.CaseKey, out _) : -1;
            yield return slot;
        }
    }
}

/// <summary>
/// One row after <see cref="RowChecks"/>: its typed cells and dictionary issues; <see cref="Complete"/> adds cleaning
/// and the row rules, after which it has what the writers need.
/// </summary>
internal sealed class CheckedRow
{
    private CellValue[] _cells = [];
    private RowValidator _validator = null!;
    private bool _valuesPassed;

    public SourceRow Row { get; private set; } = null!;

    /// <summary>The cells: the layout's columns, then the derived ones (the array may be longer; the rest is not read).</summary>
    public CellValue[] Cells => _cells;

    public List<RowIssue> Issues { get; } = [];

    /// <summary>No error-level issue (set by <see cref="Complete"/>).</summary>
    public bool Accepted { get; private set; }

    public string CaseKey { get; private set; } = string.Empty;

    /// <summary>The case's number in the upload (<see cref="CaseKeys"/>), or -1 when the IDs are blank.</summary>
    public int CaseIndex { get; internal set; } = -1;

    /// <summary>The row's <c>_nulled</c> text, or null (set by <see cref="Complete"/>).</summary>
    public string? Nulled { get; private set; }

    /// <summary>Names → positions of the cells.</summary>
    public RowValues Values { get; private set; } = null!;

    /// <summary>The special code cleaning set to null in a column of this row, or null; valid until the next row is completed.</summary>
    public Func<int, long?> NulledCode { get; private set; } = _ => null;

    internal void Check(SourceRow row, RowValidator validator, RecordCleaner cleaner, Func<int, long?> nulledCode)
    {
        if (_cells.Length < validator.CellCount)
        {
            _cells = new CellValue[validator.CellCount];
        }

        Issues.Clear();
        Row = row;
        _validator = validator;
        _valuesPassed = validator.CheckDictionary(row, _cells, Issues, out var caseKey);
        CaseKey = caseKey;
        Values = cleaner.Values;
        NulledCode = nulledCode;
    }

    /// <summary>Cleaning and the row rules, on the thread that writes the row (rows are completed in order).</summary>
    public void Complete()
    {
        Accepted = _validator.CleanAndApplyRules(Row, _cells, Issues, CaseKey, 0, _valuesPassed);
        Nulled = _validator.Nulled;
    }
}
