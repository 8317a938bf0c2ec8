// heapwise explain: one decision, as a person wants to read it.
import { EXIT } from '../errors.js';
import { loadRequestFile } from '../input/request.js';
import { loadPolicyFile } from '../module/load-file.js';
import { loadPlatformFile } from '../platform/parse.js';
import { explainRequest, explainTraceEvent, type Explanation } from '../explain/explain.js';
import { stateText } from '../explain/state-text.js';
import { ArgumentUsageError } from './usage.js';

export interface ExplainOptions { platform?: string; request?: string; trace?: string; event?: string; policy?: string; json?: boolean; log?: boolean }

/** Exactly one subject: a request on a platform, or one event of a trace; never a mix. */
function checkSubject(opts: ExplainOptions): void {
  const direct = opts.platform !== undefined || opts.request !== undefined;
  if (opts.trace !== undefined && direct) throw new ArgumentUsageError('explain', '--trace cannot be combined with --platform or --request (explain one or the other)');
  if (opts.trace === undefined && opts.event !== undefined) throw new ArgumentUsageError('explain', '--event needs --trace');
  if (opts.trace !== undefined && (opts.event === undefined || !/^\d+$/.test(opts.event))) throw new ArgumentUsageError('explain', 'explain --trace needs --event N (an event index)');
  if (opts.trace === undefined && !(opts.platform && opts.request)) throw new ArgumentUsageError('explain', 'give --platform and --request, or --trace and --event');
}

export async function explain(opts: ExplainOptions): Promise<number> {
  checkSubject(opts);
  const policy = opts.policy ? await loadPolicyFile(opts.policy, { logCapability: !!opts.log }) : undefined;
  let x: Explanation;
  if (opts.trace) {
    x = await explainTraceEvent(opts.trace, Number(opts.event), policy);
  } else {
    const p = loadPlatformFile(opts.platform!);
    x = explainRequest(policy ?? (await loadPolicyFile('default')), p, loadRequestFile(opts.request!, p));
  }
  process.stdout.write(opts.json ? `${JSON.stringify(x, null, 2)}\n` : `${formatExplanation(x)}\n`);
  return EXIT.OK;
}

export function formatExplanation(x: Explanation): string {
  const e = x.event;
  const L: string[] = [];
  L.push(`event ${e.index}: ${e.kind} of buffer ${e.buffer}${e.name ? ` (${e.name})` : ''}${e.device ? ` by ${e.device}` : ''}${e.access ? `, ${e.access}` : ''}  [policy ${x.policy.name} ${x.policy.version}]`);
  L.push(`  buffer: ${e.heap ? `in ${e.heap}` : 'not placed'}; devices ${e.devices.join(', ') || 'none'}; CPU ${e.cpu}${e.flags.length ? `; ${e.flags.join(', ')}` : ''}`);
  L.push(`  state before: ${stateText(x.stateBefore)}`);
  if (x.heaps.length) {
    L.push('  heaps:');
    const w = Math.max(...x.heaps.map((h) => h.heap.length));
    for (const h of x.heaps) L.push(`    ${h.verdict.padEnd(8)} ${h.heap.padEnd(w)}  ${h.device ? `[${h.device}] ` : ''}${h.reason} (${h.code})`);
  }
  if (x.syncs.length) {
    L.push('  syncs:');
    for (const s of x.syncs) L.push(`    ${s.verdict.padEnd(6)} ${s.flags.padEnd(11)} ${s.reason} (${s.code})`);
  }
  L.push(`  operations: ${x.ops.length ? x.ops.join('; ') : 'none'}`);
  if (x.fault) L.push(`  FAULT: ${x.fault}`);
  if (x.stateAfter) L.push(`  state after: ${stateText(x.stateAfter)}`);
  L.push(x.log.length ? `  policy log:\n${x.log.map((l) => `    ${l}`).join('\n')}` : '  policy log: none (load a debug build with --log to see one)');
  return L.join('\n');
}
