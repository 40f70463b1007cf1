using System.Runtime.CompilerServices;
using Pipeline.Core.Engine;

namespace Pipeline.Core.Ingest;

/// <summary>
/// What the whole-upload checks keep per case of one upload, by case number (<see cref="CaseKeys"/>): which records the
/// case has (seen) and has accepted rows of (curated), its first row and its level-1 row, whether and why it was
/// rejected, and a fixed number of numeric slots (the roster sums of the case variables); and which records the upload
/// has at all. A record is its index in <c>DataDictionary.Records</c>; a record set has no size limit.
/// <para>
/// Memory: the state (16 bytes a case, plus 8 bytes of record bits for every 32 records of the dictionary) and the slots
/// (8 bytes a case and slot) stay within <see cref="ResidentBytes"/> each; the rest is spilled to a temporary file in
/// case order (<see cref="ChunkedArray{T}"/>), which suits the checks: cases come in row order and are walked in order.
/// </para>
/// </summary>
internal sealed class CaseStore : IDisposable
{
    /// <summary>Bytes of state, and of slots, kept in memory; the rest waits in a temporary file.</summary>
    public const long ResidentBytes = 4 << 20;

    private readonly ChunkedArray<CaseState> _cases;
    private readonly ChunkedArray<double> _slots = new(double.NaN, ResidentBytes);
    private readonly int _slotsPerCase;
    private readonly int _main;
    private readonly List<string> _reasons = [];

    // Which records each case has (Seen) and has accepted rows of (Curated): bit r of a set is record r of
    // DataDictionary.Records. The sets are not fields of CaseState because a dictionary may have any number of records
    // (a uint there aliased record 32 onto record 0: C# masks the shift count). They sit in their own array instead,
    // _words 32-bit words of Seen then _words of Curated per case: a dictionary of up to 32 records, nearly every one,
    // costs 16 + 8 = 24 bytes a case as when the bits were a uint of the state, 64 records 32 bytes, and there is no
    // upper limit. One code path for every size; an inline ulong would cost 32 bytes a case already at 2 records.
    private readonly int _words;
    private readonly ChunkedArray<uint> _recordBits;
    private readonly uint[] _recordsInUpload;

    /// <param name="records">The number of records of the dictionary.</param>
    /// <param name="main">The case record's index (<c>CaseRecord.IndexOf</c>): its row is the case's level-1 row.</param>
    /// <param name="slotsPerCase">Numeric slots per case; a slot nobody wrote reads as NaN.</param>
    public CaseStore(int records, int main, int slotsPerCase)
    {
        _main = main;
        _slotsPerCase = slotsPerCase;
        _words = (records + 31) / 32;
        _recordsInUpload = new uint[_words];
        // The state and the bits share the budget in proportion to their bytes a case, so it holds whatever the number
        // of records.
        var stateBytes = Unsafe.SizeOf<CaseState>();
        var bitsBytes = 2 * _words * sizeof(uint);
        _cases = new(default, ResidentBytes * stateBytes / (stateBytes + bitsBytes));
        _recordBits = new(0u, ResidentBytes * bitsBytes / (stateBytes + bitsBytes));
    }

    /// <summary>Cases noted so far (case numbers 0 to Count - 1).</summary>
    public long Count => _cases.Count;

    /// <summary>
    /// Notes a row of <paramref name="record"/> in case <paramref name="index"/>. Case numbers come in row order: a number
    /// not seen yet is the next one. <paramref name="rejection"/> is the reason when the row was rejected (it rejects the
    /// case), else null (the row is curated).
    /// </summary>
    public void Observe(int index, int record, long sourceRow, string? rejection)
    {
        if (index >= _cases.Count)
        {
            _cases.Grow(index + 1L);
            _cases[index] = new CaseState { FirstRow = Row(sourceRow), FirstRecord = record };
            _slots.Grow((index + 1L) * _slotsPerCase);
            _recordBits.Grow(SeenAt(index + 1L));
        }

        var state = _cases[index];
        Add(SeenAt(index), record);
        _recordsInUpload[Word(record)] |= Bit(record);
        if (record == _main)
        {
            state.MainRow = state.MainRow == 0 ? Row(sourceRow) : state.MainRow;
        }

        if (rejection is not null)
        {
            Reject(ref state, rejection);
        }
        else
        {
            Add(CuratedAt(index), record);
        }

        _cases[index] = state;
    }

    /// <summary>Whether case <paramref name="index"/> has a row of <paramref name="record"/>.</summary>
    public bool Has(int index, int record) => Has(SeenAt(index), record);

    /// <summary>Whether the upload has a row of <paramref name="record"/> at all.</summary>
    public bool InUpload(int record) => (_recordsInUpload[Word(record)] & Bit(record)) != 0;

    /// <summary>The record of case <paramref name="index"/>'s first row.</summary>
    public int FirstRecord(int index) => _cases[index].FirstRecord;

    /// <summary>The source row number of case <paramref name="index"/>'s first row.</summary>
    public int FirstRow(int index) => _cases[index].FirstRow;

    /// <summary>The source row number of case <paramref name="index"/>'s level-1 row, or 0.</summary>
    public int MainRow(int index) => _cases[index].MainRow;

    public bool IsRejected(int index) => _cases[index].Rejected;

    /// <summary>Why case <paramref name="index"/> was rejected; call only for a rejected case.</summary>
    public string ReasonOf(int index) => _reasons[_cases[index].Reason];

    /// <summary>Rejects case <paramref name="index"/>; the first reason given is the one kept.</summary>
    public void Reject(int index, string reason)
    {
        var state = _cases[index];
        if (!state.Rejected)
        {
            Reject(ref state, reason);
            _cases[index] = state;
        }
    }

    /// <summary>Numeric slot <paramref name="slot"/> of case <paramref name="index"/>: NaN until written.</summary>
    public double this[int index, int slot]
    {
        get => _slots[((long)index * _slotsPerCase) + slot];
        set => _slots[((long)index * _slotsPerCase) + slot] = value;
    }

    /// <summary>Rejected cases that have curated rows of <paramref name="record"/>, in case order.</summary>
    public IEnumerable<int> RejectedWithCurated(int record)
    {
        for (var i = 0; i < _cases.Count; i++)
        {
            if (_cases[i].Rejected && Has(CuratedAt(i), record))
            {
                yield return i;
            }
        }
    }

    /// <summary>Whether record r holds curated rows of a rejected case, for every record r: one pass over the cases.</summary>
    public Func<int, bool> RecordsHoldingRejectedCases()
    {
        var holding = new uint[_words];
        for (var i = 0L; i < _cases.Count; i++)
        {
            if (_cases[i].Rejected)
            {
                for (var w = 0; w < _words; w++)
                {
                    holding[w] |= _recordBits[CuratedAt(i) + w];
                }
            }
        }

        return record => (holding[Word(record)] & Bit(record)) != 0;
    }

    public void Dispose()
    {
        _cases.Dispose();
        _slots.Dispose();
        _recordBits.Dispose();
    }

    private void Reject(ref CaseState state, string reason)
    {
        if (!state.Rejected)
        {
            state.Reason = _reasons.Count;
            _reasons.Add(reason);
        }
    }

    /// <summary>Where case <paramref name="index"/>'s Seen set starts in <see cref="_recordBits"/>.</summary>
    private long SeenAt(long index) => index * 2 * _words;

    /// <summary>Where case <paramref name="index"/>'s Curated set starts in <see cref="_recordBits"/>.</summary>
    private long CuratedAt(long index) => SeenAt(index) + _words;

    private static int Word(int record) => record >> 5;

    private static uint Bit(int record) => 1u << (record & 31);

    private bool Has(long set, int record) => (_recordBits[set + Word(record)] & Bit(record)) != 0;

    private void Add(long set, int record)
    {
        var at = set + Word(record);
        _recordBits[at] |= Bit(record);
    }

    /// <summary>A row number as the case state keeps it: 2^31 rows is far past any upload (a 4 GB file has fewer lines).</summary>
    private static int Row(long sourceRow) => (int)Math.Min(sourceRow, int.MaxValue);

    /// <summary>
    /// 16 bytes a case (a million cases: 16 MB; the record bits are in <see cref="_recordBits"/>), so the fields are
    /// packed: the reason as its number + 1, row numbers as ints.
    /// </summary>
    private struct CaseState
    {
        private int _reasonPlusOne;
        public int FirstRecord; // an index into DataDictionary.Records: an int, so no record count limits it
        public int FirstRow;
        public int MainRow;

        public readonly bool Rejected => _reasonPlusOne > 0;

        /// <summary>The index of the rejection reason in the reasons list; set once, when the case is rejected.</summary>
        public int Reason
        {
            readonly get => _reasonPlusOne - 1;
            set => _reasonPlusOne = value + 1;
        }
    }
}
