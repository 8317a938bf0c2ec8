// libcamera's DmaBufAllocator provider table (src/libcamera/dma_buf_allocator.cpp, providerInfos),
// probed in this order: the CMA heap under its device-tree name "linux,cma", under "reserved"
// (its name when cma= is given on the command line), then "system", then /dev/udmabuf.
// libcamera misses "default_cma_region", the fixed name of the default CMA heap since Linux 6.17
// (commit 854acbe75ff4): it joins the CMA names, after the two libcamera knows, so a board where
// libcamera already finds its CMA heap keeps the same choice.
import { heapNameIs, heapKind, HeapKind, NONE } from '../../asm/index';

const CMA_NAMES: StaticArray<string> = ['linux,cma', 'reserved', 'default_cma_region'];
const SYSTEM_NAME = 'system';

/** Position of heap h in the probe order, or NONE when libcamera would never open it. */
export function probeRank(h: u32): u32 {
  for (let i = 0; i < CMA_NAMES.length; i++) if (heapNameIs(h, CMA_NAMES[i])) return <u32>i;
  if (heapNameIs(h, SYSTEM_NAME)) return <u32>CMA_NAMES.length;
  // udmabuf is a device, not a heap name: the platform says which entry it is by its kind.
  if (heapKind(h) == HeapKind.UDMABUF) return <u32>CMA_NAMES.length + 1;
  return NONE;
}
