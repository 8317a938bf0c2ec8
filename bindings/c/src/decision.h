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
  const char *heap; /* the platform's name of the heap (platform outlives the decision); NULL when nothing fit */
  uint64_t size;
  uint32_t fd_flags;
  char *name;
  hw_decision_entry *attempts;
  size_t attempt_count;
  const char *policy_name, *policy_version, *policy_sha256; /* in the decision's own block */
  /* What the texts are built from on their first read (decision.c): the answer's explanations,
   * the engine's platform (it outlives the buffers that hold decisions) and the request. A
   * placement builds no sentence nobody reads: they were most of an allocation's time. */
  const hw_platform_t *platform;
  hw_explain *explains; /* in the decision's own block */
  uint32_t explain_count;
  uint64_t requested, devices;
  int no_fit;           /* the answer was FAIL: no ranking, no fallbacks */
  uint32_t fail_reason; /* its Reason, for the failure text when no explanation gives one */
  int built;            /* texts: 0 not yet, 1 built, -1 out of memory while building */
  char *failure;
  char **fallbacks;
  size_t fallback_count;
  hw_decision_entry *rejected, *ranking;
  size_t rejected_count, ranking_count;
};

/* Text of a Reason code. rounded: the request's rounded size for the heap (TOO_LARGE), or 0. */
void hw_reason_text(hw_text *t, const hw_platform_t *p, uint32_t code, uint32_t heap, uint32_t device, uint32_t detail, int has_rounded,
                    uint64_t rounded);
/* Name of an errno for messages ("ENOMEM"), else "errno N" in buf. */
const char *hw_errno_name(int e, char *buf, size_t cap);

/* A decision from a PLACE answer: keeps its explanations, from which rejected, ranking,
 * fallbacks and failure are written on first read; the caller fills heap, size, fd_flags, name
 * and attempts. `p` must outlive the decision. NULL when out of memory. */
hw_decision_t *hw_decision_from(const hw_platform_t *p, const hw_outcome *out, uint64_t requested, uint64_t devices,
                              const char *policy_name, const char *policy_version, const char *policy_sha256);
/* The answer was FAIL with `reason`: the decision keeps rejections and a failure, no ranking. */
void hw_decision_no_fit(hw_decision_t *d, uint32_t reason);
/* Appends an allocation attempt that failed with errno e. */
int hw_decision_add_attempt(hw_decision_t *d, const char *heap, int e);
void hw_decision_delete(hw_decision_t *d);

#endif
