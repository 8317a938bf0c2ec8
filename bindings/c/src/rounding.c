/* Size rounding, identical to the guest SDK's roundedSize (asm/constraints.ts). */
#include "outcome.h"

uint64_t hw_rounded_size(const hw_platform_t *p, uint64_t size, uint64_t devices, uint32_t heap) {
  uint64_t a = 4096;
  /* Only the request's devices: one step per set bit, not per device of the platform. */
  uint64_t m = p->device_count >= 64 ? devices : devices & (((uint64_t)1 << p->device_count) - 1);
  for (; m; m &= m - 1) {
    uint64_t al = p->devices[__builtin_ctzll(m)].alignment;
    if (al > a) a = al;
  }
  uint64_t g = p->heaps[heap].granule;
  if (g > a) a = g;
  uint64_t r = (size + a - 1) & ~(a - 1);
  return r < size ? 0 : r;
}
