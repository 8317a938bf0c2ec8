// Size rounding, identical to the guest SDK's roundedSize (asm/constraints.ts): up to a page,
// the largest device alignment and the heap's granule; 0 when it overflows 64 bits.
import type { Platform } from '../platform/types.js';

const U64 = (1n << 64n) - 1n;

export function roundedSize(p: Platform, size: bigint, devices: bigint, heap: number): bigint {
  let a = 4096n;
  for (const d of p.devices) {
    if ((devices >> BigInt(d.index)) & 1n && BigInt(d.alignment) > a) a = BigInt(d.alignment);
  }
  const g = BigInt(p.heaps[heap]!.granule);
  if (g > a) a = g;
  const r = ((size + a - 1n) & U64) & ~(a - 1n);
  return r < size ? 0n : r;
}
