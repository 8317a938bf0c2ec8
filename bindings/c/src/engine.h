/* The engine's state: the buffer table, the policy instance, the backend, the trace. */
#ifndef HW_ENGINE_H
#define HW_ENGINE_H

#include "backend.h"
#include "decision.h"
#include "platform.h"
#include "policy_instance.h"
#include "trace.h"

typedef struct hw_buffer {
  hw_buffer_id_t id;
  uint64_t requested;
  uint64_t devices; /* attached, bit i = device i */
  uint32_t cpu_use; /* declared CPU usage */
  int protected_content, deferred, has_name;
  uint8_t name[HW_NAME_CAPACITY]; /* zero past name_len: ask() copies the whole field */
  size_t name_len;
  int32_t heap_index; /* -1 until placed */
  int fd;             /* -1 when none */
  uint64_t size;
  hw_decision_t *decision;
  int exported;
  uint32_t cpu_access;                  /* access of the open CPU bracket, 0 when none */
  uint8_t device_access[HW_MAX_DEVICES]; /* access of each device between begin and end */
  uint8_t state[sizeof(hw_buffer_state)];
  void *map_addr; /* CPU mapping between cpu_begin and cpu_end */
  uint64_t map_len;
} hw_buffer;

struct hw_engine {
  hw_platform_t *platform;
  hw_policy_t *policy;   /* reference to the policy in use */
  hw_policy_t *fallback; /* reference, or NULL: the policy a fault switches to */
  hw_instance *inst;
  hw_backend *backend;
  hw_backend_heap heaps[HW_MAX_HEAPS];
  hw_buffer **buffers; /* by id; NULL once freed */
  size_t buffer_cap;
  hw_buffer_id_t next_id;
  uint32_t event_index;
  int64_t call_index;
  uint32_t stamp;
  uint32_t op_cap;
  uint64_t max_allocation;
  hw_status_t last_status;
  hw_text last_error;
  hw_trace *trace;
  hw_log_fn log; /* the caller's log line callback, or NULL */
  void *log_ctx;
  hw_outcome out;  /* scratch: the last answer */
  hw_fault fault;  /* scratch: the last fault */
  hw_text why;     /* scratch: validation messages */
};

/* Records a failed call's status and message on the engine; returns the status. */
hw_status_t hw_engine_fail(hw_engine_t *e, hw_status_t st, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* "buffer 3" or "buffer 3 (name)". */
const char *hw_buffer_label(const hw_buffer *b, char *out, size_t cap);
/* The label in a temporary that lives until the end of the enclosing block, for messages on
 * error paths, so that the success path of a call formats nothing (the label's snprintf was
 * about a third of a C sync event's instructions). */
#define HW_BUFFER_LABEL(b) hw_buffer_label((b), (char[64]){0}, 64)

/* PLACE, then ALLOC; on an allocation error the heap is marked failed and the module asked again. */
hw_status_t hw_engine_place_once(hw_engine_t *e, hw_buffer *b);
/* Sends a non-PLACE event and executes the SYNCs it answers with. */
hw_status_t hw_engine_run(hw_engine_t *e, hw_buffer *b, uint32_t kind, uint32_t device, uint32_t access);
/* Switches to a new instance of `policy` ("explicit" or "fault"), writing a swap trace line. */
hw_status_t hw_engine_switch(hw_engine_t *e, hw_policy_t *policy, const char *reason);
/* An application call: counts it and writes its trace line. */
void hw_engine_called(hw_engine_t *e, hw_call_record *c);

#endif
