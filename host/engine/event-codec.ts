// Writing an event into a module's input region: the one encoding the engine and replay share,
// so a replayed event reaches the module byte for byte as it did when recorded.
// Every byte up to the returned length is written on each event (nothing stale reaches the
// module); the u64 fields go through a BigUint64Array, so no BigInt is split or converted.
import { EventLayout as EL, EVENT_NAME_OFFSET, EVENT_USAGE_OFFSET, EventKind, MAX_HEAPS } from '../abi/generated.js';
import type { PolicyInstance } from '../module/instance.js';
import type { EventRecord } from './engine.js';
import { EngineEvent } from './event-record.js';
import { LITTLE_ENDIAN } from './word-order.js';

/** Where a module whose input region is not 8-byte aligned gets its event encoded first (then copied). */
const scratch = new ArrayBuffer(EVENT_USAGE_OFFSET + MAX_HEAPS * 8);
const scratchViews = { u8: new Uint8Array(scratch), u32: new Uint32Array(scratch), u64: new BigUint64Array(scratch) };

/** Encodes `ev` at the module's input region; returns the length to pass to hw_event. */
export function writeEvent(inst: PolicyInstance, ev: EventRecord): number {
  inst.refresh();
  const input = inst.input;
  const len = ev.kind === EventKind.PLACE && ev.usage ? EVENT_USAGE_OFFSET + ev.usage.length * 8 : EVENT_USAGE_OFFSET;
  if ((input & 7) === 0 && LITTLE_ENDIAN) encode(inst.u8, inst.u32, inst.u64, input, ev, len);
  else writeEventUnaligned(inst, ev, len);
  return len;
}

function encode(u8: Uint8Array, u32: Uint32Array, u64: BigUint64Array, at: number, ev: EventRecord, len: number): void {
  const w = at >>> 2;
  const d = at >>> 3;
  u32[w + (EL.kind >>> 2)] = ev.kind;
  u32[w + (EL.buf >>> 2)] = ev.buf;
  u32[w + (EL.device >>> 2)] = ev.device;
  u32[w + (EL.access >>> 2)] = ev.access;
  u64[d + (EL.size >>> 3)] = ev.size;
  u64[d + (EL.devices >>> 3)] = ev.devices;
  u64[d + (EL.failedHeaps >>> 3)] = ev.failedHeaps;
  u32[w + (EL.heap >>> 2)] = ev.heap;
  u32[w + (EL.cpu >>> 2)] = ev.cpu;
  u32[w + (EL.flags >>> 2)] = ev.flags;
  u32[w + (EL.lastErrno >>> 2)] = ev.lastErrno;
  u32[w + (EL.nameLen >>> 2)] = ev.name.length;
  u32[w + (EL.reserved0 >>> 2)] = 0;
  // The engine's own records carry the state as words (no typed array per event); others, bytes.
  if (ev instanceof EngineEvent) ev.stateInto(u32, w + (EL.state >>> 2));
  else u8.set(ev.state, at + EL.state);
  // The name area zeroed a word at a time (measured ~30 ns cheaper than fill()), then the name.
  for (let i = w + (EVENT_NAME_OFFSET >>> 2), end = w + (EVENT_USAGE_OFFSET >>> 2); i < end; i++) u32[i] = 0;
  const name = ev.name;
  if (name.length !== 0) u8.set(name, at + EVENT_NAME_OFFSET);
  const usage = ev.usage;
  if (len > EVENT_USAGE_OFFSET && usage) {
    const u = d + (EVENT_USAGE_OFFSET >>> 3);
    for (let i = 0; i < usage.length; i++) u64[u + i] = usage[i]!;
  }
}

/** A misaligned input region (a hostile module) or a big-endian machine: through aligned scratch, or DataView writes. */
function writeEventUnaligned(inst: PolicyInstance, ev: EventRecord, len: number): void {
  if (LITTLE_ENDIAN && len <= scratchViews.u8.length) {
    encode(scratchViews.u8, scratchViews.u32, scratchViews.u64, 0, ev, len);
    inst.u8.set(scratchViews.u8.subarray(0, len), inst.input);
    return;
  }
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
  if (len > EVENT_USAGE_OFFSET && ev.usage) ev.usage.forEach((u, i) => dv.setBigUint64(b + EVENT_USAGE_OFFSET + i * 8, u, true));
}
