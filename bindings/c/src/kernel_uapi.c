/* Thin wrappers over the DMA-BUF heap, dma-buf and udmabuf ioctls: >= 0 or -errno, no state.
 * Exported for the Deno host (Deno.dlopen) with exactly the signatures of heapwise_kernel.h. */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/udmabuf.h>

#include "backend.h"
#include "heapwise_kernel.h"
#include "kernel_uapi.h"

int hw_kernel_open_heap(const char *name) {
  if (!name || !*name || strchr(name, '/') || !strcmp(name, "..") || !strcmp(name, ".")) return -EINVAL;
  char path[300];
  if (strlen(name) > 255) return -ENAMETOOLONG;
  strcpy(path, "/dev/dma_heap/");
  strcat(path, name);
  int fd = open(path, O_RDWR | O_CLOEXEC);
  return fd < 0 ? -errno : fd;
}

int hw_kernel_heap_alloc(int heap_fd, uint64_t len, uint32_t fd_flags, uint64_t heap_flags) {
  struct dma_heap_allocation_data d = {.len = len, .fd = 0, .fd_flags = fd_flags, .heap_flags = heap_flags};
  if (ioctl(heap_fd, DMA_HEAP_IOCTL_ALLOC, &d) < 0) return -errno;
  return (int)d.fd;
}

int hw_kernel_sync(int buf_fd, uint64_t flags) {
  struct dma_buf_sync s = {.flags = flags};
  int rc;
  /* A signal or a busy fence interrupts the wait; the request itself is still valid. */
  do rc = ioctl(buf_fd, DMA_BUF_IOCTL_SYNC, &s);
  while (rc < 0 && (errno == EINTR || errno == EAGAIN));
  return rc < 0 ? -errno : 0;
}

int hw_kernel_set_name(int buf_fd, const char *name) {
  if (!name) return -EFAULT;
  return ioctl(buf_fd, DMA_BUF_SET_NAME_B, name) < 0 ? -errno : 0;
}

int hw_kernel_udmabuf_create(int dev_fd, uint64_t size) {
  int memfd = memfd_create("heapwise-udmabuf", MFD_ALLOW_SEALING | MFD_CLOEXEC);
  if (memfd < 0) return -errno;
  int rc;
  /* udmabuf requires F_SEAL_SHRINK so the pages cannot vanish under a device. */
  if (ftruncate(memfd, (off_t)size) < 0 || fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK) < 0) {
    rc = -errno;
  } else {
    struct udmabuf_create c = {.memfd = (uint32_t)memfd, .flags = UDMABUF_FLAGS_CLOEXEC, .offset = 0, .size = size};
    rc = ioctl(dev_fd, UDMABUF_CREATE, &c);
    if (rc < 0) rc = -errno;
  }
  close(memfd); /* the dma-buf holds its own reference to the pages */
  return rc;
}

int hw_kernel_udmabuf_alloc(uint64_t size) {
  int dev = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);
  if (dev < 0) return -errno;
  int fd = hw_kernel_udmabuf_create(dev, size);
  close(dev);
  return fd;
}

int hw_kernel_cpu_touch(int buf_fd, uint64_t size, int prot_write, int64_t verify_stamp, int64_t write_stamp) {
  if (size == 0) return 0;
  if (size > SIZE_MAX) return -EINVAL;
  /* PROT_WRITE only when writing, so reading an O_RDONLY buffer works and writing it is EACCES. */
  void *p = mmap(NULL, (size_t)size, PROT_READ | (prot_write ? PROT_WRITE : 0), MAP_SHARED, buf_fd, 0);
  if (p == MAP_FAILED) return -errno;
  int rc = 0;
  if (verify_stamp >= 0 && hw_pattern_mismatch(p, (size_t)size, (uint32_t)verify_stamp) >= 0) rc = -EBADMSG;
  if (rc == 0 && write_stamp >= 0) hw_pattern_write(p, (size_t)size, (uint32_t)write_stamp);
  munmap(p, (size_t)size);
  return rc;
}

int hw_kernel_cpu_access(int buf_fd, uint64_t size, uint32_t access, uint32_t stamp) {
  return hw_kernel_cpu_touch(buf_fd, size, (access & 2) != 0, (access & 1) ? (int64_t)stamp : -1, (access & 2) ? (int64_t)stamp : -1);
}

int hw_kernel_close(int fd) {
  return close(fd) < 0 ? -errno : 0;
}
