// A straightforward decoder and validator of a module's answer, written the obvious way
// (DataView reads of every field, BigInt sizes, per-op closures): what the host's lazy view and
// table-driven validation must agree with, field for field and message for message.
import {
  OutHeaderLayout as OH, OpLayout as OL, ExplainLayout as XL, OUT_OPS_OFFSET, OUT_EXPLAIN_OFFSET, OUT_STRINGS_OFFSET,
  OUT_STRINGS_CAPACITY, MAX_OPS, MAX_EXPLAIN, OpKind, OpKindName, EventKind, EventKindName, NAME_CAPACITY, FD_FLAGS_VALID,
  NONE, BufferFlag, BufferStateLayout as BS, EventLayout as EL, EVENT_NAME_OFFSET, EVENT_USAGE_OFFSET,
} from '../../host/abi/generated.js';
import type { EventRecord } from '../../host/engine/engine.js';
import type { ExplainEntry, Op } from '../../host/engine/outcome.js';
import { PolicyFaultError } from '../../host/errors.js';
import type { PolicyInstance } from '../../host/module/instance.js';
import type { Platform } from '../../host/platform/types.js';

const U64 = (1n << 64n) - 1n;

export function referenceRoundedSize(p: Platform, size: bigint, devices: bigint, heap: number): bigint {
  let a = 4096n;
  for (const d of p.devices) if ((devices >> BigInt(d.index)) & 1n && BigInt(d.alignment) > a) a = BigInt(d.alignment);
  const g = BigInt(p.heaps[heap]!.granule);
  if (g > a) a = g;
  const r = ((size + a - 1n) & U64) & ~(a - 1n);
  return r < size ? 0n : r;
}

export interface ReferenceAnswer {
  ops: Op[];
  explains: ExplainEntry[];
  state: Uint8Array;
}

/** Decodes and validates the answer at inst.output for `ev`, as the host did before it read answers in place. */
export function referenceAnswer(inst: PolicyInstance, p: Platform, ev: EventRecord, opCap: number): ReferenceAnswer {
  const dv = new DataView(inst.u8.buffer);
  const base = inst.output;
  const label = inst.module.label;
  const fault = (why: string): never => { throw new PolicyFaultError(label, 'invalid-op', why); };
  const opCount = dv.getUint32(base + OH.opCount, true);
  const explainCount = dv.getUint32(base + OH.explainCount, true);
  const stringsLen = dv.getUint32(base + OH.stringsLen, true);
  if (opCount > Math.min(opCap, MAX_OPS)) fault(`asked for ${opCount} operations in one answer; the cap is ${Math.min(opCap, MAX_OPS)}`);
  if (explainCount > MAX_EXPLAIN) fault(`wrote ${explainCount} explanations; at most ${MAX_EXPLAIN}`);
  if (stringsLen > OUT_STRINGS_CAPACITY) fault(`wrote ${stringsLen} string bytes; at most ${OUT_STRINGS_CAPACITY}`);
  const ops: Op[] = [];
  for (let i = 0; i < opCount; i++) {
    const b = base + OUT_OPS_OFFSET + i * OL.SIZE;
    ops.push({ kind: dv.getUint32(b + OL.kind, true), buf: dv.getUint32(b + OL.buf, true), heap: dv.getUint32(b + OL.heap, true), arg: dv.getUint32(b + OL.arg, true), value: dv.getBigUint64(b + OL.value, true) });
  }
  const explains: ExplainEntry[] = [];
  for (let i = 0; i < explainCount; i++) {
    const b = base + OUT_EXPLAIN_OFFSET + i * XL.SIZE;
    explains.push({ subject: dv.getUint8(b + XL.subject), verdict: dv.getUint8(b + XL.verdict), code: dv.getUint16(b + XL.code, true), heap: dv.getUint32(b + XL.heap, true), device: dv.getUint32(b + XL.device, true), detail: dv.getUint32(b + XL.detail, true) });
  }
  for (const op of ops) {
    if (op.kind !== OpKind.SET_NAME) continue;
    if (op.value > BigInt(stringsLen) || Number(op.value) + op.arg > stringsLen) fault(`SET_NAME points at string bytes [${op.value}, +${op.arg}) beyond the ${stringsLen} written`);
    const start = base + OUT_STRINGS_OFFSET + Number(op.value);
    try {
      op.name = new TextDecoder('utf-8', { fatal: true }).decode(inst.u8.subarray(start, start + op.arg));
    } catch {
      fault('SET_NAME with a name that is not UTF-8');
    }
  }
  const describe = (op: Op) => `${OpKindName[op.kind] ?? `op ${op.kind}`}(buf ${op.buf}, heap ${op.heap === NONE ? 'none' : op.heap}, arg ${op.arg}, value ${op.value})`;
  const bad = (op: Op, why: string) => fault(`answered ${EventKindName[ev.kind]} of buffer ${ev.buf} with ${describe(op)}: ${why}`);
  const requestProtected = (ev.flags & BufferFlag.PROTECTED) !== 0;
  ops.forEach((op, i) => {
    if (op.buf !== ev.buf) bad(op, `not the buffer in question (${ev.buf})`);
    switch (op.kind) {
      case OpKind.ALLOC: {
        if (ev.kind !== EventKind.PLACE) bad(op, 'ALLOC only answers PLACE');
        if (i !== 0) bad(op, 'ALLOC must be the first op');
        if (op.heap >= p.heaps.length) bad(op, `unknown heap index (platform has ${p.heaps.length})`);
        if ((ev.failedHeaps >> BigInt(op.heap)) & 1n) bad(op, 'that heap already failed for this buffer');
        if ((op.arg & ~FD_FLAGS_VALID) !== 0) bad(op, `fd flags 0x${op.arg.toString(16)} outside O_ACCMODE|O_CLOEXEC`);
        const want = referenceRoundedSize(p, ev.size, ev.devices, op.heap);
        if (op.value !== want) bad(op, `size ${op.value} differs from the request's rounded size ${want}`);
        if ((p.heaps[op.heap]!.kind === 'protected') !== requestProtected) bad(op, requestProtected ? 'protected content outside a protected heap' : 'unprotected buffer in a protected heap');
        break;
      }
      case OpKind.FAIL:
        if (ev.kind !== EventKind.PLACE) bad(op, 'FAIL only answers PLACE');
        if (i !== 0 || ops.length !== 1) bad(op, 'FAIL must be the only op');
        break;
      case OpKind.SET_NAME:
        if (ev.kind !== EventKind.PLACE || i !== 1 || ops[0]!.kind !== OpKind.ALLOC) bad(op, 'SET_NAME only right after ALLOC');
        if (op.arg === 0 || op.arg >= NAME_CAPACITY) bad(op, `name of ${op.arg} bytes; 1 to ${NAME_CAPACITY - 1} allowed`);
        break;
      case OpKind.SYNC:
        if (ev.kind === EventKind.PLACE) bad(op, 'no SYNC while placing');
        if (ev.heap === NONE) bad(op, 'buffer is not placed');
        if (![1, 2, 3, 5, 6, 7].includes(op.arg)) bad(op, `sync flags 0x${op.arg.toString(16)} are not START/END with READ, WRITE or RW`);
        break;
      default:
        bad(op, 'unknown op kind');
    }
  });
  if (ev.kind === EventKind.PLACE && ops.length === 0) fault(`answered PLACE of buffer ${ev.buf} with no ALLOC and no FAIL`);
  for (const op of ops) if (op.kind === OpKind.ALLOC && op.value === 0n) fault(`ALLOC of 0 bytes for buffer ${ev.buf}`);
  return { ops, explains, state: inst.u8.slice(base + OH.state, base + OH.state + BS.SIZE) };
}

/** The event bytes, field by field through a DataView; returns the length. */
export function referenceEventBytes(ev: EventRecord): Uint8Array {
  const len = ev.kind === EventKind.PLACE && ev.usage ? EVENT_USAGE_OFFSET + ev.usage.length * 8 : EVENT_USAGE_OFFSET;
  const u8 = new Uint8Array(len);
  const dv = new DataView(u8.buffer);
  dv.setUint32(EL.kind, ev.kind, true);
  dv.setUint32(EL.buf, ev.buf, true);
  dv.setUint32(EL.device, ev.device, true);
  dv.setUint32(EL.access, ev.access, true);
  dv.setBigUint64(EL.size, ev.size, true);
  dv.setBigUint64(EL.devices, ev.devices, true);
  dv.setBigUint64(EL.failedHeaps, ev.failedHeaps, true);
  dv.setUint32(EL.heap, ev.heap, true);
  dv.setUint32(EL.cpu, ev.cpu, true);
  dv.setUint32(EL.flags, ev.flags, true);
  dv.setUint32(EL.lastErrno, ev.lastErrno, true);
  dv.setUint32(EL.nameLen, ev.name.length, true);
  u8.set(ev.state, EL.state);
  u8.set(ev.name, EVENT_NAME_OFFSET);
  if (len > EVENT_USAGE_OFFSET) ev.usage!.forEach((u, i) => dv.setBigUint64(EVENT_USAGE_OFFSET + i * 8, u, true));
  return u8;
}
