// Human-readable output of decisions, module reports and simulations.
import Table from 'cli-table3';
import type { Decision } from '../engine/decision.js';
import type { PolicyFileReport } from '../module/load-file.js';
import type { SimulationReport } from '../simulate/run.js';

const plain = { chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' }, style: { head: [], border: [] } };

export function formatBytes(n: number): string {
  if (n >= 1 << 30 && n % (1 << 20) === 0) return `${(n / (1 << 30)).toFixed(n % (1 << 30) ? 2 : 0)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(n % (1 << 20) ? 2 : 0)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(n % (1 << 10) ? 1 : 0)} KiB`;
  return `${n} B`;
}

/** One row per request: where it went, what it falls back to, why the others were rejected. */
export function formatPlacements(rows: { request: string; decision: Decision }[]): string {
  const t = new Table({ head: ['request', 'heap', 'size', 'fallbacks', 'rejected (device: reason)'], ...plain, wordWrap: true, colWidths: [24, 20, 11, 26, 70] });
  for (const { request, decision: d } of rows) {
    const rejected = d.rejected.map((r) => `${r.heap}: ${r.reason}`).join('\n') || '-';
    t.push([request, d.heap ?? `NONE: ${d.failure ?? ''}`, d.heap ? formatBytes(d.size) : '-', d.fallbacks.join(', ') || '-', rejected]);
  }
  return t.toString();
}

export function formatInspect(r: PolicyFileReport): string {
  const lines = [
    `module     ${r.label}`,
    `sha256     ${r.sha256}`,
    `size       ${r.size} bytes`,
    `abi        ${r.abi ? `${r.abi.major}.${r.abi.minor}` : '?'}`,
    `policy     ${r.name ?? '?'} ${r.version ?? ''}`,
    `memory     ${r.memory ? `${r.memory.minPages} pages initial, ${r.memory.maxPages === null ? 'no maximum' : `${r.memory.maxPages} pages maximum (${formatBytes(r.memory.maxPages * 65536)})`}` : 'none'}`,
    `build      ${r.debug ? 'debug (imports the wasi log sink; loaded with --log)' : 'release'}`,
    `manifest   ${r.manifest ?? 'none'}`,
    `imports    ${r.imports.map((i) => `${i.module}.${i.name} (${i.kind})`).join(', ') || 'none'}`,
    `exports    ${r.exports.map((e) => (e.signature ? `${e.name} ${e.signature}` : `${e.name} (${e.kind})`)).join('\n           ')}`,
    `accepted   ${r.accepted ? (r.debug ? 'yes, with --log' : 'yes') : `no: ${r.refusal}`}`,
  ];
  return lines.join('\n');
}

export function formatSimulation(r: SimulationReport): string {
  const t = new Table({ ...plain });
  t.push(
    ['workload', r.workload],
    ['platform', r.platform],
    ['policy', `${r.policy.name} ${r.policy.version} (${r.policy.sha256.slice(0, 12)})`],
    ['backend', r.backend],
    ['workload steps', String(r.events)],
    ['allocations', Object.entries(r.allocations).map(([h, n]) => `${h}: ${n}`).join(', ') || '-'],
    ['peak bytes', Object.entries(r.peakBytes).map(([h, n]) => `${h}: ${formatBytes(n)}`).join(', ') || '-'],
    ['failures', String(r.failures)],
    ['fallbacks used', String(r.fallbacksUsed)],
    ['syncs issued', `${r.syncs.issued} (${r.syncs.start} START, ${r.syncs.end} END)`],
    ['naive syncs', `${r.syncs.naive}${r.syncs.naive ? ` (issued ${((100 * r.syncs.issued) / r.syncs.naive).toFixed(1)}% of naive)` : ''}`],
    ['violations', String(r.violations.length)],
  );
  let s = t.toString();
  if (r.violations.length) {
    const v = new Table({ head: ['event', 'buffer', 'kind', 'detail'], ...plain, wordWrap: true, colWidths: [8, 12, 22, 80] });
    for (const x of r.violations.slice(0, 20)) v.push([String(x.event), String(x.buf), x.kind, x.detail]);
    s += `\n\nviolations${r.violations.length > 20 ? ` (first 20 of ${r.violations.length})` : ''}:\n${v.toString()}`;
  }
  return s;
}
