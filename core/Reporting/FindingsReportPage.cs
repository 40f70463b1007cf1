namespace Pipeline.Core.Reporting;

/// <summary>
/// The report page's own style sheet. The bars need no script: they are HTML boxes placed by percentages
/// (<see cref="FindingsReportBars"/>). Below 640 px (a phone) the header facts stack, each bar row puts its label and
/// numbers above a full-width bar, and the wide tables scroll inside their own box, so the page never scrolls sideways.
/// </summary>
internal static class FindingsReportPage
{
    public const string Style = """
        :root { --ink: #1d2733; --muted: #5b6776; --rule: #d9dee4; --paper: #ffffff; --band: #f4f6f8; --pub: #b07d00; --out: #c62828; }
        * { box-sizing: border-box; }
        html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
        body { margin: 0; background: var(--paper); color: var(--ink); font: 15px/1.45 "Segoe UI", "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; }
        main { max-width: 1100px; margin: 0 auto; padding: 28px 32px 48px; }
        h1 { font-size: 26px; line-height: 1.25; margin: 0 0 4px; overflow-wrap: anywhere; }
        h2 { font-size: 19px; line-height: 1.3; margin: 0 0 4px; }
        a { color: #1b4965; }
        .subtitle { color: var(--muted); margin: 0 0 18px; }
        .facts { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 4px 18px; background: var(--band); padding: 14px 18px; border-radius: 6px; margin: 0 0 18px; }
        .facts dt { color: var(--muted); }
        .facts dd { margin: 0; overflow-wrap: anywhere; }
        code { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 13px; overflow-wrap: anywhere; }
        .toc { border-top: 2px solid var(--rule); padding: 14px 0 6px; }
        .toc ol { margin: 6px 0 0; padding-left: 1.6em; columns: 2 340px; column-gap: 32px; }
        .toc li { margin: 0 0 4px; break-inside: avoid; }
        .summary, .legend { border-top: 2px solid var(--rule); padding: 14px 0 6px; }
        .summary .overall { font-weight: 600; margin: 4px 0; }
        .note { color: var(--muted); font-size: 13px; margin: 4px 0; }
        .outside-count { color: var(--out); font-size: 13px; font-weight: 600; }
        p.outside-count { margin: 0 0 8px; }
        .legend ul { display: flex; flex-wrap: wrap; gap: 6px 22px; list-style: none; margin: 6px 0 0; padding: 0; color: var(--muted); font-size: 13px; }
        .legend li { display: flex; align-items: center; gap: 8px; }
        .key { display: inline-block; flex: none; width: 28px; height: 14px; position: relative; }
        .key-bar { background: #1b4965; }
        .key-bar.small { background: repeating-linear-gradient(45deg, #1b4965 0 2px, #fff 2px 5px); border: 1px solid #1b4965; }
        .key-ci { border-left: 2px solid var(--ink); border-right: 2px solid var(--ink); }
        .key-ci::before { content: ""; position: absolute; left: 0; right: 0; top: 6px; border-top: 2px solid var(--ink); }
        .key-pub::before { content: ""; position: absolute; left: 12px; top: -2px; bottom: -2px; width: 4px; background: var(--pub); }
        .key-pub.outside::before { background: var(--out); width: 6px; left: 11px; }
        .indicator { border-top: 2px solid var(--rule); padding: 22px 0 8px; }
        .ref { color: var(--muted); font-weight: normal; font-size: 14px; }
        .definition { color: var(--muted); margin: 0 0 10px; font-size: 14px; overflow-wrap: anywhere; }
        .bars { margin: 0 0 14px; font-size: 13.5px; }
        .bar-row { display: grid; grid-template-columns: minmax(7em, 13em) minmax(120px, 1fr) minmax(11em, 17em); grid-template-areas: "label plot value"; gap: 2px 14px; align-items: center; padding: 3px 0; }
        .bar-label { grid-area: label; overflow-wrap: anywhere; }
        .bar-label .n { color: var(--muted); white-space: nowrap; font-size: 12.5px; }
        .plot, .axis { grid-area: plot; position: relative; }
        .plot { height: 22px; background: var(--band); }
        .axis { height: 1.5em; border-bottom: 1px solid var(--rule); color: var(--muted); font-size: 12px; }
        .tick { position: absolute; bottom: 2px; transform: translateX(-50%); white-space: nowrap; }
        .tick.first { transform: none; }
        .tick.last { transform: translateX(-100%); }
        .bar { position: absolute; top: 3px; bottom: 3px; background: var(--bar, #1b4965); }
        .small .bar { background: repeating-linear-gradient(45deg, var(--bar, #1b4965) 0 2px, #fff 2px 5px); outline: 1px solid var(--bar, #1b4965); }
        .ci { position: absolute; top: 5px; height: 12px; border-left: 2px solid var(--ink); border-right: 2px solid var(--ink); margin-left: -1px; min-width: 2px; }
        .ci::before { content: ""; position: absolute; left: 0; right: 0; top: 4px; border-top: 2px solid var(--ink); }
        .pub { position: absolute; top: 0; bottom: 0; width: 4px; margin-left: -2px; background: var(--pub); }
        .outside .pub { background: var(--out); width: 6px; margin-left: -3px; }
        .bar-value { grid-area: value; overflow-wrap: anywhere; }
        .bar-value .ci-text { color: var(--muted); white-space: nowrap; }
        .bar-value .pub-text { color: #7a5a00; white-space: nowrap; }
        .bar-group { font-weight: 600; color: var(--muted); font-size: 13px; margin: 8px 0 0; }
        .outside-mark { display: inline-block; padding: 0 6px; border-radius: 9px; font-size: 12px; font-weight: 600; background: #fde0e0; color: var(--out); white-space: nowrap; }
        .table-scroll { overflow-x: auto; max-width: 100%; margin: 0 0 8px; }
        table { border-collapse: collapse; width: 100%; font-size: 13.5px; }
        th, td { text-align: right; padding: 4px 8px; border-bottom: 1px solid var(--rule); white-space: nowrap; }
        th:first-child, td:first-child, th:last-child, td:last-child { text-align: left; }
        th { color: var(--muted); font-weight: 600; }
        td.flags { white-space: normal; min-width: 10em; }
        tr.outside td { background: #fff5f5; }
        .summary-table td:first-child { white-space: normal; min-width: 14em; }
        .flag { display: inline-block; padding: 0 6px; margin: 1px 2px 1px 0; border-radius: 9px; font-size: 12px; background: #fde8cf; color: #7a4100; white-space: nowrap; }
        .flag.uncovered-strata { background: #e6e0f3; color: #4a2f7a; }
        .flag.no-data, .flag.degenerate-ci { background: #eceff1; color: #37474f; }
        .empty { color: var(--muted); font-style: italic; }
        .notes { color: var(--muted); font-size: 13px; border-top: 2px solid var(--rule); margin-top: 18px; padding-top: 12px; }
        .notes dt { font-weight: 600; color: var(--ink); }
        .notes dd { margin: 0 0 6px; }
        @media (max-width: 640px) {
          main { padding: 16px 14px 32px; }
          h1 { font-size: 21px; }
          h2 { font-size: 17px; }
          .facts { grid-template-columns: minmax(0, 1fr); padding: 10px 12px; }
          .facts dd { margin: 0 0 6px; }
          .bar-row { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); grid-template-areas: "label value" "plot plot"; padding: 4px 0; }
          .bar-scale { grid-template-areas: "label label" "plot plot"; }
          .bar-value { text-align: right; }
        }
        """;
}
