/* Size rounding, identical to the guest SDK's roundedSize (asm/constraints.ts). */
#include "outcome.h"

uint64_t hw_rounded_size(const hw_platform_t *p, uint64_t size, uint64_t devices, uint32_t heap) {
  uint64_t a = 4096;
  for (size_t d = 0; d < p->device_count; d++) {
    if ((devices >> d) & 1 && p->devices[d].alignment > a) a = p->devices[d].alignment;
  }
  uint64_t g = p->heaps[heap].granule;
  if (g > a) a = g;
  uint64_t r = (size + a - 1) & ~(a - 1);
  return r < size ? 0 : r;
}
