// Heaps outside the DRAM ranges covered by inline ECC. Inline ECC keeps check bits in DRAM
// itself, so every access pays for them in bandwidth; video frames are the heaviest traffic of a
// TV SoC and a flipped bit costs one wrong pixel for one frame, so the vendor carves an ECC-free
// window for them. The platform format has no ECC field and heap names are only meaningful per
// platform (seed 001: no "grep"-style matching), so the exact names are compiled in.
import { heapNameIs, NONE } from '../../asm/index';

const NON_ECC_HEAPS: StaticArray<string> = ['carveout_video-nonecc'];

/** Position of heap h in the non-ECC list, or NONE when h is ECC-protected memory. */
export function nonEccRank(h: u32): u32 {
  for (let i = 0; i < NON_ECC_HEAPS.length; i++) if (heapNameIs(h, NON_ECC_HEAPS[i])) return <u32>i;
  return NONE;
}
