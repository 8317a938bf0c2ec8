/* The default placement policy in plain C. Every rule, check order and tie-break mirrors the
 * AssemblyScript SDK (see default_policy.h); keys and reasons are the module's own. */
#include <string.h>

#include "default_policy.h"

#define BIT(i) ((uint64_t)1 << (i))

int np_platform_from_blob(const uint8_t *blob, size_t len, np_platform *out) {
  hw_platform_header h;
  if (len < sizeof h) return -1;
  memcpy(&h, blob, sizeof h);
  if (h.heap_count > HW_MAX_HEAPS || h.device_count > HW_MAX_DEVICES) return -1;
  if (h.heaps_offset + (uint64_t)h.heap_count * sizeof(hw_heap) > len) return -1;
  if (h.devices_offset + (uint64_t)h.device_count * sizeof(hw_device) > len) return -1;
  out->heap_count = h.heap_count;
  out->device_count = h.device_count;
  for (uint32_t i = 0; i < h.heap_count; i++) {
    hw_heap x;
    memcpy(&x, blob + h.heaps_offset + i * sizeof x, sizeof x);
    out->heaps[i] = (np_heap){x.kind, x.flags, x.max_address_bits ? x.max_address_bits : 64, x.size, x.granule};
  }
  for (uint32_t i = 0; i < h.device_count; i++) {
    hw_device x;
    memcpy(&x, blob + h.devices_offset + i * sizeof x, sizeof x);
    if (x.pref_count > HW_MAX_HEAPS || x.pref_offset + (uint64_t)x.pref_count * 4 > len) return -1;
    np_device *d = &out->devices[i];
    d->dma_mask_bits = x.dma_mask_bits;
    d->flags = x.flags;
    d->alignment = x.alignment;
    d->pref_count = x.pref_count;
    memcpy(d->prefs, blob + x.pref_offset, x.pref_count * 4);
  }
  return 0;
}

static int needs_contiguous(const np_device *d) {
  if (d->flags & HW_DEVICE_FLAG_CONTIGUOUS_YES) return 1;
  if (d->flags & HW_DEVICE_FLAG_CONTIGUOUS_NO) return 0;
  return !(d->flags & HW_DEVICE_FLAG_IOMMU);
}

static int scarce(uint32_t k) { return k == HW_HEAP_KIND_CMA || k == HW_HEAP_KIND_CARVEOUT; }
static int system_like(uint32_t k) { return k == HW_HEAP_KIND_SYSTEM || k == HW_HEAP_KIND_SYSTEM_UNCACHED || k == HW_HEAP_KIND_UDMABUF; }

uint64_t np_rounded_size(const np_platform *p, uint64_t size, uint64_t devices, uint32_t heap) {
  uint64_t a = HW_PAGE_SIZE;
  for (uint32_t d = 0; d < p->device_count; d++)
    if ((devices & BIT(d)) && p->devices[d].alignment > a) a = p->devices[d].alignment;
  if (p->heaps[heap].granule > a) a = p->heaps[heap].granule;
  uint64_t r = (size + a - 1) & ~(a - 1);
  return r < size ? 0 : r;
}

void np_decide(const np_platform *p, const np_request *r, np_decision *out) {
  const uint32_t n = p->heap_count;
  uint64_t alive = n >= 64 ? ~(uint64_t)0 : BIT(n) - 1;
  uint32_t keys[HW_MAX_HEAPS], codes[HW_MAX_HEAPS], by[HW_MAX_HEAPS];
  out->ranking_count = out->rejected_count = 0;
#define REJECT(h, dev, code_, detail_) do { \
    alive &= ~BIT(h); \
    out->rejected[out->rejected_count++] = (np_entry){(h), (code_), (dev), (detail_)}; \
  } while (0)
  for (uint32_t h = 0; h < n; h++)
    if ((r->failed_heaps & BIT(h)) && (alive & BIT(h))) REJECT(h, HW_NONE, HW_REASON_ALLOC_FAILED, r->last_errno);

  /* Hard constraints: protected content end to end, CPU access, each device's reach, capacity. */
  for (uint32_t h = 0; h < n; h++) {
    if (!(alive & BIT(h))) continue;
    const np_heap *hp = &p->heaps[h];
    int heap_protected = (hp->flags & HW_HEAP_FLAG_PROTECTED) != 0;
    if (r->protected_content && !heap_protected) { REJECT(h, HW_NONE, HW_REASON_NOT_PROTECTED, 0); continue; }
    if (!r->protected_content && heap_protected) { REJECT(h, HW_NONE, HW_REASON_PROTECTED_HEAP, 0); continue; }
    if (r->cpu != HW_ACCESS_NONE && !(hp->flags & HW_HEAP_FLAG_CPU_ACCESS)) { REJECT(h, HW_NONE, HW_REASON_NO_CPU_ACCESS, r->cpu); continue; }
    int out_ = 0;
    for (uint32_t d = 0; d < p->device_count; d++) {
      if (!(r->devices & BIT(d))) continue;
      const np_device *dv = &p->devices[d];
      if (r->protected_content && !(dv->flags & HW_DEVICE_FLAG_PROTECTED)) { REJECT(h, d, HW_REASON_DEVICE_NOT_PROTECTED, 0); out_ = 1; break; }
      if (!(dv->flags & HW_DEVICE_FLAG_IOMMU) && hp->address_bits > dv->dma_mask_bits) { REJECT(h, d, HW_REASON_DMA_MASK, dv->dma_mask_bits); out_ = 1; break; }
      if (needs_contiguous(dv) && !(hp->flags & HW_HEAP_FLAG_CONTIGUOUS)) { REJECT(h, d, HW_REASON_NOT_CONTIGUOUS, 0); out_ = 1; break; }
    }
    if (out_) continue;
    uint64_t rs = np_rounded_size(p, r->size, r->devices, h);
    if (rs == 0 || (hp->size != 0 && rs > hp->size)) REJECT(h, HW_NONE, HW_REASON_TOO_LARGE, 0);
  }
#undef REJECT

  /* Ranking: the devices' preferred heaps first, then the cheapest kind for this request. */
  int scatter_ok = 1;
  for (uint32_t d = 0; d < p->device_count; d++)
    if ((r->devices & BIT(d)) && needs_contiguous(&p->devices[d])) { scatter_ok = 0; break; }
  int cpu_reads = (r->cpu & HW_ACCESS_READ) != 0;
  for (uint32_t h = 0; h < n; h++) {
    if (!(alive & BIT(h))) continue;
    uint32_t pref = HW_NONE, dev = HW_NONE;
    for (uint32_t d = 0; d < p->device_count && pref == HW_NONE; d++) {
      if (!(r->devices & BIT(d))) continue;
      for (uint32_t k = 0; k < p->devices[d].pref_count; k++)
        if (p->devices[d].prefs[k] == h) { pref = d * 64 + k; dev = d; break; }
    }
    by[h] = HW_NONE;
    if (pref != HW_NONE) { keys[h] = pref; codes[h] = HW_REASON_PREFERRED; by[h] = dev; continue; }
    uint32_t k = p->heaps[h].kind;
    if (scatter_ok) {
      if (scarce(k)) keys[h] = 10010, codes[h] = HW_REASON_SCARCE_LAST;
      else if (k == HW_HEAP_KIND_SYSTEM) keys[h] = 10000 + !cpu_reads, codes[h] = cpu_reads ? HW_REASON_CACHED_CPU_READS : HW_REASON_SYSTEM_FIRST;
      else if (k == HW_HEAP_KIND_SYSTEM_UNCACHED) keys[h] = 10000 + cpu_reads, codes[h] = cpu_reads ? HW_REASON_SYSTEM_FIRST : HW_REASON_UNCACHED_CPU_WRITES;
      else if (system_like(k)) keys[h] = 10002, codes[h] = HW_REASON_SYSTEM_FIRST;
      else keys[h] = 10005, codes[h] = HW_REASON_LISTED_ORDER;
    } else {
      if (scarce(k)) keys[h] = 10000, codes[h] = HW_REASON_CONTIGUOUS_NEEDED;
      else if (k == HW_HEAP_KIND_SYSTEM) keys[h] = 10001 + !cpu_reads, codes[h] = cpu_reads ? HW_REASON_CACHED_CPU_READS : HW_REASON_SYSTEM_FIRST;
      else if (k == HW_HEAP_KIND_SYSTEM_UNCACHED) keys[h] = 10001 + cpu_reads, codes[h] = cpu_reads ? HW_REASON_SYSTEM_FIRST : HW_REASON_UNCACHED_CPU_WRITES;
      else keys[h] = 10004, codes[h] = HW_REASON_LISTED_ORDER;
    }
  }

  /* Commit: lowest key first, ties in platform order. */
  while (alive) {
    uint32_t best = HW_NONE;
    for (uint32_t h = 0; h < n; h++)
      if ((alive & BIT(h)) && (best == HW_NONE || keys[h] < keys[best])) best = h;
    alive &= ~BIT(best);
    out->ranking[out->ranking_count] = (np_entry){best, codes[best], by[best], out->ranking_count};
    out->ranking_count++;
  }
  if (out->ranking_count == 0) {
    out->heap = HW_NONE;
    out->size = 0;
    out->fd_flags = 0;
    out->failure = r->devices == 0 ? HW_REASON_NO_DEVICES : HW_REASON_NO_HEAP_FITS;
    return;
  }
  out->heap = out->ranking[0].heap;
  out->size = np_rounded_size(p, r->size, r->devices, out->heap);
  out->fd_flags = HW_FD_FLAGS_DEFAULT;
  out->failure = 0;
}
