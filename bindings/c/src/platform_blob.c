/* The platform blob handed to hw_init: PlatformHeader, Heap and Device records, preferred-heap
 * indexes, then names (host/platform/encode.ts, byte for byte). */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "platform.h"

static void put32(uint8_t *b, size_t off, uint32_t v) { memcpy(b + off, &v, 4); }
static void put64(uint8_t *b, size_t off, uint64_t v) { memcpy(b + off, &v, 8); }

hw_status_t hw_platform_encode(const hw_platform_t *p, uint8_t **out, size_t *len, hw_error_t **error) {
  size_t heaps_off = sizeof(hw_platform_header);
  size_t devices_off = heaps_off + p->heap_count * sizeof(hw_heap);
  size_t pref_off = devices_off + p->device_count * sizeof(hw_device);
  size_t strings_off = pref_off;
  for (size_t i = 0; i < p->device_count; i++) strings_off += p->devices[i].preferred_count * 4;
  size_t total = strings_off;
  for (size_t i = 0; i < p->heap_count; i++) total += strlen(p->heaps[i].name);
  for (size_t i = 0; i < p->device_count; i++) total += strlen(p->devices[i].name);
  if (total > HW_INPUT_CAPACITY) {
    return hw_fail(error, HW_ERR_INPUT, "platform %s encodes to %zu bytes, more than the ABI's %u", p->name, total, HW_INPUT_CAPACITY);
  }
  uint8_t *b = calloc(1, total ? total : 1);
  if (!b) return hw_fail(error, HW_ERR_NO_MEMORY, "out of memory encoding platform %s", p->name);
  put32(b, offsetof(hw_platform_header, heap_count), (uint32_t)p->heap_count);
  put32(b, offsetof(hw_platform_header, device_count), (uint32_t)p->device_count);
  put32(b, offsetof(hw_platform_header, heaps_offset), (uint32_t)heaps_off);
  put32(b, offsetof(hw_platform_header, devices_offset), (uint32_t)devices_off);
  for (size_t i = 0; i < p->heap_count; i++) {
    const hw_heap_info *h = &p->heaps[i];
    size_t o = heaps_off + i * sizeof(hw_heap), n = strlen(h->name);
    uint32_t flags = 0;
    if (h->contiguous) flags |= HW_HEAP_FLAG_CONTIGUOUS;
    if (h->cached) flags |= HW_HEAP_FLAG_CACHED;
    if (h->cpu_access) flags |= HW_HEAP_FLAG_CPU_ACCESS;
    if (h->kind == HW_HEAP_KIND_PROTECTED) flags |= HW_HEAP_FLAG_PROTECTED;
    put32(b, o + offsetof(hw_heap, kind), h->kind);
    put32(b, o + offsetof(hw_heap, flags), flags);
    put32(b, o + offsetof(hw_heap, max_address_bits), h->max_address_bits);
    put32(b, o + offsetof(hw_heap, name_offset), (uint32_t)strings_off);
    put32(b, o + offsetof(hw_heap, name_len), (uint32_t)n);
    put64(b, o + offsetof(hw_heap, size), h->size);
    put64(b, o + offsetof(hw_heap, granule), h->granule);
    memcpy(b + strings_off, h->name, n);
    strings_off += n;
  }
  for (size_t i = 0; i < p->device_count; i++) {
    const hw_device_info *d = &p->devices[i];
    size_t o = devices_off + i * sizeof(hw_device), n = strlen(d->name);
    uint32_t flags = 0;
    if (d->iommu) flags |= HW_DEVICE_FLAG_IOMMU;
    if (d->coherent) flags |= HW_DEVICE_FLAG_COHERENT;
    if (d->contiguous == 1) flags |= HW_DEVICE_FLAG_CONTIGUOUS_YES;
    if (d->contiguous == 0) flags |= HW_DEVICE_FLAG_CONTIGUOUS_NO;
    if (d->protected_access) flags |= HW_DEVICE_FLAG_PROTECTED;
    put32(b, o + offsetof(hw_device, dma_mask_bits), d->dma_mask_bits);
    put32(b, o + offsetof(hw_device, flags), flags);
    put64(b, o + offsetof(hw_device, alignment), d->alignment);
    put32(b, o + offsetof(hw_device, pref_offset), (uint32_t)pref_off);
    put32(b, o + offsetof(hw_device, pref_count), (uint32_t)d->preferred_count);
    for (size_t k = 0; k < d->preferred_count; k++, pref_off += 4) put32(b, pref_off, d->preferred[k]);
    put32(b, o + offsetof(hw_device, name_offset), (uint32_t)strings_off);
    put32(b, o + offsetof(hw_device, name_len), (uint32_t)n);
    memcpy(b + strings_off, d->name, n);
    strings_off += n;
  }
  *out = b;
  *len = total;
  return HW_OK;
}
