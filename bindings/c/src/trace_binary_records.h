/* The fields of binary trace records, read from the cursor's current record (docs/trace.md
 * "Binary traces", host/trace/binary-lines.ts and binary-images.ts). Strings point into the
 * cursor's block: valid until the next record. */
#ifndef HW_TRACE_BINARY_RECORDS_H
#define HW_TRACE_BINARY_RECORDS_H

#include "outcome.h"
#include "trace_binary_cursor.h"

typedef struct hw_bin_str_t {
  const uint8_t *s;
  uint32_t n;
  int present; /* for str?: 0 = null */
} hw_bin_str_t;

typedef struct hw_bin_policy {
  hw_bin_str_t name, version, sha256, path;
  hw_bin_str_t manifest; /* its JSON text; version 1: not recorded (present 0, recorded 0) */
  int recorded;          /* the file records manifests (version 2) */
} hw_bin_policy;

typedef struct hw_bin_header {
  hw_bin_str_t host, backend, platform;
  hw_bin_policy policy;
  uint32_t fuel, op_cap, log;
} hw_bin_header;

hw_status_t hw_bin_read_header(hw_bin_cursor *c, hw_bin_header *h);
/* A call or result record, checked field by field (replay does not use their contents). */
hw_status_t hw_bin_check_call(hw_bin_cursor *c);
hw_status_t hw_bin_check_result(hw_bin_cursor *c);
hw_status_t hw_bin_read_fault(hw_bin_cursor *c, hw_bin_str_t *kind, hw_bin_str_t *message);
hw_status_t hw_bin_read_swap(hw_bin_cursor *c, hw_bin_str_t *reason, hw_bin_policy *policy);
hw_status_t hw_bin_read_log(hw_bin_cursor *c, uint32_t *fd, hw_bin_str_t *text);
/* The answer image decoded as hw_outcome_read would decode it from an output region, without
 * validating the ops (they were valid when recorded): a SET_NAME's name must lie within the
 * recorded string bytes and be UTF-8. */
hw_status_t hw_bin_read_answer(hw_bin_cursor *c, hw_outcome *out);

/* The answer image (after the u32 i) of the current answer record, and its length. */
static inline const uint8_t *hw_bin_answer_image(const hw_bin_cursor *c, uint32_t *len) {
  *len = c->len - HW_BIN_ANSWER_PREFIX;
  return c->p + HW_BIN_ANSWER_PREFIX;
}

#endif
