/* A loaded policy (built-in image or dlopen'ed .so) and its running instances. */
#ifndef HW_POLICY_INSTANCE_H
#define HW_POLICY_INSTANCE_H

#include <stdatomic.h>

#include "heapwise.h"
#include "policy_image.h"
#include "text.h"

struct hw_policy {
  atomic_int refs;
  void *dl; /* dlopen handle, NULL for a built-in */
  const hw_policy_image *image;
  char *path;  /* NULL for a built-in */
  char *label; /* how messages name the module: the path, or "builtin:<name>" */
  char *name, *version, *sha256;
  uint32_t abi;
  uint64_t memory_cap;
};

hw_policy_t *hw_policy_ref(const hw_policy_t *p);
void hw_policy_unref(hw_policy_t *p);

/* A fault while the module answered: kind as the trace writes it, and the full message. */
typedef struct hw_fault {
  const char *kind; /* "trap", "abort", "status", "invalid-op" */
  hw_text message;
} hw_fault;

typedef struct hw_instance {
  hw_policy_t *policy; /* reference */
  hw_guest *guest;
  uint32_t input, output;
  char *poisoned; /* after a trap or abort the instance is unusable */
  char *name, *version;
  uint32_t abi;
} hw_instance;

/* Instantiates and runs the load-time checks: ABI major first, identity, regions. */
hw_status_t hw_instance_new(hw_policy_t *policy, hw_instance **out, hw_error_t **error);
void hw_instance_delete(hw_instance *inst);
/* Current memory (moves when the module grows it). */
uint8_t *hw_instance_memory(hw_instance *inst, uint64_t *size);
/* hw_init with the blob copied to the input region / hw_event on `len` input bytes the caller
 * wrote. HW_ERR_POLICY_FAULT with *fault filled on a trap, abort or bad status. */
hw_status_t hw_instance_init(hw_instance *inst, const uint8_t *blob, size_t len, hw_fault *fault);
hw_status_t hw_instance_event(hw_instance *inst, uint32_t len, hw_fault *fault);
/* Message of a trap code, in V8's words where the Node host would show them. */
const char *hw_trap_text(int code);

#endif
