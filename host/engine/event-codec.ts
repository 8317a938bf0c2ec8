// Writing an event into a module's input region: the one encoding the engine and replay share,
// so a replayed event reaches the module byte for byte as it did when recorded.
import { EventLayout as EL, EVENT_NAME_OFFSET, EVENT_USAGE_OFFSET, EventKind } from '../abi/generated.js';
import type { PolicyInstance } from '../module/instance.js';
import type { EventRecord } from './engine.js';

/** Encodes `ev` at the module's input region; returns the length to pass to hw_event. */
export function writeEvent(inst: PolicyInstance, ev: EventRecord): number {
  inst.refresh();
  const dv = inst.dv;
  const b = inst.input;
  dv.setUint32(b + EL.kind, ev.kind, true);
  dv.setUint32(b + EL.buf, ev.buf, true);
  dv.setUint32(b + EL.device, ev.device, true);
  dv.setUint32(b + EL.access, ev.access, true);
  dv.setBigUint64(b + EL.size, ev.size, true);
  dv.setBigUint64(b + EL.devices, ev.devices, true);
  dv.setBigUint64(b + EL.failedHeaps, ev.failedHeaps, true);
  dv.setUint32(b + EL.heap, ev.heap, true);
  dv.setUint32(b + EL.cpu, ev.cpu, true);
  dv.setUint32(b + EL.flags, ev.flags, true);
  dv.setUint32(b + EL.lastErrno, ev.lastErrno, true);
  dv.setUint32(b + EL.nameLen, ev.name.length, true);
  dv.setUint32(b + EL.reserved0, 0, true);
  inst.u8.set(ev.state, b + EL.state);
  inst.u8.fill(0, b + EVENT_NAME_OFFSET, b + EVENT_USAGE_OFFSET);
  inst.u8.set(ev.name, b + EVENT_NAME_OFFSET);
  let len = EVENT_USAGE_OFFSET;
  if (ev.kind === EventKind.PLACE && ev.usage) {
    ev.usage.forEach((u, i) => dv.setBigUint64(b + EVENT_USAGE_OFFSET + i * 8, u, true));
    len += ev.usage.length * 8;
  }
  return len;
}
