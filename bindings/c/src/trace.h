/* Trace format v2 (docs/trace.md): the text of each line, built with a fixed key order so
 * every host writes the same bytes for the same decision (host/trace/lines.ts); the binary
 * record of each line (.hwtrace); and the recording itself, in either encoding. */
#ifndef HW_TRACE_H
#define HW_TRACE_H

#include <stdio.h>

#include <jansson.h>

#include "manifest.h"
#include "outcome.h"
#include "platform.h"
#include "text.h"
#include "trace_binary.h"

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

/* The trace format version written: 2 records the manifest in force with each policy. */
#define HW_TRACE_VERSION 2
/* limits: the fuel budget per call, the op cap and whether the log capability was granted;
 * manifest: the one the module runs under, NULL for none. */
void hw_trace_header_line(hw_text *t, const char *host, const char *backend, const char *name, const char *version, const char *sha256,
                          const char *path, const hw_manifest *manifest, uint32_t fuel, uint32_t op_cap, int log, json_t *platform);
/* A line a debug build wrote while answering event i. */
void hw_trace_log_line(hw_text *t, uint32_t i, uint32_t fd, const char *text, size_t len);
/* The engine switched module before event i: "explicit" or "fault". */
void hw_trace_swap_line(hw_text *t, uint32_t i, const char *reason, const char *name, const char *version, const char *sha256, const char *path,
                        const hw_manifest *manifest);
void hw_trace_call_line(hw_text *t, const hw_call_record *c);
void hw_trace_event_line(hw_text *t, const hw_event_record *e);
void hw_trace_answer_line(hw_text *t, uint32_t i, const hw_outcome *out);
void hw_trace_fault_line(hw_text *t, uint32_t i, const char *kind, const char *message);
/* ok: fd >= 0 adds "fd"; not ok: errno and its code. */
void hw_trace_result_line(hw_text *t, uint32_t i, uint32_t op, int ok, int fd, int err);
void hw_trace_end_line(hw_text *t, uint32_t calls, uint32_t events);
/* "none", "read", "write", "readwrite" */
const char *hw_access_name(uint32_t access);

/* The binary records of the same lines (trace_binary_encode.c). The event record carries the
 * event image (the `len` bytes handed to hw_event), the answer record the used parts of the
 * output region at `output`; call records name devices by their index in `platform`. */
void hw_bin_write_header(hw_block_writer *w, const char *host, const char *backend, const char *name, const char *version, const char *sha256,
                   const char *path, const hw_manifest *manifest, uint32_t fuel, uint32_t op_cap, int log, const char *platform_json);
void hw_bin_write_call(hw_block_writer *w, const hw_platform_t *platform, const hw_call_record *c);
void hw_bin_write_event(hw_block_writer *w, uint32_t i, uint32_t call, const uint8_t *image, uint32_t len);
void hw_bin_write_answer(hw_block_writer *w, uint32_t i, const uint8_t *output);
void hw_bin_write_fault(hw_block_writer *w, uint32_t i, const char *kind, const char *message);
void hw_bin_write_result(hw_block_writer *w, uint32_t i, uint32_t op, int ok, int fd, int err);
void hw_bin_write_swap(hw_block_writer *w, uint32_t i, const char *reason, const char *name, const char *version, const char *sha256, const char *path,
                       const hw_manifest *manifest);
void hw_bin_write_log(hw_block_writer *w, uint32_t i, uint32_t fd, const char *text, size_t len);
void hw_bin_write_end(hw_block_writer *w, uint32_t calls, uint32_t events);

/* A recording in progress: counts for the end line, the event whose results follow. */
typedef struct hw_trace {
  FILE *out;
  int binary; /* .hwtrace records into CRC-32 blocks, else JSON Lines */
  uint32_t calls, events;
  int64_t last_event;
  int write_failed;
  hw_text line;                  /* JSON Lines: the line being built */
  hw_block_writer blocks;        /* binary */
  const hw_platform_t *platform; /* binary: device names to indexes (the engine's) */
  /* Opened by name (the library closes `out`): path as given (for messages); tmp, for a
   * regular file or none yet, the temporary renamed over target (path, a link resolved) at the
   * end; NULL tmp and target when a device, FIFO or socket is written in place. */
  int owned;
  char *path, *tmp, *target;
} hw_trace;

/* One record in the recording's encoding (trace_record.c), in the order docs/trace.md gives. */
void hw_trace_header(hw_trace *tr, const char *host, const char *backend, const char *name, const char *version, const char *sha256,
                     const char *path, const hw_manifest *manifest, uint32_t fuel, uint32_t op_cap, int log, json_t *platform);
void hw_trace_call(hw_trace *tr, const hw_call_record *c); /* counts it */
/* image: the input region as handed to the module, `len` bytes; counts the event. Recorded
 * before the module runs, so what it does to its input region cannot change the record. */
void hw_trace_event(hw_trace *tr, const hw_event_record *e, const uint8_t *image, uint32_t len);
void hw_trace_log(hw_trace *tr, uint32_t i, uint32_t fd, const char *text, size_t len);
/* output: the module's output region holding `out`, as read. */
void hw_trace_answer(hw_trace *tr, uint32_t i, const hw_outcome *out, const uint8_t *output);
void hw_trace_fault(hw_trace *tr, uint32_t i, const char *kind, const char *message);
void hw_trace_result(hw_trace *tr, uint32_t i, uint32_t op, int ok, int fd, int err);
void hw_trace_swap(hw_trace *tr, uint32_t i, const char *reason, const char *name, const char *version, const char *sha256, const char *path,
                   const hw_manifest *manifest);
/* The end record with the counts, and the last block. */
void hw_trace_end(hw_trace *tr);
/* Frees a recording; one opened by name closes its file and, not finished, removes its temporary. */
void hw_trace_discard(hw_trace *tr);

#endif
