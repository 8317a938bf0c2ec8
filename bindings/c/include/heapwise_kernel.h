/*
 * heapwise kernel shim: the raw DMA-BUF heap / dma-buf / udmabuf uAPI as stable exported
 * functions of libheapwise.so. The Deno host calls exactly these through Deno.dlopen, so the
 * signatures never change within ABI 1. Every function returns >= 0 on success or -errno;
 * none keeps state, all are thread-safe, and a returned fd belongs to the caller (O_CLOEXEC).
 */
#ifndef HEAPWISE_KERNEL_H
#define HEAPWISE_KERNEL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define HW_KERNEL_API __attribute__((visibility("default")))
#else
#define HW_KERNEL_API
#endif

/* fd of /dev/dma_heap/<name>, opened O_RDWR|O_CLOEXEC. -EINVAL for a name with '/' or "..". */
HW_KERNEL_API int hw_kernel_open_heap(const char *name);
/* DMA_HEAP_IOCTL_ALLOC: a dma-buf fd of len bytes (the kernel rounds up to a page). */
HW_KERNEL_API int hw_kernel_heap_alloc(int heap_fd, uint64_t len, uint32_t fd_flags, uint64_t heap_flags);
/* DMA_BUF_IOCTL_SYNC with struct dma_buf_sync.flags; retried on EINTR/EAGAIN. 0 on success. */
HW_KERNEL_API int hw_kernel_sync(int buf_fd, uint64_t flags);
/* DMA_BUF_SET_NAME_B (the u64 variant, same on 32- and 64-bit). 0 on success. */
HW_KERNEL_API int hw_kernel_set_name(int buf_fd, const char *name);
/* A dma-buf of size bytes from a fresh memfd sealed F_SEAL_SHRINK, through /dev/udmabuf
 * UDMABUF_CREATE (size must be a non-zero page multiple). The memfd is closed again. */
HW_KERNEL_API int hw_kernel_udmabuf_alloc(uint64_t size);
/* mmap the first size bytes MAP_SHARED, then write (access & 2) and/or verify (access & 1) the
 * pattern derived from stamp (host/kernel/pattern.ts; verify runs first, stamp 0 = all zero),
 * munmap. 0, -EBADMSG on a mismatch, or the mmap errno. */
HW_KERNEL_API int hw_kernel_cpu_access(int buf_fd, uint64_t size, uint32_t access, uint32_t stamp);
/* close(2). 0 on success. */
HW_KERNEL_API int hw_kernel_close(int fd);

#ifdef __cplusplus
}
#endif

#endif /* HEAPWISE_KERNEL_H */
