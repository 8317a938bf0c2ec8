// One placement decision the way a host makes it with the policy module: encode the event
// into linear memory, run hw_event, read and validate the answer (host/engine/answer.ts), then
// take the chosen heap, the fallbacks and the rejections out of the explanations, read in place
// through the answer view (what the engine itself reads; Op / ExplainEntry objects are decoded
// only for observers).
import { EventKind, OpKind, Subject, Verdict, NONE, BufferStateLayout } from '../../host/abi/generated.js';
import type { EventRecord } from '../../host/engine/engine.js';
import { answer } from '../../host/engine/answer.js';
import type { AnswerView } from '../../host/engine/outcome.js';
import type { PolicyInstance } from '../../host/module/instance.js';
import type { Platform } from '../../host/platform/types.js';
import { ACCESS_VALUE, type BenchRequest } from './request.js';
import type { NativeDecision, NativeRank, NativeRejection } from '../native/default-policy.js';

const none = (x: number) => (x === NONE ? -1 : x);

/** The PLACE event the engine would hand the module for this request (first attempt, nothing allocated yet). */
export function placeEvent(p: Platform, r: BenchRequest, buf = 1): EventRecord {
  let devices = 0n;
  for (const name of r.devices) devices |= 1n << BigInt(p.deviceIndex.get(name)!);
  const name = new TextEncoder().encode(r.name ?? '');
  let flags = 0;
  if (r.protected) flags |= 1;
  if (name.length) flags |= 8;
  return {
    index: 0, call: 0, kind: EventKind.PLACE, buf, device: NONE, access: 0, size: BigInt(r.size), devices, failedHeaps: 0n,
    heap: NONE, cpu: ACCESS_VALUE[r.cpu ?? 'none']!, flags, lastErrno: 0, name, usage: p.heaps.map(() => 0n),
    state: new Uint8Array(BufferStateLayout.SIZE),
  };
}

/** Decides through the module; the result has the native decision's shape so the two compare field by field. */
export function decideWasm(inst: PolicyInstance, p: Platform, ev: EventRecord, opCap = 64): NativeDecision {
  return decisionOf(answer(inst, p, ev, opCap));
}

/** The chosen heap, fallbacks in rank order and rejections of a validated PLACE answer. */
export function decisionOf(out: AnswerView): NativeDecision {
  const ranking: NativeRank[] = [];
  const rejected: NativeRejection[] = [];
  let failure = 0;
  for (let i = 0; i < out.explainCount; i++) {
    const subject = out.explainSubject(i);
    if (subject === Subject.HEAP) {
      if (out.explainVerdict(i) === Verdict.REJECTED) rejected.push({ heap: out.explainHeap(i), device: none(out.explainDevice(i)), code: out.explainCode(i), detail: out.explainDetail(i) });
      else ranking.push({ heap: out.explainHeap(i), code: out.explainCode(i), device: none(out.explainDevice(i)) });
    } else if (subject === Subject.BUFFER) failure = out.explainCode(i);
  }
  if (out.opKind(0) === OpKind.FAIL) return { heap: -1, size: 0, fdFlags: 0, ranking, rejected, failure };
  return { heap: out.opHeap(0), size: out.opValueNumber(0), fdFlags: out.opArg(0), ranking, rejected, failure };
}
