// Candidate host changes for the decision path (host/engine/event-codec.ts, outcome.ts,
// answer.ts), kept here as an experiment: the same contract and the same Outcome, cheaper.
// answer-codec.ts checks they answer exactly as the host does, then times each step's gain.
//   1. one TextDecoder for every SET_NAME, and an ASCII fast path (names are ASCII in practice);
//   2. validation from per-platform tables (rounded sizes from bigint alignments computed once,
//      protected heaps as booleans), with no closures built per answer;
//   3. explanations read through a Uint32Array view instead of six DataView calls each, and the
//      usage words written in a plain loop;
//   4. PolicyInstance.event without the per-call allocation of an empty log array and without the
//      second call into the module (hw_fuel_left) for lastFuel, which nothing on this path reads.
import {
  OutHeaderLayout as OH, OpLayout as OL, OUT_OPS_OFFSET, OUT_EXPLAIN_OFFSET, OUT_STRINGS_OFFSET, OUT_STRINGS_CAPACITY,
  MAX_OPS, MAX_EXPLAIN, OpKind, EventKind, NAME_CAPACITY, FD_FLAGS_VALID, NONE, BufferFlag, BufferStateLayout as BS,
  EventLayout as EL, EVENT_NAME_OFFSET, EVENT_USAGE_OFFSET,
} from '../../host/abi/generated.js';
import type { EventRecord } from '../../host/engine/engine.js';
import { writeEvent } from '../../host/engine/event-codec.js';
import { readOutcome, validateOps, type ExplainEntry, type Op, type Outcome } from '../../host/engine/outcome.js';
import { PolicyFaultError } from '../../host/errors.js';
import { roundedSize } from '../../host/engine/rounding.js';
import type { PolicyInstance } from '../../host/module/instance.js';
import type { Platform } from '../../host/platform/types.js';

export interface LeanSteps {
  decoder: boolean;
  tables: boolean;
  views: boolean;
  invoke: boolean;
}

/** The private parts of PolicyInstance the lean call uses (the experiment reaches in; a host change would not need to). */
interface InstanceInternals {
  poisoned: string | null;
  logs: unknown[];
  module: { fuel: number; label: string };
  fuelSet(n: number): void;
  fnEvent(len: number): number;
  refresh(): void;
}

/** PolicyInstance.event minus the empty-array allocation and the hw_fuel_left call; faults go the host's way. */
export function eventLean(inst: PolicyInstance, len: number): void {
  const x = inst as unknown as InstanceInternals;
  if (x.poisoned) { inst.event(len); return; }
  x.fuelSet(x.module.fuel);
  if (x.logs.length) x.logs = [];
  let status: number;
  try {
    status = x.fnEvent(len);
  } catch {
    // Let the host classify the fault exactly as it does (the module is stateless: same answer).
    inst.event(len);
    return;
  }
  x.refresh();
  if (status !== 0) throw new PolicyFaultError(x.module.label, 'status', `hw_event returned status ${status}`);
}

const U64 = (1n << 64n) - 1n;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Names are ASCII in practice: build the string directly, and leave anything else to the shared decoder. */
function decodeName(u8: Uint8Array, start: number, len: number): string {
  let ascii = true;
  for (let i = 0; i < len; i++) if (u8[start + i]! > 0x7f) { ascii = false; break; }
  return ascii ? String.fromCharCode.apply(null, u8.subarray(start, start + len) as unknown as number[]) : utf8.decode(u8.subarray(start, start + len));
}

/** What validation needs of a platform, computed once per platform. */
interface PlatformTable {
  alignments: bigint[];
  granules: bigint[];
  protectedHeap: boolean[];
}
const tables = new WeakMap<Platform, PlatformTable>();
function tableOf(p: Platform): PlatformTable {
  let t = tables.get(p);
  if (!t) {
    t = { alignments: p.devices.map((d) => BigInt(d.alignment)), granules: p.heaps.map((h) => BigInt(h.granule)), protectedHeap: p.heaps.map((h) => h.kind === 'protected') };
    tables.set(p, t);
  }
  return t;
}

function roundedSizeFrom(t: PlatformTable, size: bigint, devices: bigint, heap: number): bigint {
  let a = 4096n;
  for (let d = 0; d < t.alignments.length; d++) if ((devices >> BigInt(d)) & 1n && t.alignments[d]! > a) a = t.alignments[d]!;
  const g = t.granules[heap]!;
  if (g > a) a = g;
  const r = ((size + a - 1n) & U64) & ~(a - 1n);
  return r < size ? 0n : r;
}

const views = new WeakMap<ArrayBuffer, Uint32Array>();
function u32Of(inst: PolicyInstance): Uint32Array {
  const buf = inst.u8.buffer as ArrayBuffer;
  let v = views.get(buf);
  if (!v) { v = new Uint32Array(buf); views.set(buf, v); }
  return v;
}

export function readOutcomeLean(inst: PolicyInstance, opCap: number, s: LeanSteps): Outcome {
  const dv = inst.dv;
  const base = inst.output;
  const label = inst.module.label;
  const opCount = dv.getUint32(base + OH.opCount, true);
  const explainCount = dv.getUint32(base + OH.explainCount, true);
  const stringsLen = dv.getUint32(base + OH.stringsLen, true);
  if (opCount > Math.min(opCap, MAX_OPS)) throw new PolicyFaultError(label, 'invalid-op', `asked for ${opCount} operations in one answer; the cap is ${Math.min(opCap, MAX_OPS)}`);
  if (explainCount > MAX_EXPLAIN) throw new PolicyFaultError(label, 'invalid-op', `wrote ${explainCount} explanations; at most ${MAX_EXPLAIN}`);
  if (stringsLen > OUT_STRINGS_CAPACITY) throw new PolicyFaultError(label, 'invalid-op', `wrote ${stringsLen} string bytes; at most ${OUT_STRINGS_CAPACITY}`);
  const ops: Op[] = [];
  for (let i = 0; i < opCount; i++) {
    const b = base + OUT_OPS_OFFSET + i * OL.SIZE;
    ops.push({ kind: dv.getUint32(b + OL.kind, true), buf: dv.getUint32(b + OL.buf, true), heap: dv.getUint32(b + OL.heap, true), arg: dv.getUint32(b + OL.arg, true), value: dv.getBigUint64(b + OL.value, true) });
  }
  const explains: ExplainEntry[] = [];
  if (s.views) {
    // Explain is 16 bytes, 4-aligned (the output region is 16-aligned): subject u8, verdict u8, code u16, heap, device, detail.
    const w = u32Of(inst);
    for (let i = 0, at = (base + OUT_EXPLAIN_OFFSET) >>> 2; i < explainCount; i++, at += 4) {
      const head = w[at]!;
      explains.push({ subject: head & 0xff, verdict: (head >>> 8) & 0xff, code: head >>> 16, heap: w[at + 1]!, device: w[at + 2]!, detail: w[at + 3]! });
    }
  } else {
    for (let i = 0; i < explainCount; i++) {
      const b = base + OUT_EXPLAIN_OFFSET + i * 16;
      explains.push({ subject: dv.getUint8(b), verdict: dv.getUint8(b + 1), code: dv.getUint16(b + 2, true), heap: dv.getUint32(b + 4, true), device: dv.getUint32(b + 8, true), detail: dv.getUint32(b + 12, true) });
    }
  }
  for (const op of ops) {
    if (op.kind !== OpKind.SET_NAME) continue;
    const off = Number(op.value);
    if (op.value > BigInt(stringsLen) || off + op.arg > stringsLen) throw new PolicyFaultError(label, 'invalid-op', `SET_NAME points at string bytes [${op.value}, +${op.arg}) beyond the ${stringsLen} written`);
    const start = base + OUT_STRINGS_OFFSET + off;
    try {
      op.name = s.decoder ? decodeName(inst.u8, start, op.arg) : new TextDecoder('utf-8', { fatal: true }).decode(inst.u8.subarray(start, start + op.arg));
    } catch {
      throw new PolicyFaultError(label, 'invalid-op', 'SET_NAME with a name that is not UTF-8');
    }
  }
  return { ops, explains, state: inst.u8.slice(base + OH.state, base + OH.state + BS.SIZE), inst };
}

function bad(label: string, ev: EventRecord, why: string): never {
  throw new PolicyFaultError(label, 'invalid-op', `answered event ${ev.kind} of buffer ${ev.buf}: ${why}`);
}

/** validateOps from tables: same checks, same order; the message is built only on failure. */
export function validateLean(ops: Op[], label: string, p: Platform, ev: EventRecord): void {
  const t = tableOf(p);
  const requestProtected = (ev.flags & BufferFlag.PROTECTED) !== 0;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    if (op.buf !== ev.buf) bad(label, ev, 'not the buffer in question');
    switch (op.kind) {
      case OpKind.ALLOC:
        if (ev.kind !== EventKind.PLACE || i !== 0 || op.heap >= p.heaps.length || (ev.failedHeaps >> BigInt(op.heap)) & 1n) bad(label, ev, 'ALLOC misplaced');
        if ((op.arg & ~FD_FLAGS_VALID) !== 0) bad(label, ev, 'fd flags');
        if (op.value !== roundedSizeFrom(t, ev.size, ev.devices, op.heap)) bad(label, ev, 'size');
        if (t.protectedHeap[op.heap] !== requestProtected) bad(label, ev, 'protection');
        break;
      case OpKind.FAIL:
        if (ev.kind !== EventKind.PLACE || i !== 0 || ops.length !== 1) bad(label, ev, 'FAIL misplaced');
        break;
      case OpKind.SET_NAME:
        if (ev.kind !== EventKind.PLACE || i !== 1 || ops[0]!.kind !== OpKind.ALLOC) bad(label, ev, 'SET_NAME misplaced');
        if (op.arg === 0 || op.arg >= NAME_CAPACITY) bad(label, ev, 'name length');
        break;
      case OpKind.SYNC:
        if (ev.kind === EventKind.PLACE || ev.heap === NONE) bad(label, ev, 'SYNC misplaced');
        if (op.arg > 7 || op.arg === 0 || op.arg === 4) bad(label, ev, 'sync flags');
        break;
      default:
        bad(label, ev, 'unknown op kind');
    }
  }
  if (ev.kind === EventKind.PLACE && ops.length === 0) bad(label, ev, 'no ALLOC and no FAIL');
}

/** writeEvent with the usage words in a plain loop (no forEach closure). */
export function writeEventLean(inst: PolicyInstance, ev: EventRecord): number {
  inst.refresh();
  const dv = inst.dv;
  const b = inst.input;
  dv.setUint32(b + EL.kind, ev.kind, true);
  dv.setUint32(b + EL.buf, ev.buf, true);
  dv.setUint32(b + EL.device, ev.device, true);
  dv.setUint32(b + EL.access, ev.access, true);
  dv.setBigUint64(b + EL.size, ev.size, true);
  dv.setBigUint64(b + EL.devices, ev.devices, true);
  dv.setBigUint64(b + EL.failedHeaps, ev.failedHeaps, true);
  dv.setUint32(b + EL.heap, ev.heap, true);
  dv.setUint32(b + EL.cpu, ev.cpu, true);
  dv.setUint32(b + EL.flags, ev.flags, true);
  dv.setUint32(b + EL.lastErrno, ev.lastErrno, true);
  dv.setUint32(b + EL.nameLen, ev.name.length, true);
  dv.setUint32(b + EL.reserved0, 0, true);
  inst.u8.set(ev.state, b + EL.state);
  inst.u8.fill(0, b + EVENT_NAME_OFFSET, b + EVENT_USAGE_OFFSET);
  inst.u8.set(ev.name, b + EVENT_NAME_OFFSET);
  let len = EVENT_USAGE_OFFSET;
  const usage = ev.usage;
  if (ev.kind === EventKind.PLACE && usage) {
    for (let i = 0; i < usage.length; i++) dv.setBigUint64(b + EVENT_USAGE_OFFSET + i * 8, usage[i]!, true);
    len += usage.length * 8;
  }
  return len;
}

/** answer() with the chosen candidate steps; manifest checks as the host (none on the benchmark). */
export function answerLean(inst: PolicyInstance, p: Platform, ev: EventRecord, opCap: number, s: LeanSteps): Outcome {
  const len = s.views ? writeEventLean(inst, ev) : writeEvent(inst, ev);
  if (s.invoke) eventLean(inst, len);
  else inst.event(len);
  const out = s.decoder || s.views ? readOutcomeLean(inst, opCap, s) : readOutcome(inst, opCap);
  if (s.tables) validateLean(out.ops, inst.module.label, p, ev);
  else {
    validateOps(out.ops, {
      label: inst.module.label, eventKind: ev.kind, buf: ev.buf, heapCount: p.heaps.length, failedHeaps: ev.failedHeaps, placed: ev.heap !== NONE,
      roundedSize: (h) => roundedSize(p, ev.size, ev.devices, h), heapProtected: (h) => p.heaps[h]!.kind === 'protected',
      requestProtected: (ev.flags & BufferFlag.PROTECTED) !== 0,
    });
  }
  for (const op of out.ops) if (op.kind === OpKind.ALLOC && op.value === 0n) throw new PolicyFaultError(inst.module.label, 'invalid-op', `ALLOC of 0 bytes for buffer ${ev.buf}`);
  return out;
}
