/* Reading trace lines back (docs/trace.md): typed fields of a parsed line, and an event line
 * encoded into a module's input region byte for byte as the recording host handed it. */
#ifndef HW_TRACE_READ_H
#define HW_TRACE_READ_H

#include <jansson.h>

#include "platform.h"
#include "trace.h"

/* An integer field below 2^32; -1 reads as HW_NONE. 0 when missing or mistyped. */
int hw_trace_get_u32(json_t *o, const char *key, uint32_t *out);
/* A u64 written as a decimal string. */
int hw_trace_get_u64s(json_t *o, const char *key, uint64_t *out);

/* Encodes an event line into `in` (the input region); fills rec for the validation context and
 * *len with the bytes written. On a malformed line returns 0 with the reason in why. */
int hw_trace_encode_event(json_t *o, uint8_t *in, size_t platform_heaps, hw_event_record *rec, uint32_t *len, char *why, size_t why_cap);

#endif
