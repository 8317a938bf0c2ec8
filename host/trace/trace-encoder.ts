// What a trace recorder hands a trace encoding (JSON Lines or binary), record by record, in the
// order docs/trace.md gives.
import type { AllocateRequest } from '../engine/buffer.js';
import type { Engine, EventRecord, OpResult, SwapRecord } from '../engine/engine.js';
import type { Outcome } from '../engine/outcome.js';

export interface TraceEncoder {
  header(engine: Engine, host: string, policyPath: string | null): void;
  /**
   * Application call `n`: `op` a CallOp code (engine/tap.ts), `device` a platform device index
   * or -1, `access` the word as the application gave it, `request` an alloc's request.
   */
  call(n: number, op: number, buf: number, device: number, access: string | undefined, request: AllocateRequest | undefined): void;
  /** `ev` and its image as the module is handed it (EngineObserver.onEvent). */
  event(ev: EventRecord, image: Uint8Array): void;
  log(i: number, fd: number, text: string): void;
  answer(i: number, out: Outcome): void;
  fault(i: number, kind: string, message: string): void;
  /** `op` is the op's index in the answer. */
  result(i: number, op: number, r: OpResult): void;
  swap(sw: SwapRecord): void;
  /** The last record: also flushes what the encoding buffers. */
  end(calls: number, events: number): void;
}
