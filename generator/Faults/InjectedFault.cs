namespace Pipeline.Generator.Faults;

/// <summary>
/// One injected fault, as listed in <c>faults.csv</c>: the case key (CSPro's: the ID items zero-filled), the record and
/// its occurrence, the item, the kind, the value now in the data and the value it replaced. <see cref="File"/> is set for
/// file faults (latin1, truncated) and blank for case faults, which are in every format written.
/// </summary>
public sealed record InjectedFault(string CaseKey, string Record, int Occurrence, string Item, FaultKind Kind, string Value, string Original, string File);
