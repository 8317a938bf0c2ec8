// Where a WASM decision's time goes: each step of host/engine/answer.ts timed alone on the
// same event, and the module called bare (no host wrapper; with and without the fuel
// instrumentation) to separate the policy's own work from what the host adds around it.
import { OpKind } from '../../host/abi/generated.js';
import { validateAnswer } from '../../host/engine/answer-check.js';
import type { EventRecord } from '../../host/engine/engine.js';
import { writeEvent } from '../../host/engine/event-codec.js';
import { readOutcome } from '../../host/engine/outcome.js';
import type { PolicyInstance } from '../../host/module/instance.js';
import type { PolicyModule } from '../../host/module/policy-module.js';
import { encodePlatform } from '../../host/platform/encode.js';
import type { Platform } from '../../host/platform/types.js';
import type { Subject } from '../lib/batches.js';
import { decideWasm, decisionOf } from './wasm-decision.js';

interface BareExports {
  memory: WebAssembly.Memory;
  hw_input(): number;
  hw_init(len: number): number;
  hw_event(len: number): number;
  hw_start?(): void;
  hw_fuel_set?(n: number): void;
}

/** Instantiates a module without PolicyInstance: only what a call needs. */
function bare(module: WebAssembly.Module, p: Platform, ev: EventRecord, inst: PolicyInstance, fuel: number) {
  const abort = () => { throw new Error('abort'); };
  const ex = new WebAssembly.Instance(module, { env: { abort } }).exports as unknown as BareExports;
  ex.hw_start?.();
  const input = ex.hw_input();
  const blob = encodePlatform(p);
  new Uint8Array(ex.memory.buffer).set(blob, input);
  ex.hw_fuel_set?.(fuel);
  if (ex.hw_init(blob.length) !== 0) throw new Error('hw_init failed');
  // The same event bytes the host wrote for `inst`.
  const len = writeEvent(inst, ev);
  new Uint8Array(ex.memory.buffer).set(inst.u8.subarray(inst.input, inst.input + len), input);
  return { ex, len };
}

export function breakdownSubjects(mod: PolicyModule, inst: PolicyInstance, p: Platform, ev: EventRecord): Record<string, Subject> {
  const len = writeEvent(inst, ev);
  inst.event(len);
  // The view reads the output region in place: these steps time the same answer, still there.
  const outcome = readOutcome(inst, 64);
  const plain = bare(new WebAssembly.Module(mod.bytes as BufferSource), p, ev, inst, mod.fuel);
  const fueled = bare(mod.module, p, ev, inst, mod.fuel);
  return {
    'encode event (writeEvent)': (n) => { let s = 0; for (let i = 0; i < n; i++) s += writeEvent(inst, ev); return s; },
    'hw_event via PolicyInstance.event (fuel set, status)': (n) => { for (let i = 0; i < n; i++) inst.event(len); return inst.lastFuel; },
    'hw_event bare, fuel-instrumented module': (n) => {
      let s = 0;
      for (let i = 0; i < n; i++) { fueled.ex.hw_fuel_set!(mod.fuel); s += fueled.ex.hw_event(fueled.len); }
      return s;
    },
    'hw_event bare, module as built (no fuel)': (n) => { let s = 0; for (let i = 0; i < n; i++) s += plain.ex.hw_event(plain.len); return s; },
    'read answer (readOutcome: counts, names)': (n) => { let s = 0; for (let i = 0; i < n; i++) s += readOutcome(inst, 64).opCount; return s; },
    'validate ops (validateAnswer, from the words)': (n) => {
      for (let i = 0; i < n; i++) validateAnswer(outcome, p, ev);
      return outcome.opKind(0) === OpKind.ALLOC ? 1 : 0;
    },
    'chosen heap, fallbacks, rejections (decisionOf)': (n) => { let s = 0; for (let i = 0; i < n; i++) s += decisionOf(outcome).ranking.length; return s; },
    'whole decision (decideWasm)': (n) => { let s = 0; for (let i = 0; i < n; i++) s += decideWasm(inst, p, ev).heap; return s; },
  };
}
