namespace Pipeline.Core.Findings;

/// <summary>One row of the findings fact table: one indicator in one breakdown cell of one run.</summary>
public sealed record FindingRow(
    string IndicatorId,
    string BreakdownId,
    string CellKey,
    long? CellCode,
    string CellLabel,
    RatioEstimate Estimate,
    double? Published,
    IReadOnlyList<string> Flags);

/// <summary>The result of one recomputation request.</summary>
public sealed record FindingsRun(FindingsRunStatusInfo Status, IReadOnlyList<FindingRow> Rows);

/// <summary>The run's ledger row and where its tables are.</summary>
public sealed record FindingsRunStatusInfo(Lake.FindingsRunRecord Record, string RunFolder);
