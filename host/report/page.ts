// The one-file page around a report: inlined chart library, styles, the data as JSON and the
// script that draws the charts. A Content-Security-Policy allows exactly these inline scripts
// and styles (by hash) and nothing from anywhere else, so the page works offline and injected
// markup could not run or load anything even if some escaping were missed.
import { createHash } from 'node:crypto';
import { chartLibrary } from './chart-library.js';
import { escapeHtml, jsonForScript, rawText } from './escape.js';
import { PAGE_SCRIPT } from './page-script.js';
import { PAGE_STYLE } from './page-style.js';

export interface PageParts {
  /** Text of the <title>. */
  title: string;
  /** Markup of the page's body (already escaped by its builders). */
  body: string;
  /** What the charts draw (see page-script.ts). */
  data: unknown;
}

const hash = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

export function renderPage(p: PageParts): string {
  const lib = chartLibrary();
  const css = rawText(`${lib.css}\n${PAGE_STYLE}`, 'style', 'the report styles');
  const script = rawText(PAGE_SCRIPT, 'script', 'the report script');
  const csp = [
    "default-src 'none'",
    `script-src ${hash(lib.script)} ${hash(script)}`,
    `style-src ${hash(css)}`,
    "img-src data:",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="heapwise report, ${escapeHtml(lib.name)} ${escapeHtml(lib.version)}">
<link rel="icon" href="data:,">
<title>${escapeHtml(p.title)}</title>
<style>${css}</style>
</head>
<body>
${p.body}
<script type="application/json" id="heapwise-data">${jsonForScript(p.data)}</script>
<script>${lib.script}</script>
<script>${script}</script>
</body>
</html>
`;
}
