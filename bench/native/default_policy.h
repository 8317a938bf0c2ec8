/* The default placement policy (policies/default/place.ts, asm/constraints.ts, asm/placement.ts)
 * in plain C: the baseline the wasm2c policy is timed against in the C host. It decides from
 * the platform in its own structs (decoded once from the ABI platform blob) and must agree with
 * the module on every case before anything is timed. */
#ifndef BENCH_DEFAULT_POLICY_H
#define BENCH_DEFAULT_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "heapwise_abi.h"

typedef struct np_heap {
  uint32_t kind, flags, address_bits;
  uint64_t size, granule;
} np_heap;

typedef struct np_device {
  uint32_t dma_mask_bits, flags, pref_count;
  uint64_t alignment;
  uint32_t prefs[HW_MAX_HEAPS];
} np_device;

typedef struct np_platform {
  uint32_t heap_count, device_count;
  np_heap heaps[HW_MAX_HEAPS];
  np_device devices[HW_MAX_DEVICES];
  /* Derived once from the blob, as the SDK derives them at hw_init (asm/platform-masks.ts):
   * bit i = heap or device i. */
  uint64_t all_heaps, protected_heaps, cpu_access_heaps, contiguous_heaps, scarce_heaps, system_heaps,
      system_uncached_heaps, system_like_heaps, sized_heaps;
  uint64_t all_devices, protected_devices, contiguous_devices, listing_devices;
  uint64_t unreachable[HW_MAX_DEVICES]; /* heaps above the device's DMA mask (none behind an IOMMU) */
  uint64_t preferred[HW_MAX_DEVICES];   /* heaps the device lists */
  uint64_t preferring[HW_MAX_HEAPS];    /* devices that list the heap */
  uint32_t pref_rank[HW_MAX_DEVICES][HW_MAX_HEAPS]; /* first position of the heap in the device's list */
} np_platform;

typedef struct np_request {
  uint64_t size, devices, failed_heaps;
  uint32_t cpu, last_errno;
  int protected_content;
} np_request;

typedef struct np_entry {
  uint32_t heap, code, device, detail;
} np_entry;

typedef struct np_decision {
  uint32_t heap;      /* HW_NONE when nothing fits */
  uint64_t size;
  uint32_t fd_flags, failure;
  uint32_t ranking_count, rejected_count;
  np_entry ranking[HW_MAX_HEAPS];   /* chosen first, then fallbacks; detail = rank */
  np_entry rejected[HW_MAX_HEAPS];
} np_decision;

/* Decodes an ABI platform blob (what hw_init receives); 0 on success. */
int np_platform_from_blob(const uint8_t *blob, size_t len, np_platform *out);

/* Page, largest device alignment and heap granule; 0 when it overflows 64 bits. */
uint64_t np_rounded_size(const np_platform *p, uint64_t size, uint64_t devices, uint32_t heap);

void np_decide(const np_platform *p, const np_request *r, np_decision *out);

#endif
