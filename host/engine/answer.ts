// One round trip with a module: encode the event, run hw_event, decode and validate the answer.
// Everything validation needs comes from the event itself, so replay validates exactly as the
// engine did when the trace was recorded.
import { OpKind, BufferFlag, NONE } from '../abi/generated.js';
import { PolicyFaultError } from '../errors.js';
import type { PolicyInstance } from '../module/instance.js';
import type { Platform } from '../platform/types.js';
import type { EventRecord } from './engine.js';
import { writeEvent } from './event-codec.js';
import { readOutcome, validateOps, type Outcome } from './outcome.js';
import { roundedSize } from './rounding.js';

export function answer(inst: PolicyInstance, p: Platform, ev: EventRecord, opCap: number): Outcome {
  const len = writeEvent(inst, ev);
  inst.event(len);
  const out = readOutcome(inst, opCap);
  validateOps(out.ops, {
    label: inst.module.label,
    eventKind: ev.kind,
    buf: ev.buf,
    heapCount: p.heaps.length,
    failedHeaps: ev.failedHeaps,
    placed: ev.heap !== NONE,
    roundedSize: (h) => roundedSize(p, ev.size, ev.devices, h),
    heapProtected: (h) => p.heaps[h]!.kind === 'protected',
    requestProtected: (ev.flags & BufferFlag.PROTECTED) !== 0,
  });
  const manifest = inst.module.manifest;
  for (const op of out.ops) {
    if (op.kind !== OpKind.ALLOC) continue;
    if (op.value === 0n) throw new PolicyFaultError(inst.module.label, 'invalid-op', `ALLOC of 0 bytes for buffer ${ev.buf}`);
    if (manifest?.allowedHeaps && !manifest.allowedHeaps.includes(p.heaps[op.heap]!.name)) {
      throw new PolicyFaultError(inst.module.label, 'invalid-op', `ALLOC from heap ${p.heaps[op.heap]!.name}, which its manifest does not allow (${manifest.allowedHeaps.join(', ')})`);
    }
    if (manifest?.maxAllocationBytes !== undefined && op.value > BigInt(manifest.maxAllocationBytes)) {
      throw new PolicyFaultError(inst.module.label, 'invalid-op', `ALLOC of ${op.value} bytes exceeds its manifest's maxAllocationBytes ${manifest.maxAllocationBytes}`);
    }
  }
  return out;
}
