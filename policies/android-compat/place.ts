// android-compat placement: a named-heap request (Alloc(heap_name)) goes to the heaps its
// devices name; any other request is AllocSystem(cpu_access). Unlike libdmabufheap, the hard
// constraints come first: a heap a device cannot reach is never handed out (README).
import { Placement, applyHardConstraints, heapCount, Access, Reason, NONE } from '../../asm/index';
import { namedRank, anyNamedAlive } from './named-heap';
import { allocSystemRank } from './alloc-system';

export function placeAndroid(p: Placement): void {
  applyHardConstraints(p);
  const n = heapCount();
  if (anyNamedAlive(p)) {
    // Alloc(heap_name): the named heaps only, never one the caller did not name.
    for (let h: u32 = 0; h < n; h++) {
      if (!p.alive(h)) continue;
      const r = namedRank(p, h);
      if (r == NONE) p.reject(h, NONE, Reason.NOT_LISTED, 0);
      else p.rank(h, r, Reason.PREFERRED);
    }
    return;
  }
  // AllocSystem(cpu_access): "system-uncached" then "system" without CPU access, "system" with it.
  for (let h: u32 = 0; h < n; h++) {
    if (!p.alive(h)) continue;
    const r = allocSystemRank(h, p.cpu);
    if (r == NONE) { p.reject(h, NONE, Reason.NOT_LISTED, 0); continue; }
    let why = Reason.LISTED_ORDER;
    if (r == 0) why = p.cpu == Access.NONE ? Reason.UNCACHED_CPU_WRITES : ((p.cpu & Access.READ) != 0 ? Reason.CACHED_CPU_READS : Reason.LISTED_ORDER);
    p.rank(h, r, why);
  }
}
