// Explanations of one decision as a person wants to read them: every heap kept or rejected
// with the device and constraint that decided it, the preference that ordered the survivors,
// the syncs planned or elided and why with the domain state before and after, and the policy's
// debug log for that event.
import { Subject, Verdict, VerdictName, ReasonName, EventKindName, NONE, BufferFlag } from '../abi/generated.js';
import { Engine, type EventRecord } from '../engine/engine.js';
import type { AllocateRequest } from '../engine/buffer.js';
import type { Outcome, ExplainEntry } from '../engine/outcome.js';
import { answer } from '../engine/answer.js';
import { reasonText } from '../engine/reason-text.js';
import { roundedSize } from '../engine/rounding.js';
import { InputError, PolicyFaultError } from '../errors.js';
import { PolicyInstance } from '../module/instance.js';
import type { PolicyModule, PolicyIdentity } from '../module/policy-module.js';
import { encodePlatform } from '../platform/encode.js';
import { parsePlatform } from '../platform/parse.js';
import type { Platform } from '../platform/types.js';
import { readTrace, type TraceHeader } from '../trace/reader.js';
import { policyForTrace } from '../trace/policy-for-trace.js';
import { underRecordedManifest } from '../trace/trace-manifest.js';
import { decodeState, type StateView } from './state-text.js';

export interface HeapVerdict { heap: string; verdict: string; device: string | null; reason: string; code: string }
export interface SyncVerdict { verdict: string; flags: string; reason: string; code: string }

export interface Explanation {
  policy: PolicyIdentity;
  event: { index: number; kind: string; buffer: number; name: string; device: string | null; access: string | null; devices: string[]; heap: string | null; cpu: string; flags: string[] };
  heaps: HeapVerdict[];
  syncs: SyncVerdict[];
  ops: string[];
  stateBefore: StateView;
  stateAfter: StateView | null;
  log: string[];
  fault: string | null;
}

const ACCESS = ['none', 'read', 'write', 'readwrite'];
const SYNC = (f: number) => `${f & 4 ? 'END' : 'START'}|${['?', 'READ', 'WRITE', 'RW'][f & 3]}`;

export function explainAnswer(p: Platform, policy: PolicyIdentity, ev: EventRecord, out: Outcome | null, log: string[], fault: string | null): Explanation {
  const heaps: HeapVerdict[] = [];
  const syncs: SyncVerdict[] = [];
  for (const x of out?.explains ?? ([] as ExplainEntry[])) {
    const ctx = { platform: p, code: x.code, heap: x.heap, device: x.device, detail: x.detail };
    if (x.subject === Subject.HEAP && x.heap < p.heaps.length) {
      heaps.push({
        heap: p.heaps[x.heap]!.name, verdict: VerdictName[x.verdict] ?? '?', device: x.device !== NONE ? p.devices[x.device]?.name ?? null : null,
        reason: reasonText({ ...ctx, rounded: roundedSize(p, ev.size, ev.devices, x.heap) }), code: ReasonName[x.code] ?? String(x.code),
      });
    } else if (x.subject === Subject.SYNC) {
      syncs.push({ verdict: VerdictName[x.verdict] ?? '?', flags: SYNC(x.detail), reason: reasonText(ctx), code: ReasonName[x.code] ?? String(x.code) });
    } else if (x.subject === Subject.BUFFER) {
      heaps.push({ heap: '(buffer)', verdict: VerdictName[x.verdict] ?? '?', device: null, reason: reasonText(ctx), code: ReasonName[x.code] ?? String(x.code) });
    }
  }
  const ops = (out?.ops ?? []).map((o) => {
    if (o.kind === 1) return `ALLOC ${o.value} bytes from ${p.heaps[o.heap]?.name}, fd flags 0x${o.arg.toString(16)}`;
    if (o.kind === 2) return `SET_NAME "${o.name}"`;
    if (o.kind === 3) return `SYNC ${SYNC(o.arg)}`;
    return `FAIL ${ReasonName[o.arg] ?? o.arg}`;
  });
  const flags = Object.entries(BufferFlag).filter(([, v]) => ev.flags & v).map(([k]) => k);
  return {
    policy,
    event: {
      index: ev.index, kind: EventKindName[ev.kind] ?? '?', buffer: ev.buf, name: new TextDecoder().decode(ev.name),
      device: ev.device !== NONE ? p.devices[ev.device]?.name ?? null : null, access: ev.access ? ACCESS[ev.access]! : null,
      devices: p.devices.filter((d) => (ev.devices >> BigInt(d.index)) & 1n).map((d) => d.name),
      heap: ev.heap !== NONE ? p.heaps[ev.heap]?.name ?? null : null, cpu: ACCESS[ev.cpu]!, flags,
    },
    heaps, syncs, ops, stateBefore: decodeState(ev.state, p), stateAfter: out ? decodeState(out.state, p) : null, log, fault,
  };
}

/** Explains the placement of one request on a fresh engine. */
export function explainRequest(mod: PolicyModule, p: Platform, req: AllocateRequest): Explanation {
  const engine = Engine.create(mod, p, { fallback: null });
  let result: Explanation | null = null;
  const logs: string[] = [];
  engine.observe({
    onLog: (_ev, l) => logs.push(l.text),
    onAnswer: (ev, out) => { if (!result) result = explainAnswer(p, engine.policy, ev, out, [...logs], null); },
    onFault: (ev, f) => { if (!result) result = explainAnswer(p, engine.policy, ev, null, [...logs], f.message); },
  });
  try {
    engine.allocate({ ...req, deferred: false });
  } catch (e) {
    if (!(e instanceof PolicyFaultError)) throw e;
  }
  engine.dispose();
  return result!;
}

/** Explains event `n` of a trace, re-running it through the module (recorded or given). */
export async function explainTraceEvent(file: string, n: number, policy?: PolicyModule): Promise<Explanation & { traceLine: number }> {
  const it = readTrace(file);
  const header = (await it.next()).value as TraceHeader;
  const p = parsePlatform(header.platform, file, 'line 1 /platform');
  let mod = policy ? underRecordedManifest(policy, header.policy) : await policyForTrace(header, file);
  for await (const l of it) {
    if (l.t === 'swap' && !policy) mod = await policyForTrace({ policy: l.policy, limits: header.limits }, file, `line ${l.line}`);
    if (l.t !== 'event' || l.ev.index !== n) continue;
    const inst = PolicyInstance.create(mod);
    inst.init(encodePlatform(p));
    try {
      const out = answer(inst, p, l.ev, header.limits.opCap);
      return { ...explainAnswer(p, inst.identity, l.ev, out, inst.logs.map((x) => x.text), null), traceLine: l.line };
    } catch (e) {
      if (!(e instanceof PolicyFaultError)) throw e;
      return { ...explainAnswer(p, inst.identity, l.ev, null, inst.logs.map((x) => x.text), e.message), traceLine: l.line };
    }
  }
  throw new InputError(file, '', `the trace has no event ${n}`);
}
