// What answer validation needs of a platform, computed once per Platform object: the heap
// count, which heaps are protected, and the inputs of the rounded size (device alignments, heap
// granules), so checking an ALLOC needs no BigInt arithmetic in the common case.
import type { Platform } from '../platform/types.js';

export interface ValidationTable {
  heapCount: number;
  protectedHeap: boolean[];
  granules: number[];
  /** Every alignment and granule is a power of two (parsePlatform insists): the Number rounding is exact. */
  pow2: boolean;
  /** The largest alignment (at least a page) of the device set seen last, kept for the next event. */
  lastDevices: bigint;
  lastAlignment: number;
}

const tables = new WeakMap<Platform, ValidationTable>();
const isPow2 = (x: number) => Number.isSafeInteger(x) && x > 0 && 2 ** Math.round(Math.log2(x)) === x;

let lastPlatform: Platform | null = null;
let lastTable: ValidationTable | null = null;

export function validationTable(p: Platform): ValidationTable {
  // One engine, one platform: skip the WeakMap lookup while the platform stays the same.
  if (p === lastPlatform) return lastTable!;
  let t = tables.get(p);
  if (!t) {
    t = {
      heapCount: p.heaps.length,
      protectedHeap: p.heaps.map((h) => h.kind === 'protected'),
      granules: p.heaps.map((h) => h.granule),
      pow2: p.heaps.every((h) => isPow2(h.granule)) && p.devices.every((d) => isPow2(d.alignment)),
      lastDevices: -1n,
      lastAlignment: 0,
    };
    tables.set(p, t);
  }
  lastPlatform = p;
  lastTable = t;
  return t;
}

/** Page or the largest alignment of the attached devices (as rounding.ts computes it), memoized on the device set. */
export function deviceAlignment(t: ValidationTable, p: Platform, devices: bigint): number {
  if (devices === t.lastDevices) return t.lastAlignment;
  let a = 4096;
  for (const d of p.devices) if ((devices >> BigInt(d.index)) & 1n && d.alignment > a) a = d.alignment;
  t.lastDevices = devices;
  t.lastAlignment = a;
  return a;
}
