// The default placement policy (policies/default/place.ts with asm/constraints.ts and
// asm/placement.ts) written as plain TypeScript over the host's Platform: the baseline the
// WASM decision is timed against. It must decide exactly as the module does (agreement.ts
// checks it before any timing), so every rule, order and tie-break below mirrors the SDK.
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

const scarce = (k: string) => k === 'cma' || k === 'carveout';
const systemLike = (k: string) => k === 'system' || k === 'system-uncached' || k === 'udmabuf';

/** Contiguous explicitly, or because nothing remaps for the device (no IOMMU). */
function needsContiguous(p: Platform, d: number): boolean {
  const dev = p.devices[d]!;
  return dev.contiguous ?? !dev.iommu;
}

/** Page, the largest device alignment and the heap granule; 0 when past 2^64 (as the SDK). */
export function nativeRoundedSize(p: Platform, size: number, devices: readonly number[], h: number): number {
  let a = PAGE;
  for (const d of devices) if (p.devices[d]!.alignment > a) a = p.devices[d]!.alignment;
  const g = p.heaps[h]!.granule;
  if (g > a) a = g;
  const r = Math.ceil(size / a) * a;
  return r >= TWO64 ? 0 : r;
}

// Scratch for one decision, reused (the SDK keeps its keys in static memory too).
const alive = new Uint8Array(64);
const keys = new Uint32Array(64);
const keyCodes = new Uint16Array(64);
const keyDevices = new Int32Array(64);

export function decideNative(p: Platform, req: NativeRequest): NativeDecision {
  const n = p.heaps.length;
  alive.fill(1, 0, n);
  keys.fill(0xffff, 0, n);
  keyCodes.fill(0, 0, n);
  keyDevices.fill(NONE, 0, n);
  const rejected: NativeRejection[] = [];
  for (const h of req.failedHeaps) {
    if (!alive[h]) continue;
    alive[h] = 0;
    rejected.push({ heap: h, device: NONE, code: Reason.ALLOC_FAILED, detail: req.lastErrno });
  }

  // Hard constraints: protected content end to end, CPU access, each device's reach, capacity.
  // One reason per heap: the first constraint that fails, devices in index order.
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
        if (!dev.iommu && heap.maxAddressBits > dev.dmaMaskBits) { code = Reason.DMA_MASK; device = d; detail = dev.dmaMaskBits; break; }
        if (needsContiguous(p, d) && !heap.contiguous) { code = Reason.NOT_CONTIGUOUS; device = d; break; }
      }
      if (code === 0) {
        const r = nativeRoundedSize(p, req.size, req.devices, h);
        if (r === 0 || (heap.size !== 0 && r > heap.size)) code = Reason.TOO_LARGE;
      }
    }
    if (code !== 0) {
      alive[h] = 0;
      rejected.push({ heap: h, device, code, detail });
    }
  }

  // Ranking: the devices' preferred heaps first, then the cheapest kind for this request.
  let scatterOk = true;
  for (const d of req.devices) if (needsContiguous(p, d)) { scatterOk = false; break; }
  const cpuReads = (req.cpu & Access.READ) !== 0;
  for (let h = 0; h < n; h++) {
    if (!alive[h]) continue;
    let pref = NONE;
    let by = NONE;
    for (const d of req.devices) {
      const r = p.devices[d]!.preferredHeaps.indexOf(h);
      if (r >= 0) { pref = d * 64 + r; by = d; break; }
    }
    let key: number;
    let code: number;
    if (pref !== NONE) { key = pref; code = Reason.PREFERRED; }
    else {
      const k = p.heaps[h]!.kind;
      if (scatterOk) {
        if (scarce(k)) { key = 10010; code = Reason.SCARCE_LAST; }
        else if (k === 'system') { key = 10000 + (cpuReads ? 0 : 1); code = cpuReads ? Reason.CACHED_CPU_READS : Reason.SYSTEM_FIRST; }
        else if (k === 'system-uncached') { key = 10000 + (cpuReads ? 1 : 0); code = cpuReads ? Reason.SYSTEM_FIRST : Reason.UNCACHED_CPU_WRITES; }
        else if (systemLike(k)) { key = 10002; code = Reason.SYSTEM_FIRST; }
        else { key = 10005; code = Reason.LISTED_ORDER; }
      } else {
        if (scarce(k)) { key = 10000; code = Reason.CONTIGUOUS_NEEDED; }
        else if (k === 'system') { key = 10001 + (cpuReads ? 0 : 1); code = cpuReads ? Reason.CACHED_CPU_READS : Reason.SYSTEM_FIRST; }
        else if (k === 'system-uncached') { key = 10001 + (cpuReads ? 1 : 0); code = cpuReads ? Reason.SYSTEM_FIRST : Reason.UNCACHED_CPU_WRITES; }
        else { key = 10004; code = Reason.LISTED_ORDER; }
      }
    }
    keys[h] = key;
    keyCodes[h] = code;
    keyDevices[h] = by;
  }

  // Commit: lowest key first, ties in platform order.
  const ranking: NativeRank[] = [];
  for (;;) {
    let best = NONE;
    for (let h = 0; h < n; h++) if (alive[h] && (best === NONE || keys[h]! < keys[best]!)) best = h;
    if (best === NONE) break;
    alive[best] = 0;
    ranking.push({ heap: best, code: keyCodes[best]!, device: keyDevices[best]! });
  }
  if (ranking.length === 0) {
    const failure = req.devices.length === 0 ? Reason.NO_DEVICES : Reason.NO_HEAP_FITS;
    return { heap: NONE, size: 0, fdFlags: 0, ranking, rejected, failure };
  }
  const heap = ranking[0]!.heap;
  return { heap, size: nativeRoundedSize(p, req.size, req.devices, heap), fdFlags: FD_FLAGS_DEFAULT, ranking, rejected, failure: 0 };
}
