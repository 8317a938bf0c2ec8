/* Trace format v1 (docs/trace.md): the text of each line, built with a fixed key order so
 * every host writes the same bytes for the same decision (host/trace/lines.ts). */
#ifndef HW_TRACE_H
#define HW_TRACE_H

#include <stdio.h>

#include <jansson.h>

#include "outcome.h"
#include "text.h"

/* What the module was handed: everything needed to replay it. */
typedef struct hw_event_record {
  uint32_t index;
  uint32_t call;
  uint32_t kind, buf, device, access;
  uint64_t size, devices, failed_heaps;
  uint32_t heap, cpu, flags, last_errno;
  const uint8_t *name;
  size_t name_len;
  const uint64_t *usage; /* PLACE only, else NULL */
  size_t usage_count;
  uint8_t state[sizeof(hw_buffer_state)];
} hw_event_record;

/* One application call on the engine. */
typedef struct hw_call_record {
  uint32_t n;
  const char *op; /* alloc, attach, device_begin, ... */
  uint32_t buf;
  /* alloc */
  uint64_t size;
  const char *const *devices;
  size_t device_count;
  uint32_t cpu;
  int protected_content, deferred;
  const char *name; /* NULL: null */
  /* attach, device_begin, device_end */
  const char *device;
  /* device_begin, cpu_begin */
  uint32_t access;
} hw_call_record;

/* limits: the fuel budget per call, the op cap and whether the log capability was granted. */
void hw_trace_header_line(hw_text *t, const char *host, const char *backend, const char *name, const char *version, const char *sha256,
                          const char *path, uint32_t fuel, uint32_t op_cap, int log, json_t *platform);
/* A line a debug build wrote while answering event i. */
void hw_trace_log_line(hw_text *t, uint32_t i, uint32_t fd, const char *text, size_t len);
/* The engine switched module before event i: "explicit" or "fault". */
void hw_trace_swap_line(hw_text *t, uint32_t i, const char *reason, const char *name, const char *version, const char *sha256, const char *path);
void hw_trace_call_line(hw_text *t, const hw_call_record *c);
void hw_trace_event_line(hw_text *t, const hw_event_record *e);
void hw_trace_answer_line(hw_text *t, uint32_t i, const hw_outcome *out);
void hw_trace_fault_line(hw_text *t, uint32_t i, const char *kind, const char *message);
/* ok: fd >= 0 adds "fd"; not ok: errno and its code. */
void hw_trace_result_line(hw_text *t, uint32_t i, uint32_t op, int ok, int fd, int err);
void hw_trace_end_line(hw_text *t, uint32_t calls, uint32_t events);
/* "none", "read", "write", "readwrite" */
const char *hw_access_name(uint32_t access);

/* A recording in progress: counts for the end line, the event whose results follow. */
typedef struct hw_trace {
  FILE *out;
  uint32_t calls, events;
  int64_t last_event;
  int write_failed;
  hw_text line;
} hw_trace;

void hw_trace_emit(hw_trace *tr); /* writes tr->line plus "\n" */

#endif
