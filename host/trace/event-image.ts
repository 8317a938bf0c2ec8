// The event image a binary trace stores: the bytes the engine writes to a module's input region
// for one event (docs/abi-layouts.md, Event), encoded here from the EventRecord, so a module that
// scribbles on its input region cannot change what is recorded. Encoded through word views of an
// aligned scratch buffer (much cheaper than DataView calls with BigInts), then copied as bytes.
import { EventKind, EventLayout as EL, EVENT_NAME_OFFSET, EVENT_USAGE_OFFSET, MAX_HEAPS } from '../abi/generated.js';
import type { EventRecord } from '../engine/engine.js';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const scratch = new ArrayBuffer(EVENT_USAGE_OFFSET + MAX_HEAPS * 8);
const s8 = new Uint8Array(scratch);
const s32 = new Uint32Array(scratch);
const s64 = new BigUint64Array(scratch);
const dv = new DataView(scratch);
/** The image of every event but PLACE (no usage): one view, made once. */
const plain = s8.subarray(0, EVENT_USAGE_OFFSET);

/** Length of `ev`'s image: what the engine passes to hw_event. */
export function eventImageLength(ev: EventRecord): number {
  return ev.kind === EventKind.PLACE && ev.usage ? EVENT_USAGE_OFFSET + ev.usage.length * 8 : EVENT_USAGE_OFFSET;
}

/** `ev`'s image, in a scratch buffer valid until the next call. */
export function eventImage(ev: EventRecord): Uint8Array {
  const len = eventImageLength(ev);
  if (LITTLE_ENDIAN) {
    s32[EL.kind >>> 2] = ev.kind;
    s32[EL.buf >>> 2] = ev.buf;
    s32[EL.device >>> 2] = ev.device;
    s32[EL.access >>> 2] = ev.access;
    s64[EL.size >>> 3] = ev.size;
    s64[EL.devices >>> 3] = ev.devices;
    s64[EL.failedHeaps >>> 3] = ev.failedHeaps;
    s32[EL.heap >>> 2] = ev.heap;
    s32[EL.cpu >>> 2] = ev.cpu;
    s32[EL.flags >>> 2] = ev.flags;
    s32[EL.lastErrno >>> 2] = ev.lastErrno;
    s32[EL.nameLen >>> 2] = ev.name.length;
    s32[EL.reserved0 >>> 2] = 0;
    for (let p = EVENT_USAGE_OFFSET, k = 0; p < len; p += 8, k++) s64[p >>> 3] = ev.usage![k]!;
  } else {
    writeWords(ev, len);
  }
  s8.set(ev.state, EL.state);
  s8.fill(0, EVENT_NAME_OFFSET + ev.name.length, EVENT_USAGE_OFFSET);
  s8.set(ev.name, EVENT_NAME_OFFSET);
  return len === EVENT_USAGE_OFFSET ? plain : s8.subarray(0, len);
}

/** A big-endian machine: the words one by one, little-endian. */
function writeWords(ev: EventRecord, len: number): void {
  const u32: [number, number][] = [[EL.kind, ev.kind], [EL.buf, ev.buf], [EL.device, ev.device], [EL.access, ev.access], [EL.heap, ev.heap], [EL.cpu, ev.cpu], [EL.flags, ev.flags], [EL.lastErrno, ev.lastErrno], [EL.nameLen, ev.name.length], [EL.reserved0, 0]];
  for (const [off, v] of u32) dv.setUint32(off, v, true);
  for (const [off, v] of [[EL.size, ev.size], [EL.devices, ev.devices], [EL.failedHeaps, ev.failedHeaps]] as const) dv.setBigUint64(off, v, true);
  for (let p = EVENT_USAGE_OFFSET, k = 0; p < len; p += 8, k++) dv.setBigUint64(p, ev.usage![k]!, true);
}
