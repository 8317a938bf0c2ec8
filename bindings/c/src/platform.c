/* Describing a platform programmatically: heaps and devices with the Node host's defaults
 * (kind inferred from the node name, contiguous/cached/cpuAccess from the kind). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "platform.h"

static const struct { const char *name; uint32_t kind; int contiguous, cached, cpu_access; } KINDS[] = {
    {"system", HW_HEAP_KIND_SYSTEM, 0, 1, 1},
    {"system-uncached", HW_HEAP_KIND_SYSTEM_UNCACHED, 0, 0, 1},
    {"cma", HW_HEAP_KIND_CMA, 1, 1, 1},
    {"carveout", HW_HEAP_KIND_CARVEOUT, 1, 1, 1},
    {"protected", HW_HEAP_KIND_PROTECTED, 1, 0, 0},
    {"udmabuf", HW_HEAP_KIND_UDMABUF, 0, 1, 1},
};
#define NKINDS (sizeof KINDS / sizeof KINDS[0])

const char *hw_heap_kind_name(uint32_t kind) {
  for (size_t i = 0; i < NKINDS; i++) if (KINDS[i].kind == kind) return KINDS[i].name;
  return NULL;
}

uint32_t hw_heap_kind_from_name(const char *name) {
  for (size_t i = 0; i < NKINDS; i++) if (strcmp(KINDS[i].name, name) == 0) return KINDS[i].kind;
  return 0;
}

/* Order matters: "protected,secure-video" and "cma-uncached" must not fall into the CMA rule. */
uint32_t hw_heap_kind_infer(const char *name) {
  size_t n = strlen(name);
  char *l = malloc(n + 1);
  if (!l) return 0;
  for (size_t i = 0; i <= n; i++) l[i] = (char)tolower((unsigned char)name[i]);
  uint32_t k = 0;
  if (!strcmp(l, "udmabuf") || !strcmp(l, "/dev/udmabuf")) k = HW_HEAP_KIND_UDMABUF;
  else if (!strncmp(l, "protected,", 10) || strstr(l, "secure") || strstr(l, "restricted")) k = HW_HEAP_KIND_PROTECTED;
  else if (strstr(l, "uncached")) k = strstr(l, "cma") || strstr(l, "contiguous") ? HW_HEAP_KIND_CMA : HW_HEAP_KIND_SYSTEM_UNCACHED;
  else if (!strcmp(l, "system") || !strncmp(l, "system-", 7) || !strncmp(l, "system_", 7)) k = HW_HEAP_KIND_SYSTEM;
  else if (!strcmp(l, "default_cma_region") || !strcmp(l, "reserved") || !strcmp(l, "linux,cma") || !strcmp(l, "default-pool") ||
           strstr(l, "cma") || strstr(l, "contiguous"))
    k = HW_HEAP_KIND_CMA;
  free(l);
  return k;
}

static int is_pow2(uint64_t v) { return v && !(v & (v - 1)); }

hw_status_t hw_platform_new(const char *name, hw_platform_t **out, hw_error_t **error) {
  if (!out) return hw_fail(error, HW_ERR_ARGUMENT, "hw_platform_new: out is NULL");
  if (!name || !*name) return hw_fail(error, HW_ERR_ARGUMENT, "hw_platform_new: a platform needs a name");
  hw_platform_t *p = calloc(1, sizeof *p);
  if (!p || !(p->name = strdup(name))) {
    free(p);
    return hw_fail(error, HW_ERR_NO_MEMORY, "hw_platform_new: out of memory");
  }
  *out = p;
  return HW_OK;
}

int hw_platform_heap_index(const hw_platform_t *p, const char *name) {
  for (size_t i = 0; i < p->heap_count; i++) if (!strcmp(p->heaps[i].name, name)) return (int)i;
  return -1;
}

int hw_platform_device_index(const hw_platform_t *p, const char *name) {
  for (size_t i = 0; i < p->device_count; i++) if (!strcmp(p->devices[i].name, name)) return (int)i;
  return -1;
}

/* A field the header restricts to 0, 1 (or HW_DEFAULT when `tri`): the caller's bug otherwise. */
static int flag_ok(const char *fn, const char *field, int v, int tri, hw_error_t **error) {
  if (v == 0 || v == 1 || (tri && v == HW_DEFAULT)) return 1;
  hw_fail(error, HW_ERR_ARGUMENT, "%s: %s must be %s, got %d", fn, field, tri ? "0, 1 or HW_DEFAULT" : "0 or 1", v);
  return 0;
}

static int heap_flags_ok(const hw_heap_spec_t *h, hw_error_t **error) {
  static const char fn[] = "hw_platform_add_heap";
  return flag_ok(fn, "contiguous", h->contiguous, 1, error) && flag_ok(fn, "cached", h->cached, 1, error) &&
         flag_ok(fn, "cpu_access", h->cpu_access, 1, error);
}

/* The pointers and flags of a device spec (values are checked as the platform's, HW_ERR_INPUT). */
static int device_args_ok(const hw_device_spec_t *d, hw_error_t **error) {
  static const char fn[] = "hw_platform_add_device";
  if (!d->preferred_heaps && d->preferred_count) {
    hw_fail(error, HW_ERR_ARGUMENT, "%s: preferred_heaps is NULL but preferred_count is %zu", fn, d->preferred_count);
    return 0;
  }
  for (size_t k = 0; k < d->preferred_count && k < HW_MAX_HEAPS; k++) {
    if (d->preferred_heaps[k]) continue;
    hw_fail(error, HW_ERR_ARGUMENT, "%s: preferred_heaps[%zu] is NULL", fn, k);
    return 0;
  }
  return flag_ok(fn, "iommu", d->iommu, 0, error) && flag_ok(fn, "coherent", d->coherent, 0, error) &&
         flag_ok(fn, "contiguous", d->contiguous, 1, error) && flag_ok(fn, "protected_access", d->protected_access, 0, error);
}

hw_status_t hw_platform_add_heap(hw_platform_t *p, const hw_heap_spec_t *h, hw_error_t **error) {
  if (!p || !h) return hw_fail(error, HW_ERR_ARGUMENT, "hw_platform_add_heap: NULL argument");
  if (!heap_flags_ok(h, error)) return HW_ERR_ARGUMENT;
  const char *where = p->name;
  if (!h->name || !*h->name) return hw_fail(error, HW_ERR_INPUT, "platform %s: a heap needs a name", where);
  if (p->heap_count >= HW_MAX_HEAPS) return hw_fail(error, HW_ERR_INPUT, "platform %s: at most %u heaps", where, HW_MAX_HEAPS);
  if (hw_platform_heap_index(p, h->name) >= 0) return hw_fail(error, HW_ERR_INPUT, "platform %s: duplicate heap name \"%s\"", where, h->name);
  uint32_t kind = h->kind ? h->kind : hw_heap_kind_infer(h->name);
  if (!kind) {
    return hw_fail(error, HW_ERR_INPUT,
                   "platform %s: cannot infer the kind of heap \"%s\" from its name; add \"kind\" (system, system-uncached, cma, carveout, protected or udmabuf)",
                   where, h->name);
  }
  const char *kname = hw_heap_kind_name(kind);
  if (!kname) return hw_fail(error, HW_ERR_INPUT, "platform %s: heap \"%s\" has unknown kind %u", where, h->name, kind);
  uint64_t granule = h->granule ? h->granule : 1;
  if (!is_pow2(granule)) return hw_fail(error, HW_ERR_INPUT, "platform %s: heap \"%s\": granule must be a power of two, got %llu", where, h->name, (unsigned long long)granule);
  uint32_t bits = h->max_address_bits ? h->max_address_bits : 64;
  if (bits > 64) return hw_fail(error, HW_ERR_INPUT, "platform %s: heap \"%s\": maxAddressBits must be 1 to 64, got %u", where, h->name, bits);
  size_t k = 0;
  while (KINDS[k].kind != kind) k++;
  /* A CMA heap named "...uncached" (i.MX linux,cma-uncached, Rockchip cma-uncached) is write-combined. */
  int cached_default = KINDS[k].cached;
  if (kind == HW_HEAP_KIND_CMA) {
    char lower[256];
    size_t n = strlen(h->name);
    if (n >= sizeof lower) n = sizeof lower - 1;
    for (size_t i = 0; i < n; i++) lower[i] = (char)tolower((unsigned char)h->name[i]);
    lower[n] = 0;
    if (strstr(lower, "uncached")) cached_default = 0;
  }
  hw_heap_info *hi = &p->heaps[p->heap_count];
  memset(hi, 0, sizeof *hi);
  if (!(hi->name = strdup(h->name))) return hw_fail(error, HW_ERR_NO_MEMORY, "out of memory");
  hi->kind = kind;
  hi->contiguous = h->contiguous == HW_DEFAULT ? KINDS[k].contiguous : !!h->contiguous;
  hi->cached = h->cached == HW_DEFAULT ? cached_default : !!h->cached;
  hi->cpu_access = h->cpu_access == HW_DEFAULT ? KINDS[k].cpu_access : !!h->cpu_access;
  hi->max_address_bits = bits;
  hi->size = h->size;
  hi->granule = granule;
  p->heap_count++;
  return HW_OK;
}

hw_status_t hw_platform_add_device(hw_platform_t *p, const hw_device_spec_t *d, hw_error_t **error) {
  if (!p || !d) return hw_fail(error, HW_ERR_ARGUMENT, "hw_platform_add_device: NULL argument");
  if (!device_args_ok(d, error)) return HW_ERR_ARGUMENT;
  const char *where = p->name;
  if (!d->name || !*d->name) return hw_fail(error, HW_ERR_INPUT, "platform %s: a device needs a name", where);
  if (p->device_count >= HW_MAX_DEVICES) return hw_fail(error, HW_ERR_INPUT, "platform %s: at most %u devices", where, HW_MAX_DEVICES);
  if (hw_platform_device_index(p, d->name) >= 0) return hw_fail(error, HW_ERR_INPUT, "platform %s: duplicate device name \"%s\"", where, d->name);
  if (d->dma_mask_bits < 1 || d->dma_mask_bits > 64) return hw_fail(error, HW_ERR_INPUT, "platform %s: device \"%s\": dmaMaskBits must be 1 to 64, got %u", where, d->name, d->dma_mask_bits);
  uint64_t alignment = d->alignment ? d->alignment : 1;
  if (!is_pow2(alignment)) return hw_fail(error, HW_ERR_INPUT, "platform %s: device \"%s\": alignment must be a power of two, got %llu", where, d->name, (unsigned long long)alignment);
  if (d->preferred_count > HW_MAX_HEAPS) return hw_fail(error, HW_ERR_INPUT, "platform %s: device \"%s\": too many preferred heaps", where, d->name);
  hw_device_info *di = &p->devices[p->device_count];
  memset(di, 0, sizeof *di);
  for (size_t k = 0; k < d->preferred_count; k++) {
    int h = hw_platform_heap_index(p, d->preferred_heaps[k]);
    if (h < 0) return hw_fail(error, HW_ERR_INPUT, "platform %s: device \"%s\": unknown preferred heap \"%s\"", where, d->name, d->preferred_heaps[k]);
    di->preferred[k] = (uint32_t)h;
  }
  if (!(di->name = strdup(d->name))) return hw_fail(error, HW_ERR_NO_MEMORY, "out of memory");
  di->preferred_count = d->preferred_count;
  di->dma_mask_bits = d->dma_mask_bits;
  di->iommu = !!d->iommu;
  di->coherent = !!d->coherent;
  di->contiguous = d->contiguous == HW_DEFAULT ? HW_DEFAULT : !!d->contiguous;
  di->alignment = alignment;
  di->protected_access = !!d->protected_access;
  p->device_count++;
  return HW_OK;
}

void hw_platform_delete(hw_platform_t *p) {
  if (!p) return;
  for (size_t i = 0; i < p->heap_count; i++) free(p->heaps[i].name);
  for (size_t i = 0; i < p->device_count; i++) free(p->devices[i].name);
  if (p->source) json_decref(p->source);
  free(p->name);
  free(p);
}

hw_platform_t *hw_platform_copy(const hw_platform_t *src) {
  hw_platform_t *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  *p = *src;
  p->name = NULL;
  for (size_t i = 0; i < p->heap_count; i++) p->heaps[i].name = NULL;
  for (size_t i = 0; i < p->device_count; i++) p->devices[i].name = NULL;
  p->source = src->source ? json_deep_copy(src->source) : NULL;
  int ok = (p->name = strdup(src->name)) != NULL && (!src->source || p->source);
  for (size_t i = 0; ok && i < p->heap_count; i++) ok = (p->heaps[i].name = strdup(src->heaps[i].name)) != NULL;
  for (size_t i = 0; ok && i < p->device_count; i++) ok = (p->devices[i].name = strdup(src->devices[i].name)) != NULL;
  if (!ok) {
    hw_platform_delete(p);
    return NULL;
  }
  return p;
}

const char *hw_platform_name(const hw_platform_t *p) { return p ? p->name : NULL; }
size_t hw_platform_heap_count(const hw_platform_t *p) { return p ? p->heap_count : 0; }
size_t hw_platform_device_count(const hw_platform_t *p) { return p ? p->device_count : 0; }
const char *hw_platform_heap_name(const hw_platform_t *p, size_t i) { return p && i < p->heap_count ? p->heaps[i].name : NULL; }
const char *hw_platform_device_name(const hw_platform_t *p, size_t i) { return p && i < p->device_count ? p->devices[i].name : NULL; }

json_t *hw_platform_json(const hw_platform_t *p) {
  if (p->source) return json_incref(p->source);
  json_t *root = json_object(), *heaps = json_array(), *devices = json_array();
  json_object_set_new(root, "name", json_string(p->name));
  for (size_t i = 0; i < p->heap_count; i++) {
    const hw_heap_info *h = &p->heaps[i];
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(h->name));
    json_object_set_new(o, "kind", json_string(hw_heap_kind_name(h->kind)));
    json_object_set_new(o, "contiguous", json_boolean(h->contiguous));
    json_object_set_new(o, "cached", json_boolean(h->cached));
    json_object_set_new(o, "cpuAccess", json_boolean(h->cpu_access));
    if (h->max_address_bits != 64) json_object_set_new(o, "maxAddressBits", json_integer(h->max_address_bits));
    if (h->size) json_object_set_new(o, "size", json_integer((json_int_t)h->size));
    if (h->granule != 1) json_object_set_new(o, "granule", json_integer((json_int_t)h->granule));
    json_array_append_new(heaps, o);
  }
  for (size_t i = 0; i < p->device_count; i++) {
    const hw_device_info *d = &p->devices[i];
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(d->name));
    json_object_set_new(o, "dmaMaskBits", json_integer(d->dma_mask_bits));
    json_object_set_new(o, "iommu", json_boolean(d->iommu));
    json_object_set_new(o, "coherent", json_boolean(d->coherent));
    if (d->contiguous != HW_DEFAULT) json_object_set_new(o, "contiguous", json_boolean(d->contiguous));
    if (d->alignment != 1) json_object_set_new(o, "alignment", json_integer((json_int_t)d->alignment));
    if (d->protected_access) json_object_set_new(o, "protected", json_true());
    if (d->preferred_count) {
      json_t *pref = json_array();
      for (size_t k = 0; k < d->preferred_count; k++) json_array_append_new(pref, json_string(p->heaps[d->preferred[k]].name));
      json_object_set_new(o, "preferredHeaps", pref);
    }
    json_array_append_new(devices, o);
  }
  json_object_set_new(root, "heaps", heaps);
  json_object_set_new(root, "devices", devices);
  return root;
}
