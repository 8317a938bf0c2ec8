// The default placement rules: hard constraints from every device, then the devices'
// preferred heaps, then the cheapest heap that satisfies everything.
import { Placement, applyHardConstraints, anyNeedsContiguous, isSystemLike, isScarce, heapCount,
  heapKind, deviceCount, preferenceRank, HeapKind, Access, Reason, NONE } from '../../asm/index';

export function placeDefault(p: Placement): void {
  applyHardConstraints(p);
  // Scattered pages serve when no device needs contiguity (IOMMUs or scatter-gather DMA).
  const scatterOk = !anyNeedsContiguous(p.devices);
  const cpuReads = (p.cpu & Access.READ) != 0;
  for (let h: u32 = 0; h < heapCount(); h++) {
    if (!p.alive(h)) continue;
    // The devices' preferredHeaps come first, in device order then list order.
    let pref: u32 = NONE;
    let by: u32 = NONE;
    for (let d: u32 = 0; d < deviceCount(); d++) {
      if (!p.hasDevice(d)) continue;
      const r = preferenceRank(d, h);
      if (r != NONE) { pref = d * 64 + r; by = d; break; }
    }
    if (pref != NONE) { p.rank(h, pref, Reason.PREFERRED, by); continue; }
    const k = heapKind(h);
    if (scatterOk) {
      if (isScarce(h)) p.rank(h, 10000 + 10, Reason.SCARCE_LAST);
      else if (k == HeapKind.SYSTEM) p.rank(h, 10000 + (cpuReads ? 0 : 1), cpuReads ? Reason.CACHED_CPU_READS : Reason.SYSTEM_FIRST);
      else if (k == HeapKind.SYSTEM_UNCACHED) p.rank(h, 10000 + (cpuReads ? 1 : 0), cpuReads ? Reason.SYSTEM_FIRST : Reason.UNCACHED_CPU_WRITES);
      else if (isSystemLike(h)) p.rank(h, 10000 + 2, Reason.SYSTEM_FIRST);
      else p.rank(h, 10000 + 5, Reason.LISTED_ORDER);
    } else {
      // A device needs contiguity: only contiguous heaps are left; keep their platform order.
      if (isScarce(h)) p.rank(h, 10000, Reason.CONTIGUOUS_NEEDED);
      else if (k == HeapKind.SYSTEM) p.rank(h, 10000 + 1 + (cpuReads ? 0 : 1), cpuReads ? Reason.CACHED_CPU_READS : Reason.SYSTEM_FIRST);
      else if (k == HeapKind.SYSTEM_UNCACHED) p.rank(h, 10000 + 1 + (cpuReads ? 1 : 0), cpuReads ? Reason.SYSTEM_FIRST : Reason.UNCACHED_CPU_WRITES);
      else p.rank(h, 10000 + 4, Reason.LISTED_ORDER);
    }
  }
}

