/* The backend that executes on the real kernel (host/backend/kernel.ts): DMA_HEAP_IOCTL_ALLOC on
 * /dev/dma_heap/<name> (heap fds opened once and cached), UDMABUF_CREATE for udmabuf heaps,
 * DMA_BUF_IOCTL_SYNC, DMA_BUF_SET_NAME_B, mmap for CPU access. It owns every buffer fd it hands
 * out and never touches an fd it does not own (EBADF). */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backend.h"
#include "heapwise_abi.h"
#include "heapwise_kernel.h"
#include "kernel_uapi.h"

#define PAGE 4096ull

typedef struct kbuf {
  int fd;
  char *heap;
  uint64_t size;
  uint32_t last_stamp; /* 0: never written, the kernel's zero fill */
} kbuf;

typedef struct kheap {
  char *name; /* NULL for the /dev/udmabuf device */
  int fd;
} kheap;

typedef struct kernel {
  hw_backend base;
  kbuf *bufs;
  size_t nbufs;
  kheap *heaps;
  size_t nheaps;
  struct { char *name; uint64_t used; } *usage;
  size_t nusage;
} kernel;

static kbuf *find(kernel *k, int fd) {
  for (size_t i = 0; i < k->nbufs; i++) if (k->bufs[i].fd == fd) return &k->bufs[i];
  return NULL;
}

static uint64_t *usage_slot(kernel *k, const char *heap) {
  for (size_t i = 0; i < k->nusage; i++) if (!strcmp(k->usage[i].name, heap)) return &k->usage[i].used;
  void *u = realloc(k->usage, (k->nusage + 1) * sizeof *k->usage);
  if (!u) return NULL;
  k->usage = u;
  if (!(k->usage[k->nusage].name = strdup(heap))) return NULL;
  k->usage[k->nusage].used = 0;
  return &k->usage[k->nusage++].used;
}

/* The allocator device of a heap, opened at first use and kept. */
static int device_fd(kernel *k, const hw_backend_heap *heap, int *out) {
  int udmabuf = heap->kind == HW_HEAP_KIND_UDMABUF;
  for (size_t i = 0; i < k->nheaps; i++) {
    if (udmabuf ? k->heaps[i].name == NULL : (k->heaps[i].name && !strcmp(k->heaps[i].name, heap->name))) {
      *out = k->heaps[i].fd;
      return 0;
    }
  }
  int fd = udmabuf ? open("/dev/udmabuf", O_RDWR | O_CLOEXEC) : hw_kernel_open_heap(heap->name);
  if (fd < 0) return udmabuf ? errno : -fd;
  kheap *h = realloc(k->heaps, (k->nheaps + 1) * sizeof *h);
  if (!h) {
    close(fd);
    return ENOMEM;
  }
  k->heaps = h;
  h[k->nheaps].name = udmabuf ? NULL : strdup(heap->name);
  if (!udmabuf && !h[k->nheaps].name) {
    close(fd);
    return ENOMEM;
  }
  h[k->nheaps++].fd = fd;
  *out = fd;
  return 0;
}

static int kernel_alloc(hw_backend *b, const hw_backend_heap *heap, uint64_t len, uint32_t fd_flags, uint64_t heap_flags, int *out) {
  kernel *k = (kernel *)b;
  int dev = -1, e;
  if ((e = device_fd(k, heap, &dev)) != 0) return e;
  kbuf *nb = realloc(k->bufs, (k->nbufs + 1) * sizeof *nb);
  if (!nb) return ENOMEM;
  k->bufs = nb;
  uint64_t size;
  int fd;
  if (heap->kind == HW_HEAP_KIND_UDMABUF) {
    /* udmabuf has no fd or heap flags: the heap ioctl's rules for them apply here too. */
    if (heap_flags != 0 || (fd_flags & ~(uint32_t)(O_CLOEXEC | 3))) return EINVAL;
    fd = hw_kernel_udmabuf_create(dev, len);
    size = len;
  } else {
    fd = hw_kernel_heap_alloc(dev, len, fd_flags, heap_flags);
    size = (len + PAGE - 1) / PAGE * PAGE;
  }
  if (fd < 0) return -fd;
  char *name = strdup(heap->name);
  uint64_t *used = usage_slot(k, heap->name);
  if (!name || !used) {
    free(name);
    close(fd);
    return ENOMEM;
  }
  k->bufs[k->nbufs++] = (kbuf){fd, name, size, 0};
  *used += size;
  *out = fd;
  return 0;
}

static int kernel_sync(hw_backend *b, int fd, uint64_t flags) {
  if (!find((kernel *)b, fd)) return EBADF;
  return -hw_kernel_sync(fd, flags);
}

static int kernel_set_name(hw_backend *b, int fd, const char *name, size_t len) {
  (void)len;
  if (!find((kernel *)b, fd)) return EBADF;
  return -hw_kernel_set_name(fd, name);
}

static int kernel_cpu_access(hw_backend *b, int fd, uint64_t size, uint32_t access, uint32_t stamp) {
  kbuf *kb = find((kernel *)b, fd);
  if (!kb) return EBADF;
  int rc = hw_kernel_cpu_touch(fd, size, (access & 2) != 0, (access & 1) ? (int64_t)kb->last_stamp : -1, (access & 2) ? (int64_t)stamp : -1);
  if (rc < 0) return -rc;
  if (access & 2) kb->last_stamp = stamp;
  return 0;
}

static int kernel_map(hw_backend *b, int fd, uint64_t size, uint32_t access, void **addr) {
  if (!find((kernel *)b, fd)) return EBADF;
  void *p = mmap(NULL, (size_t)size, PROT_READ | ((access & 2) ? PROT_WRITE : 0), MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) return errno;
  *addr = p;
  return 0;
}

static void kernel_unmap(hw_backend *b, int fd, void *addr, uint64_t size) {
  (void)b, (void)fd;
  munmap(addr, (size_t)size);
}

static int kernel_dup(hw_backend *b, int fd, int *out) {
  if (!find((kernel *)b, fd)) return EBADF;
  int d = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (d < 0) return errno;
  *out = d;
  return 0;
}

static int kernel_close(hw_backend *b, int fd) {
  kernel *k = (kernel *)b;
  kbuf *kb = find(k, fd);
  if (!kb) return EBADF;
  uint64_t *used = usage_slot(k, kb->heap);
  if (used) *used -= kb->size;
  free(kb->heap);
  *kb = k->bufs[--k->nbufs];
  /* close(2) releases the fd even when it reports an error: never retry it. */
  return -hw_kernel_close(fd);
}

static uint64_t kernel_usage(hw_backend *b, const hw_backend_heap *heap) {
  kernel *k = (kernel *)b;
  for (size_t i = 0; i < k->nusage; i++) if (!strcmp(k->usage[i].name, heap->name)) return k->usage[i].used;
  return 0;
}

static void kernel_destroy(hw_backend *b) {
  kernel *k = (kernel *)b;
  while (k->nbufs) kernel_close(b, k->bufs[0].fd);
  for (size_t i = 0; i < k->nheaps; i++) {
    close(k->heaps[i].fd);
    free(k->heaps[i].name);
  }
  for (size_t i = 0; i < k->nusage; i++) free(k->usage[i].name);
  free(k->bufs);
  free(k->heaps);
  free(k->usage);
  free(k);
}

static const hw_backend_ops KERNEL_OPS = {
    "kernel", kernel_alloc, kernel_sync, kernel_set_name, kernel_cpu_access, kernel_map, kernel_unmap, kernel_dup, kernel_close, kernel_usage, kernel_destroy,
};

hw_backend *hw_backend_kernel_new(void) {
  kernel *k = calloc(1, sizeof *k);
  if (!k) return NULL;
  k->base.ops = &KERNEL_OPS;
  return &k->base;
}
