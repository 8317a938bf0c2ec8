// libcamera-compat placement: only the providers libcamera probes, in its probe order, after the
// hard constraints (libcamera opens the first provider that exists whatever the devices need;
// here a CMA heap a device cannot reach is still rejected and the next provider is used).
import { Placement, applyHardConstraints, heapCount, Reason, NONE } from '../../asm/index';
import { probeRank } from './probe-order';

export function placeProbeOrder(p: Placement): void {
  applyHardConstraints(p);
  for (let h: u32 = 0; h < heapCount(); h++) {
    if (!p.alive(h)) continue;
    const r = probeRank(h);
    if (r == NONE) p.reject(h, NONE, Reason.NOT_LISTED, 0);
    else p.rank(h, r, Reason.LISTED_ORDER);
  }
}
