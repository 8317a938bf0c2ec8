// The ceiling of the decision path when the host materializes nothing it does not hand out: the
// answer is validated and turned into the decision straight from a Uint32Array over the
// module's memory (no Op / ExplainEntry objects, no BigInt reads, one Number rounded size), the
// event written as in lean-codec.ts, the call made as eventLean. Same checks as validateOps for
// a PLACE answer. A sketch of an Outcome that decodes on demand, not a drop-in replacement.
import { EventKind, FD_FLAGS_VALID, NAME_CAPACITY, OpKind, Subject, Verdict, NONE, BufferFlag,
  OUT_OPS_OFFSET, OUT_EXPLAIN_OFFSET, OUT_STRINGS_CAPACITY, MAX_EXPLAIN } from '../../host/abi/generated.js';
import type { EventRecord } from '../../host/engine/engine.js';
import { PolicyFaultError } from '../../host/errors.js';
import type { PolicyInstance } from '../../host/module/instance.js';
import type { Platform } from '../../host/platform/types.js';
import type { NativeDecision, NativeRank, NativeRejection } from '../native/default-policy.js';
import { eventLean, writeEventLean } from './lean-codec.js';

const views = new WeakMap<ArrayBuffer, Uint32Array>();
const none = (x: number) => (x === NONE ? -1 : x);

/** Rounded size in Numbers: exact while size and alignments stay below 2^53 (the engine caps at 1 GiB). */
function roundedNumber(p: Platform, size: number, devicesLo: number, devicesHi: number, heap: number): number {
  let a = 4096;
  const devs = p.devices;
  for (let d = 0; d < devs.length; d++) {
    const bit = d < 32 ? (devicesLo >>> d) & 1 : (devicesHi >>> (d - 32)) & 1;
    if (bit && devs[d]!.alignment > a) a = devs[d]!.alignment;
  }
  const g = p.heaps[heap]!.granule;
  if (g > a) a = g;
  return Math.ceil(size / a) * a;
}

export function decideView(inst: PolicyInstance, p: Platform, ev: EventRecord, opCap = 64): NativeDecision {
  eventLean(inst, writeEventLean(inst, ev));
  const buf = inst.u8.buffer as ArrayBuffer;
  let w = views.get(buf);
  if (!w) { w = new Uint32Array(buf); views.set(buf, w); }
  const label = inst.module.label;
  const base = inst.output >>> 2;
  const opCount = w[base]!;
  const explainCount = w[base + 1]!;
  const stringsLen = w[base + 2]!;
  if (opCount > opCap || explainCount > MAX_EXPLAIN || stringsLen > OUT_STRINGS_CAPACITY || ev.kind !== EventKind.PLACE || opCount === 0) {
    throw new PolicyFaultError(label, 'invalid-op', 'answer out of bounds (view sketch: the host path reports the detail)');
  }
  // Ops: 24 bytes = 6 words: kind, buf, heap, arg, value lo, value hi.
  const op0 = base + (OUT_OPS_OFFSET >>> 2);
  const kind = w[op0]!;
  const heap = w[op0 + 2]!;
  const arg = w[op0 + 3]!;
  const value = w[op0 + 4]! + w[op0 + 5]! * 2 ** 32;
  for (let i = 0; i < opCount; i++) if (w[op0 + i * 6 + 1] !== ev.buf) throw new PolicyFaultError(label, 'invalid-op', 'op for another buffer');
  if (kind === OpKind.ALLOC) {
    const size = Number(ev.size);
    const lo = Number(BigInt.asUintN(32, ev.devices));
    const hi = Number(ev.devices >> 32n);
    if (heap >= p.heaps.length || (ev.failedHeaps >> BigInt(heap)) & 1n || (arg & ~FD_FLAGS_VALID) !== 0 || value === 0 ||
        value !== roundedNumber(p, size, lo, hi, heap) || (p.heaps[heap]!.kind === 'protected') !== ((ev.flags & BufferFlag.PROTECTED) !== 0)) {
      throw new PolicyFaultError(label, 'invalid-op', 'invalid ALLOC');
    }
    if (opCount > 2) throw new PolicyFaultError(label, 'invalid-op', 'too many ops for PLACE');
    if (opCount === 2) {
      const o = op0 + 6;
      const nameLen = w[o + 3]!;
      const off = w[o + 4]! + w[o + 5]! * 2 ** 32;
      if (w[o] !== OpKind.SET_NAME || nameLen === 0 || nameLen >= NAME_CAPACITY || off + nameLen > stringsLen) throw new PolicyFaultError(label, 'invalid-op', 'invalid SET_NAME');
    }
  } else if (kind !== OpKind.FAIL || opCount !== 1) {
    throw new PolicyFaultError(label, 'invalid-op', 'PLACE answered with neither ALLOC nor FAIL');
  }
  // Explains: 16 bytes = 4 words: subject | verdict << 8 | code << 16, heap, device, detail.
  const ranking: NativeRank[] = [];
  const rejected: NativeRejection[] = [];
  let failure = 0;
  for (let i = 0, at = base + (OUT_EXPLAIN_OFFSET >>> 2); i < explainCount; i++, at += 4) {
    const head = w[at]!;
    const subject = head & 0xff;
    if (subject === Subject.HEAP) {
      if (((head >>> 8) & 0xff) === Verdict.REJECTED) rejected.push({ heap: w[at + 1]!, device: none(w[at + 2]!), code: head >>> 16, detail: w[at + 3]! });
      else ranking.push({ heap: w[at + 1]!, code: head >>> 16, device: none(w[at + 2]!) });
    } else if (subject === Subject.BUFFER) failure = head >>> 16;
  }
  if (kind === OpKind.FAIL) return { heap: -1, size: 0, fdFlags: 0, ranking, rejected, failure };
  return { heap, size: value, fdFlags: arg, ranking, rejected, failure };
}
