using System.Globalization;
using System.Text;
using Pipeline.Core.Dictionary;

namespace Pipeline.Core.Packs;

/// <summary>The commented files <see cref="PackScaffold"/> writes. Every comment says what a section does, its default and an example.</summary>
internal static class PackScaffoldTexts
{
    /// <summary>The lines around the commented example of indicators.yaml.</summary>
    public const string ExampleStart = "# ---- example ----\n";

    public const string ExampleEnd = "# ---- end of example ----\n";

    public static string Manifest(string id, DataDictionary dictionary, string dictionaryFile, ScaffoldPlan plan)
    {
        var suggested = plan.SuggestedPersonal.Count > 0
            ? $"  # pack init cannot know which items are personal. Items whose name or label looks like a name, a contact or a{Environment.NewLine}" +
              $"  # coordinate (check each, add others):{Environment.NewLine}" +
              $"  #   {string.Join(", ", plan.SuggestedPersonal)}{Environment.NewLine}"
            : $"  # pack init found no item whose name or label looks like a name, a contact or a coordinate: check the dictionary.{Environment.NewLine}";
        var stratum = plan.StratumItem is null
            ? $"  # pack init found no numeric ID item with a short value set, so there is one stratum, \"all\", and no stratum item.{Environment.NewLine}  stratumItems: []"
            : $"  # pack init made one stratum per code of the ID item {plan.StratumItem} (its value set). Change the items to your design;{Environment.NewLine}" +
              $"  # strata.csv needs one column per item.{Environment.NewLine}  stratumItems: [{plan.StratumItem}]";
        var languages = dictionary.Languages.Count > 0
            ? $"a code of the dictionary's [Languages] ({string.Join(", ", dictionary.Languages)})"
            : "the dictionary has no [Languages], so one language, 'en'";
        return $"""
            # The survey pack manifest, written by 'survey-pipeline pack init' from {Path.GetFileName(dictionaryFile)}.
            # Paths are relative to this folder. Check the pack with 'survey-pipeline pack check <this folder>'.
            # Walk-through: docs/adding-a-survey.md.

            # id: the pack's short id. Uploads go to incoming/<id>/<file>; the curated lake, the reports and the findings are
            # filed under it. Required. Example: peru-coffee-cacao
            id: {id}
            # title: shown in reports. Default: empty. Example: Household survey of the Peru Coffee Alliance (2022)
            title: {Quote(dictionary.Label.Length > 0 ? dictionary.Label : dictionary.Name)}
            # language: the language of the reports and exports: {languages}. Default: the dictionary's first; the
            # others stay behind a switch in the reports. Example: language: es
            # dictionary: the CSPro dictionary (.dcf, text or JSON) every export is read and checked against. Required.
            dictionary: {Quote(dictionaryFile)}

            design:
              # strata: CSV with one row per stratum: stratum_id, label, one column per stratum item (its code), universe
              # (N_h, the number of units in the stratum's population) and planned_sample (n_h). A case's weight is
              # universe / planned_sample. Required. pack init wrote 1 and 1 (weight 1) as placeholders:
              # FILL IN universe and planned_sample from your sample design before you publish findings: a findings run
              # refuses a stratum with more sampled cases than its universe (see invalidDesign below).
              strata: design/strata.csv
              # stratumItems: the items whose codes together select a case's stratum. Default: [] (one stratum).
              # Example: [ALLIANCE, REGION]
            {stratum}
              # smallCellThreshold: cells with fewer respondents are flagged "small-cell" in the findings. Default: 30.
              smallCellThreshold: 30
              # invalidDesign: when the data contradict strata.csv (a stratum with more cases than its universe, a sampled
              # stratum without universe, cases matching no stratum): fail (the findings run stops and names the stratum
              # and both numbers) or estimate-without-fpc (go on without finite population correction there, and say so
              # in the coverage note). Default: fail.
              invalidDesign: fail

            personalData:
              # drop: items removed before anything reaches the curated lake, the findings or the reports (names, phone
              # numbers, coordinates). The raw zone keeps the upload as it came. Default: []. Example: [HEAD_NAME, GPS_LAT]
              # pseudonymise: items replaced by a keyed pseudonym (P-xxxxxxxxxxxxxxxx), stable per value while the key is
              # kept, e.g. an interviewer code. Default: []. Example: [INTERVIEWER]
              # FILL IN both lists before real data is uploaded.
            {suggested}  drop: []
              pseudonymise: []

            # rules: the rule catalogue (skip patterns, consistency checks), run on every row. Optional; default: none.
            # pack init wrote an empty one (the dictionary's own checks, value sets and lengths, need no rule).
            rules: rules.yaml

            # cleaning: cleaning steps (special codes to null, unit conversions, derived columns, case variables). Optional;
            # without it only the dictionary's special values (MISSING, REFUSED, ...) apply; text is kept as typed.
            # Example: cleaning: cleaning.yaml   (format: survey-packs/peru-coffee-cacao/cleaning.yaml)
            # cleaning: cleaning.yaml

            # dates: items that hold dates, with their CSPro format: DATE columns in the curated lake, and a value that is
            # no calendar day is an error. Items the dictionary captures as dates (CaptureType=Date) need no entry; list
            # dates kept as plain numbers, one "ITEM: FORMAT" line each under dates:, e.g. INTERVIEW_DATE: YYYYMMDD.
            # Optional; default: none (docs/adding-a-survey.md, "Dates").

            # quality: what each upload's quality report tabulates. All optional.
            quality:
              # enumeratorItem: the item naming the interviewer (list it under personalData.pseudonymise too); enables the
              # enumerator table. Default: none. Example: enumeratorItem: INTERVIEWER
              # durationItems: start and end time items (HHMM), for interview durations. Default: []. Example: [START, END]
              durationItems: []
              # dontKnowCodes: codes that mean "don't know / no response", for the share of such answers. Default: [99].
              dontKnowCodes: [99]

            # indicators: the indicator catalogue, estimated design-weighted by the findings run. Required; pack init wrote
            # an empty one: the findings then hold the case counts only.
            indicators: indicators.yaml

            """;
    }

    public static string Rules(DataDictionary dictionary) => $"""
        # The rule catalogue of {dictionary.Name}, run on every upload (written empty by pack init).
        # The dictionary's own checks (numbers, lengths, value sets, IDs, duplicates) need no rule here.
        # Each rule: id, description, severity (error: the case goes to quarantine; warning: kept and flagged; off),
        # record, and when / check / blank / answered / specify / outlier. Example:
        #   - id: age-of-head
        #     description: "the head of household is at least 12"
        #     severity: error
        #     record: {dictionary.Records.FirstOrDefault()?.Name ?? "RECORD"}
        #     when: RELATIONSHIP = 1
        #     check: AGE >= 12
        # Format and every key: survey-packs/peru-coffee-cacao/rules.yaml and docs/adding-a-survey.md.
        rules: []

        """;

    public static string Indicators(DataDictionary dictionary, ScaffoldPlan plan)
    {
        var example = ExampleIndicator(dictionary);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# The indicator catalogue of {dictionary.Name}, estimated design-weighted on every findings run. pack init wrote\n");
        text.Append("# it empty: the findings then have no figure and count no case. To get a first figure, delete the two empty lists\n");
        text.Append("# at the end and remove '# ' (hash and one space) at the start of each line of the example.\n");
        text.Append("# Keys: id, title, record, item, outcome (codes counted in the numerator), breakdowns (ids of 'breakdowns'),\n");
        text.Append("# excludeFromDenominator, universe, statistic (proportion, mean, total); every key: survey-packs/peru-coffee-cacao/indicators.yaml.\n");
        if (example is { } e)
        {
            text.Append(ExampleStart);
            text.Append(plan.StratumItem is { } stratum
                ? $"# breakdowns:\n#   - id: stratum\n#     label: Stratum\n#     item: {stratum}\n"
                : "# breakdowns: []\n");
            text.Append(CultureInfo.InvariantCulture, $"# indicators:\n#   - id: {e.Item.ToLowerInvariant().Replace('_', '-')}-{e.Code}\n#     title: {Quote($"{e.Label}: {e.CodeLabel}")}\n#     record: {e.Record}\n#     item: {e.Item}\n#     outcome: [{e.Code}]\n");
            text.Append(plan.StratumItem is null ? string.Empty : "#     breakdowns: [stratum]\n");
            text.Append(ExampleEnd);
        }

        text.Append("breakdowns: []\nindicators: []\n");
        return text.ToString();
    }

    /// <summary>The first coded item of a single record: a first figure the data manager can switch on.</summary>
    private static (string Record, string Item, string Label, long Code, string CodeLabel)? ExampleIndicator(DataDictionary dictionary)
    {
        foreach (var record in dictionary.Levels[0].Records.Where(r => r.MaxRecords == 1))
        {
            foreach (var item in record.Items.Where(i => i is { DataType: ItemDataType.Numeric, Decimals: 0, Occurrences: <= 1 }))
            {
                var first = item.PrimaryValueSet?.Values.FirstOrDefault(v => v.Special is null && v.Pairs is [{ To: null }]);
                if (item.PrimaryValueSet?.Values.Count(v => v.Special is null) >= 2 && first is not null && long.TryParse(first.Pairs[0].From.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var code))
                {
                    return (record.Name, item.Name, item.Label.Length > 0 ? item.Label : item.Name, code, first.Label);
                }
            }
        }

        return null;
    }

    public static string Generator(DataDictionary dictionary, ScaffoldPlan plan)
    {
        var ids = new StringBuilder();
        if (plan.SequenceItem is null)
        {
            ids.Append("# No ID item can number the cases: give one under ids.sequence, or every case gets the same key.\n");
        }
        else
        {
            ids.Append(CultureInfo.InvariantCulture, $"ids:\n  # {plan.SequenceItem} numbers the cases 1, 2, ...; the generator refuses more cases than it can number.\n  sequence: {plan.SequenceItem}\n");
        }

        // An alpha ID item would be blank by default, and a blank ID rejects the case: draw a short code instead.
        var alphaIds = dictionary.CaseIdItems.Where(i => i.DataType == ItemDataType.Alpha && !string.Equals(i.Name, plan.SequenceItem, StringComparison.OrdinalIgnoreCase)).ToList();
        if (alphaIds.Count > 0)
        {
            ids.Append(plan.SequenceItem is null ? "ids:\n" : string.Empty).Append("  items:\n    # Alpha ID items: a blank ID rejects the case, so each gets a code (replace with the survey's own).\n");
            foreach (var item in alphaIds)
            {
                ids.Append(CultureInfo.InvariantCulture, $"    {item.Name}: [A, B, C]\n");
            }
        }

        return $"""
            # How 'survey-pipeline generate --survey <id>' draws synthetic exports of {dictionary.Name} (format: docs/generator.md).
            # Written by pack init: every item not listed gets the default draw (a numeric item: uniform over its value set's
            # codes without 99, 88 and special values, or over its first range; an alpha item: blank). The stratum items come
            # from design/strata.csv. Add draws, skips and lists to make the data look like the survey's.
            version: 1

            {ids}
            """;
    }

    public static string Readme(string id, DataDictionary dictionary, ScaffoldPlan plan)
    {
        var text = new StringBuilder();
        text.AppendLine($"# Survey pack {id}");
        text.AppendLine();
        text.AppendLine($"Made by `survey-pipeline pack init` from the dictionary {dictionary.Name} ({dictionary.Label}). It works as it is");
        text.AppendLine("(uploads are read, checked and curated), but before real data arrives the data manager fills in:");
        text.AppendLine();
        text.AppendLine("1. `design/strata.csv`: `universe` and `planned_sample` of every stratum (pack init wrote 1 and 1, weight 1).");
        text.AppendLine(plan.StratumItem is null
            ? "   There is one stratum, `all`; for a stratified design add the stratum items to `pack.yaml` and their columns here."
            : $"   There is one stratum per code of {plan.StratumItem}; change `design.stratumItems` in `pack.yaml` for another design.");
        text.AppendLine("2. `pack.yaml` `personalData`: the items to drop and to pseudonymise (suggestions are in a comment there).");
        text.AppendLine("3. `rules.yaml`, `indicators.yaml`: the survey's checks and figures, when you have them.");
        text.AppendLine();
        text.AppendLine("Then run `survey-pipeline pack check` on this folder. The walk-through is `docs/adding-a-survey.md`.");
        return text.ToString();
    }

    private static string Quote(string text) => $"\"{text.ReplaceLineEndings(" ").Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";
}
