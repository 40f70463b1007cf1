using System.Globalization;
using Pipeline.Core.Dictionary;
using Pipeline.Core.Lake;
using Pipeline.Core.Packs;
using Pipeline.Core.Readers;
using Pipeline.Core.Values;

namespace Pipeline.Core.Reporting;

/// <summary>
/// The value labels of a survey pack's dictionary as a table Power BI can join on: one row per (record, curated column,
/// code) with the code's label in the pack's language (<c>label</c>, see <see cref="SurveyPack.Language"/>) and in each
/// of the dictionary's languages (<c>label_en</c>, <c>label_es</c>, ...: a report can switch language by column). Columns are those of the curated tables (ID items
/// and record items, occurrences as NAME_1..NAME_n); dropped and pseudonymised items have no labels (their values are
/// not codes). Only single codes are listed: a range ("15:105 Age in years") labels no particular value.
/// </summary>
public static class LabelsTable
{
    public const string File = "labels.parquet";

    /// <summary>
    /// <c>record</c>, <c>item</c> (the curated column name), <c>code</c> (text: the number in invariant culture without
    /// trailing zeros, e.g. "1", "99", "1.5"; alpha codes right-trimmed) and <c>label</c> (in the pack's language), then
    /// <c>label_&lt;code&gt;</c> per language of the dictionary (<see cref="LanguageColumn"/>).
    /// </summary>
    public static IReadOnlyList<TableColumn> ColumnsOf(SurveyPack pack)
    {
        ArgumentNullException.ThrowIfNull(pack);
        return [new("record", ColumnKind.Text), new("item", ColumnKind.Text), new("code", ColumnKind.Text), new("label", ColumnKind.Text), .. pack.Languages.Select(l => new TableColumn(LanguageColumn(l), ColumnKind.Text))];
    }

    /// <summary>The column of a language's labels: <c>label_</c> and the code in lower case, non-letters as '_' (e.g. label_es).</summary>
    public static string LanguageColumn(string language)
    {
        ArgumentNullException.ThrowIfNull(language);
        return "label_" + new string(language.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());
    }

    /// <summary>Where the table lives in the curated zone: <c>&lt;survey&gt;/_labels/labels.parquet</c>.</summary>
    public static string PathOf(string survey) => $"{survey}/_labels/{File}";

    /// <summary>The rows, ordered by record (dictionary order), column (layout order), then code as written.</summary>
    public static IEnumerable<LabelRow> Rows(SurveyPack pack)
    {
        ArgumentNullException.ThrowIfNull(pack);
        var languages = pack.Languages.Select(l => pack.Dictionary.LanguageIndex(l)).ToList();
        var chosen = pack.Dictionary.LanguageIndex(pack.Language);
        foreach (var record in pack.Dictionary.Records)
        {
            var layout = RecordLayout.For(pack, record);
            // A date column holds days, not codes: its value labels (special codes) name nothing in it, as in RecordTables.
            foreach (var column in layout.Columns.Where(c => c.Privacy == PersonalData.None && c.Date is null))
            {
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var value in column.Item.PrimaryValueSet?.Values ?? [])
                {
                    foreach (var pair in value.Pairs.Where(p => p.To is null || p.To == p.From))
                    {
                        if (CodeText(column.Item, pair.From) is { } code && seen.Add(code))
                        {
                            yield return new LabelRow(record.Name, column.Name, code, value.LabelIn(chosen)) { Labels = languages.Select(value.LabelIn).ToList() };
                        }
                    }
                }
            }

            // Case variables of cleaning.yaml with value labels (e.g. PRODUCER_SIZE) are columns of the level-1 record.
            foreach (var variable in CleaningCatalogue.IsMain(pack.Dictionary, record.Name) ? pack.Cleaning.CaseVariables : [])
            {
                var translated = pack.Languages.Select(l => pack.CodeLabels(variable.Name, l).ToDictionary(x => x.Code, x => x.Label)).ToList();
                foreach (var (code, label) in pack.CodeLabels(variable.Name, pack.Language))
                {
                    yield return new LabelRow(record.Name, variable.Name, code.ToString(CultureInfo.InvariantCulture), label) { Labels = translated.Select(t => t.GetValueOrDefault(code, label)).ToList() };
                }
            }
        }
    }

    /// <summary>Writes the table as Parquet (Snappy, metadata <c>survey</c> and <c>pack_content_hash</c>) to <paramref name="output"/>.</summary>
    public static Task WriteAsync(SurveyPack pack, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        return WriteToAsync(pack, (content, ct) => content.CopyToAsync(output, ct), cancellationToken);
    }

    /// <summary>
    /// Writes <c>curated/&lt;survey&gt;/_labels/labels.parquet</c>, replacing the previous version. Cheap (a few
    /// hundred rows); call it whenever the pack may have changed, e.g. at each findings run that is not skipped.
    /// </summary>
    public static Task PublishAsync(ILakeStore lake, SurveyPack pack, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lake);
        ArgumentNullException.ThrowIfNull(pack);
        return WriteToAsync(pack, (content, ct) => lake.WriteAsync(LakeZone.Curated, PathOf(pack.Id), content, ifMatch: null, ct), cancellationToken);
    }

    private static async Task WriteToAsync(SurveyPack pack, Func<Stream, CancellationToken, Task> sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pack);
        var metadata = new Dictionary<string, string> { ["survey"] = pack.Id, ["dictionary"] = pack.Dictionary.Name, ["pack_content_hash"] = pack.ContentHash };
        metadata["language"] = pack.Language;
        await using var writer = await ParquetTableWriter.CreateAsync(ColumnsOf(pack), metadata, ParquetTableOptions.OneFile(), cancellationToken).ConfigureAwait(false);
        foreach (var row in Rows(pack))
        {
            CellValue[] cells = [CellValue.OfText(row.Record), CellValue.OfText(row.Item), CellValue.OfText(row.Code), CellValue.OfText(row.Label), .. row.Labels.Select(CellValue.OfText)];
            await writer.AppendAsync(cells, cancellationToken).ConfigureAwait(false);
        }

        await sink((await writer.CompleteAsync(cancellationToken).ConfigureAwait(false))[0], cancellationToken).ConfigureAwait(false);
    }

    private static string? CodeText(DictionaryItem item, string code)
    {
        if (item.DataType == ItemDataType.Alpha)
        {
            return code.TrimEnd();
        }

        return NumberText.TryParseDecimal(code, out var number)
            ? number.ToString("0.############################", CultureInfo.InvariantCulture)
            : null;
    }
}

/// <summary>One value label: the code of a curated column of a record, and its label in the pack's language.</summary>
public sealed record LabelRow(string Record, string Item, string Code, string Label)
{
    /// <summary>The label in each of the pack's <see cref="SurveyPack.Languages"/>, in their order.</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];
}
