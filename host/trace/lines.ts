// The text of each trace line (docs/trace.md), built with a fixed key order so every host
// writes the same bytes for the same decision.
import { EventKindName, OpKindName, NONE } from '../abi/generated.js';
import type { CallRecord, EventRecord, OpResult } from '../engine/engine.js';
import type { Outcome, Op } from '../engine/outcome.js';
import { manifestJson, type RecordedPolicy } from './trace-manifest.js';

export const TRACE_FORMAT = 'heapwise-trace';
/** Version written; readers take every version in TRACE_VERSIONS (1: no manifest recorded). */
export const TRACE_VERSION = 2;
export const TRACE_VERSIONS: readonly number[] = [1, 2];

const idx = (n: number) => (n === NONE ? -1 : n);
const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
const str = (s: string) => JSON.stringify(s);

// A version 1 policy (manifest undefined: not recorded) is written without the key, so a dump of
// a version 1 binary trace reads as the version 1 JSON Lines it stands for.
const policyText = (p: RecordedPolicy) =>
  `{"name":${str(p.name)},"version":${str(p.version)},"sha256":${str(p.sha256)},"path":${p.path == null ? 'null' : str(p.path)}${p.manifest === undefined ? '' : `,"manifest":${manifestJson(p.manifest)}`}}`;

export function headerLine(host: string, backend: string, policy: RecordedPolicy, limits: { fuel: number; opCap: number; log: boolean }, platform: unknown, version = TRACE_VERSION): string {
  return `{"t":"header","format":"${TRACE_FORMAT}","version":${version},"abi":"1.0","host":${str(host)},"backend":${str(backend)},"policy":${policyText(policy)},"limits":{"fuel":${limits.fuel},"opCap":${limits.opCap},"log":${limits.log}},"platform":${JSON.stringify(platform)}}`;
}

export function logLine(i: number, fd: number, text: string): string {
  return `{"t":"log","i":${i},"fd":${fd},"text":${str(text)}}`;
}

export function swapLine(i: number, reason: string, policy: RecordedPolicy): string {
  return `{"t":"swap","i":${i},"reason":"${reason}","policy":${policyText(policy)}}`;
}

export function callLine(c: CallRecord): string {
  let s = `{"t":"call","n":${c.n},"op":"${c.op}","buf":${c.buf}`;
  if (c.op === 'alloc') {
    const r = c.request!;
    s += `,"size":"${BigInt(r.size)}","devices":${JSON.stringify(r.devices)},"cpu":"${r.cpu ?? 'none'}","protected":${!!r.protected},"name":${r.name === undefined ? 'null' : str(r.name)},"deferred":${!!r.deferred}`;
  } else if (c.op === 'attach' || c.op === 'device_end') {
    s += `,"device":${str(c.device!)}`;
  } else if (c.op === 'device_begin') {
    s += `,"device":${str(c.device!)},"access":"${c.access}"`;
  } else if (c.op === 'cpu_begin') {
    s += `,"access":"${c.access}"`;
  }
  return `${s}}`;
}

export function eventLine(e: EventRecord): string {
  const usage = e.usage ? `[${e.usage.map((u) => `"${u}"`).join(',')}]` : 'null';
  return `{"t":"event","i":${e.index},"n":${e.call},"kind":"${EventKindName[e.kind]}","buf":${e.buf},"device":${idx(e.device)},"access":${e.access},"size":"${e.size}","devices":"${e.devices}","failedHeaps":"${e.failedHeaps}","heap":${idx(e.heap)},"cpu":${e.cpu},"flags":${e.flags},"lastErrno":${e.lastErrno},"name":${str(new TextDecoder().decode(e.name))},"usage":${usage},"state":"${hex(e.state)}"}`;
}

export function opText(op: Op): string {
  const base = `{"kind":"${OpKindName[op.kind] ?? op.kind}","buf":${op.buf},"heap":${idx(op.heap)},"arg":${op.arg},"value":"${op.value}"`;
  return op.name !== undefined ? `${base},"name":${str(op.name)}}` : `${base}}`;
}

export function answerLine(i: number, out: Pick<Outcome, 'ops' | 'explains' | 'state'>): string {
  const ex = out.explains.map((x) => `[${x.subject},${x.verdict},${x.code},${idx(x.heap)},${idx(x.device)},${x.detail}]`).join(',');
  return `{"t":"answer","i":${i},"ops":[${out.ops.map(opText).join(',')}],"explain":[${ex}],"state":"${hex(out.state)}"}`;
}

export function faultLine(i: number, kind: string, message: string): string {
  return `{"t":"fault","i":${i},"kind":"${kind}","message":${str(message)}}`;
}

export function resultLine(i: number, op: number, r: OpResult): string {
  if (r.ok) return r.fd !== undefined ? `{"t":"result","i":${i},"op":${op},"ok":true,"fd":${r.fd}}` : `{"t":"result","i":${i},"op":${op},"ok":true}`;
  return `{"t":"result","i":${i},"op":${op},"ok":false,"errno":${r.errno},"code":"${r.code}"}`;
}

export function endLine(calls: number, events: number): string {
  return `{"t":"end","calls":${calls},"events":${events}}`;
}
