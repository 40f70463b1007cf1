namespace Pipeline.Tests.Support;

/// <summary>What an analyst does to a pack from <c>pack init</c> before generating or estimating.</summary>
public static class ScaffoldedPacks
{
    /// <summary>
    /// Replaces the placeholder universes (1) of the scaffold's <c>design/strata.csv</c> with <paramref name="universe"/>:
    /// the scaffold asks for it ("FILL IN universe"), and the generator and the findings refuse a stratum with more cases
    /// than its universe (issue #19).
    /// </summary>
    public static async Task FillInUniversesAsync(string packFolder, long universe = 100_000)
    {
        var strataCsv = Path.Combine(packFolder, "design", "strata.csv");
        var rows = await File.ReadAllLinesAsync(strataCsv);
        var header = rows[0].Split(',');
        var column = Array.IndexOf(header, "universe");
        await File.WriteAllLinesAsync(strataCsv, rows.Select((row, i) =>
        {
            var cells = row.Split(',');
            if (cells.Length != header.Length)
            {
                throw new InvalidOperationException($"{strataCsv}, line {i + 1}: a quoted comma; read it with a CSV reader instead.");
            }

            if (i > 0)
            {
                cells[column] = universe.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return string.Join(',', cells);
        }));
    }
}
