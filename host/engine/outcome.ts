// Decoding what a module answered (ops, explanations, new buffer state) and validating every
// op before the host executes any of it.
import {
  OutHeaderLayout as OH, OpLayout as OL, ExplainLayout as XL, OUT_OPS_OFFSET, OUT_EXPLAIN_OFFSET,
  OUT_STRINGS_OFFSET, OUT_STRINGS_CAPACITY, MAX_OPS, MAX_EXPLAIN, OpKind, OpKindName, EventKind, EventKindName,
  NAME_CAPACITY, FD_FLAGS_VALID, NONE, BufferStateLayout as BS,
} from '../abi/generated.js';
import { PolicyFaultError } from '../errors.js';
import type { PolicyInstance } from '../module/instance.js';

export interface Op {
  kind: number;
  buf: number;
  heap: number;
  arg: number;
  /** Size for ALLOC, string offset for SET_NAME (exact: u64 read as bigint). */
  value: bigint;
  /** SET_NAME: the decoded name. */
  name?: string;
}

export interface ExplainEntry {
  subject: number;
  verdict: number;
  code: number;
  heap: number;
  device: number;
  detail: number;
}

export interface Outcome {
  ops: Op[];
  explains: ExplainEntry[];
  /** The module's new BufferState (32 bytes, copied). */
  state: Uint8Array;
  /** The instance whose output region holds this answer; its bytes are valid until its next event. */
  inst: PolicyInstance;
}

const SYNC_VALID = new Set([1, 2, 3, 5, 6, 7]);

/** Reads the output region; refuses counts beyond the slots or the host's op cap. */
export function readOutcome(inst: PolicyInstance, opCap: number): Outcome {
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
    ops.push({
      kind: dv.getUint32(b + OL.kind, true),
      buf: dv.getUint32(b + OL.buf, true),
      heap: dv.getUint32(b + OL.heap, true),
      arg: dv.getUint32(b + OL.arg, true),
      value: dv.getBigUint64(b + OL.value, true),
    });
  }
  const explains: ExplainEntry[] = [];
  for (let i = 0; i < explainCount; i++) {
    const b = base + OUT_EXPLAIN_OFFSET + i * XL.SIZE;
    explains.push({
      subject: dv.getUint8(b + XL.subject),
      verdict: dv.getUint8(b + XL.verdict),
      code: dv.getUint16(b + XL.code, true),
      heap: dv.getUint32(b + XL.heap, true),
      device: dv.getUint32(b + XL.device, true),
      detail: dv.getUint32(b + XL.detail, true),
    });
  }
  for (const op of ops) {
    if (op.kind !== OpKind.SET_NAME) continue;
    const off = Number(op.value);
    if (op.value > BigInt(stringsLen) || off + op.arg > stringsLen) {
      throw new PolicyFaultError(label, 'invalid-op', `SET_NAME points at string bytes [${op.value}, +${op.arg}) beyond the ${stringsLen} written`);
    }
    const start = base + OUT_STRINGS_OFFSET + off;
    try {
      op.name = new TextDecoder('utf-8', { fatal: true }).decode(inst.u8.subarray(start, start + op.arg));
    } catch {
      throw new PolicyFaultError(label, 'invalid-op', 'SET_NAME with a name that is not UTF-8');
    }
  }
  const state = inst.u8.slice(base + OH.state, base + OH.state + BS.SIZE);
  return { ops, explains, state, inst };
}

export interface OpContext {
  label: string;
  eventKind: number;
  buf: number;
  heapCount: number;
  /** Heaps already failed for this buffer (PLACE retries). */
  failedHeaps: bigint;
  placed: boolean;
  /** The rounded size the host expects for an ALLOC from heap h. */
  roundedSize(h: number): bigint;
  heapProtected(h: number): boolean;
  requestProtected: boolean;
}

const describe = (op: Op) => `${OpKindName[op.kind] ?? `op ${op.kind}`}(buf ${op.buf}, heap ${op.heap === NONE ? 'none' : op.heap}, arg ${op.arg}, value ${op.value})`;

/**
 * Checks every op against the event it answers. PLACE: exactly one ALLOC or FAIL first, then at
 * most one SET_NAME; other events: SYNCs only, on a placed buffer. Nothing runs if any op fails.
 */
export function validateOps(ops: Op[], c: OpContext): void {
  const bad = (op: Op, why: string): never => {
    throw new PolicyFaultError(c.label, 'invalid-op', `answered ${EventKindName[c.eventKind]} of buffer ${c.buf} with ${describe(op)}: ${why}`);
  };
  ops.forEach((op, i) => {
    if (op.buf !== c.buf) bad(op, `not the buffer in question (${c.buf})`);
    switch (op.kind) {
      case OpKind.ALLOC: {
        if (c.eventKind !== EventKind.PLACE) bad(op, 'ALLOC only answers PLACE');
        if (i !== 0) bad(op, 'ALLOC must be the first op');
        if (op.heap >= c.heapCount) bad(op, `unknown heap index (platform has ${c.heapCount})`);
        if ((c.failedHeaps >> BigInt(op.heap)) & 1n) bad(op, 'that heap already failed for this buffer');
        if ((op.arg & ~FD_FLAGS_VALID) !== 0) bad(op, `fd flags 0x${op.arg.toString(16)} outside O_ACCMODE|O_CLOEXEC`);
        const want = c.roundedSize(op.heap);
        if (op.value !== want) bad(op, `size ${op.value} differs from the request's rounded size ${want}`);
        if (c.heapProtected(op.heap) !== c.requestProtected) bad(op, c.requestProtected ? 'protected content outside a protected heap' : 'unprotected buffer in a protected heap');
        break;
      }
      case OpKind.FAIL:
        if (c.eventKind !== EventKind.PLACE) bad(op, 'FAIL only answers PLACE');
        if (i !== 0 || ops.length !== 1) bad(op, 'FAIL must be the only op');
        break;
      case OpKind.SET_NAME:
        if (c.eventKind !== EventKind.PLACE || i !== 1 || ops[0]!.kind !== OpKind.ALLOC) bad(op, 'SET_NAME only right after ALLOC');
        if (op.arg === 0 || op.arg >= NAME_CAPACITY) bad(op, `name of ${op.arg} bytes; 1 to ${NAME_CAPACITY - 1} allowed`);
        break;
      case OpKind.SYNC:
        if (c.eventKind === EventKind.PLACE) bad(op, 'no SYNC while placing');
        if (!c.placed) bad(op, 'buffer is not placed');
        if (!SYNC_VALID.has(op.arg)) bad(op, `sync flags 0x${op.arg.toString(16)} are not START/END with READ, WRITE or RW`);
        break;
      default:
        bad(op, 'unknown op kind');
    }
  });
  if (c.eventKind === EventKind.PLACE && ops.length === 0) {
    throw new PolicyFaultError(c.label, 'invalid-op', `answered PLACE of buffer ${c.buf} with no ALLOC and no FAIL`);
  }
}
