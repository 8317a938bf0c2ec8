/* Streaming the records of a binary trace (docs/trace.md "Binary traces", host/trace/binary-cursor.ts):
 * one block in memory at a time, its CRC-32 checked before any of its records is seen, the
 * format's order rules and image lengths checked on every record. Every fault is HW_ERR_INPUT
 * naming the file, the byte offset and the record index. */
#ifndef HW_TRACE_BINARY_CURSOR_H
#define HW_TRACE_BINARY_CURSOR_H

#include <stdio.h>

#include "heapwise.h"
#include "trace_binary.h"
#include "trace_read.h"

typedef struct hw_bin_cursor {
  const char *path;
  FILE *f;
  hw_error_t **error;
  uint8_t *buf; /* the current block's records */
  size_t cap, block_len, pos;
  uint64_t block_at; /* file offset of buf[0] */
  /* The current record: its type, payload, 1-based index, file offset. */
  uint32_t type, len, index;
  uint32_t version; /* the file's format version: 2 records manifests */
  const uint8_t *p;
  uint64_t record_at;
  /* Order rules (as for JSON Lines); the platform's counts once the header is read (platform_known). */
  hw_trace_order order;
  int ended, platform_known;
  size_t heaps, devices;
} hw_bin_cursor;

/* Opens `path` and checks the magic and version. On failure the cursor is closed. */
hw_status_t hw_bin_cursor_open(hw_bin_cursor *c, const char *path, hw_error_t **error);
/* Moves to the next record; *more = 0 after the end record (once the file is known to end). */
hw_status_t hw_bin_cursor_next(hw_bin_cursor *c, int *more);
void hw_bin_cursor_close(hw_bin_cursor *c);
/* HW_ERR_INPUT about the current record: "FILE at byte N (record K): TYPE record: detail". */
hw_status_t hw_bin_fault(hw_bin_cursor *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Fields of the current record's payload read in order, each bounded by it: a field cut short is
 * a fault naming the field, never a read past the record. */
typedef struct hw_bin_fields {
  hw_bin_cursor *c;
  const uint8_t *p, *end;
} hw_bin_fields;

static inline hw_bin_fields hw_bin_fields_of(hw_bin_cursor *c) { return (hw_bin_fields){c, c->p, c->p + c->len}; }
hw_status_t hw_bin_u8(hw_bin_fields *f, const char *what, uint32_t *v);
hw_status_t hw_bin_u32(hw_bin_fields *f, const char *what, uint32_t *v);
hw_status_t hw_bin_u64(hw_bin_fields *f, const char *what, uint64_t *v);
/* A str: *s points into the block (not NUL-terminated), *n bytes. */
hw_status_t hw_bin_str(hw_bin_fields *f, const char *what, const uint8_t **s, uint32_t *n);
/* A str?: *present 0 for null. */
hw_status_t hw_bin_opt(hw_bin_fields *f, const char *what, int *present, const uint8_t **s, uint32_t *n);
/* Nothing left in the record. */
hw_status_t hw_bin_done(hw_bin_fields *f);

#endif
