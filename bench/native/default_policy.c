/* The default placement policy in plain C. Every rule, check order and tie-break mirrors the
 * AssemblyScript SDK (see default_policy.h), and so does the algorithm: masks and tables derived
 * once from the platform, constraints and ranking over set bits, an insertion sort to commit.
 * Keys and reasons are the module's own. */
#include <string.h>

#include "default_policy.h"

#define BIT(i) ((uint64_t)1 << (i))
#define CTZ(m) ((uint32_t)__builtin_ctzll(m))

static int needs_contiguous(const np_device *d) {
  if (d->flags & HW_DEVICE_FLAG_CONTIGUOUS_YES) return 1;
  if (d->flags & HW_DEVICE_FLAG_CONTIGUOUS_NO) return 0;
  return !(d->flags & HW_DEVICE_FLAG_IOMMU);
}

/* The masks and tables of asm/platform-masks.ts. */
static void derive(np_platform *p) {
  uint32_t n = p->heap_count, nd = p->device_count;
  p->all_heaps = n >= 64 ? ~(uint64_t)0 : BIT(n) - 1;
  p->all_devices = nd >= 64 ? ~(uint64_t)0 : BIT(nd) - 1;
  p->protected_heaps = p->cpu_access_heaps = p->contiguous_heaps = p->scarce_heaps = p->system_heaps = 0;
  p->system_uncached_heaps = p->system_like_heaps = p->sized_heaps = 0;
  for (uint32_t h = 0; h < n; h++) {
    const np_heap *x = &p->heaps[h];
    uint32_t k = x->kind;
    if (x->flags & HW_HEAP_FLAG_PROTECTED) p->protected_heaps |= BIT(h);
    if (x->flags & HW_HEAP_FLAG_CPU_ACCESS) p->cpu_access_heaps |= BIT(h);
    if (x->flags & HW_HEAP_FLAG_CONTIGUOUS) p->contiguous_heaps |= BIT(h);
    if (k == HW_HEAP_KIND_CMA || k == HW_HEAP_KIND_CARVEOUT) p->scarce_heaps |= BIT(h);
    if (k == HW_HEAP_KIND_SYSTEM) p->system_heaps |= BIT(h);
    if (k == HW_HEAP_KIND_SYSTEM_UNCACHED) p->system_uncached_heaps |= BIT(h);
    if (k == HW_HEAP_KIND_SYSTEM || k == HW_HEAP_KIND_SYSTEM_UNCACHED || k == HW_HEAP_KIND_UDMABUF) p->system_like_heaps |= BIT(h);
    if (x->size != 0 || x->granule > HW_PAGE_SIZE) p->sized_heaps |= BIT(h);
  }
  p->protected_devices = p->contiguous_devices = p->listing_devices = 0;
  memset(p->preferring, 0, sizeof p->preferring);
  for (uint32_t d = 0; d < nd; d++) {
    const np_device *dv = &p->devices[d];
    if (dv->flags & HW_DEVICE_FLAG_PROTECTED) p->protected_devices |= BIT(d);
    if (needs_contiguous(dv)) p->contiguous_devices |= BIT(d);
    uint64_t far = 0;
    if (!(dv->flags & HW_DEVICE_FLAG_IOMMU))
      for (uint32_t h = 0; h < n; h++) if (p->heaps[h].address_bits > dv->dma_mask_bits) far |= BIT(h);
    p->unreachable[d] = far;
    uint64_t listed = 0;
    for (uint32_t k = 0; k < dv->pref_count; k++) {
      uint32_t h = dv->prefs[k];
      if (listed & BIT(h)) continue;
      listed |= BIT(h);
      p->pref_rank[d][h] = k;
      p->preferring[h] |= BIT(d);
    }
    p->preferred[d] = listed;
    if (listed) p->listing_devices |= BIT(d);
  }
}

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
    for (uint32_t k = 0; k < x.pref_count; k++) if (d->prefs[k] >= h.heap_count) return -1;
  }
  derive(out);
  return 0;
}

static uint64_t round_up(uint64_t size, uint64_t a) {
  uint64_t r = (size + a - 1) & ~(a - 1);
  return r < size ? 0 : r;
}

/* The larger of a page and the largest alignment of the devices. */
static uint64_t page_alignment(const np_platform *p, uint64_t devices) {
  uint64_t a = HW_PAGE_SIZE;
  for (uint64_t m = devices & p->all_devices; m; m &= m - 1)
    if (p->devices[CTZ(m)].alignment > a) a = p->devices[CTZ(m)].alignment;
  return a;
}

uint64_t np_rounded_size(const np_platform *p, uint64_t size, uint64_t devices, uint32_t heap) {
  uint64_t a = page_alignment(p, devices);
  if (p->heaps[heap].granule > a) a = p->heaps[heap].granule;
  return round_up(size, a);
}

/* Heaps device d rules out (all of them when protected content meets an unprotected device). */
static uint64_t refused_by(const np_platform *p, uint32_t d, int prot) {
  if (prot && !(p->protected_devices & BIT(d))) return ~(uint64_t)0;
  return p->unreachable[d] | ((p->contiguous_devices & BIT(d)) ? ~p->contiguous_heaps : 0);
}

void np_decide(const np_platform *p, const np_request *r, np_decision *out) {
  uint64_t alive = p->all_heaps;
  uint32_t keys[HW_MAX_HEAPS], codes[HW_MAX_HEAPS], by[HW_MAX_HEAPS];
  out->ranking_count = out->rejected_count = 0;
#define REJECT(h, dev, code_, detail_) do { \
    alive &= ~BIT(h); \
    out->rejected[out->rejected_count++] = (np_entry){(h), (code_), (dev), (detail_)}; \
  } while (0)
  for (uint64_t m = r->failed_heaps & alive; m; m &= m - 1) REJECT(CTZ(m), HW_NONE, HW_REASON_ALLOC_FAILED, r->last_errno);

  /* Hard constraints, each on the heaps the earlier ones left: protected content end to end,
   * CPU access, each device's reach, capacity. One reason per heap, in heap order. */
  const uint64_t devices = r->devices & p->all_devices;
  const int prot = r->protected_content;
  const uint64_t by_prot = alive & (prot ? ~p->protected_heaps : p->protected_heaps);
  uint64_t rest = alive & ~by_prot;
  const uint64_t by_cpu = r->cpu != HW_ACCESS_NONE ? rest & ~p->cpu_access_heaps : 0;
  rest &= ~by_cpu;
  uint64_t by_dev = 0, refusing = 0;
  for (uint64_t m = devices; m; m &= m - 1) {
    uint64_t refused = refused_by(p, CTZ(m), prot) & rest;
    if (refused) by_dev |= refused, refusing |= m & -m;
  }
  rest &= ~by_dev;
  const uint64_t align = page_alignment(p, devices);
  uint64_t by_size = round_up(r->size, align) == 0 ? rest & ~p->sized_heaps : 0;
  for (uint64_t m = rest & p->sized_heaps; m; m &= m - 1) {
    const np_heap *hp = &p->heaps[CTZ(m)];
    uint64_t rs = round_up(r->size, hp->granule > align ? hp->granule : align);
    if (rs == 0 || (hp->size != 0 && rs > hp->size)) by_size |= m & -m;
  }
  for (uint64_t m = by_prot | by_cpu | by_dev | by_size; m; m &= m - 1) {
    uint32_t h = CTZ(m);
    uint64_t b = BIT(h);
    if (by_prot & b) REJECT(h, HW_NONE, prot ? HW_REASON_NOT_PROTECTED : HW_REASON_PROTECTED_HEAP, 0);
    else if (by_cpu & b) REJECT(h, HW_NONE, HW_REASON_NO_CPU_ACCESS, r->cpu);
    else if (by_size & b) REJECT(h, HW_NONE, HW_REASON_TOO_LARGE, 0);
    else {
      uint64_t q = refusing;
      while (!(refused_by(p, CTZ(q), prot) & b)) q &= q - 1;
      uint32_t d = CTZ(q);
      if (prot && !(p->protected_devices & BIT(d))) REJECT(h, d, HW_REASON_DEVICE_NOT_PROTECTED, 0);
      else if (p->unreachable[d] & b) REJECT(h, d, HW_REASON_DMA_MASK, p->devices[d].dma_mask_bits);
      else REJECT(h, d, HW_REASON_NOT_CONTIGUOUS, 0);
    }
  }
#undef REJECT

  /* Ranking: the devices' preferred heaps first, then the cheapest kind for this request. */
  const int scatter_ok = !(r->devices & p->contiguous_devices);
  const int cpu_reads = (r->cpu & HW_ACCESS_READ) != 0;
  uint64_t listed = 0;
  for (uint64_t m = r->devices & p->listing_devices; m; m &= m - 1) listed |= p->preferred[CTZ(m)];
  for (uint64_t m = alive; m; m &= m - 1) {
    uint32_t h = CTZ(m);
    uint64_t b = BIT(h);
    by[h] = HW_NONE;
    if (listed & b) {
      uint32_t d = CTZ(p->preferring[h] & r->devices);
      keys[h] = d * 64 + p->pref_rank[d][h], codes[h] = HW_REASON_PREFERRED, by[h] = d;
    } else if (scatter_ok) {
      if (p->scarce_heaps & b) keys[h] = 10010, codes[h] = HW_REASON_SCARCE_LAST;
      else if (p->system_heaps & b) keys[h] = 10000 + !cpu_reads, codes[h] = cpu_reads ? HW_REASON_CACHED_CPU_READS : HW_REASON_SYSTEM_FIRST;
      else if (p->system_uncached_heaps & b) keys[h] = 10000 + cpu_reads, codes[h] = cpu_reads ? HW_REASON_SYSTEM_FIRST : HW_REASON_UNCACHED_CPU_WRITES;
      else if (p->system_like_heaps & b) keys[h] = 10002, codes[h] = HW_REASON_SYSTEM_FIRST;
      else keys[h] = 10005, codes[h] = HW_REASON_LISTED_ORDER;
    } else {
      if (p->scarce_heaps & b) keys[h] = 10000, codes[h] = HW_REASON_CONTIGUOUS_NEEDED;
      else if (p->system_heaps & b) keys[h] = 10001 + !cpu_reads, codes[h] = cpu_reads ? HW_REASON_CACHED_CPU_READS : HW_REASON_SYSTEM_FIRST;
      else if (p->system_uncached_heaps & b) keys[h] = 10001 + cpu_reads, codes[h] = cpu_reads ? HW_REASON_SYSTEM_FIRST : HW_REASON_UNCACHED_CPU_WRITES;
      else keys[h] = 10004, codes[h] = HW_REASON_LISTED_ORDER;
    }
  }

  /* Commit: insertion sort by key, then heap index (heaps arrive in index order). */
  uint64_t order[HW_MAX_HEAPS];
  uint32_t n = 0;
  for (uint64_t m = alive; m; m &= m - 1) {
    uint32_t h = CTZ(m);
    uint64_t c = (uint64_t)keys[h] << 6 | h;
    uint32_t j = n;
    for (; j > 0 && order[j - 1] > c; j--) order[j] = order[j - 1];
    order[j] = c;
    n++;
  }
  for (uint32_t i = 0; i < n; i++) {
    uint32_t h = (uint32_t)(order[i] & 63);
    out->ranking[i] = (np_entry){h, codes[h], by[h], i};
  }
  out->ranking_count = n;
  if (n == 0) {
    out->heap = HW_NONE;
    out->size = 0;
    out->fd_flags = 0;
    out->failure = r->devices == 0 ? HW_REASON_NO_DEVICES : HW_REASON_NO_HEAP_FITS;
    return;
  }
  out->heap = out->ranking[0].heap;
  const np_heap *chosen = &p->heaps[out->heap];
  out->size = round_up(r->size, chosen->granule > align ? chosen->granule : align);
  out->fd_flags = HW_FD_FLAGS_DEFAULT;
  out->failure = 0;
}
