using System.Globalization;
using Sylvan.Data.Csv;

namespace Pipeline.Core.Packs;

/// <summary>
/// Reads a pack's <c>design/strata.csv</c>: <c>stratum_id</c>, <c>label</c>, one column per stratum item, <c>universe</c>
/// and <c>planned_sample</c>. Every problem is collected (file, line, column, what to do), so one run lists them all.
/// </summary>
internal static class StrataFile
{
    private const string Fix = "see docs/adding-a-survey.md, \"The strata file\"";

    public static async Task<IReadOnlyList<Stratum>> ReadAsync(string path, IReadOnlyList<string> stratumItems, List<string> problems, CancellationToken cancellationToken)
    {
        var strata = new List<Stratum>();
        using var text = File.OpenText(path);
        await using var csv = await CsvDataReader.CreateAsync(text, new CsvDataReaderOptions { HasHeaders = true }, cancellationToken).ConfigureAwait(false);
        var header = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < csv.FieldCount; i++)
        {
            header.TryAdd(csv.GetName(i).Trim(), i);
        }

        string[] columns = ["stratum_id", "label", .. stratumItems, "universe", "planned_sample"];
        var missing = columns.Where(c => !header.ContainsKey(c)).ToList();
        foreach (var name in missing)
        {
            var why = stratumItems.Contains(name, StringComparer.OrdinalIgnoreCase) ? $"pack.yaml lists {name} in design.stratumItems, so each stratum needs its code" : "every stratum needs it";
            problems.Add($"{path}, line 1, column {csv.FieldCount + 1}: column '{name}' is missing from the header ({why}). The header must have: {string.Join(",", columns)}; {Fix}.");
        }

        if (missing.Count > 0)
        {
            return [];
        }

        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var line = 1;
        while (await csv.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            line++;
            var before = problems.Count;
            var id = Text(csv, header, "stratum_id", path, line, problems);
            var label = Text(csv, header, "label", path, line, problems);
            var codes = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
            foreach (var item in stratumItems)
            {
                codes[item] = Number(csv, header, item, path, line, problems, $"the code of {item} that selects this stratum", count: false);
            }

            var universe = Number(csv, header, "universe", path, line, problems, "the number of units in the stratum's population (N_h)", count: true);
            var planned = Number(csv, header, "planned_sample", path, line, problems, "the number of cases planned in the stratum (n_h; 0 when none)", count: true);
            if (id.Length > 0 && !ids.Add(id))
            {
                problems.Add($"{path}, line {line}, column {header["stratum_id"] + 1}: stratum_id '{id}' is used twice; give each stratum its own id.");
            }

            if (problems.Count == before)
            {
                strata.Add(new Stratum(id, label, codes, universe, planned));
            }
        }

        if (line == 1)
        {
            problems.Add($"{path}, line 2: no strata; write one row per stratum under the header ({string.Join(",", columns)}); {Fix}.");
        }

        return strata;
    }

    private static string Text(CsvDataReader csv, Dictionary<string, int> header, string name, string path, int line, List<string> problems)
    {
        var ordinal = header[name];
        var value = ordinal < csv.RowFieldCount ? csv.GetString(ordinal).Trim() : string.Empty;
        if (value.Length == 0)
        {
            problems.Add($"{path}, line {line}, column {ordinal + 1}: '{name}' is empty; fill it in.");
        }

        return value;
    }

    private static long Number(CsvDataReader csv, Dictionary<string, int> header, string name, string path, int line, List<string> problems, string what, bool count)
    {
        var ordinal = header[name];
        var value = ordinal < csv.RowFieldCount ? csv.GetString(ordinal).Trim() : string.Empty;
        if (value.Length == 0)
        {
            problems.Add($"{path}, line {line}, column {ordinal + 1}: '{name}' is empty; write {what}.");
            return 0;
        }

        if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) || (count && number < 0))
        {
            problems.Add($"{path}, line {line}, column {ordinal + 1}: '{name}' is '{value}', not {(count ? "a whole number of 0 or more" : "a whole number")}; write {what}.");
            return 0;
        }

        return number;
    }
}
