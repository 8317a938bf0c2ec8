/* A loaded policy (built-in image or dlopen'ed .so) and its running instances. */
#ifndef HW_POLICY_INSTANCE_H
#define HW_POLICY_INSTANCE_H

#include <stdatomic.h>

#include "heapwise.h"
#include "log_sink.h"
#include "manifest.h"
#include "policy_image.h"
#include "text.h"

/* Fuel units per call when neither the caller nor a manifest says (host/module/fuel.ts). */
#define HW_DEFAULT_FUEL 10000000u

struct hw_policy {
  atomic_int refs;
  void *dl; /* dlopen handle, NULL for a built-in */
  const hw_policy_image *image;
  char *path;  /* NULL for a built-in */
  char *label; /* how messages name the module: the path, or "builtin:<name>" */
  char *name, *version, *sha256;
  uint32_t abi;
  uint64_t memory_cap;
  uint32_t fuel;         /* budget per call */
  int log;               /* the log capability was granted */
  hw_manifest *manifest; /* enforced, or NULL */
};

hw_policy_t *hw_policy_ref(const hw_policy_t *p);
void hw_policy_unref(hw_policy_t *p);

/* A fault while the module answered: kind as the trace writes it, and the full message. */
typedef struct hw_fault {
  const char *kind; /* "trap", "abort", "status", "invalid-op", "fuel" */
  hw_text message;
} hw_fault;

typedef struct hw_instance {
  hw_policy_t *policy; /* reference */
  hw_guest *guest;
  uint32_t input, output;
  uint32_t fuel;   /* budget set before every call */
  char *poisoned;  /* after a trap, abort or exhausted budget the instance is unusable */
  char *name, *version;
  uint32_t abi;
  hw_log_sink log; /* lines of the last call (debug builds with the log capability) */
} hw_instance;

/* Instantiates and runs the load-time sequence of host/module/instance.ts under the budget:
 * hw_start, _initialize, the ABI major first, identity (and the manifest's), regions.
 * fuel 0: the policy's budget (replay passes the trace's). */
hw_status_t hw_instance_new(hw_policy_t *policy, uint32_t fuel, hw_instance **out, hw_error_t **error);
void hw_instance_delete(hw_instance *inst);
/* Current memory (moves when the module grows it). */
uint8_t *hw_instance_memory(hw_instance *inst, uint64_t *size);
/* hw_init with the blob copied to the input region / hw_event on `len` input bytes the caller
 * wrote. HW_ERR_POLICY_FAULT with *fault filled on a trap, abort, exhausted budget or bad
 * status. The call's log lines are in inst->log afterwards, even on a fault. */
hw_status_t hw_instance_init(hw_instance *inst, const uint8_t *blob, size_t len, hw_fault *fault);
hw_status_t hw_instance_event(hw_instance *inst, uint32_t len, hw_fault *fault);
/* Fuel units the last call spent. */
uint32_t hw_instance_fuel_spent(hw_instance *inst);
/* Message of a trap code, in V8's words where the Node host would show them. */
const char *hw_trap_text(int code);

#endif
