namespace Pipeline.Core.Engine;

/// <summary>
/// Field arrays of one record's rows, handed out in turn and handed out again <c>size</c> rows later (cleared), for a
/// reader whose consumer is done with a row by then: the ingest's read-ahead holds at most
/// <c>RowChecks.RingSize</c> rows (<c>IExportReader.ReuseFieldArrays</c>). One array per row of a wide
/// record (224 fields, 1.8 KB) was most of what the CSV reader allocated. Only the CSV reader uses it: the 1 GB CSV
/// ingest went from 1,012 to 636 bytes allocated per row and 6.1 to 4.3 s of GC pause; in the <c>.dat</c> reader (six
/// records' rings at once, narrower rows, short strings already pooled) the long-lived arrays filled with young
/// strings cost the GC more than they saved (pause 4.1 → 5.4–5.9 s, peak +7 MiB), so it allocates per row.
/// </summary>
internal sealed class FieldArrayRing(int size, int width)
{
    private readonly string?[]?[] _arrays = new string?[]?[Math.Max(1, size)];
    private int _next;

    public string?[] Next()
    {
        var array = _arrays[_next];
        if (array is null)
        {
            _arrays[_next] = array = new string?[width];
        }
        else
        {
            Array.Clear(array);
        }

        _next = _next + 1 == _arrays.Length ? 0 : _next + 1;
        return array;
    }
}
