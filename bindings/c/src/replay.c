/* Replaying a trace: every recorded event, encoded byte for byte from its line, handed to a
 * policy; its answer line compared with the recorded one as text (docs/trace.md). Streams the
 * file line by line. A recorded fault matches a fault of the same kind (messages name the
 * module, and module labels differ between hosts). */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "platform.h"
#include "policy_instance.h"
#include "trace.h"

typedef struct replay {
  const char *path;
  hw_error_t **error;
  unsigned long line;
} replay;

static hw_status_t bad(replay *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static hw_status_t bad(replay *r, const char *fmt, ...) {
  char detail[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(detail, sizeof detail, fmt, ap);
  va_end(ap);
  return hw_fail(r->error, HW_ERR_INPUT, "%s:%lu: %s", r->path, r->line, detail);
}

static int get_u32(json_t *o, const char *k, uint32_t *out) {
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

static int get_u64s(json_t *o, const char *k, uint64_t *out) {
  json_t *v = json_object_get(o, k);
  return json_is_string(v) && parse_u64(json_string_value(v), out);
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

/* Encodes one event line into the input region; fills rec for the validation context. */
static hw_status_t encode_event(replay *r, json_t *o, uint8_t *in, size_t platform_heaps, hw_event_record *rec, uint32_t *len) {
  uint32_t v[10];
  const char *k32[] = {"buf", "device", "access", "heap", "cpu", "flags", "lastErrno"};
  for (int i = 0; i < 7; i++) if (!get_u32(o, k32[i], &v[i])) return bad(r, "event field \"%s\" is missing or not an integer", k32[i]);
  if (!get_u64s(o, "size", &rec->size) || !get_u64s(o, "devices", &rec->devices) || !get_u64s(o, "failedHeaps", &rec->failed_heaps)) {
    return bad(r, "event fields size, devices and failedHeaps must be decimal strings");
  }
  json_t *kind = json_object_get(o, "kind");
  rec->kind = 0;
  for (uint32_t k = 1; k <= 8 && json_is_string(kind); k++) if (!strcmp(hw_event_kind_name(k), json_string_value(kind))) rec->kind = k;
  if (!rec->kind) return bad(r, "unknown event kind");
  rec->buf = v[0], rec->device = v[1], rec->access = v[2], rec->heap = v[3], rec->cpu = v[4], rec->flags = v[5], rec->last_errno = v[6];
  json_t *name = json_object_get(o, "name"), *state = json_object_get(o, "state"), *usage = json_object_get(o, "usage");
  if (!json_is_string(name) || json_string_length(name) > HW_NAME_CAPACITY) return bad(r, "event name must be a string of at most %u bytes", HW_NAME_CAPACITY);
  if (!json_is_string(state) || json_string_length(state) != 2 * sizeof(hw_buffer_state)) return bad(r, "event state must be %zu hex digits", 2 * sizeof(hw_buffer_state));
  const char *hex = json_string_value(state);
  for (size_t i = 0; i < sizeof(hw_buffer_state); i++) {
    int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return bad(r, "event state is not lowercase hex");
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
    if (json_array_size(usage) != platform_heaps) return bad(r, "event usage has %zu entries; the platform has %zu heaps", json_array_size(usage), platform_heaps);
    for (size_t i = 0; i < platform_heaps; i++) {
      json_t *u = json_array_get(usage, i);
      uint64_t n;
      if (!json_is_string(u) || !parse_u64(json_string_value(u), &n)) return bad(r, "event usage entries must be decimal strings");
      memcpy(in + HW_EVENT_USAGE_OFFSET + i * 8, &n, 8);
    }
    *len += (uint32_t)(platform_heaps * 8);
  } else if (!json_is_null(usage)) {
    return bad(r, "event usage must be an array or null");
  }
  return HW_OK;
}

static hw_status_t fresh_instance(hw_policy_t *policy, const hw_platform_t *p, hw_instance **out, hw_error_t **error) {
  hw_status_t st = hw_instance_new(policy, out, error);
  if (st != HW_OK) return st;
  uint8_t *blob;
  size_t len;
  if ((st = hw_platform_encode(p, &blob, &len, error)) != HW_OK) return st;
  hw_fault f = {0};
  st = hw_instance_init(*out, blob, len, &f);
  free(blob);
  if (st != HW_OK) st = hw_fail(error, st, "%s", f.message.s ? f.message.s : "hw_init failed");
  hw_text_free(&f.message);
  if (st != HW_OK) {
    hw_instance_delete(*out);
    *out = NULL;
  }
  return st;
}

void hw_replay_result_clear(hw_replay_result_t *r) {
  if (!r) return;
  free(r->expected);
  free(r->actual);
  memset(r, 0, sizeof *r);
}

hw_status_t hw_replay_file(const char *path, const hw_policy_t *cpolicy, hw_replay_result_t *result, hw_error_t **error) {
  if (!path || !cpolicy || !result) return hw_fail(error, HW_ERR_ARGUMENT, "hw_replay_file: NULL argument");
  memset(result, 0, sizeof *result);
  hw_policy_t *policy = (hw_policy_t *)cpolicy;
  replay r = {path, error, 0};
  FILE *f = fopen(path, "r");
  if (!f) return hw_fail(error, HW_ERR_IO, "%s: cannot read trace: %s", path, strerror(errno));
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  hw_status_t st = HW_OK;
  hw_platform_t *platform = NULL;
  hw_instance *inst = NULL;
  hw_outcome *out = calloc(1, sizeof *out);
  hw_text actual = {0}, why = {0};
  hw_fault fault = {0};
  int64_t last_event = -1, pending = -1;
  int ended = 0;
  uint32_t op_cap = 64;
  hw_policy_t *current = hw_policy_ref(policy);
  if (!out) {
    st = hw_fail(error, HW_ERR_NO_MEMORY, "out of memory");
    goto done;
  }
  while ((n = getline(&line, &cap, f)) > 0) {
    r.line++;
    if (line[n - 1] == '\n') line[--n] = 0;
    if (ended) {
      st = bad(&r, "line after the end line");
      goto done;
    }
    json_error_t je;
    json_t *o = json_loadb(line, (size_t)n, 0, &je);
    if (!json_is_object(o)) {
      json_decref(o);
      st = bad(&r, "not a JSON object");
      goto done;
    }
    const char *t = json_string_value(json_object_get(o, "t"));
    if (!t) {
      json_decref(o);
      st = bad(&r, "missing line type \"t\"");
      goto done;
    }
    if (r.line == 1) {
      json_t *fmt = json_object_get(o, "format"), *ver = json_object_get(o, "version");
      if (strcmp(t, "header") != 0) st = bad(&r, "the first line is not a header");
      else if (!json_is_string(fmt) || strcmp(json_string_value(fmt), "heapwise-trace") != 0) st = bad(&r, "format is not heapwise-trace");
      else if (!json_is_integer(ver) || json_integer_value(ver) != 1) st = bad(&r, "trace version %lld; this reader knows version 1", json_is_integer(ver) ? (long long)json_integer_value(ver) : -1LL);
      else {
        char label[600];
        snprintf(label, sizeof label, "%s:1 platform", path);
        json_t *cap = json_object_get(json_object_get(o, "limits"), "opCap");
        if (json_is_integer(cap) && json_integer_value(cap) > 0 && json_integer_value(cap) <= HW_MAX_OPS) op_cap = (uint32_t)json_integer_value(cap);
        st = hw_platform_from_json(json_object_get(o, "platform"), label, &platform, error);
        if (st == HW_OK) st = fresh_instance(current, platform, &inst, error);
      }
      json_decref(o);
      if (st != HW_OK) goto done;
      continue;
    }
    if (!strcmp(t, "event")) {
      uint32_t i = 0;
      if (pending >= 0) st = bad(&r, "event %lld has no answer or fault line", (long long)pending);
      else if (!get_u32(o, "i", &i) || (int64_t)i != last_event + 1) st = bad(&r, "event index does not increase by one");
      if (st != HW_OK) {
        json_decref(o);
        goto done;
      }
      if (!inst && (st = fresh_instance(current, platform, &inst, error)) != HW_OK) {
        json_decref(o);
        goto done;
      }
      uint64_t memsize;
      uint8_t *mem = hw_instance_memory(inst, &memsize);
      hw_event_record rec = {0};
      uint32_t len;
      st = encode_event(&r, o, mem + inst->input, platform->heap_count, &rec, &len);
      json_decref(o);
      if (st != HW_OK) goto done;
      last_event = pending = i;
      hw_text_reset(&actual);
      hw_text_reset(&why);
      st = hw_instance_event(inst, len, &fault);
      const char *fkind = fault.kind;
      if (st == HW_OK) {
        mem = hw_instance_memory(inst, &memsize);
        st = hw_outcome_read(mem, inst->output, op_cap, out, &why);
        hw_op_context c = {rec.kind, rec.buf, rec.failed_heaps, rec.heap != HW_NONE, platform, rec.size, rec.devices, (rec.flags & HW_BUFFER_FLAG_PROTECTED) != 0};
        if (st == HW_OK) st = hw_ops_validate(out, &c, &why);
        fkind = "invalid-op";
        hw_text_reset(&fault.message);
        hw_text_addf(&fault.message, "policy module %s: %s", current->label, why.s ? why.s : "");
      }
      if (st == HW_OK) {
        hw_trace_answer_line(&actual, i, out);
      } else {
        hw_trace_fault_line(&actual, i, fkind, fault.message.s ? fault.message.s : "");
        /* A trap poisons the instance; later events get a fresh one, as a restarted host would. */
        hw_instance_delete(inst);
        inst = NULL;
        st = HW_OK;
      }
      result->events++;
      continue;
    }
    if (!strcmp(t, "answer") || !strcmp(t, "fault")) {
      uint32_t i = 0;
      if (!get_u32(o, "i", &i) || (int64_t)i != pending) {
        json_decref(o);
        st = bad(&r, "%s line for an event that is not the last one", t);
        goto done;
      }
      pending = -1;
      int same;
      if (!strcmp(t, "fault")) {
        /* Compare the kinds only: messages carry host-specific module labels. */
        json_t *a = json_loads(actual.s ? actual.s : "", 0, NULL);
        const char *ak = a ? json_string_value(json_object_get(a, "kind")) : NULL;
        const char *ek = json_string_value(json_object_get(o, "kind"));
        same = a && !strcmp(json_string_value(json_object_get(a, "t")), "fault") && ak && ek && !strcmp(ak, ek);
        json_decref(a);
      } else {
        same = actual.s && !strcmp(actual.s, line);
      }
      json_decref(o);
      if (!same) {
        result->diverged = 1;
        result->index = i;
        result->line = (uint32_t)r.line;
        result->expected = strdup(line);
        result->actual = strdup(actual.s ? actual.s : "");
        st = hw_fail(error, HW_ERR_DIVERGED, "%s:%lu: event %u: the policy answered differently\n  expected: %s\n  actual:   %s", path, r.line, i, line,
                     actual.s ? actual.s : "");
        goto done;
      }
      continue;
    }
    if (!strcmp(t, "swap")) {
      /* The recording engine changed module here: follow it when this host can find that module
       * (the built-in by its sha256, or a .so by its path); otherwise the given policy goes on. */
      json_t *pol = json_object_get(o, "policy");
      const char *sha = json_string_value(json_object_get(pol, "sha256"));
      const char *spath = json_string_value(json_object_get(pol, "path"));
      hw_policy_t *next = NULL;
      hw_policy_t *builtin = NULL;
      if (hw_policy_load_builtin("default", NULL, &builtin, NULL) == HW_OK && sha && !strcmp(sha, builtin->sha256)) next = builtin;
      else hw_policy_delete(builtin);
      size_t n = spath ? strlen(spath) : 0;
      if (!next && n > 3 && !strcmp(spath + n - 3, ".so")) hw_policy_load_file(spath, NULL, &next, NULL);
      json_decref(o);
      if (next) {
        hw_policy_unref(current);
        current = next;
        hw_instance_delete(inst);
        inst = NULL;
        if ((st = fresh_instance(current, platform, &inst, error)) != HW_OK) goto done;
      }
      continue;
    }
    if (!strcmp(t, "end")) ended = 1;
    json_decref(o);
  }
  if (r.line == 0) st = hw_fail(error, HW_ERR_INPUT, "%s: empty trace", path);
  else if (!ended) st = hw_fail(error, HW_ERR_INPUT, "%s: no end line after line %lu (truncated trace)", path, r.line);
  else if (pending >= 0) st = hw_fail(error, HW_ERR_INPUT, "%s: event %lld has no answer", path, (long long)pending);
done:
  free(line);
  fclose(f);
  free(out);
  hw_text_free(&actual);
  hw_text_free(&why);
  hw_text_free(&fault.message);
  hw_instance_delete(inst);
  hw_platform_delete(platform);
  hw_policy_unref(current);
  return st;
}
