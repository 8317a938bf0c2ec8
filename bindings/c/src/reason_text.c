/* Turning Reason codes into sentences a person can act on: the same words as
 * host/engine/reason-text.ts, so both hosts explain a decision identically. */
#include <stdio.h>
#include <string.h>

#include "decision.h"

static const struct { int e; const char *name; } ERRNOS[] = {
    {2, "ENOENT"}, {4, "EINTR"}, {9, "EBADF"}, {11, "EAGAIN"}, {12, "ENOMEM"}, {13, "EACCES"}, {14, "EFAULT"}, {19, "ENODEV"},
    {22, "EINVAL"}, {25, "ENOTTY"}, {28, "ENOSPC"}, {77, "EBADFD"}, {74, "EBADMSG"}, {75, "EOVERFLOW"},
};

const char *hw_errno_name(int e, char *buf, size_t cap) {
  for (size_t i = 0; i < sizeof ERRNOS / sizeof ERRNOS[0]; i++) if (ERRNOS[i].e == e) return ERRNOS[i].name;
  snprintf(buf, cap, "errno %d", e);
  return buf;
}

static const char *const ACCESS[] = {"no", "read", "write", "read-write"};

void hw_reason_text(hw_text *t, const hw_platform_t *p, uint32_t code, uint32_t heap, uint32_t device, uint32_t detail, int has_rounded,
                    uint64_t rounded) {
  const hw_heap_info *h = heap < p->heap_count ? &p->heaps[heap] : NULL;
  const hw_device_info *dev = device != HW_NONE && device < p->device_count ? &p->devices[device] : NULL;
  char dname[300];
  if (dev) snprintf(dname, sizeof dname, "device %s", dev->name);
  else snprintf(dname, sizeof dname, "a device");
  char eb[32];
  switch (code) {
    case HW_REASON_DMA_MASK:
      hw_text_addf(t, "%s has no IOMMU and a %u-bit DMA mask; the heap reaches %u-bit addresses", dname, detail, h ? h->max_address_bits : 64);
      return;
    case HW_REASON_NOT_CONTIGUOUS:
      hw_text_addf(t, "%s needs physically contiguous memory (%s); the heap is not contiguous", dname,
                   dev && dev->contiguous == 1 ? "\"contiguous\": true" : "no IOMMU");
      return;
    case HW_REASON_NOT_PROTECTED: hw_text_add(t, "protected request; the heap is not a protected heap"); return;
    case HW_REASON_DEVICE_NOT_PROTECTED: hw_text_addf(t, "%s cannot access protected memory", dname); return;
    case HW_REASON_PROTECTED_HEAP: hw_text_add(t, "the request is not protected; a protected heap holds protected content only"); return;
    case HW_REASON_NO_CPU_ACCESS:
      /* The Node host's template leaves two spaces for an unknown access, then collapses them. */
      if (detail < 4) hw_text_addf(t, "the CPU needs %s access; the heap is not CPU-accessible", ACCESS[detail]);
      else hw_text_add(t, "the CPU needs access; the heap is not CPU-accessible");
      return;
    case HW_REASON_TOO_LARGE:
      if (has_rounded && h && h->size > 0) hw_text_addf(t, "%llu bytes (rounded) exceed the heap's %llu-byte capacity", (unsigned long long)rounded, (unsigned long long)h->size);
      else hw_text_add(t, "the rounded size exceeds the heap's capacity");
      return;
    case HW_REASON_ALLOC_FAILED:
      hw_text_add(t, "allocation from this heap failed");
      if (detail) hw_text_addf(t, ": %s", hw_errno_name((int)detail, eb, sizeof eb));
      return;
    case HW_REASON_NOT_LISTED: hw_text_add(t, "not in this policy's heap list"); return;
    case HW_REASON_OVER_BUDGET:
      hw_text_add(t, "over this policy's budget for the heap");
      if (detail) hw_text_addf(t, " (%u KiB left)", detail);
      return;
    case HW_REASON_PREFERRED: hw_text_addf(t, "in the preferredHeaps of %s", dname); return;
    case HW_REASON_SYSTEM_FIRST: hw_text_add(t, "no device needs contiguous memory: plentiful system memory before scarce contiguous memory"); return;
    case HW_REASON_UNCACHED_CPU_WRITES: hw_text_add(t, "the CPU does not read: uncached memory needs no cache maintenance"); return;
    case HW_REASON_CACHED_CPU_READS: hw_text_add(t, "the CPU reads: cached memory reads fast"); return;
    case HW_REASON_CONTIGUOUS_NEEDED: hw_text_add(t, "a device needs physically contiguous memory"); return;
    case HW_REASON_LISTED_ORDER: hw_text_add(t, "in the policy's listed order"); return;
    case HW_REASON_SCARCE_LAST: hw_text_add(t, "contiguous memory is scarce: kept as a fallback"); return;
    case HW_REASON_NO_HEAP_FITS: hw_text_add(t, "no heap meets every hard constraint"); return;
    case HW_REASON_NO_DEVICES: hw_text_add(t, "the request names no device"); return;
    case HW_REASON_CPU_INVALIDATE: hw_text_add(t, "START: the CPU may hold stale lines or begins a CPU-domain stretch"); return;
    case HW_REASON_CPU_CLEAN: hw_text_add(t, "END: CPU writes must reach memory before a non-coherent device reads"); return;
    case HW_REASON_LAZY_END: hw_text_add(t, "END issued lazily, when the buffer leaves the CPU domain"); return;
    case HW_REASON_EXPORTED_BRACKET: hw_text_add(t, "the buffer left the process: every CPU access is bracketed"); return;
    case HW_REASON_COHERENT_ELIDED: hw_text_add(t, "every attached device is coherent: no cache maintenance"); return;
    case HW_REASON_UNCACHED_ELIDED: hw_text_add(t, "uncached heap: no cache maintenance"); return;
    case HW_REASON_CPU_DOMAIN_ELIDED: hw_text_add(t, "the buffer stays in the CPU domain: the open START covers this access"); return;
    case HW_REASON_DEVICE_HANDOFF_ELIDED: hw_text_add(t, "device-to-device hand-off: no CPU access in between"); return;
    case HW_REASON_FREE_CLOSE: hw_text_add(t, "END closing the open START before the buffer is freed"); return;
  }
  const char *n = hw_reason_name(code);
  if (n) hw_text_add(t, n);
  else hw_text_addf(t, "reason %u", code);
}
