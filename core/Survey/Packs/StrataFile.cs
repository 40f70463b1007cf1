using System.Globalization;
using System.Runtime.CompilerServices;
using Pipeline.Core.Dictionary;
using Sylvan.Data.Csv;

namespace Pipeline.Core.Packs;

/// <summary>
/// Reads a pack's <c>design/strata.csv</c>: <c>stratum_id</c>, <c>label</c>, one column per stratum item, <c>universe</c>
/// and <c>planned_sample</c>. Every problem is collected (file, line, column, what to do), so one run lists them all.
/// </summary>
internal static class StrataFile
{
    private const string Fix = "see docs/adding-a-survey.md, \"The strata file\"";

    /// <summary>More rows than this is not a sample design but a wrong file (each row is kept in memory by every host).</summary>
    public const int MaxStrata = 10_000;

    /// <summary>The problems listed for one strata file; the rest are counted ("and N more").</summary>
    public const int MaxProblems = 50;

    /// <summary>
    /// Reads the strata, adding each problem to <paramref name="problems"/>. With <paramref name="dictionary"/>, a
    /// stratum code outside its item's value set is a problem too.
    /// </summary>
    public static async Task<IReadOnlyList<Stratum>> ReadAsync(string path, IReadOnlyList<string> stratumItems, DataDictionary? dictionary, List<string> problems, CancellationToken cancellationToken)
    {
        var found = new List<string>();
        var strata = new List<Stratum>();
        var line = new StrongBox<int>(1);
        try
        {
            if (!await ReadAsync(path, stratumItems, dictionary, strata, found, line, cancellationToken).ConfigureAwait(false))
            {
                // Said first: the rows' own problems (often hundreds, for a wrong file) would hide it.
                found.Insert(0, $"{path}, line {line.Value + 1}: more than {MaxStrata} strata; a strata file has one row per stratum of the sample design, not one per case. Check that this is the right file; {Fix}.");
            }
        }
        catch (Exception e) when (e is CsvFormatException or CsvRecordTooLargeException)
        {
            // Sylvan counts records; so do our line numbers (a quoted line break is rare in a strata file).
            found.Add($"{path}, line {line.Value + 1}: {e.Message} Check the quotes of that row (a field that starts with '\"' must end with '\"'); {Fix}.");
        }

        problems.AddRange(found.Take(MaxProblems));
        if (found.Count > MaxProblems)
        {
            problems.Add($"{path}: and {found.Count - MaxProblems} more problems; correct these and run pack check again.");
        }

        return found.Count == 0 ? strata : [];
    }

    /// <summary>False when the file has more than <see cref="MaxStrata"/> rows (reading stopped there).</summary>
    private static async Task<bool> ReadAsync(string path, IReadOnlyList<string> stratumItems, DataDictionary? dictionary, List<Stratum> strata, List<string> problems, StrongBox<int> read, CancellationToken cancellationToken)
    {
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
            return true;
        }

        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var selections = new Dictionary<string, int>(StringComparer.Ordinal);
        var line = 1;
        while (await csv.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (line - 1 == MaxStrata)
            {
                return false;
            }

            line++;
            read.Value = line;

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

            if (problems.Count == before && stratumItems.Count > 0)
            {
                CheckCodes(path, line, header, stratumItems, codes, dictionary, selections, problems);
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

        return true;
    }

    /// <summary>A case falls in the first stratum whose codes it has: two rows with the same codes would leave one empty.</summary>
    private static void CheckCodes(string path, int line, Dictionary<string, int> header, IReadOnlyList<string> stratumItems, Dictionary<string, long> codes, DataDictionary? dictionary, Dictionary<string, int> selections, List<string> problems)
    {
        foreach (var item in stratumItems)
        {
            if (dictionary?.FindItem(item)?.PrimaryValueSet is { } valueSet && !valueSet.ContainsNumber(codes[item]))
            {
                problems.Add($"{path}, line {line}, column {header[item] + 1}: {item} code {codes[item].ToString(CultureInfo.InvariantCulture)} is not in {item}'s value set {valueSet.Name}, so no case can fall in this stratum; write one of its codes.");
            }
        }

        var key = string.Join(",", stratumItems.Select(i => codes[i].ToString(CultureInfo.InvariantCulture)));
        if (!selections.TryAdd(key, line))
        {
            problems.Add($"{path}, line {line}, column {header[stratumItems[0]] + 1}: this stratum has the same codes ({string.Join(", ", stratumItems.Select(i => $"{i} {codes[i].ToString(CultureInfo.InvariantCulture)}"))}) as the stratum on line {selections[key]}; a case goes to the first of them only, so give each stratum its own codes.");
        }
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
