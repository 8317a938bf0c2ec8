/* What a module answered (ops, explanations, new BufferState) and the validation of every op
 * before anything executes (host/engine/outcome.ts). */
#ifndef HW_OUTCOME_H
#define HW_OUTCOME_H

#include "heapwise.h"
#include "platform.h"
#include "text.h"

typedef struct hw_op_rec {
  uint32_t kind, buf, heap, arg;
  uint64_t value;
  int has_name;               /* SET_NAME: decoded name */
  char name[HW_NAME_CAPACITY]; /* arg < NAME_CAPACITY once validated; NUL-terminated */
  uint32_t name_len;
} hw_op_rec;

typedef struct hw_outcome {
  uint32_t op_count, explain_count;
  hw_op_rec ops[HW_MAX_OPS];
  /* explain_count entries: in place in the answer read (for hw_outcome_read the module's output
   * region, valid until the next call into the instance) when suitably aligned, else in
   * explain_copy. Unvalidated: every reader checks the fields it uses (decision.c). */
  const hw_explain *explains;
  hw_explain explain_copy[HW_MAX_EXPLAIN];
  uint8_t state[sizeof(hw_buffer_state)];
} hw_outcome;

/* Reads the output region at `output` (in bounds: checked at load). On a refusal returns
 * HW_ERR_POLICY_FAULT with the reason (without the module label) in *why. */
hw_status_t hw_outcome_read(const uint8_t *mem, uint32_t output, uint32_t op_cap, hw_outcome *out, hw_text *why);

typedef struct hw_op_context {
  uint32_t event_kind, buf;
  uint64_t failed_heaps;
  int placed;
  const hw_platform_t *platform;
  uint64_t requested, devices;
  int request_protected;
} hw_op_context;

/* PLACE: exactly one ALLOC or FAIL first, then at most one SET_NAME; other events: SYNCs only,
 * on a placed buffer. Also refuses an ALLOC of 0 bytes (the engine's check). */
hw_status_t hw_ops_validate(const hw_outcome *out, const hw_op_context *c, hw_text *why);

/* Size rounding identical to the guest SDK (host/engine/rounding.ts): up to a page, the largest
 * device alignment and the heap's granule; 0 when it overflows 64 bits. */
uint64_t hw_rounded_size(const hw_platform_t *p, uint64_t size, uint64_t devices, uint32_t heap);

/* Names from the ABI, NULL when unknown. */
const char *hw_event_kind_name(uint32_t kind);
const char *hw_op_kind_name(uint32_t kind);
const char *hw_reason_name(uint32_t code);
/* Strict UTF-8 (what TextDecoder's fatal mode accepts). */
int hw_utf8_valid(const uint8_t *s, size_t n);

#endif
