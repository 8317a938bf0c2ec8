// Per-heap byte budgets, compiled in. A budget is the part of a region heapwise may hand out:
// drivers and the TEE take the rest from the same region outside DMA-BUF (seed 001: reference
// frames and metadata "kept hidden inside the driver"), where the per-heap usage the host
// reports cannot see it. Over budget, the heap is rejected and the next one is tried.
import { Placement, heapCount, heapNameIs, roundedSize, Reason, NONE } from '../../asm/index';

const MIB: u64 = 1024 * 1024;
const BUDGET_HEAPS: StaticArray<string> = ['carveout_video-nonecc', 'protected,secure-video'];
// 64 MiB non-ECC carveout: 16 MiB stay with the decoder's internal reference buffers.
// 128 MiB secure pool: 16 MiB stay with the secure decoder firmware's working buffers.
const BUDGET_BYTES: StaticArray<u64> = [48 * MIB, 112 * MIB];
const UNBUDGETED: u64 = <u64>-1;

/** Bytes heapwise may have allocated from heap h at once (all ones when unbudgeted). */
export function budgetOf(h: u32): u64 {
  for (let i = 0; i < BUDGET_HEAPS.length; i++) if (heapNameIs(h, BUDGET_HEAPS[i])) return BUDGET_BYTES[i];
  return UNBUDGETED;
}

/** Rejects every candidate whose budget this allocation would exceed (detail: KiB left). */
export function applyBudgets(p: Placement): void {
  for (let h: u32 = 0; h < heapCount(); h++) {
    if (!p.alive(h)) continue;
    const budget = budgetOf(h);
    if (budget == UNBUDGETED) continue;
    const used = p.usage(h);
    const need = roundedSize(p.size, p.devices, h);
    const left: u64 = used >= budget ? 0 : budget - used;
    if (need == 0 || need > left) p.reject(h, NONE, Reason.OVER_BUDGET, <u32>min<u64>(left / 1024, 0xffffffff));
  }
}
