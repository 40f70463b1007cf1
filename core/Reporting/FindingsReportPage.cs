namespace Pipeline.Core.Reporting;

/// <summary>
/// The report page's own style sheet and script. The script reads the JSON data island, draws one Chart.js bar chart
/// per indicator (recomputed estimate with its confidence interval as error bars, the published value beside it,
/// small cells hatched), then sets <c>data-charts-rendered</c> on the body to the number of charts drawn: the
/// headless-browser test reads it. A page in several languages (<see cref="LanguageSwitch"/>) has one data island per
/// language (<c>findings-data</c>, <c>es-findings-data</c>, ...); the charts of a language are drawn when it is first shown.
/// </summary>
internal static class FindingsReportPage
{
    public const string Style = """
        :root { --ink: #1d2733; --muted: #5b6776; --rule: #d9dee4; --paper: #ffffff; --band: #f4f6f8; }
        * { box-sizing: border-box; }
        body { margin: 0; background: var(--paper); color: var(--ink); font: 15px/1.45 "Segoe UI", "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; }
        main { max-width: 1040px; margin: 0 auto; padding: 28px 32px 48px; }
        h1 { font-size: 26px; margin: 0 0 4px; }
        h2 { font-size: 19px; margin: 0 0 4px; }
        .subtitle { color: var(--muted); margin: 0 0 18px; }
        .facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; background: var(--band); padding: 14px 18px; border-radius: 6px; margin: 0 0 18px; }
        .facts dt { color: var(--muted); }
        .facts dd { margin: 0; }
        code { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 13px; }
        .legend { display: flex; flex-wrap: wrap; gap: 6px 18px; margin: 0 0 10px; color: var(--muted); font-size: 13px; }
        .swatch { display: inline-block; width: 14px; height: 14px; vertical-align: -2px; margin-right: 6px; border-radius: 2px; }
        .indicator { border-top: 2px solid var(--rule); padding: 22px 0 8px; break-inside: avoid; }
        .ref { color: var(--muted); font-weight: normal; font-size: 14px; margin-right: 8px; }
        .definition { color: var(--muted); margin: 0 0 10px; font-size: 14px; }
        .chart { position: relative; height: 340px; margin: 0 0 10px; }
        table { border-collapse: collapse; width: 100%; font-size: 13.5px; }
        th, td { text-align: right; padding: 4px 8px; border-bottom: 1px solid var(--rule); white-space: nowrap; }
        th:first-child, td:first-child, th:last-child, td:last-child { text-align: left; }
        th { color: var(--muted); font-weight: 600; }
        td.flags { white-space: normal; }
        .flag { display: inline-block; padding: 0 6px; margin: 1px 2px 1px 0; border-radius: 9px; font-size: 12px; background: #fde8cf; color: #7a4100; }
        .flag.uncovered-strata { background: #e6e0f3; color: #4a2f7a; }
        .flag.no-data, .flag.degenerate-ci { background: #eceff1; color: #37474f; }
        .empty { color: var(--muted); font-style: italic; }
        .notes { color: var(--muted); font-size: 13px; border-top: 2px solid var(--rule); margin-top: 18px; padding-top: 12px; }
        .notes dt { font-weight: 600; color: var(--ink); }
        .notes dd { margin: 0 0 6px; }
        """;

    public const string Script = """
        (function () {
          'use strict';
          Chart.register(ChartErrorBars.BarWithErrorBarsController, ChartErrorBars.BarWithErrorBar);
          Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
          Chart.defaults.color = '#1d2733';

          var data;
          function pct(v) { return v === null || v === undefined ? '–' : (v * 100).toFixed(1) + '%'; }

          // Proportions read as percentages; means and totals in the item's own unit (docs/findings-method.md).
          function formatter(statistic, locale) {
            if (statistic === 'mean') { return function (v) { return v === null || v === undefined ? '–' : v.toLocaleString(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }); }; }
            if (statistic === 'total') { return function (v) { return v === null || v === undefined ? '–' : Math.round(v).toLocaleString(locale); }; }
            return pct;
          }

          // Small cells are hatched: still visible, visibly less trustworthy.
          function hatch(color) {
            var c = document.createElement('canvas');
            c.width = 8; c.height = 8;
            var g = c.getContext('2d');
            g.fillStyle = '#ffffff'; g.fillRect(0, 0, 8, 8);
            g.strokeStyle = color; g.lineWidth = 2.5;
            g.beginPath(); g.moveTo(-2, 10); g.lineTo(10, -2); g.moveTo(-2, 2); g.lineTo(2, -2); g.moveTo(6, 10); g.lineTo(10, 6); g.stroke();
            return g.createPattern(c, 'repeat');
          }

          // Writes each bar's value above it (above the upper CI whisker for the recomputed bars).
          var valueLabels = {
            id: 'valueLabels',
            afterDatasetsDraw: function (chart) {
              var ctx = chart.ctx;
              ctx.save();
              ctx.font = '12px ' + Chart.defaults.font.family;
              ctx.textAlign = 'center';
              ctx.textBaseline = 'bottom';
              chart.data.datasets.forEach(function (dataset, d) {
                var meta = chart.getDatasetMeta(d);
                if (meta.hidden) { return; }
                meta.data.forEach(function (bar, i) {
                  var point = dataset.data[i];
                  if (!point || point.y === null) { return; }
                  var top = point.yMax !== undefined && point.yMax !== null ? chart.scales.y.getPixelForValue(point.yMax) : bar.y;
                  ctx.fillStyle = d === 0 ? '#1d2733' : '#7a5a00';
                  ctx.fillText((chart.canvas.formatValue || pct)(point.y), bar.x, Math.min(top, bar.y) - 3);
                });
              });
              ctx.restore();
            }
          };

          var rendered = 0;
          var drawn = {};
          // Draws the charts of the body whose ids start with prefix ('' for the language shown first), once.
          function drawAll(prefix, lang) {
            if (drawn[prefix]) { return; }
            drawn[prefix] = true;
            var island = document.getElementById(prefix + 'findings-data');
            if (!island) { return; }
            data = JSON.parse(island.textContent);
            rendered = 0;
            var errors = [];
            data.indicators.forEach(function (indicator) {
              try {
                draw(indicator, prefix);
              } catch (e) {
                // One broken chart must not hide the others; the error is kept on the page for whoever checks it.
                errors.push(indicator.id + ': ' + (e && e.message ? e.message : String(e)));
              }
            });
            // data-charts-rendered counts the first language's charts; data-charts-rendered-<lang> each language's.
            if (prefix === '') {
              document.body.setAttribute('data-charts-rendered', String(rendered));
              if (errors.length > 0) { document.body.setAttribute('data-charts-errors', errors.join(' | ')); }
            }
            if (lang) { document.body.setAttribute('data-charts-rendered-' + lang, String(rendered)); }
          }
          drawAll('', document.documentElement.lang);
          document.addEventListener('languagechange', function (e) { drawAll(e.detail.prefix, e.detail.lang); });

          function draw(indicator, prefix) {
            var canvas = document.getElementById(prefix + 'chart-' + indicator.slot);
            if (!canvas || indicator.cells.length === 0) { return; }
            var texts = data.texts;
            var labels = indicator.cells.map(function (c) {
              var lines = [c.label, 'n = ' + c.n];
              if (c.marks) { lines.push(c.marks); }
              return lines;
            });
            var recomputed = indicator.cells.map(function (c) {
              return c.estimate === null ? { y: null } : { y: c.estimate, yMin: c.ciLow === null ? c.estimate : c.ciLow, yMax: c.ciHigh === null ? c.estimate : c.ciHigh };
            });
            var published = indicator.cells.map(function (c) { return c.published === null ? { y: null } : { y: c.published }; });
            var fills = indicator.cells.map(function (c) { var color = data.colors[c.group % data.colors.length]; return c.small ? hatch(color) : color; });
            var borders = indicator.cells.map(function (c) { return data.colors[c.group % data.colors.length]; });
            var format = formatter(indicator.statistic, data.locale);
            // Chart.js would call a function found in its options as a scriptable option; the label plugin finds it here.
            canvas.formatValue = format;
            var y = indicator.statistic === 'proportion'
              ? { min: 0, max: 1, ticks: { stepSize: 0.2, callback: function (v) { return Math.round(v * 100) + '%'; } }, title: { display: true, text: texts.share } }
              : { beginAtZero: true, ticks: { callback: function (v) { return format(v); } }, title: { display: true, text: indicator.statistic === 'mean' ? texts.mean : texts.total } };
            var chart = new Chart(canvas, {
              type: 'barWithErrorBars',
              data: {
                labels: labels,
                datasets: [
                  { label: texts.recomputed, data: recomputed, backgroundColor: fills, borderColor: borders, borderWidth: 1.5, skipNull: true, maxBarThickness: 72,
                    errorBarColor: '#1d2733', errorBarWhiskerColor: '#1d2733', errorBarLineWidth: 1.5, errorBarWhiskerLineWidth: 1.5, errorBarWhiskerRatio: 0.3 },
                  { label: texts.published, data: published, backgroundColor: data.publishedColor, borderColor: data.publishedColor, borderWidth: 1.5, skipNull: true, maxBarThickness: 72 }
                ]
              },
              options: {
                animation: false,
                responsive: true,
                maintainAspectRatio: false,
                layout: { padding: { top: 18 } },
                scales: {
                  y: y,
                  x: { grid: { display: false }, ticks: { autoSkip: false, maxRotation: 0 } }
                },
                plugins: {
                  legend: { display: false },
                  tooltip: { callbacks: { label: function (item) {
                    var p = item.raw || {};
                    if (p.y === null || p.y === undefined) { return item.dataset.label + ': ' + texts.noValue; }
                    return item.dataset.label + ': ' + format(p.y) + (p.yMin !== undefined ? ' (' + format(p.yMin) + '–' + format(p.yMax) + ')' : '');
                  } } }
                }
              },
              plugins: [valueLabels]
            });
            if (chart.getDatasetMeta(0).data.length === indicator.cells.length) { rendered++; }
          }
        })();
        """;
}
