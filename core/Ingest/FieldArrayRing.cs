namespace Pipeline.Core.Ingest;

/// <summary>
/// Field arrays of one record's rows, handed out in turn and handed out again <c>size</c> rows later (cleared), for a
/// reader whose consumer is done with a row by then: the ingest's read-ahead holds at most
/// <see cref="RowChecks.RingSize"/> rows (<see cref="IExportReader.ReuseFieldArrays"/>). One array per row of a wide
/// record (224 fields, 1.8 KB) was most of what the readers allocated.
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
