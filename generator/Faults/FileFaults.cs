using System.Globalization;
using System.Text;

namespace Pipeline.Generator.Faults;

/// <summary>File faults applied to a finished text file: a cut in the middle of its last line.</summary>
internal static class FileFaults
{
    private const int Tail = 1 << 18;

    /// <summary>What a line holds at a column: the case key, the record and the item there.</summary>
    public delegate (string CaseKey, string Record, string Item) Describe(string line, int column);

    /// <summary>
    /// Cuts <paramref name="path"/> inside its last line, after <paramref name="minColumn"/> characters (past the IDs) and
    /// at a character boundary, as a transfer that stopped early leaves a file. Returns the fault, or null for a file
    /// without a data line.
    /// </summary>
    public static InjectedFault? Truncate(string path, Encoding encoding, int minColumn, Describe describe)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        var length = file.Length;
        var tail = (int)Math.Min(length, Tail);
        var bytes = new byte[tail];
        file.Position = length - tail;
        file.ReadExactly(bytes);
        var end = bytes.Length;
        while (end > 0 && bytes[end - 1] is (byte)'\r' or (byte)'\n')
        {
            end--;
        }

        var start = Array.LastIndexOf(bytes, (byte)'\n', Math.Max(end - 1, 0)) + 1;
        if (end <= start || (start == 0 && tail == length && LooksLikeHeaderOnly(path)))
        {
            return null;
        }

        var raw = encoding.GetString(bytes, start, end - start);
        var bom = raw.StartsWith('\uFEFF') ? 1 : 0; // a one-line file: its line starts after the BOM
        var line = raw[bom..];
        if (line.Length < 2)
        {
            return null;
        }

        var column = Math.Clamp(Math.Max(minColumn, line.Length / 2), 1, line.Length - 1);
        var cut = length - tail + start + encoding.GetByteCount(raw.AsSpan(0, column + bom));
        var (key, record, item) = describe(line, column);
        file.SetLength(cut);
        return new InjectedFault(key, record, 0, item, FaultKind.Truncated, cut.ToString(CultureInfo.InvariantCulture), length.ToString(CultureInfo.InvariantCulture), Path.GetFileName(path));
    }

    // A CSV file with only its header row has nothing to cut (its header is the only line).
    private static bool LooksLikeHeaderOnly(string path) => path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);
}
