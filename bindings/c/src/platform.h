/* The platform as the engine sees it after validation: every default filled in
 * (host/platform/types.ts), plus the JSON it came from for trace headers. */
#ifndef HW_PLATFORM_H
#define HW_PLATFORM_H

#include <jansson.h>

#include "heapwise.h"
#include "input_fault.h"

typedef struct hw_heap_info {
  char *name;
  uint32_t kind; /* HW_HEAP_KIND_* */
  int contiguous, cached, cpu_access;
  uint32_t max_address_bits;
  uint64_t size;    /* 0 = unbounded */
  uint64_t granule; /* power of two >= 1 */
} hw_heap_info;

typedef struct hw_device_info {
  char *name;
  uint32_t dma_mask_bits;
  int iommu, coherent;
  int contiguous; /* 0, 1, or HW_DEFAULT as written */
  uint64_t alignment;
  int protected_access;
  uint32_t preferred[HW_MAX_HEAPS];
  size_t preferred_count;
} hw_device_info;

struct hw_platform {
  char *name;
  hw_heap_info heaps[HW_MAX_HEAPS];
  size_t heap_count;
  hw_device_info devices[HW_MAX_DEVICES];
  size_t device_count;
  /* The platform JSON as given (trace headers); NULL when described programmatically. */
  json_t *source;
};

/* Deep copy (engines keep their own). NULL on allocation failure. */
hw_platform_t *hw_platform_copy(const hw_platform_t *p);
/* Heap / device index by name, or -1. */
int hw_platform_heap_index(const hw_platform_t *p, const char *name);
int hw_platform_device_index(const hw_platform_t *p, const char *name);
/* The platform as JSON for a trace header (the source, or one written from the description). */
json_t *hw_platform_json(const hw_platform_t *p);
/* Kind from a /dev/dma_heap node name (host/platform/kind.ts inferKind), or 0. */
uint32_t hw_heap_kind_infer(const char *name);
/* "system", "cma", ... for a HW_HEAP_KIND_*, or NULL. */
const char *hw_heap_kind_name(uint32_t kind);
uint32_t hw_heap_kind_from_name(const char *name);
/* The platform blob handed to hw_init (host/platform/encode.ts). *out is malloc'd. */
hw_status_t hw_platform_encode(const hw_platform_t *p, uint8_t **out, size_t *len, hw_error_t **error);



/* From parsed platform JSON; `doc` names it in messages. */
hw_status_t hw_platform_from_json(json_t *root, hw_input_doc doc, hw_platform_t **out, hw_error_t **error);
#endif
