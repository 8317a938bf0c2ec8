// The default placement policy (policies/default/place.ts with asm/constraints.ts and
// asm/placement.ts) written as plain TypeScript over the host's Platform: the baseline the
// WASM decision is timed against. It must decide exactly as the module does (agreement.ts
// checks it before any timing), so every rule, order and tie-break below mirrors the SDK, and
// so does the algorithm: tables derived once per platform (the SDK derives them at hw_init),
// the alignment once per decision, an insertion sort to commit.
import { Access, FD_FLAGS_DEFAULT, Reason } from '../../host/abi/generated.js';
import type { Platform } from '../../host/platform/types.js';

export interface NativeRequest {
  /** Requested bytes (< 2^53: the engine caps allocations at 1 GiB). */
  size: number;
  /** Attached device indexes, ascending. */
  devices: readonly number[];
  /** Declared CPU use (Access bits). */
  cpu: number;
  protected: boolean;
  /** Heaps that already failed for this buffer, ascending (a PLACE retry). */
  failedHeaps: readonly number[];
  lastErrno: number;
}

export interface NativeRejection { heap: number; device: number; code: number; detail: number }
export interface NativeRank { heap: number; code: number; device: number }

export interface NativeDecision {
  /** Chosen heap index, or -1 when nothing fits. */
  heap: number;
  /** ALLOC size (0 when nothing fits) and fd flags. */
  size: number;
  fdFlags: number;
  /** Chosen heap first, then the fallbacks in rank order, each with the reason of its rank. */
  ranking: NativeRank[];
  /** Every heap dropped, in the order the policy dropped it, with the device and constraint. */
  rejected: NativeRejection[];
  /** FAIL reason when nothing fits (NO_HEAP_FITS / NO_DEVICES), else 0. */
  failure: number;
}

const NONE = -1;
const PAGE = 4096;
const TWO64 = 2 ** 64;

// Heap classes of the ranking, as the SDK's kind masks (asm/platform-masks.ts).
const SCARCE = 0;
const SYSTEM = 1;
const SYSTEM_UNCACHED = 2;
const SYSTEM_LIKE = 3;
const OTHER = 4;

/** What the SDK derives once at hw_init, derived once per platform here. */
interface Tables {
  heapClass: Uint8Array;
  /** [d * 64 + h]: 1 when heap h lies beyond device d's DMA mask (0 behind an IOMMU). */
  unreachable: Uint8Array;
  /** [d * 64 + h]: first position of heap h in device d's preferredHeaps, or NONE. */
  prefRank: Int32Array;
  needsContiguous: Uint8Array;
  /** Page size, or a heap's capacity or granule above a page: rounds or fits per heap. */
  sized: Uint8Array;
}

const derived = new WeakMap<Platform, Tables>();

function tables(p: Platform): Tables {
  let t = derived.get(p);
  if (t) return t;
  const n = p.heaps.length;
  const nd = p.devices.length;
  t = { heapClass: new Uint8Array(n), unreachable: new Uint8Array(nd * 64), prefRank: new Int32Array(nd * 64).fill(NONE),
    needsContiguous: new Uint8Array(nd), sized: new Uint8Array(n) };
  for (let h = 0; h < n; h++) {
    const heap = p.heaps[h]!;
    const k = heap.kind;
    t.heapClass[h] = k === 'cma' || k === 'carveout' ? SCARCE : k === 'system' ? SYSTEM : k === 'system-uncached' ? SYSTEM_UNCACHED
      : k === 'udmabuf' ? SYSTEM_LIKE : OTHER;
    t.sized[h] = heap.size !== 0 || heap.granule > PAGE ? 1 : 0;
  }
  for (let d = 0; d < nd; d++) {
    const dev = p.devices[d]!;
    // Contiguous explicitly, or because nothing remaps for the device (no IOMMU).
    t.needsContiguous[d] = (dev.contiguous ?? !dev.iommu) ? 1 : 0;
    if (!dev.iommu) for (let h = 0; h < n; h++) if (p.heaps[h]!.maxAddressBits > dev.dmaMaskBits) t.unreachable[d * 64 + h] = 1;
    dev.preferredHeaps.forEach((h, k) => { if (t!.prefRank[d * 64 + h] === NONE) t!.prefRank[d * 64 + h] = k; });
  }
  derived.set(p, t);
  return t;
}

/** The larger of a page and the largest alignment of the devices. */
function pageAlignment(p: Platform, devices: readonly number[]): number {
  let a = PAGE;
  for (const d of devices) if (p.devices[d]!.alignment > a) a = p.devices[d]!.alignment;
  return a;
}

function roundUp(size: number, a: number): number {
  const r = Math.ceil(size / a) * a;
  return r >= TWO64 ? 0 : r;
}

/** Page, the largest device alignment and the heap granule; 0 when past 2^64 (as the SDK). */
export function nativeRoundedSize(p: Platform, size: number, devices: readonly number[], h: number): number {
  return roundUp(size, Math.max(pageAlignment(p, devices), p.heaps[h]!.granule));
}

// Scratch for one decision, reused (the SDK keeps its ranks in static memory too).
const alive = new Uint8Array(64);
const keys = new Uint32Array(64);
const keyCodes = new Uint16Array(64);
const keyDevices = new Int32Array(64);
const order = new Float64Array(64);

export function decideNative(p: Platform, req: NativeRequest): NativeDecision {
  const t = tables(p);
  const n = p.heaps.length;
  alive.fill(1, 0, n);
  const rejected: NativeRejection[] = [];
  for (const h of req.failedHeaps) {
    if (!alive[h]) continue;
    alive[h] = 0;
    rejected.push({ heap: h, device: NONE, code: Reason.ALLOC_FAILED, detail: req.lastErrno });
  }

  // Hard constraints: protected content end to end, CPU access, each device's reach, capacity.
  // One reason per heap: the first constraint that fails, devices in index order.
  const align = pageAlignment(p, req.devices);
  const plainTooLarge = roundUp(req.size, align) === 0;
  for (let h = 0; h < n; h++) {
    if (!alive[h]) continue;
    const heap = p.heaps[h]!;
    const heapProtected = heap.kind === 'protected';
    let device = NONE;
    let code = 0;
    let detail = 0;
    if (req.protected && !heapProtected) code = Reason.NOT_PROTECTED;
    else if (!req.protected && heapProtected) code = Reason.PROTECTED_HEAP;
    else if (req.cpu !== Access.NONE && !heap.cpuAccess) { code = Reason.NO_CPU_ACCESS; detail = req.cpu; }
    else {
      for (const d of req.devices) {
        const dev = p.devices[d]!;
        if (req.protected && !dev.protected) { code = Reason.DEVICE_NOT_PROTECTED; device = d; break; }
        if (t.unreachable[d * 64 + h]) { code = Reason.DMA_MASK; device = d; detail = dev.dmaMaskBits; break; }
        if (t.needsContiguous[d] && !heap.contiguous) { code = Reason.NOT_CONTIGUOUS; device = d; break; }
      }
      if (code === 0) {
        if (!t.sized[h]) { if (plainTooLarge) code = Reason.TOO_LARGE; }
        else {
          const r = roundUp(req.size, Math.max(align, heap.granule));
          if (r === 0 || (heap.size !== 0 && r > heap.size)) code = Reason.TOO_LARGE;
        }
      }
    }
    if (code !== 0) {
      alive[h] = 0;
      rejected.push({ heap: h, device, code, detail });
    }
  }

  // Ranking: the devices' preferred heaps first, then the cheapest kind for this request.
  let scatterOk = true;
  for (const d of req.devices) if (t.needsContiguous[d]) { scatterOk = false; break; }
  const cpuReads = (req.cpu & Access.READ) !== 0;
  for (let h = 0; h < n; h++) {
    if (!alive[h]) continue;
    let key = NONE;
    let code = 0;
    let by = NONE;
    for (const d of req.devices) {
      const r = t.prefRank[d * 64 + h]!;
      if (r !== NONE) { key = d * 64 + r; code = Reason.PREFERRED; by = d; break; }
    }
    if (key === NONE) {
      const c = t.heapClass[h];
      if (scatterOk) {
        if (c === SCARCE) { key = 10010; code = Reason.SCARCE_LAST; }
        else if (c === SYSTEM) { key = 10000 + (cpuReads ? 0 : 1); code = cpuReads ? Reason.CACHED_CPU_READS : Reason.SYSTEM_FIRST; }
        else if (c === SYSTEM_UNCACHED) { key = 10000 + (cpuReads ? 1 : 0); code = cpuReads ? Reason.SYSTEM_FIRST : Reason.UNCACHED_CPU_WRITES; }
        else if (c === SYSTEM_LIKE) { key = 10002; code = Reason.SYSTEM_FIRST; }
        else { key = 10005; code = Reason.LISTED_ORDER; }
      } else {
        if (c === SCARCE) { key = 10000; code = Reason.CONTIGUOUS_NEEDED; }
        else if (c === SYSTEM) { key = 10001 + (cpuReads ? 0 : 1); code = cpuReads ? Reason.CACHED_CPU_READS : Reason.SYSTEM_FIRST; }
        else if (c === SYSTEM_UNCACHED) { key = 10001 + (cpuReads ? 1 : 0); code = cpuReads ? Reason.SYSTEM_FIRST : Reason.UNCACHED_CPU_WRITES; }
        else { key = 10004; code = Reason.LISTED_ORDER; }
      }
    }
    keys[h] = key;
    keyCodes[h] = code;
    keyDevices[h] = by;
  }

  // Commit: insertion sort by key, then heap index (heaps arrive in index order).
  let count = 0;
  for (let h = 0; h < n; h++) {
    if (!alive[h]) continue;
    const c = keys[h]! * 64 + h;
    let j = count;
    for (; j > 0 && order[j - 1]! > c; j--) order[j] = order[j - 1]!;
    order[j] = c;
    count++;
  }
  const ranking: NativeRank[] = [];
  for (let i = 0; i < count; i++) {
    const h = order[i]! % 64;
    ranking.push({ heap: h, code: keyCodes[h]!, device: keyDevices[h]! });
  }
  if (ranking.length === 0) {
    const failure = req.devices.length === 0 ? Reason.NO_DEVICES : Reason.NO_HEAP_FITS;
    return { heap: NONE, size: 0, fdFlags: 0, ranking, rejected, failure };
  }
  const heap = ranking[0]!.heap;
  return { heap, size: roundUp(req.size, Math.max(align, p.heaps[heap]!.granule)), fdFlags: FD_FLAGS_DEFAULT, ranking, rejected, failure: 0 };
}
