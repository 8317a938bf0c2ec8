// Who watches an engine: observers (trace recorders, the coherency referee, reports), kept as
// one list of functions per hook. Each hook site then calls plain functions instead of loading
// an optional method from objects of many shapes on every event (a megamorphic load per
// observer per hook, measured as most of the cost of attaching a recorder that records nothing).
import type { PolicyFaultError } from '../errors.js';
import type { LogLine } from '../module/instance.js';
import type { Buffer } from './buffer.js';
import type { CallRecord, EventRecord, OpResult, SwapRecord } from './engine.js';
import type { Op, Outcome } from './outcome.js';

export interface EngineObserver {
  /** The engine changed policy module (swapPolicy, or the fallback after a fault). */
  onSwap?(swap: SwapRecord): void;
  /** A debug build wrote a line while answering `ev` (called before onAnswer / onFault). */
  onLog?(ev: EventRecord, line: LogLine): void;
  /** Before the engine acts on an application call. */
  onCall?(call: CallRecord): void;
  /**
   * The event's image, in the module's input region, about to be handed to hw_event: what a
   * binary trace copies, before the module can touch it. The view is only valid during the call.
   */
  onEvent?(ev: EventRecord, image: Uint8Array): void;
  /** The module faulted (trap, abort, invalid op) answering `ev`. */
  onFault?(ev: EventRecord, err: PolicyFaultError): void;
  /** After the module answered (validated, before execution). */
  onAnswer?(ev: EventRecord, out: Outcome, buffer: Buffer): void;
  /** After each op executed on the backend; `index` is the op's position in the answer. */
  onResult?(ev: EventRecord, op: Op, result: OpResult, buffer: Buffer, index: number): void;
}

type Hooks = { [K in keyof EngineObserver]-?: NonNullable<EngineObserver[K]>[] };
const HOOKS = ['onSwap', 'onLog', 'onCall', 'onEvent', 'onFault', 'onAnswer', 'onResult'] as const;

export class Observers {
  private readonly list: EngineObserver[] = [];
  /** Per hook, the observers' methods bound to them, in attach order. */
  readonly on: Hooks = emptyHooks();

  get size(): number {
    return this.list.length;
  }

  add(o: EngineObserver): () => void {
    this.list.push(o);
    this.rebuild();
    return () => {
      const i = this.list.indexOf(o);
      if (i < 0) return;
      this.list.splice(i, 1);
      this.rebuild();
    };
  }

  /** New arrays, so a hook being dispatched while an observer detaches finishes on the old list. */
  private rebuild(): void {
    const on = emptyHooks();
    for (const o of this.list) {
      for (const h of HOOKS) {
        const f = o[h] as ((...a: unknown[]) => void) | undefined;
        if (f) (on[h] as unknown[]).push(f.bind(o));
      }
    }
    Object.assign(this.on, on);
  }
}

function emptyHooks(): Hooks {
  return { onSwap: [], onLog: [], onCall: [], onEvent: [], onFault: [], onAnswer: [], onResult: [] };
}
