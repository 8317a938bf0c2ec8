/* One placement decision in the C host the way libheapwise makes it (bindings/c/src/engine_ask.c
 * ask() and outcome.c, step for step): encode the event into the module's input region, call
 * hw_event under the image lock and the trap guard, read the answer and validate every op, then
 * take the chosen heap, fallbacks and rejections out of the explanations. The policy is the
 * wasm2c image `make -C bindings/c` generates (build/default/policy.c), built with the library's
 * flags. libheapwise has no public single-decision call: the steps are composed here, reading the
 * answer with the library's own hw_outcome_read and mirroring only the PLACE validation. */
#ifndef BENCH_WASM_DECISION_H
#define BENCH_WASM_DECISION_H

#include "default_policy.h"

typedef struct wd_policy wd_policy;

/* A fresh instance of the built-in default policy; NULL on failure. */
wd_policy *wd_policy_new(void);
void wd_policy_delete(wd_policy *w);
/* hw_init with an ABI platform blob; 0 on success. */
int wd_policy_init(wd_policy *w, const uint8_t *blob, size_t len);

/* The buffer a PLACE event describes, as the C engine keeps it (hw_buffer). */
typedef struct wd_buffer {
  uint32_t id, cpu, flags;
  uint64_t requested, devices;
  uint8_t name[HW_NAME_CAPACITY]; /* zero past name_len, as hw_buffer keeps it */
  size_t name_len;
  uint8_t state[32];
} wd_buffer;

/* Decodes an encoded PLACE event (as the Node host writes it) into a buffer. */
void wd_buffer_from_event(const uint8_t *event, wd_buffer *b);

/* Decides; 0 on success, -1 when the module faulted or an op failed validation. */
int wd_decide(wd_policy *w, const np_platform *p, const wd_buffer *b, np_decision *out);

/* The steps of wd_decide, for the breakdown: encode (returns the length for hw_event), call under
 * the lock and the guard with the fuel set, read and validate the answer into a decision. */
uint32_t wd_encode(wd_policy *w, const np_platform *p, const wd_buffer *b);
int wd_call(wd_policy *w, uint32_t len);
int wd_read(wd_policy *w, const np_platform *p, const wd_buffer *b, np_decision *out);
/* hw_fuel_set + hw_event with no lock and no trap guard (unsafe: a trap would longjmp nowhere). */
uint32_t wd_call_bare(wd_policy *w, uint32_t len);

#endif
