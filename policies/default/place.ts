// The default placement rules: hard constraints from every device, then the devices'
// preferred heaps, then the cheapest heap that satisfies everything.
import { Placement, applyHardConstraints, anyNeedsContiguous, preferredHeaps, devicesPreferring, preferenceRank,
  heapsOfKind, scarceHeaps, systemLikeHeaps, HeapKind, Access, Reason } from '../../asm/index';

export function placeDefault(p: Placement): void {
  applyHardConstraints(p);
  const devices = p.devices;
  // Scattered pages serve when no device needs contiguity (IOMMUs or scatter-gather DMA).
  const scatterOk = !anyNeedsContiguous(devices);
  const cpuReads = (p.cpu & Access.READ) != 0;
  const listed = preferredHeaps(devices);
  const scarce = scarceHeaps();
  const system = heapsOfKind(HeapKind.SYSTEM);
  const uncached = heapsOfKind(HeapKind.SYSTEM_UNCACHED);
  const systemLike = systemLikeHeaps();
  let m = p.candidates;
  if (m == 0) return;
  do {
    const h = <u32>ctz(m);
    const b = (<u64>1) << h;
    m &= m - 1;
    // The devices' preferredHeaps come first, in device order then list order.
    if ((listed & b) != 0) {
      const by = <u32>ctz(devicesPreferring(h) & devices);
      p.rank(h, by * 64 + preferenceRank(by, h), Reason.PREFERRED, by);
    } else if (scatterOk) {
      if ((scarce & b) != 0) p.rank(h, 10000 + 10, Reason.SCARCE_LAST);
      else if ((system & b) != 0) p.rank(h, 10000 + (cpuReads ? 0 : 1), cpuReads ? Reason.CACHED_CPU_READS : Reason.SYSTEM_FIRST);
      else if ((uncached & b) != 0) p.rank(h, 10000 + (cpuReads ? 1 : 0), cpuReads ? Reason.SYSTEM_FIRST : Reason.UNCACHED_CPU_WRITES);
      else if ((systemLike & b) != 0) p.rank(h, 10000 + 2, Reason.SYSTEM_FIRST);
      else p.rank(h, 10000 + 5, Reason.LISTED_ORDER);
    } else {
      // A device needs contiguity: only contiguous heaps are left; keep their platform order.
      if ((scarce & b) != 0) p.rank(h, 10000, Reason.CONTIGUOUS_NEEDED);
      else if ((system & b) != 0) p.rank(h, 10000 + 1 + (cpuReads ? 0 : 1), cpuReads ? Reason.CACHED_CPU_READS : Reason.SYSTEM_FIRST);
      else if ((uncached & b) != 0) p.rank(h, 10000 + 1 + (cpuReads ? 1 : 0), cpuReads ? Reason.SYSTEM_FIRST : Reason.UNCACHED_CPU_WRITES);
      else p.rank(h, 10000 + 4, Reason.LISTED_ORDER);
    }
  } while (m != 0);
}
