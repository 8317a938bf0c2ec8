// The HTML reports of `heapwise simulate --report` and `heapwise diff --report`: the facts of
// the text output as tables, the charts, the violations and the policies' identities.
import type { SimulationReport } from '../simulate/run.js';
import type { DiffReport, PolicySide } from '../trace/diff.js';
import type { PolicyIdentity } from '../module/policy-module.js';
import { chartLibrary } from './chart-library.js';
import { chartSections, type ReportKind } from './charts.js';
import { escapeHtml } from './escape.js';
import { renderPage } from './page.js';
import { identityTable, table, violationsTable, type Cell } from './tables.js';
import { REPORT_LIMITS, type TimelineData } from './timeline.js';
import { formatBytes, percentOf } from './units.js';

const policyText = (p: PolicyIdentity) => `${p.name} ${p.version}`;

/** What the page script draws: the timelines without the violation lists (those are tables). */
function chartData(axis: string, sides: { tag: string; policy: PolicyIdentity; timeline: TimelineData }[]) {
  return {
    axis,
    sides: sides.map(({ tag, policy, timeline }) => {
      const { firstViolations: _omitted, ...rest } = timeline;
      return { tag, policy: policyText(policy), timeline: rest };
    }),
  };
}

function footer(kind: ReportKind, width: number): string {
  const lib = chartLibrary();
  const span = width > 1 ? ` Each chart point covers ${width} ${kind === 'diff' ? 'calls' : 'events'} (the most bytes in use, the sum of counts).` : '';
  return `<footer>Written by heapwise ${escapeHtml(kind)} --report. Charts drawn by ${escapeHtml(lib.name)} ${escapeHtml(lib.version)}, inlined: the page needs no network.${escapeHtml(span)}</footer>`;
}

export interface RenderOptions {
  /** Violations listed in the table; the count always covers all (default 200). */
  maxViolations?: number;
}

export function renderSimulationReport(r: SimulationReport, timeline: TimelineData, opts: RenderOptions = {}): string {
  const list = (o: Record<string, number>, f: (n: number) => string) => Object.entries(o).map(([h, n]) => `${h}: ${f(n)}`).join(', ') || '-';
  const bad = (n: number): Cell => (n ? { html: `<span class="bad">${n}</span>` } : n);
  const summary = table(null, [
    ['workload', r.workload],
    ['platform', r.platform],
    ['policy', `${policyText(r.policy)} (${r.policy.sha256.slice(0, 12)})`],
    ['backend', r.backend],
    ['events', r.events],
    ['allocations', list(r.allocations, String)],
    ['peak bytes', list(r.peakBytes, formatBytes)],
    ['failures', bad(r.failures)],
    ['fallbacks used', r.fallbacksUsed],
    ['syncs issued', `${r.syncs.issued} (${r.syncs.start} START, ${r.syncs.end} END)`],
    ['naive syncs', `${r.syncs.naive}${r.syncs.naive ? ` (issued ${percentOf(r.syncs.issued, r.syncs.naive)} of naive)` : ''}`],
    ['violations', bad(r.violations.length)],
  ], { id: 'summary', cls: 'summary' });
  const shown = r.violations.slice(0, opts.maxViolations ?? REPORT_LIMITS.maxViolations);
  const body = `<header>
<h1>heapwise simulate: ${escapeHtml(r.workload)}</h1>
<p class="subtitle">${escapeHtml(`platform ${r.platform} · policy ${policyText(r.policy)} · ${r.backend} backend · ${r.events} events`)}</p>
</header>
<div class="grid">
<section><h2>Summary</h2>${summary}</section>
<section><h2>Policy</h2>${identityTable([{ role: 'policy', policy: r.policy }])}</section>
</div>
${chartSections('simulate', [timeline])}
<section id="violations-list"><h2>Violations (${r.violations.length})</h2>
${violationsTable('violations', shown, r.violations.length, 'event')}
</section>
${footer('simulate', timeline.width)}`;
  return renderPage({
    title: `heapwise simulate: ${r.workload} (${policyText(r.policy)})`,
    body,
    data: chartData('event', [{ tag: '', policy: r.policy, timeline }]),
  });
}

export function renderDiffReport(d: DiffReport, timelineA: TimelineData, timelineB: TimelineData): string {
  const [a, b] = d.sides;
  const heaps = [...new Set([...Object.keys(a.allocations), ...Object.keys(b.allocations)])].sort();
  const both = (f: (s: PolicySide) => Cell): Cell[] => [f(a), f(b)];
  const summary = table(['', `A: ${policyText(a.policy)}`, `B: ${policyText(b.policy)}`], [
    ...heaps.map((h): Cell[] => [`allocations ${h}`, ...both((s) => `${s.allocations[h] ?? 0} (${formatBytes(s.bytes[h] ?? 0)})`)]),
    ['fallbacks used', ...both((s) => s.fallbacksUsed)],
    ['failures', ...both((s) => s.failures)],
    ['syncs issued', ...both((s) => `${s.syncs.issued} of ${s.syncs.naive} naive (${percentOf(s.syncs.issued, s.syncs.naive)})`)],
    ['coherency violations', ...both((s) => (s.violations ? { html: `<span class="bad">${s.violations}</span>` } : 0))],
  ], { id: 'summary', cls: 'summary' });
  const differences = d.differences.length
    ? `${d.differences.length < d.differing ? `<p class="note">The first ${d.differences.length} of ${d.differing} differing calls.</p>` : ''}${table(['call', 'op', 'buffer', 'A', 'B'], d.differences.map((x) => [x.call, x.op, x.buf, x.a, x.b]), { id: 'differences', cls: 'differences' })}`
    : '<p class="none" id="differences">Both policies did the same for every call.</p>';
  const sideViolations = (tag: 'A' | 'B', s: PolicySide, t: TimelineData) =>
    `<h3>${tag}: ${escapeHtml(policyText(s.policy))} (${s.violations})</h3>\n${violationsTable(`violations-${tag.toLowerCase()}`, t.firstViolations, s.violations, 'call')}`;
  const body = `<header>
<h1>heapwise diff: ${escapeHtml(d.trace)}</h1>
<p class="subtitle">${escapeHtml(`${d.calls} calls, ${d.differing} differ · A: ${policyText(a.policy)} · B: ${policyText(b.policy)}`)}</p>
</header>
<div class="grid">
<section><h2>Summary</h2>${summary}</section>
<section><h2>Policies</h2>${identityTable([{ role: 'A', policy: a.policy }, { role: 'B', policy: b.policy }])}</section>
</div>
${chartSections('diff', [timelineA, timelineB])}
<section id="differences-list"><h2>Differing calls (${d.differing})</h2>
${differences}
</section>
<section id="violations-list"><h2>Violations</h2>
${sideViolations('A', a, timelineA)}
${sideViolations('B', b, timelineB)}
</section>
${footer('diff', timelineA.width)}`;
  return renderPage({
    title: `heapwise diff: ${d.trace} (${policyText(a.policy)} vs ${policyText(b.policy)})`,
    body,
    data: chartData('call', [{ tag: 'A', policy: a.policy, timeline: timelineA }, { tag: 'B', policy: b.policy, timeline: timelineB }]),
  });
}
