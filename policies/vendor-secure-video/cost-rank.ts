// Ranking of the heaps no vendor rule claims: the devices' preferredHeaps first, then the
// cheapest memory that fits (plentiful system pages before scarce contiguous regions when no
// device needs contiguity), as the default policy does.
import { Placement, devicesPreferring, preferenceRank, heapKind, isScarce, isSystemLike, HeapKind, Access, Reason } from '../../asm/index';

/** Keys at or above `base`; a lower key is tried first. */
export function rankByCost(p: Placement, h: u32, base: u32, scatterOk: bool): void {
  const by = devicesPreferring(h) & p.devices;
  if (by != 0) {
    const d = <u32>ctz(by);
    p.rank(h, base + d * 64 + preferenceRank(d, h), Reason.PREFERRED);
    return;
  }
  const rest = base + 64 * 64;
  const k = heapKind(h);
  const cpuReads = (p.cpu & Access.READ) != 0;
  if (!scatterOk) { p.rank(h, rest + (isScarce(h) ? 0 : 1), Reason.CONTIGUOUS_NEEDED); return; }
  if (k == HeapKind.SYSTEM) p.rank(h, rest + (cpuReads ? 0 : 1), cpuReads ? Reason.CACHED_CPU_READS : Reason.SYSTEM_FIRST);
  else if (k == HeapKind.SYSTEM_UNCACHED) p.rank(h, rest + (cpuReads ? 1 : 0), cpuReads ? Reason.SYSTEM_FIRST : Reason.UNCACHED_CPU_WRITES);
  else if (isSystemLike(h)) p.rank(h, rest + 2, Reason.SYSTEM_FIRST);
  else p.rank(h, rest + 10, Reason.SCARCE_LAST);
}
