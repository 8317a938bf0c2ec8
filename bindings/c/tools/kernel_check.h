/* Whether this machine can run a platform on the kernel backend, checked before a session
 * starts with the rules and words of the Node host (host/backend/availability.ts): without the
 * nodes every allocation fails and a session of nothing but failures would pass for a run. */
#ifndef HW_TOOLS_KERNEL_CHECK_H
#define HW_TOOLS_KERNEL_CHECK_H

#include <stddef.h>

#include <jansson.h>

/* Where device nodes live: /dev, or $HEAPWISE_C_DEV_DIR (for the tests of these rules only;
 * the library itself always opens /dev). */
const char *hw_dev_dir(void);

/* NULL when every heap of `platform` (a platform JSON object, already validated) has a node
 * under dev_dir that this user may open (<dev_dir>/dma_heap/<name>, <dev_dir>/udmabuf for
 * udmabuf heaps); else why not, in `why`. */
const char *hw_kernel_refusal(const json_t *platform, const char *dev_dir, char *why, size_t cap);

#endif
