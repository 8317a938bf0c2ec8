/* Reading trace lines back (docs/trace.md): typed fields of a parsed line, and an event line
 * encoded into a module's input region byte for byte as the recording host handed it. */
#ifndef HW_TRACE_READ_H
#define HW_TRACE_READ_H

#include <jansson.h>

#include "platform.h"
#include "trace.h"

/* An integer field below 2^32; -1 reads as HW_NONE. 0 when missing or mistyped. Lenient about
 * -1: hw_trace_check_line has refused it already where NONE is not allowed. */
int hw_trace_get_u32(json_t *o, const char *key, uint32_t *out);
/* A u64 written as a decimal string. */
int hw_trace_get_u64s(json_t *o, const char *key, uint64_t *out);

/* Encodes an event line into `in` (the input region); fills rec for the validation context and
 * *len with the bytes written. On a malformed line returns 0 with the reason in why. */
int hw_trace_encode_event(json_t *o, uint8_t *in, size_t platform_heaps, hw_event_record *rec, uint32_t *len, char *why, size_t why_cap);

/* The order rules of a trace, one state machine for both encodings (host/trace/trace-order.ts
 * is its twin): calls and events counted from 0, each event's n the latest call, one answer or
 * fault per event after its logs, results op 0, 1, ... of the answer (below its op count, none
 * after a failed one, none after a fault), and every answered event settled (each op has a
 * result, or the last result failed) before the next call, event, swap or end. Each step returns
 * 1, or 0 with what is wrong in why. No allocation: replay runs it on every record. */
typedef struct hw_trace_order {
  uint32_t calls, events; /* seen: the next expected n and i */
  int stage;              /* of the latest event: HW_ORDER_NONE, _ASKED, _ANSWERED, _FAULTED */
  uint32_t ops, results;  /* its answer's op count, results seen */
  int failed;             /* its last result failed */
} hw_trace_order;
enum { HW_ORDER_NONE, HW_ORDER_ASKED, HW_ORDER_ANSWERED, HW_ORDER_FAULTED };

int hw_order_call(hw_trace_order *o, uint32_t n, char *why, size_t cap);
int hw_order_event(hw_trace_order *o, uint32_t i, uint32_t n, char *why, size_t cap);
int hw_order_log(hw_trace_order *o, uint32_t i, char *why, size_t cap);
int hw_order_answer(hw_trace_order *o, uint32_t i, uint32_t ops, char *why, size_t cap);
int hw_order_fault(hw_trace_order *o, uint32_t i, char *why, size_t cap);
int hw_order_result(hw_trace_order *o, uint32_t i, uint32_t op, int ok, char *why, size_t cap);
int hw_order_swap(hw_trace_order *o, uint32_t i, char *why, size_t cap);
int hw_order_end(hw_trace_order *o, uint32_t calls, uint32_t events, char *why, size_t cap);

/* Fault kinds and swap reasons (n bytes, not NUL-terminated): 1 when in their sets. */
int hw_trace_fault_kind_known(const char *s, size_t n);
int hw_trace_swap_reason_known(const char *s, size_t n);

/* What the order rules need of a JSON line, once its fields are checked. */
typedef struct hw_line_facts {
  uint32_t i, n, op, ops, calls, events;
  int ok;
} hw_line_facts;

/* Checks every field of a line of type t other than the header (docs/trace.md table; p: the
 * header's platform, for call device names) and fills the facts. Unknown line types are
 * refused. 0 with "FIELD: what is wrong" in why. */
int hw_trace_check_line(json_t *o, const char *t, const hw_platform_t *p, hw_line_facts *f, char *why, size_t cap);
/* The header's fields other than format, version, the policy's manifest and the platform. */
int hw_trace_check_header(json_t *o, char *why, size_t cap);

#endif
