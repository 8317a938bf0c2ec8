// The protected heaps the vendor's secure video path uses, best first: the TEE's secure-video
// pool (drivers/tee/tee_heap.c names it "protected,secure-video"). Other protected heaps (trusted
// UI, secure record) may also hold protected content but belong to other secure paths.
import { heapNameIs, NONE } from '../../asm/index';

const SECURE_VIDEO_HEAPS: StaticArray<string> = ['protected,secure-video'];

/** Position of heap h in the secure-video list, or NONE. */
export function secureVideoRank(h: u32): u32 {
  for (let i = 0; i < SECURE_VIDEO_HEAPS.length; i++) if (heapNameIs(h, SECURE_VIDEO_HEAPS[i])) return <u32>i;
  return NONE;
}
