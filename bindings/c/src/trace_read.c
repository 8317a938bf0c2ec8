/* Typed fields of trace lines and the event encoding replay hands a module. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace_read.h"

int hw_trace_get_u32(json_t *o, const char *k, uint32_t *out) {
  json_t *v = json_object_get(o, k);
  if (!json_is_integer(v)) return 0;
  json_int_t n = json_integer_value(v);
  if (n == -1) *out = HW_NONE;
  else if (n < 0 || n > 0xffffffffLL) return 0;
  else *out = (uint32_t)n;
  return 1;
}

static int parse_u64(const char *s, uint64_t *out) {
  if (!s || !*s || *s == '-' || *s == '+' || *s == ' ') return 0;
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || *end) return 0;
  *out = v;
  return 1;
}

int hw_trace_get_u64s(json_t *o, const char *k, uint64_t *out) {
  json_t *v = json_object_get(o, k);
  return json_is_string(v) && parse_u64(json_string_value(v), out);
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

#define BAD(...) (snprintf(why, why_cap, __VA_ARGS__), 0)

int hw_trace_encode_event(json_t *o, uint8_t *in, size_t platform_heaps, hw_event_record *rec, uint32_t *len, char *why, size_t why_cap) {
  uint32_t v[7];
  const char *k32[] = {"buf", "device", "access", "heap", "cpu", "flags", "lastErrno"};
  for (int i = 0; i < 7; i++) if (!hw_trace_get_u32(o, k32[i], &v[i])) return BAD("event field \"%s\" is missing or not an integer", k32[i]);
  if (!hw_trace_get_u64s(o, "size", &rec->size) || !hw_trace_get_u64s(o, "devices", &rec->devices) || !hw_trace_get_u64s(o, "failedHeaps", &rec->failed_heaps)) {
    return BAD("event fields size, devices and failedHeaps must be decimal strings");
  }
  json_t *kind = json_object_get(o, "kind");
  rec->kind = 0;
  for (uint32_t k = 1; k <= 8 && json_is_string(kind); k++) if (!strcmp(hw_event_kind_name(k), json_string_value(kind))) rec->kind = k;
  if (!rec->kind) return BAD("unknown event kind");
  rec->buf = v[0], rec->device = v[1], rec->access = v[2], rec->heap = v[3], rec->cpu = v[4], rec->flags = v[5], rec->last_errno = v[6];
  json_t *name = json_object_get(o, "name"), *state = json_object_get(o, "state"), *usage = json_object_get(o, "usage");
  if (!json_is_string(name) || json_string_length(name) > HW_NAME_CAPACITY) return BAD("event name must be a string of at most %u bytes", HW_NAME_CAPACITY);
  if (!json_is_string(state) || json_string_length(state) != 2 * sizeof(hw_buffer_state)) return BAD("event state must be %zu hex digits", 2 * sizeof(hw_buffer_state));
  const char *hex = json_string_value(state);
  for (size_t i = 0; i < sizeof(hw_buffer_state); i++) {
    int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return BAD("event state is not lowercase hex");
    rec->state[i] = (uint8_t)(hi << 4 | lo);
  }
  hw_event ev = {rec->kind, rec->buf, rec->device, rec->access, rec->size, rec->devices, rec->failed_heaps, rec->heap, rec->cpu,
                 rec->flags, rec->last_errno, (uint32_t)json_string_length(name), 0, {0}};
  memcpy(&ev.state, rec->state, sizeof ev.state);
  memcpy(in, &ev, sizeof ev);
  memset(in + HW_EVENT_NAME_OFFSET, 0, HW_EVENT_USAGE_OFFSET - HW_EVENT_NAME_OFFSET);
  memcpy(in + HW_EVENT_NAME_OFFSET, json_string_value(name), json_string_length(name));
  *len = HW_EVENT_USAGE_OFFSET;
  if (json_is_array(usage)) {
    if (json_array_size(usage) != platform_heaps) return BAD("event usage has %zu entries; the platform has %zu heaps", json_array_size(usage), platform_heaps);
    for (size_t i = 0; i < platform_heaps; i++) {
      json_t *u = json_array_get(usage, i);
      uint64_t n;
      if (!json_is_string(u) || !parse_u64(json_string_value(u), &n)) return BAD("event usage entries must be decimal strings");
      memcpy(in + HW_EVENT_USAGE_OFFSET + i * 8, &n, 8);
    }
    *len += (uint32_t)(platform_heaps * 8);
  } else if (!json_is_null(usage)) {
    return BAD("event usage must be an array or null");
  }
  return 1;
}
