/* The one interface the engine knows a backend by (host/backend/backend.ts): the model and
 * the real kernel both implement it. Results are 0 or a positive errno. */
#ifndef HW_BACKEND_H
#define HW_BACKEND_H

#include <stddef.h>
#include <stdint.h>

typedef struct hw_backend_heap {
  const char *name; /* /dev/dma_heap node name */
  uint32_t kind;    /* HW_HEAP_KIND_* */
  uint64_t size;    /* capacity, 0 = unbounded (the model's ENOMEM point) */
  int cpu_access;
} hw_backend_heap;

typedef struct hw_backend hw_backend;

typedef struct hw_backend_ops {
  const char *kind; /* "model" or "kernel", as trace headers name it */
  int (*alloc)(hw_backend *b, const hw_backend_heap *heap, uint64_t len, uint32_t fd_flags, uint64_t heap_flags, int *fd);
  int (*sync)(hw_backend *b, int fd, uint64_t flags);
  int (*set_name)(hw_backend *b, int fd, const char *name, size_t len);
  /* A whole CPU access between a START and an END: write or verify the pattern of `stamp`. */
  int (*cpu_access)(hw_backend *b, int fd, uint64_t size, uint32_t access, uint32_t stamp);
  /* CPU mapping for hw_engine_cpu_map; unmap at cpu_end. */
  int (*map)(hw_backend *b, int fd, uint64_t size, uint32_t access, void **addr);
  void (*unmap)(hw_backend *b, int fd, void *addr, uint64_t size);
  /* A duplicate the caller owns (export), or -1 with 0 when there is no kernel object. */
  int (*dup)(hw_backend *b, int fd, int *out);
  int (*close)(hw_backend *b, int fd);
  uint64_t (*usage)(hw_backend *b, const hw_backend_heap *heap);
  void (*destroy)(hw_backend *b);
} hw_backend_ops;

struct hw_backend {
  const hw_backend_ops *ops;
};

hw_backend *hw_backend_model_new(void);
hw_backend *hw_backend_kernel_new(void);

/* The pattern a CPU access writes and verifies (host/kernel/pattern.ts); stamp 0 = all zero. */
void hw_pattern_write(uint8_t *bytes, size_t n, uint32_t stamp);
/* Index of the first byte that differs, or -1. */
long hw_pattern_mismatch(const uint8_t *bytes, size_t n, uint32_t stamp);

#endif
