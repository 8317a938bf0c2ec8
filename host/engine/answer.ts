// One round trip with a module: encode the event, run hw_event, read and validate the answer.
// Everything validation needs comes from the event itself, so replay validates exactly as the
// engine did when the trace was recorded.
import { OpKind } from '../abi/generated.js';
import { PolicyFaultError } from '../errors.js';
import type { PolicyInstance } from '../module/instance.js';
import type { Platform } from '../platform/types.js';
import type { EventRecord } from './engine.js';
import { writeEvent } from './event-codec.js';
import { readOutcome, type AnswerView } from './outcome.js';
import { validateAnswer } from './answer-check.js';
import type { RoundTripTap } from './tap.js';

/** Sees the event's image before the module runs (EngineObserver.onEvent). */
export type EventHook = (ev: EventRecord, image: Uint8Array) => void;
const NO_HOOKS: readonly EventHook[] = [];

/**
 * The validated answer to `ev`, as a view over the instance's output region (valid until its
 * next event). `onEvent` are handed the image as encoded, before hw_event can touch it.
 */
export function answer(inst: PolicyInstance, p: Platform, ev: EventRecord, opCap: number, onEvent: readonly EventHook[] = NO_HOOKS, tap: RoundTripTap | null = null): AnswerView {
  const len = writeEvent(inst, ev);
  if (tap !== null) tap.event(ev, inst.inputImage(len));
  if (onEvent.length !== 0) {
    const image = inst.inputImage(len);
    for (const f of onEvent) f(ev, image);
  }
  inst.event(len);
  return checkedAnswer(inst, p, ev, opCap);
}

/** Reads and validates the answer the instance's output region holds now (replay and tests call it too). */
export function checkedAnswer(inst: PolicyInstance, p: Platform, ev: EventRecord, opCap: number): AnswerView {
  const out = readOutcome(inst, opCap);
  validateAnswer(out, p, ev);
  checkManifest(out, p, ev);
  return out;
}

/** What a module's manifest promises of its ALLOCs (and no ALLOC of 0 bytes, manifest or not). */
function checkManifest(out: AnswerView, p: Platform, ev: EventRecord): void {
  const inst = out.inst;
  const manifest = inst.module.manifest;
  for (let i = 0; i < out.opCount; i++) {
    if (out.opKind(i) !== OpKind.ALLOC) continue;
    if (out.opValueLow(i) === 0 && out.opValueHigh(i) === 0) throw new PolicyFaultError(inst.module.label, 'invalid-op', `ALLOC of 0 bytes for buffer ${ev.buf}`);
    if (!manifest) continue;
    const heap = p.heaps[out.opHeap(i)]!;
    if (manifest.allowedHeaps && !manifest.allowedHeaps.includes(heap.name)) {
      throw new PolicyFaultError(inst.module.label, 'invalid-op', `ALLOC from heap ${heap.name}, which its manifest does not allow (${manifest.allowedHeaps.join(', ')})`);
    }
    const value = out.opValue(i);
    if (manifest.maxAllocationBytes !== undefined && value > BigInt(manifest.maxAllocationBytes)) {
      throw new PolicyFaultError(inst.module.label, 'invalid-op', `ALLOC of ${value} bytes exceeds its manifest's maxAllocationBytes ${manifest.maxAllocationBytes}`);
    }
  }
}
