// libdmabufheap's BufferAllocator::AllocSystem(cpu_access_needed): the two GKI heaps, by their
// exact names (kDmabufSystemHeapName, kDmabufSystemUncachedHeapName). No CPU access: the
// write-combined "system-uncached" (no cache maintenance), else "system"; CPU access: "system".
import { heapNameIs, Access, NONE } from '../../asm/index';

/** Position of heap h in AllocSystem's order for this CPU use, or NONE when AllocSystem never uses it. */
export function allocSystemRank(h: u32, cpu: u32): u32 {
  const cpuAccess = cpu != Access.NONE;
  if (!cpuAccess && heapNameIs(h, 'system-uncached')) return 0;
  if (heapNameIs(h, 'system')) return cpuAccess ? 0 : 1;
  return NONE;
}
