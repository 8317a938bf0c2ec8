/* A deterministic, in-process model of the DMA-BUF heap uAPI (port of host/backend/model.ts):
 * same errnos, fds numbered from 3, lowest free first, capacity per heap name. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "heapwise_abi.h"

#define FIRST_FD 3
#define PAGE 4096ull
#define FD_FLAGS_VALID (02000000 | 3) /* O_CLOEXEC | O_ACCMODE */
#define NAME_MAX_BYTES 32             /* DMA_BUF_NAME_LEN, NUL included */

typedef struct model_buffer {
  int used;
  char *heap;
  uint64_t size;
  /* O_ACCMODE of the fd: mmap needs read access (O_WRONLY maps nothing), PROT_WRITE needs
   * O_RDWR; UDMABUF_CREATE always gives O_RDWR. */
  int mode;
  /* udmabuf builds its sg table at the first begin_cpu_access; an END before that is EINVAL. */
  int udmabuf;
  int sg_table;
  char name[NAME_MAX_BYTES];
  /* Host memory standing in for the pages, allocated at the first CPU mapping. */
  uint8_t *pages;
} model_buffer;

typedef struct heap_usage {
  char *name;
  uint64_t used;
} heap_usage;

typedef struct model {
  hw_backend base;
  model_buffer *fds; /* index fd - FIRST_FD */
  size_t nfds;
  heap_usage *usage;
  size_t nusage;
} model;

static model_buffer *lookup(model *m, int fd) {
  if (fd < FIRST_FD || (size_t)(fd - FIRST_FD) >= m->nfds || !m->fds[fd - FIRST_FD].used) return NULL;
  return &m->fds[fd - FIRST_FD];
}

static uint64_t *usage_slot(model *m, const char *heap) {
  for (size_t i = 0; i < m->nusage; i++) if (!strcmp(m->usage[i].name, heap)) return &m->usage[i].used;
  heap_usage *u = realloc(m->usage, (m->nusage + 1) * sizeof *u);
  if (!u) return NULL;
  m->usage = u;
  if (!(u[m->nusage].name = strdup(heap))) return NULL;
  u[m->nusage].used = 0;
  return &m->usage[m->nusage++].used;
}

static int model_alloc(hw_backend *b, const hw_backend_heap *heap, uint64_t len, uint32_t fd_flags, uint64_t heap_flags, int *fd) {
  model *m = (model *)b;
  if (fd_flags & ~(uint32_t)FD_FLAGS_VALID) return EINVAL;
  if (heap_flags != 0) return EINVAL;
  uint64_t size;
  if (heap->kind == HW_HEAP_KIND_UDMABUF) {
    /* udmabuf wants a page-aligned, non-empty size of a sealed memfd. */
    if (len == 0 || len % PAGE) return EINVAL;
    size = len;
  } else {
    if (len > UINT64_MAX - (PAGE - 1)) return EINVAL; /* rounds past u64 */
    size = (len + PAGE - 1) / PAGE * PAGE;
    if (size == 0) return EINVAL;
  }
  uint64_t *used = usage_slot(m, heap->name);
  if (!used) return ENOMEM;
  if (heap->size > 0 && (*used + size < *used || *used + size > heap->size)) return ENOMEM;
  size_t slot = 0;
  while (slot < m->nfds && m->fds[slot].used) slot++;
  if (slot == m->nfds) {
    model_buffer *f = realloc(m->fds, (m->nfds + 1) * sizeof *f);
    if (!f) return ENOMEM;
    m->fds = f;
    m->nfds++;
  }
  model_buffer *mb = &m->fds[slot];
  memset(mb, 0, sizeof *mb);
  if (!(mb->heap = strdup(heap->name))) return ENOMEM;
  mb->used = 1;
  mb->size = size;
  mb->udmabuf = heap->kind == HW_HEAP_KIND_UDMABUF;
  mb->mode = mb->udmabuf ? 2 : (int)(fd_flags & 3);
  *used += size;
  *fd = (int)slot + FIRST_FD;
  return 0;
}

static int model_sync(hw_backend *b, int fd, uint64_t flags) {
  model_buffer *mb = lookup((model *)b, fd);
  if (!mb) return EBADF;
  if (flags & ~7ull) return EINVAL;
  if ((flags & 3) == 0) return EINVAL;
  /* Measured on 6.12 (test/kernel/guest/cases-differential.ts). */
  if (mb->udmabuf) {
    if (!(flags & 4)) mb->sg_table = 1;
    else if (!mb->sg_table) return EINVAL;
  }
  return 0;
}

static int model_set_name(hw_backend *b, int fd, const char *name, size_t len) {
  model_buffer *mb = lookup((model *)b, fd);
  if (!mb) return EBADF;
  if (len + 1 > NAME_MAX_BYTES) return EINVAL;
  memcpy(mb->name, name, len);
  mb->name[len] = 0;
  return 0;
}

static int model_cpu_access(hw_backend *b, int fd, uint64_t size, uint32_t access, uint32_t stamp) {
  (void)size;
  (void)stamp;
  model_buffer *mb = lookup((model *)b, fd);
  if (!mb) return EBADF;
  if (mb->mode == 1) return EACCES;
  if ((access & 2) && mb->mode != 2) return EACCES;
  return 0;
}

static int model_map(hw_backend *b, int fd, uint64_t size, uint32_t access, void **addr) {
  model_buffer *mb = lookup((model *)b, fd);
  if (!mb) return EBADF;
  if (mb->mode == 1) return EACCES;
  if ((access & 2) && mb->mode != 2) return EACCES;
  if (size > mb->size) return EINVAL;
  if (!mb->pages && !(mb->pages = calloc(1, mb->size))) return ENOMEM;
  *addr = mb->pages;
  return 0;
}

static void model_unmap(hw_backend *b, int fd, void *addr, uint64_t size) {
  (void)b, (void)fd, (void)addr, (void)size; /* pages stay: contents persist like real memory */
}

static int model_dup(hw_backend *b, int fd, int *out) {
  if (!lookup((model *)b, fd)) return EBADF;
  *out = -1; /* no kernel object behind a model fd */
  return 0;
}

static int model_close(hw_backend *b, int fd) {
  model *m = (model *)b;
  model_buffer *mb = lookup(m, fd);
  if (!mb) return EBADF;
  uint64_t *used = usage_slot(m, mb->heap);
  if (used) *used -= mb->size;
  free(mb->heap);
  free(mb->pages);
  memset(mb, 0, sizeof *mb);
  return 0;
}

static uint64_t model_usage(hw_backend *b, const hw_backend_heap *heap) {
  model *m = (model *)b;
  for (size_t i = 0; i < m->nusage; i++) if (!strcmp(m->usage[i].name, heap->name)) return m->usage[i].used;
  return 0;
}

static void model_destroy(hw_backend *b) {
  model *m = (model *)b;
  for (size_t i = 0; i < m->nfds; i++) {
    free(m->fds[i].heap);
    free(m->fds[i].pages);
  }
  for (size_t i = 0; i < m->nusage; i++) free(m->usage[i].name);
  free(m->fds);
  free(m->usage);
  free(m);
}

static const hw_backend_ops MODEL_OPS = {
    "model", model_alloc, model_sync, model_set_name, model_cpu_access, model_map, model_unmap, model_dup, model_close, model_usage, model_destroy,
};

hw_backend *hw_backend_model_new(void) {
  model *m = calloc(1, sizeof *m);
  if (!m) return NULL;
  m->base.ops = &MODEL_OPS;
  return &m->base;
}
