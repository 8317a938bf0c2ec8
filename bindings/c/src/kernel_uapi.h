/* The uAPI calls shared by the exported shim (heapwise_kernel.h) and the kernel backend. */
#ifndef HW_KERNEL_UAPI_H
#define HW_KERNEL_UAPI_H

#include <stdint.h>

/* UDMABUF_CREATE through an already open /dev/udmabuf: a sealed memfd of size bytes. */
int hw_kernel_udmabuf_create(int dev_fd, uint64_t size);
/* Verify (when verify_stamp >= 0 as a stamp, -1 = skip) then write (write_stamp >= 0) one mapping. */
int hw_kernel_cpu_touch(int buf_fd, uint64_t size, int prot_write, int64_t verify_stamp, int64_t write_stamp);

#endif
