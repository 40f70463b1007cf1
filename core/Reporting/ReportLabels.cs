using System.Globalization;
using Pipeline.Core.Findings;
using Pipeline.Core.Packs;

namespace Pipeline.Core.Reporting;

/// <summary>
/// The pack's words in one language, for the outputs for people: indicator titles, breakdown labels and cell labels
/// (the dictionary's value labels, or cleaning.yaml's for case variables), with the fixed texts of that language.
/// Cell labels are looked up again from the cell's code rather than taken from the fact row, so that one run can be
/// shown in each of the dictionary's languages.
/// </summary>
internal sealed class ReportLabels
{
    private readonly SurveyPack _pack;
    private readonly Dictionary<string, BreakdownDefinition> _breakdowns;
    private readonly Dictionary<string, IReadOnlyList<(long Code, string Label)>> _codes = new(StringComparer.OrdinalIgnoreCase);

    public ReportLabels(SurveyPack pack, string language)
    {
        ArgumentNullException.ThrowIfNull(pack);
        _pack = pack;
        Language = language;
        Texts = ReportTexts.For(language);
        _breakdowns = pack.Indicators.Breakdowns.ToDictionary(b => b.Id, StringComparer.OrdinalIgnoreCase);
    }

    public string Language { get; }

    public ReportTexts Texts { get; }

    public string SurveyTitle => _pack.TitleIn(Language);

    public string Title(IndicatorDefinition indicator) => SurveyPack.TitleOf(indicator, Language);

    /// <summary>The breakdown's label; "All respondents" for the "all" cell; the id itself for a breakdown not in the catalogue.</summary>
    public string Breakdown(string id) =>
        string.Equals(id, FindingsReportModel.AllBreakdown, StringComparison.OrdinalIgnoreCase) ? Texts["findings.breakdown.all"]
        : _breakdowns.TryGetValue(id, out var b) ? SurveyPack.LabelOf(b, Language) : id;

    /// <summary>
    /// The label of a cell: "All" for the "all" cell; in the pack's language the fact row's own label (the findings run
    /// wrote it in that language); in another, the code's label there (the row's label when the code has none).
    /// </summary>
    public string Cell(FindingRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (string.Equals(row.BreakdownId, FindingsReportModel.AllBreakdown, StringComparison.OrdinalIgnoreCase))
        {
            return Texts["findings.cell.all"];
        }

        if (string.Equals(Language, _pack.Language, StringComparison.OrdinalIgnoreCase))
        {
            return row.CellLabel;
        }

        return row.CellCode is { } code && Code(row.BreakdownId, code) is { } label ? label : row.CellLabel;
    }

    /// <summary>The label of <paramref name="code"/> of column <paramref name="column"/> in this language, or null.</summary>
    public string? CodeLabel(string column, long code)
    {
        if (!_codes.TryGetValue(column, out var labels))
        {
            labels = _pack.CodeLabels(column, Language);
            _codes[column] = labels;
        }

        return labels.FirstOrDefault(l => l.Code == code).Label;
    }

    /// <summary>"1 (Yes)": a code with its label, for sentences that name codes.</summary>
    public string CodeWithLabel(string column, long code) =>
        CodeLabel(column, code) is { } label
            ? $"{code.ToString(CultureInfo.InvariantCulture)} ({label})"
            : code.ToString(CultureInfo.InvariantCulture);

    private string? Code(string breakdown, long code) =>
        _breakdowns.TryGetValue(breakdown, out var b) ? CodeLabel(b.Item, code) : null;
}
