// The trace recorder's own line into the engine. Observers are dispatched through arrays of
// bound methods and handed records built for them (a CallRecord with names, the ops decoded);
// a recorder needs none of that and runs beside every decision, so the engine calls one tap
// directly with what it already holds: numbers, the event image, the answer view. Measured
// (December 2026, simulate on the camera workload): an observer that records nothing cost 13 to
// 19 % of the per-event time, and the binary recorder went from +54 to 65 % as an observer to
// +45 to 50 % on the tap (issue 6 allows recording ~20 % in all; bench/README.md).
import type { AnswerView } from './outcome.js';
import type { AllocateRequest } from './buffer.js';
import type { EventRecord, OpResult } from './engine.js';

/** Application call ops by code (index = code; 0 unused): the binary trace's codes. */
export const CALL_OP_NAMES = ['', 'alloc', 'attach', 'device_begin', 'device_end', 'cpu_begin', 'cpu_end', 'export', 'free', 'place'] as const;
export type CallOpName = Exclude<(typeof CALL_OP_NAMES)[number], ''>;
export const CallOp = { alloc: 1, attach: 2, device_begin: 3, device_end: 4, cpu_begin: 5, cpu_end: 6, export: 7, free: 8, place: 9 } as const;

export interface RoundTripTap {
  /**
   * Application call `n` (counted from 0), before the engine checks its access word: `op` a
   * CallOp code, `device` a platform device index or -1, `access` the word as given (device_begin,
   * cpu_begin), `request` the allocation request (alloc).
   */
  call(n: number, op: number, buf: number, device: number, access: string | undefined, request: AllocateRequest | undefined): void;
  /** The event and its image in the module's input region, before the module runs. */
  event(ev: EventRecord, image: Uint8Array): void;
  /** The validated answer (after the event's log lines went to observers). */
  answer(ev: EventRecord, out: AnswerView): void;
  /** The result of op `op` of the answer to `ev`. */
  result(ev: EventRecord, op: number, r: OpResult): void;
}

/** Several taps as one (two recorders on one engine). */
export class TapFanout implements RoundTripTap {
  constructor(readonly taps: readonly RoundTripTap[]) {}
  call(n: number, op: number, buf: number, device: number, access: string | undefined, request: AllocateRequest | undefined): void {
    for (const t of this.taps) t.call(n, op, buf, device, access, request);
  }
  event(ev: EventRecord, image: Uint8Array): void {
    for (const t of this.taps) t.event(ev, image);
  }
  answer(ev: EventRecord, out: AnswerView): void {
    for (const t of this.taps) t.answer(ev, out);
  }
  result(ev: EventRecord, op: number, r: OpResult): void {
    for (const t of this.taps) t.result(ev, op, r);
  }
}
