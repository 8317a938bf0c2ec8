/* The decision of a PLACE answer (host/engine/decision.ts) and the sentences behind it
 * (host/engine/reason-text.ts). */
#ifndef HW_DECISION_H
#define HW_DECISION_H

#include "heapwise.h"
#include "outcome.h"
#include "platform.h"

typedef struct hw_decision_entry {
  char *heap, *device, *reason; /* device may be NULL */
  const char *code;             /* static name, or NULL: then code_buf holds it */
  char code_buf[16];
  int errno_value;
} hw_decision_entry;

struct hw_decision {
  char *heap; /* NULL when nothing fit */
  uint64_t size;
  uint32_t fd_flags;
  char *name;
  char *failure;
  char **fallbacks;
  size_t fallback_count;
  hw_decision_entry *rejected, *ranking, *attempts;
  size_t rejected_count, ranking_count, attempt_count;
  char *policy_name, *policy_version, *policy_sha256;
};

/* Text of a Reason code. rounded: the request's rounded size for the heap (TOO_LARGE), or 0. */
void hw_reason_text(hw_text *t, const hw_platform_t *p, uint32_t code, uint32_t heap, uint32_t device, uint32_t detail, int has_rounded,
                    uint64_t rounded);
/* Name of an errno for messages ("ENOMEM"), else "errno N" in buf. */
const char *hw_errno_name(int e, char *buf, size_t cap);

/* Builds a decision from a PLACE answer's explanations (rejected, ranking, fallbacks, failure);
 * the caller fills heap, size, fd_flags, name and attempts. NULL when out of memory. */
hw_decision_t *hw_decision_from(const hw_platform_t *p, const hw_outcome *out, uint64_t requested, uint64_t devices,
                              const char *policy_name, const char *policy_version, const char *policy_sha256);
/* Appends an allocation attempt that failed with errno e. */
int hw_decision_add_attempt(hw_decision_t *d, const char *heap, int e);
void hw_decision_delete(hw_decision_t *d);

#endif
