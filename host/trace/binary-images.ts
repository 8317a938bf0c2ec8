// Decoding the raw images a binary trace stores: the event the host handed the module and the
// answer the module left in its output region (docs/abi-layouts.md), into the host's records.
import { EventKind, EventLayout as EL, EVENT_NAME_OFFSET, EVENT_USAGE_OFFSET, OUT_OPS_OFFSET, OutHeaderLayout as OH, OpLayout as OL, ExplainLayout as XL, BufferStateLayout as BS, OpKind } from '../abi/generated.js';
import type { EventRecord } from '../engine/engine.js';
import type { ExplainEntry, Op } from '../engine/outcome.js';
import type { BinaryCursor } from './binary-cursor.js';
import { ANSWER_PREFIX, EVENT_PREFIX } from './binary-cursor.js';

export interface DecodedAnswer {
  ops: Op[];
  explains: ExplainEntry[];
  state: Uint8Array;
}

/** The event of the cursor's event record (image lengths already checked by the cursor). */
export function eventOf(c: BinaryCursor): EventRecord {
  const call = c.dv.getUint32(c.start + 4, true);
  return eventFromImage(c.u8, c.dv, c.start + EVENT_PREFIX, c.end - c.start - EVENT_PREFIX, c.dv.getUint32(c.start, true), call === 0xffffffff ? -1 : call);
}

/** The event whose `len`-byte image starts at `b`. */
export function eventFromImage(u8: Uint8Array, dv: DataView, b: number, len: number, index: number, call: number): EventRecord {
  const kind = dv.getUint32(b + EL.kind, true);
  let usage: bigint[] | null = null;
  if (kind === EventKind.PLACE) {
    usage = [];
    for (let p = b + EVENT_USAGE_OFFSET; p < b + len; p += 8) usage.push(dv.getBigUint64(p, true));
  }
  const nameLen = dv.getUint32(b + EL.nameLen, true);
  return {
    index, call, kind,
    buf: dv.getUint32(b + EL.buf, true), device: dv.getUint32(b + EL.device, true), access: dv.getUint32(b + EL.access, true),
    size: dv.getBigUint64(b + EL.size, true), devices: dv.getBigUint64(b + EL.devices, true), failedHeaps: dv.getBigUint64(b + EL.failedHeaps, true),
    heap: dv.getUint32(b + EL.heap, true), cpu: dv.getUint32(b + EL.cpu, true), flags: dv.getUint32(b + EL.flags, true),
    lastErrno: dv.getUint32(b + EL.lastErrno, true), name: u8.slice(b + EVENT_NAME_OFFSET, b + EVENT_NAME_OFFSET + nameLen),
    usage, state: u8.slice(b + EL.state, b + EL.state + BS.SIZE),
  };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The answer of the cursor's answer record (lengths already checked by the cursor). */
export function answerOf(c: BinaryCursor): DecodedAnswer {
  const { dv, u8 } = c;
  const b = c.start + ANSWER_PREFIX;
  const opCount = dv.getUint32(b + OH.opCount, true);
  const explainCount = dv.getUint32(b + OH.explainCount, true);
  const stringsLen = dv.getUint32(b + OH.stringsLen, true);
  const explainsAt = b + OUT_OPS_OFFSET + opCount * OL.SIZE;
  const stringsAt = explainsAt + explainCount * XL.SIZE;
  const ops: Op[] = [];
  for (let k = 0; k < opCount; k++) {
    const o = b + OUT_OPS_OFFSET + k * OL.SIZE;
    const op: Op = { kind: dv.getUint32(o + OL.kind, true), buf: dv.getUint32(o + OL.buf, true), heap: dv.getUint32(o + OL.heap, true), arg: dv.getUint32(o + OL.arg, true), value: dv.getBigUint64(o + OL.value, true) };
    if (op.kind === OpKind.SET_NAME) {
      if (op.value + BigInt(op.arg) > BigInt(stringsLen)) throw c.fault(`SET_NAME op ${k} points at string bytes [${op.value}, +${op.arg}) beyond the ${stringsLen} recorded`);
      const s = stringsAt + Number(op.value);
      try {
        op.name = utf8.decode(u8.subarray(s, s + op.arg));
      } catch {
        throw c.fault(`SET_NAME op ${k} names a buffer with bytes that are not UTF-8`);
      }
    }
    ops.push(op);
  }
  const explains: ExplainEntry[] = [];
  for (let k = 0; k < explainCount; k++) {
    const x = explainsAt + k * XL.SIZE;
    explains.push({ subject: u8[x + XL.subject]!, verdict: u8[x + XL.verdict]!, code: dv.getUint16(x + XL.code, true), heap: dv.getUint32(x + XL.heap, true), device: dv.getUint32(x + XL.device, true), detail: dv.getUint32(x + XL.detail, true) });
  }
  return { ops, explains, state: u8.slice(b + OH.state, b + OH.state + BS.SIZE) };
}
