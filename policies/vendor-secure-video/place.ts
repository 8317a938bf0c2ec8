// vendor-secure-video placement, rule by rule:
// 1. hard constraints (protected content only in protected heaps, DMA reach, contiguity...);
// 2. non-ECC memory is for video buffers only: other buffers keep ECC protection;
// 3. per-heap budgets: a heap this allocation would take over its budget is rejected;
// 4. ranking: protected requests take the secure-video pool first, video buffers the non-ECC
//    carveout first; then preferredHeaps and the cheapest memory that fits.
import { Placement, applyHardConstraints, anyNeedsContiguous, heapCount, Reason, NONE } from '../../asm/index';
import { videoDevice } from './video-devices';
import { nonEccRank } from './non-ecc-heaps';
import { secureVideoRank } from './secure-video-heaps';
import { applyBudgets } from './budgets';
import { rankByCost } from './cost-rank';

// Keys below COST_BASE belong to the vendor lists; the cost ranking starts above them.
const COST_BASE: u32 = 100;

export function placeSecureVideo(p: Placement): void {
  applyHardConstraints(p);
  const n = heapCount();
  const video = videoDevice(p.devices) != NONE;
  if (!video) {
    for (let h: u32 = 0; h < n; h++) if (p.alive(h) && nonEccRank(h) != NONE) p.reject(h, NONE, Reason.NOT_LISTED, 0);
  }
  applyBudgets(p);
  const scatterOk = !anyNeedsContiguous(p.devices);
  for (let h: u32 = 0; h < n; h++) {
    if (!p.alive(h)) continue;
    const listed = p.isProtected ? secureVideoRank(h) : nonEccRank(h);
    if (listed != NONE) p.rank(h, listed, Reason.LISTED_ORDER);
    else rankByCost(p, h, COST_BASE, scatterOk);
  }
}
