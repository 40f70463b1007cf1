namespace Pipeline.Core.Engine;

/// <summary>
/// Field arrays of one width (one record type's rows), handed out in turn and handed out again <c>size</c> rows later
/// (cleared), for a reader whose consumer is done with a row by then (a consumer behind <see cref="ReadAhead"/> holds at
/// most <see cref="ReadAhead.MaxInFlight"/> items, so <c>size</c> must be larger). It saves one array per row where rows
/// are wide; where long-lived arrays would fill with young strings it can cost the GC more than it saves, so a reader
/// measures before it uses one (docs/performance.md, "the CSV reader reuses its field arrays").
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
