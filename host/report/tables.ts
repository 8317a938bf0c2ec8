// HTML tables of the report. Cells are text and escaped here; only markup this module builds
// itself is passed through as `{ html }`.
import type { PolicyIdentity } from '../module/policy-module.js';
import type { Violation } from '../referee/coherency.js';
import { escapeHtml } from './escape.js';

export type Cell = string | number | { html: string };

const cell = (c: Cell) => (typeof c === 'object' ? c.html : escapeHtml(c));
const code = (s: string): Cell => ({ html: `<code>${escapeHtml(s)}</code>` });

export function table(head: Cell[] | null, rows: Cell[][], opts: { id?: string; cls?: string } = {}): string {
  const attrs = `${opts.id ? ` id="${escapeHtml(opts.id)}"` : ''}${opts.cls ? ` class="${escapeHtml(opts.cls)}"` : ''}`;
  const thead = head ? `<thead><tr>${head.map((h) => `<th scope="col">${cell(h)}</th>`).join('')}</tr></thead>` : '';
  const body = rows.map((r) => `<tr>${r.map((c, i) => (i === 0 && !head ? `<th scope="row">${cell(c)}</th>` : `<td>${cell(c)}</td>`)).join('')}</tr>`).join('\n');
  return `<table${attrs}>${thead}<tbody>\n${body}\n</tbody></table>`;
}

/** Name, version and sha256 of each policy, as the text output and `inspect` name them. */
export function identityTable(policies: { role: string; policy: PolicyIdentity }[]): string {
  return table(['', 'name', 'version', 'sha256'], policies.map(({ role, policy }) => [role, policy.name, policy.version, code(policy.sha256)]), { id: 'policies', cls: 'identity' });
}

/**
 * The violations the referee found: event, buffer, kind, detail. `total` counts every
 * violation; only `list` (the first ones) is listed.
 */
export function violationsTable(id: string, list: readonly Violation[], total: number, eventLabel: string): string {
  if (total === 0) return `<p class="none" id="${escapeHtml(id)}">No coherency violations.</p>`;
  const note = list.length < total ? `<p class="note">The first ${list.length} of ${total} violations.</p>` : '';
  const rows = list.map((v) => [v.event, String(v.buf), code(v.kind), v.detail]);
  return `${note}${table([eventLabel, 'buffer', 'kind', 'detail'], rows, { id, cls: 'violations' })}`;
}
