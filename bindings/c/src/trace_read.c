/* Typed fields of trace lines and the event encoding replay hands a module. */
#include <errno.h>
#include <stdint.h>
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

/* docs/trace.md: ^(0|[1-9][0-9]*)$ and at most 2^64-1 (strtoull would take "007", " 7", "+7"). */
static int parse_u64(const char *s, uint64_t *out) {
  if (!s || !*s || (s[0] == '0' && s[1])) return 0;
  uint64_t v = 0;
  for (const char *p = s; *p; p++) {
    if (*p < '0' || *p > '9') return 0;
    uint64_t d = (uint64_t)(*p - '0');
    if (v > (UINT64_MAX - d) / 10) return 0;
    v = v * 10 + d;
  }
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

/* ---- order rules ---------------------------------------------------------------------------- */

#define WHY(...) (snprintf(why, cap, __VA_ARGS__), 0)

/* R3: the latest event is settled: answered with every op's result (or up to a failed one), or faulted. */
static int settled(hw_trace_order *o, char *why, size_t cap) {
  uint32_t i = o->events - 1;
  if (o->stage == HW_ORDER_ASKED) return WHY("event %u has no answer or fault line", i);
  if (o->stage == HW_ORDER_ANSWERED && !o->failed && o->results != o->ops)
    return WHY("event %u: %u results for the answer's %u ops (every op has a result, or the last one failed)", i, o->results, o->ops);
  o->stage = HW_ORDER_NONE;
  return 1;
}

/* A record about event i follows it. */
static int follows(const hw_trace_order *o, uint32_t i, const char *what, char *why, size_t cap) {
  if (o->stage == HW_ORDER_NONE || i != o->events - 1) return WHY("%s for event %u does not follow it (last event %lld)", what, i, (long long)o->events - 1);
  return 1;
}

int hw_order_call(hw_trace_order *o, uint32_t n, char *why, size_t cap) {
  if (n != o->calls) return WHY("call %u out of order (expected %u)", n, o->calls);
  if (!settled(o, why, cap)) return 0;
  o->calls++;
  return 1;
}

int hw_order_event(hw_trace_order *o, uint32_t i, uint32_t n, char *why, size_t cap) {
  if (i != o->events) return WHY("event %u out of order (expected %u)", i, o->events);
  if ((int64_t)n != (int64_t)o->calls - 1) return WHY("event %u names call %u, but the latest call is %lld", i, n, (long long)o->calls - 1);
  if (!settled(o, why, cap)) return 0;
  o->events++;
  o->stage = HW_ORDER_ASKED;
  return 1;
}

int hw_order_log(hw_trace_order *o, uint32_t i, char *why, size_t cap) {
  if (!follows(o, i, "log", why, cap)) return 0;
  if (o->stage != HW_ORDER_ASKED) return WHY("log for event %u after its %s", i, o->stage == HW_ORDER_FAULTED ? "fault" : "answer");
  return 1;
}

static int settle(hw_trace_order *o, uint32_t i, const char *what, int stage, char *why, size_t cap) {
  if (!follows(o, i, what, why, cap)) return 0;
  if (o->stage != HW_ORDER_ASKED) return WHY("second answer or fault for event %u", i);
  o->stage = stage;
  return 1;
}

int hw_order_answer(hw_trace_order *o, uint32_t i, uint32_t ops, char *why, size_t cap) {
  if (!settle(o, i, "answer", HW_ORDER_ANSWERED, why, cap)) return 0;
  o->ops = ops;
  o->results = 0;
  o->failed = 0;
  return 1;
}

int hw_order_fault(hw_trace_order *o, uint32_t i, char *why, size_t cap) { return settle(o, i, "fault", HW_ORDER_FAULTED, why, cap); }

int hw_order_result(hw_trace_order *o, uint32_t i, uint32_t op, int ok, char *why, size_t cap) {
  if (!follows(o, i, "result", why, cap)) return 0;
  if (o->stage == HW_ORDER_ASKED) return WHY("result for event %u before its answer", i);
  if (o->stage == HW_ORDER_FAULTED) return WHY("result for event %u, which faulted (no op ran)", i);
  if (o->failed) return WHY("result for op %u after op %u failed", op, o->results - 1);
  if (op != o->results) return WHY("result for op %u out of order (expected op %u)", op, o->results);
  if (op >= o->ops) return WHY("result for op %u, but the answer has %u ops", op, o->ops);
  o->results++;
  o->failed = !ok;
  return 1;
}

int hw_order_swap(hw_trace_order *o, uint32_t i, char *why, size_t cap) {
  if (i != o->events) return WHY("swap before event %u, but the next event is %u", i, o->events);
  return settled(o, why, cap);
}

int hw_order_end(hw_trace_order *o, uint32_t calls, uint32_t events, char *why, size_t cap) {
  if (!settled(o, why, cap)) return 0;
  if (calls != o->calls || events != o->events) return WHY("end counts %u calls and %u events; the trace holds %u and %u", calls, events, o->calls, o->events);
  return 1;
}

/* ---- enum words ----------------------------------------------------------------------------- */

static int word_in(const char *s, size_t n, const char *const *set, int count) {
  for (int k = 0; k < count; k++) if (s && strlen(set[k]) == n && !memcmp(set[k], s, n)) return k;
  return -1;
}

static const char *const ACCESS_WORDS[] = {"none", "read", "write", "readwrite"};
static const char *const FAULT_KINDS[] = {"trap", "abort", "status", "invalid-op", "fuel"};
static const char *const SWAP_REASONS[] = {"explicit", "fault"};
static const char *const CALL_OPS[] = {"alloc", "attach", "device_begin", "device_end", "cpu_begin", "cpu_end", "export", "free", "place"};
#define COUNT(a) ((int)(sizeof a / sizeof a[0]))

int hw_trace_fault_kind_known(const char *s, size_t n) { return word_in(s, n, FAULT_KINDS, COUNT(FAULT_KINDS)) >= 0; }
int hw_trace_swap_reason_known(const char *s, size_t n) { return word_in(s, n, SWAP_REASONS, COUNT(SWAP_REASONS)) >= 0; }

/* ---- fields of a JSON line: each check writes "FIELD: what is wrong" ------------------------ */

/* The value as the message shows it: "nothing" when missing, else its JSON (cut short). */
static const char *shown(json_t *v, char *buf, size_t cap) {
  char *s = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
  snprintf(buf, cap, "%s", s ? s : "nothing");
  if (s && strlen(s) >= cap && cap > 4) memcpy(buf + cap - 4, "...", 4);
  free(s);
  return buf;
}

#define GOT(v) shown((v), got, sizeof got)

/* An integer below 2^32 (none_ok: or -1 for NONE). */
static int f_u32(json_t *v, const char *k, int none_ok, uint32_t *out, char *why, size_t cap) {
  char got[48];
  json_int_t n = json_is_integer(v) ? json_integer_value(v) : -2;
  if (!json_is_integer(v) || n < (none_ok ? -1 : 0) || n > 0xffffffffLL)
    return WHY("%s: must be an integer from %s to 4294967295, got %s", k, none_ok ? "-1" : "0", GOT(v));
  if (out) *out = n == -1 ? HW_NONE : (uint32_t)n;
  return 1;
}

static int f_u64s(json_t *v, const char *k, char *why, size_t cap) {
  char got[48];
  uint64_t n;
  if (!json_is_string(v) || !parse_u64(json_string_value(v), &n)) return WHY("%s: must be a decimal string of a u64, got %s", k, GOT(v));
  return 1;
}

static int f_bool(json_t *v, const char *k, int *out, char *why, size_t cap) {
  char got[48];
  if (!json_is_boolean(v)) return WHY("%s: must be true or false, got %s", k, GOT(v));
  if (out) *out = json_is_true(v);
  return 1;
}

static int f_str(json_t *v, const char *k, int null_ok, char *why, size_t cap) {
  char got[48];
  if (json_is_string(v) || (null_ok && json_is_null(v))) return 1;
  return WHY("%s: must be a string%s, got %s", k, null_ok ? " or null" : "", GOT(v));
}

/* A word of `set`; its position in *out. */
static int f_word(json_t *v, const char *k, const char *const *set, int count, int *out, char *why, size_t cap) {
  char got[48];
  int w = json_is_string(v) ? word_in(json_string_value(v), json_string_length(v), set, count) : -1;
  if (w < 0) return WHY("%s: unknown word %s", k, GOT(v));
  if (out) *out = w;
  return 1;
}

static int f_state(json_t *v, const char *k, char *why, size_t cap) {
  const char *s = json_string_value(v);
  int ok = s && json_string_length(v) == 64;
  for (size_t n = 0; ok && n < 64; n++) ok = hexval(s[n]) >= 0;
  return ok ? 1 : WHY("%s: must be 64 lowercase hex digits", k);
}

#define G(k) json_object_get(o, k)

/* Event and op kinds by their ABI names (1-based). */
static int f_kind(json_t *v, const char *k, const char *(*name)(uint32_t), char *why, size_t cap) {
  char got[48];
  for (uint32_t n = 1; n < 16 && json_is_string(v); n++) if (name(n) && !strcmp(name(n), json_string_value(v))) return 1;
  return WHY("%s: unknown word %s", k, GOT(v));
}

/* A device name of the platform. */
static int f_device(json_t *v, const char *k, const hw_platform_t *p, char *why, size_t cap) {
  char got[80];
  if (!f_str(v, k, 0, why, cap)) return 0;
  if (p && hw_platform_device_index(p, json_string_value(v)) < 0) return WHY("%s: %s is not a device of the platform", k, GOT(v));
  return 1;
}

/* A begin call's access is any string: the engine records the call before it checks the word
 * (and then refuses it; a deferred buffer may even be placed first, so events may follow), so a
 * refused word is part of a sound trace (binary: code 255). */
static int f_access(json_t *v, const char *k, char *why, size_t cap) { return f_str(v, k, 0, why, cap); }

static int check_alloc(json_t *o, const hw_platform_t *p, char *why, size_t cap) {
  json_t *devs = G("devices");
  if (!f_u64s(G("size"), "size", why, cap)) return 0;
  if (!json_is_array(devs)) return WHY("devices: must be an array of device names");
  char k[32];
  for (size_t d = 0; d < json_array_size(devs); d++) {
    snprintf(k, sizeof k, "devices[%zu]", d);
    if (!f_device(json_array_get(devs, d), k, p, why, cap)) return 0;
  }
  /* The engine checks the CPU use before it records the call. */
  return f_word(G("cpu"), "cpu", ACCESS_WORDS, COUNT(ACCESS_WORDS), NULL, why, cap) && f_bool(G("protected"), "protected", NULL, why, cap) &&
         f_str(G("name"), "name", 1, why, cap) && f_bool(G("deferred"), "deferred", NULL, why, cap);
}

static int check_call(json_t *o, const hw_platform_t *p, hw_line_facts *f, char *why, size_t cap) {
  int op;
  if (!f_u32(G("n"), "n", 0, &f->n, why, cap) || !f_word(G("op"), "op", CALL_OPS, COUNT(CALL_OPS), &op, why, cap) || !f_u32(G("buf"), "buf", 0, NULL, why, cap)) return 0;
  const char *name = CALL_OPS[op];
  if (!strcmp(name, "alloc")) return check_alloc(o, p, why, cap);
  if (!strcmp(name, "attach") || !strcmp(name, "device_end")) return f_device(G("device"), "device", p, why, cap);
  if (!strcmp(name, "device_begin")) return f_device(G("device"), "device", p, why, cap) && f_access(G("access"), "access", why, cap);
  if (!strcmp(name, "cpu_begin")) return f_access(G("access"), "access", why, cap);
  return 1;
}

/* A device or heap index: -1 (NONE) or a position in the platform's array of `count`. */
static int f_index(json_t *v, const char *k, size_t count, char *why, size_t cap) {
  uint32_t x;
  if (!f_u32(v, k, 1, &x, why, cap)) return 0;
  return x == HW_NONE || x < count ? 1 : WHY("%s: index %u outside the platform's %zu", k, x, count);
}

/* An Access value (0-3). */
static int f_access_value(json_t *v, const char *k, char *why, size_t cap) {
  uint32_t x;
  if (!f_u32(v, k, 0, &x, why, cap)) return 0;
  return x < 4 ? 1 : WHY("%s: must be 0 to 3, got %u", k, x);
}

static int check_event(json_t *o, const hw_platform_t *p, hw_line_facts *f, char *why, size_t cap) {
  static const char *const U32[] = {"buf", "flags", "lastErrno"}, *const U64[] = {"size", "devices", "failedHeaps"};
  json_t *kind = G("kind");
  if (!f_u32(G("i"), "i", 0, &f->i, why, cap) || !f_u32(G("n"), "n", 0, &f->n, why, cap) || !f_kind(kind, "kind", hw_event_kind_name, why, cap)) return 0;
  for (int k = 0; k < COUNT(U32); k++) if (!f_u32(G(U32[k]), U32[k], 0, NULL, why, cap)) return 0;
  for (int k = 0; k < COUNT(U64); k++) if (!f_u64s(G(U64[k]), U64[k], why, cap)) return 0;
  if (!f_access_value(G("access"), "access", why, cap) || !f_access_value(G("cpu"), "cpu", why, cap)) return 0;
  if (p && (!f_index(G("device"), "device", p->device_count, why, cap) || !f_index(G("heap"), "heap", p->heap_count, why, cap))) return 0;
  /* Only PLACE carries usage (its entries, the name and the state: hw_trace_encode_event). */
  int place = !strcmp(json_string_value(kind), "PLACE");
  if (place ? !json_is_array(G("usage")) : !json_is_null(G("usage"))) return WHY("usage: %s", place ? "must be an array (one entry per heap)" : "must be null (only PLACE carries usage)");
  return 1;
}

static int check_op(json_t *op, size_t k, const hw_platform_t *p, char *why, size_t cap) {
  char key[48];
  if (!json_is_object(op)) return WHY("ops[%zu]: must be an object", k);
#define OPF(name) (snprintf(key, sizeof key, "ops[%zu].%s", k, name), key)
  if (!f_kind(json_object_get(op, "kind"), OPF("kind"), hw_op_kind_name, why, cap) || !f_u32(json_object_get(op, "buf"), OPF("buf"), 0, NULL, why, cap) ||
      !f_index(json_object_get(op, "heap"), OPF("heap"), p ? p->heap_count : HW_MAX_HEAPS, why, cap) || !f_u32(json_object_get(op, "arg"), OPF("arg"), 0, NULL, why, cap) ||
      !f_u64s(json_object_get(op, "value"), OPF("value"), why, cap))
    return 0;
  if (!strcmp(json_string_value(json_object_get(op, "kind")), "SET_NAME")) return f_str(json_object_get(op, "name"), OPF("name"), 0, why, cap);
  if (json_object_get(op, "name")) return WHY("%s: only SET_NAME ops carry a name", OPF("name"));
#undef OPF
  return 1;
}

/* An explanation: [subject, verdict, code, heap, device, detail], heap and device -1 for NONE. */
static int check_explain(json_t *x, size_t k, char *why, size_t cap) {
  char key[48];
  if (!json_is_array(x) || json_array_size(x) != 6) return WHY("explain[%zu]: must be an array of 6 integers", k);
  for (size_t m = 0; m < 6; m++) {
    snprintf(key, sizeof key, "explain[%zu][%zu]", k, m);
    if (!f_u32(json_array_get(x, m), key, m == 3 || m == 4, NULL, why, cap)) return 0;
  }
  return 1;
}

static int check_answer(json_t *o, const hw_platform_t *p, hw_line_facts *f, char *why, size_t cap) {
  json_t *ops = G("ops"), *ex = G("explain");
  if (!f_u32(G("i"), "i", 0, &f->i, why, cap)) return 0;
  if (!json_is_array(ops)) return WHY("ops: must be an array");
  if (!json_is_array(ex)) return WHY("explain: must be an array");
  for (size_t k = 0; k < json_array_size(ops); k++) if (!check_op(json_array_get(ops, k), k, p, why, cap)) return 0;
  for (size_t k = 0; k < json_array_size(ex); k++) if (!check_explain(json_array_get(ex, k), k, why, cap)) return 0;
  f->ops = (uint32_t)json_array_size(ops);
  return f_state(G("state"), "state", why, cap);
}

/* ok: fd (ALLOC) may follow; failed: errno and code. */
static int check_result(json_t *o, hw_line_facts *f, char *why, size_t cap) {
  if (!f_u32(G("i"), "i", 0, &f->i, why, cap) || !f_u32(G("op"), "op", 0, &f->op, why, cap) || !f_bool(G("ok"), "ok", &f->ok, why, cap)) return 0;
  if (f->ok) {
    if (G("errno") || G("code")) return WHY("%s: only a failed result carries errno and code", G("errno") ? "errno" : "code");
    uint32_t fd = 0;
    if (G("fd") && !f_u32(G("fd"), "fd", 0, &fd, why, cap)) return 0;
    return fd <= 0x7fffffff ? 1 : WHY("fd: must be 0 to 2147483647, got %u", fd);
  }
  if (G("fd")) return WHY("fd: a failed result has no fd");
  return f_u32(G("errno"), "errno", 0, NULL, why, cap) && f_str(G("code"), "code", 0, why, cap);
}

/* A header's or swap's policy identity (its manifest: replay.c's recorded_manifest). */
static int hw_trace_check_policy(json_t *pol, char *why, size_t cap) {
  if (!json_is_object(pol)) return WHY("policy: must be an object");
  return f_str(json_object_get(pol, "name"), "policy.name", 0, why, cap) && f_str(json_object_get(pol, "version"), "policy.version", 0, why, cap) &&
         f_str(json_object_get(pol, "sha256"), "policy.sha256", 0, why, cap) && f_str(json_object_get(pol, "path"), "policy.path", 1, why, cap);
}

int hw_trace_check_header(json_t *o, char *why, size_t cap) {
  json_t *limits = G("limits");
  if (!f_str(G("abi"), "abi", 0, why, cap) || !f_str(G("host"), "host", 0, why, cap) || !f_str(G("backend"), "backend", 0, why, cap) ||
      !hw_trace_check_policy(G("policy"), why, cap))
    return 0;
  if (!json_is_object(limits)) return WHY("limits: must be an object");
  return f_u32(json_object_get(limits, "fuel"), "limits.fuel", 0, NULL, why, cap) && f_u32(json_object_get(limits, "opCap"), "limits.opCap", 0, NULL, why, cap);
}

int hw_trace_check_line(json_t *o, const char *t, const hw_platform_t *p, hw_line_facts *f, char *why, size_t cap) {
  memset(f, 0, sizeof *f);
  if (!strcmp(t, "call")) return check_call(o, p, f, why, cap);
  if (!strcmp(t, "event")) return check_event(o, p, f, why, cap);
  if (!strcmp(t, "answer")) return check_answer(o, p, f, why, cap);
  if (!strcmp(t, "result")) return check_result(o, f, why, cap);
  if (!strcmp(t, "fault"))
    return f_u32(G("i"), "i", 0, &f->i, why, cap) && f_word(G("kind"), "kind", FAULT_KINDS, COUNT(FAULT_KINDS), NULL, why, cap) && f_str(G("message"), "message", 0, why, cap);
  if (!strcmp(t, "swap"))
    return f_u32(G("i"), "i", 0, &f->i, why, cap) && f_word(G("reason"), "reason", SWAP_REASONS, COUNT(SWAP_REASONS), NULL, why, cap) &&
           hw_trace_check_policy(G("policy"), why, cap);
  if (!strcmp(t, "log")) {
    uint32_t fd = 0;
    if (!f_u32(G("i"), "i", 0, &f->i, why, cap) || !f_u32(G("fd"), "fd", 0, &fd, why, cap)) return 0;
    return fd == 1 || fd == 2 ? f_str(G("text"), "text", 0, why, cap) : WHY("fd: must be 1 or 2, got %u", fd);
  }
  if (!strcmp(t, "end")) return f_u32(G("calls"), "calls", 0, &f->calls, why, cap) && f_u32(G("events"), "events", 0, &f->events, why, cap);
  if (!strcmp(t, "header")) return WHY("t: a second header");
  return WHY("t: unknown line type \"%s\"", t);
}
