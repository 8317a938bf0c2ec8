// heapwise diff: one trace, two policies, what differs.
import Table from 'cli-table3';
import { InputError, EXIT } from '../errors.js';
import { outputTarget } from '../output-file.js';
import { loadPolicyFile } from '../module/load-file.js';
import { diff as runDiff, type DiffReport } from '../trace/diff.js';
import { formatBytes } from './format.js';
import { diffWithReport, writeReportFile } from '../report/index.js';

export async function diff(trace: string, opts: { policy?: string[]; json?: boolean; first?: string; report?: string }): Promise<number> {
  if (!opts.policy || opts.policy.length !== 2) throw new InputError('--policy', '', 'diff needs exactly two --policy options (A and B)');
  // Checked before any module loads: a bad count is the caller's typo, not something to round.
  const first = opts.first === undefined ? 20 : firstCount(opts.first);
  if (opts.report) outputTarget(opts.report); // before the two replays, not after them
  const [a, b] = await Promise.all(opts.policy.map((p) => loadPolicyFile(p)));
  let report;
  if (opts.report) {
    const r = await diffWithReport(trace, a!, b!, { first });
    writeReportFile(opts.report, r.html);
    report = r.report;
  } else {
    report = await runDiff(trace, a!, b!, { first });
  }
  process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatDiff(report)}\n`);
  return EXIT.OK;
}

/** --first: a non-negative decimal integer. */
function firstCount(text: string): number {
  if (!/^(0|[1-9][0-9]{0,8})$/.test(text)) throw new InputError('--first', '', `must be a non-negative integer, got ${JSON.stringify(text)}`);
  return Number(text);
}

export function formatDiff(r: DiffReport): string {
  const [a, b] = r.sides;
  const t = new Table({ head: ['', `A: ${a.policy.name} ${a.policy.version}`, `B: ${b.policy.name} ${b.policy.version}`], style: { head: [], border: [] } });
  const heaps = [...new Set([...Object.keys(a.allocations), ...Object.keys(b.allocations)])].sort();
  for (const h of heaps) t.push([`allocations ${h}`, `${a.allocations[h] ?? 0} (${formatBytes(a.bytes[h] ?? 0)})`, `${b.allocations[h] ?? 0} (${formatBytes(b.bytes[h] ?? 0)})`]);
  t.push(['fallbacks used', String(a.fallbacksUsed), String(b.fallbacksUsed)]);
  t.push(['failures', String(a.failures), String(b.failures)]);
  t.push(['syncs issued', `${a.syncs.issued} of ${a.syncs.naive} naive`, `${b.syncs.issued} of ${b.syncs.naive} naive`]);
  t.push(['coherency violations', String(a.violations), String(b.violations)]);
  let s = `${r.trace}: ${r.calls} calls, ${r.differing} differ\n${t.toString()}`;
  if (r.differences.length) {
    const d = new Table({ head: ['call', 'op', 'buf', 'A', 'B'], style: { head: [], border: [] }, wordWrap: true, colWidths: [7, 14, 6, 40, 40] });
    for (const x of r.differences) d.push([String(x.call), x.op, String(x.buf), x.a, x.b]);
    s += `\nfirst ${r.differences.length} differing calls:\n${d.toString()}`;
  }
  for (const [name, side] of [['A', a], ['B', b]] as const) {
    if (side.firstViolations.length) s += `\n${name} violations (first ${side.firstViolations.length}): ${side.firstViolations.map((v) => `call ${v.event} buf ${v.buf} ${v.kind}`).join('; ')}`;
  }
  return s;
}
