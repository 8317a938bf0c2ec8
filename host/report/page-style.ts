// Styles of the report page (uPlot's own stylesheet is inlined before these).
export const PAGE_STYLE = `
:root { color-scheme: light; --fg: #1d2430; --muted: #5b6572; --line: #d8dde3; --bg-alt: #f5f7f9; --bad: #b3261e; }
* { box-sizing: border-box; }
body { margin: 0 auto; padding: 24px 28px 48px; max-width: 1180px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--fg); background: #fff; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 6px; padding-top: 6px; border-top: 1px solid var(--line); }
.subtitle, .how, .note, footer { color: var(--muted); }
.how { margin: 0 0 8px; max-width: 900px; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(360px, 1fr)); gap: 8px 32px; align-items: start; }
table { border-collapse: collapse; margin: 6px 0 10px; }
th, td { text-align: left; vertical-align: top; padding: 3px 12px 3px 0; border-bottom: 1px solid var(--line); }
thead th { border-bottom: 2px solid var(--line); font-weight: 600; }
tbody th { font-weight: 500; color: var(--muted); white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code { font: 12px/1.3 ui-monospace, "DejaVu Sans Mono", monospace; overflow-wrap: anywhere; }
table.violations td:nth-child(4), table.differences td:nth-child(4), table.differences td:nth-child(5) { max-width: 520px; overflow-wrap: anywhere; }
.bad { color: var(--bad); font-weight: 600; }
.none { color: #1e7b34; }
.chart { break-inside: avoid; }
.plot { min-height: 280px; width: 100%; }
.plot .u-legend { font-size: 12px; text-align: left; }
.plot .u-legend th { font-weight: 500; color: var(--fg); }
.chart-error { color: var(--bad); }
footer { margin-top: 32px; font-size: 12px; }
`;
