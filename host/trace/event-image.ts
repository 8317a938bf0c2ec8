// The event image a binary trace stores: the bytes the engine writes to a module's input region
// for one event (docs/abi-layouts.md, Event), written here into the trace's own buffer from the
// EventRecord, so a module that scribbles on its input region cannot change what is recorded.
import { EventKind, EventLayout as EL, EVENT_NAME_OFFSET, EVENT_USAGE_OFFSET } from '../abi/generated.js';
import type { EventRecord } from '../engine/engine.js';

/** Length of `ev`'s image: what the engine passes to hw_event. */
export function eventImageLength(ev: EventRecord): number {
  return ev.kind === EventKind.PLACE && ev.usage ? EVENT_USAGE_OFFSET + ev.usage.length * 8 : EVENT_USAGE_OFFSET;
}

/** Writes `ev`'s image at `at`; returns its length. */
export function writeEventImage(u8: Uint8Array, dv: DataView, at: number, ev: EventRecord): number {
  // In layout order: kind, buf, device, access, size, devices, failedHeaps, heap, cpu, flags,
  // lastErrno, nameLen, reserved0, state, then the name area.
  dv.setUint32(at + EL.kind, ev.kind, true);
  dv.setUint32(at + EL.buf, ev.buf, true);
  dv.setUint32(at + EL.device, ev.device, true);
  dv.setUint32(at + EL.access, ev.access, true);
  dv.setBigUint64(at + EL.size, ev.size, true);
  dv.setBigUint64(at + EL.devices, ev.devices, true);
  dv.setBigUint64(at + EL.failedHeaps, ev.failedHeaps, true);
  dv.setUint32(at + EL.heap, ev.heap, true);
  dv.setUint32(at + EL.cpu, ev.cpu, true);
  dv.setUint32(at + EL.flags, ev.flags, true);
  dv.setUint32(at + EL.lastErrno, ev.lastErrno, true);
  const name = ev.name;
  dv.setUint32(at + EL.nameLen, name.length, true);
  dv.setUint32(at + EL.reserved0, 0, true);
  u8.set(ev.state, at + EL.state);
  if (name.length) u8.set(name, at + EVENT_NAME_OFFSET);
  u8.fill(0, at + EVENT_NAME_OFFSET + name.length, at + EVENT_USAGE_OFFSET);
  const len = eventImageLength(ev);
  for (let p = EVENT_USAGE_OFFSET, k = 0; p < len; p += 8, k++) dv.setBigUint64(at + p, ev.usage![k]!, true);
  return len;
}
