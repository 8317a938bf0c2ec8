/* Replaying a trace (docs/trace.md, host/trace/replay.ts): every recorded event, encoded byte
 * for byte from its line, handed to a policy under the trace's fuel budget; its answer line
 * compared with the recorded one as text, the log lines it writes with the recorded `log`
 * lines, a recorded fault with a fault of the same kind (messages name the module, and module
 * labels differ between hosts). `swap` lines switch module, as the recording engine did.
 * Streams the file line by line. */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "platform.h"
#include "policy_instance.h"
#include "trace.h"
#include "trace_read.h"

typedef struct replay {
  const char *path;
  hw_error_t **error;
  unsigned long line;
  const hw_policy_t *given;
  const hw_replay_options_t *opts;
  hw_policy_t *current;  /* reference: the module answering now */
  hw_policy_t *builtin;  /* loaded when a swap line names it */
  hw_platform_t *platform;
  hw_instance *inst;     /* NULL after a fault: the next event gets a fresh one */
  uint32_t fuel, op_cap; /* the header's limits */
  hw_outcome *out;
  hw_text why;
  hw_fault fault;
  int64_t last_event, pending;
  /* What the module did with the pending event: its answer line or fault kind, and the log
   * lines it wrote, as trace lines, compared one by one with the recorded ones. */
  hw_text actual;
  const char *actual_fault; /* kind, or NULL when it answered */
  char **logs;
  size_t log_count, log_next, log_cap;
  hw_replay_result_t *result;
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

static hw_status_t diverged(replay *r, uint32_t event, const char *expected, const char *actual) {
  hw_replay_result_t *res = r->result;
  res->diverged = 1;
  res->index = event;
  res->line = (uint32_t)r->line;
  res->expected = strdup(expected);
  res->actual = strdup(actual);
  return hw_fail(r->error, HW_ERR_DIVERGED, "%s:%lu: event %u: the policy answered differently\n  expected: %s\n  actual:   %s", r->path, r->line, event, expected,
                 actual);
}

static void drop_logs(replay *r) {
  for (size_t i = 0; i < r->log_count; i++) free(r->logs[i]);
  r->log_count = r->log_next = 0;
}

/* A fresh instance of the current module, given the platform, under the trace's budget. */
static hw_status_t fresh_instance(replay *r) {
  hw_instance_delete(r->inst);
  r->inst = NULL;
  hw_instance *inst = NULL;
  hw_status_t st = hw_instance_new(r->current, r->fuel, &inst, r->error);
  if (st != HW_OK) return st;
  uint8_t *blob;
  size_t len;
  if ((st = hw_platform_encode(r->platform, &blob, &len, r->error)) != HW_OK) {
    hw_instance_delete(inst);
    return st;
  }
  hw_fault f = {0};
  st = hw_instance_init(inst, blob, len, &f);
  free(blob);
  if (st != HW_OK) st = hw_fail(r->error, st, "%s", f.message.s ? f.message.s : "hw_init failed");
  hw_text_free(&f.message);
  if (st != HW_OK) {
    hw_instance_delete(inst);
    return st;
  }
  r->inst = inst;
  return HW_OK;
}

static hw_status_t on_header(replay *r, json_t *o, const char *t) {
  json_t *fmt = json_object_get(o, "format"), *ver = json_object_get(o, "version");
  if (strcmp(t, "header") != 0) return bad(r, "the first line is not a header");
  if (!json_is_string(fmt) || strcmp(json_string_value(fmt), "heapwise-trace") != 0) return bad(r, "format is not heapwise-trace");
  if (!json_is_integer(ver) || json_integer_value(ver) != 1) {
    return bad(r, "trace version %lld; this reader knows version 1", json_is_integer(ver) ? (long long)json_integer_value(ver) : -1LL);
  }
  json_t *limits = json_object_get(o, "limits");
  json_t *cap = json_object_get(limits, "opCap"), *fuel = json_object_get(limits, "fuel");
  if (json_is_integer(cap) && json_integer_value(cap) > 0 && json_integer_value(cap) <= HW_MAX_OPS) r->op_cap = (uint32_t)json_integer_value(cap);
  /* The budget the recording host enforced: fuel runs out at the same event here. 0 (a trace
   * of an unmetered host) leaves the policy's own. */
  if (json_is_integer(fuel) && json_integer_value(fuel) > 0 && json_integer_value(fuel) <= 0x7fffffff) r->fuel = (uint32_t)json_integer_value(fuel);
  char label[600];
  snprintf(label, sizeof label, "%s:1 platform", r->path);
  hw_status_t st = hw_platform_from_json(json_object_get(o, "platform"), label, &r->platform, r->error);
  return st == HW_OK ? fresh_instance(r) : st;
}

static int keep_log(replay *r, const hw_text *line) {
  if (r->log_count == r->log_cap) {
    size_t cap = r->log_cap ? r->log_cap * 2 : 8;
    char **l = realloc(r->logs, cap * sizeof *l);
    if (!l) return 0;
    r->logs = l;
    r->log_cap = cap;
  }
  return (r->logs[r->log_count++] = strdup(line->s ? line->s : "")) != NULL;
}

static hw_status_t on_event(replay *r, json_t *o) {
  uint32_t i = 0;
  if (r->pending >= 0) return bad(r, "event %lld has no answer or fault line", (long long)r->pending);
  if (!hw_trace_get_u32(o, "i", &i) || (int64_t)i != r->last_event + 1) return bad(r, "event index does not increase by one");
  hw_status_t st;
  if (!r->inst && (st = fresh_instance(r)) != HW_OK) return st;
  hw_instance *inst = r->inst;
  uint64_t memsize;
  uint8_t *mem = hw_instance_memory(inst, &memsize);
  hw_event_record rec = {0};
  uint32_t len;
  char why[256];
  if (!hw_trace_encode_event(o, mem + inst->input, r->platform->heap_count, &rec, &len, why, sizeof why)) return bad(r, "%s", why);
  r->last_event = r->pending = i;
  hw_text_reset(&r->actual);
  hw_text_reset(&r->why);
  drop_logs(r);
  r->actual_fault = NULL;
  st = hw_instance_event(inst, len, &r->fault);
  if (st != HW_OK) {
    r->actual_fault = r->fault.kind;
  } else {
    mem = hw_instance_memory(inst, &memsize);
    hw_op_context c = {rec.kind, rec.buf, rec.failed_heaps, rec.heap != HW_NONE, r->platform, rec.size, rec.devices, (rec.flags & HW_BUFFER_FLAG_PROTECTED) != 0};
    if (hw_outcome_read(mem, inst->output, r->op_cap, r->out, &r->why) != HW_OK || hw_ops_validate(r->out, &c, &r->why) != HW_OK ||
        hw_manifest_check_ops(r->current->manifest, r->out, r->platform, &r->why) != HW_OK) {
      r->actual_fault = "invalid-op";
    } else {
      hw_trace_answer_line(&r->actual, i, r->out);
    }
  }
  hw_text line = {0};
  for (size_t k = 0; k < inst->log.count; k++) {
    hw_text_reset(&line);
    hw_trace_log_line(&line, i, inst->log.lines[k].fd, inst->log.lines[k].text, inst->log.lines[k].len);
    if (!keep_log(r, &line)) {
      hw_text_free(&line);
      return hw_fail(r->error, HW_ERR_NO_MEMORY, "out of memory");
    }
  }
  hw_text_free(&line);
  if (r->actual_fault) {
    /* A fault poisons the instance; the next event gets a fresh one, as a restarted host would. */
    hw_instance_delete(r->inst);
    r->inst = NULL;
  }
  r->result->events++;
  return HW_OK;
}

static hw_status_t on_log(replay *r, json_t *o, const char *raw) {
  uint32_t i = 0;
  if (r->pending < 0) return bad(r, "log line without its event");
  if (!hw_trace_get_u32(o, "i", &i) || (int64_t)i != r->pending) return bad(r, "log line for an event that is not the last one");
  const char *actual = r->log_next < r->log_count ? r->logs[r->log_next++] : "(no log line)";
  if (strcmp(actual, raw) != 0) return diverged(r, i, raw, actual);
  return HW_OK;
}

static hw_status_t on_outcome(replay *r, json_t *o, const char *t, const char *raw) {
  uint32_t i = 0;
  if (!hw_trace_get_u32(o, "i", &i) || (int64_t)i != r->pending) return bad(r, "%s line for an event that is not the last one", t);
  r->pending = -1;
  if (r->log_next < r->log_count) return diverged(r, i, "(no more log lines)", r->logs[r->log_next]);
  /* A recorded fault matches a fault of the same kind (messages carry host-specific labels). */
  const char *ek = !strcmp(t, "fault") ? json_string_value(json_object_get(o, "kind")) : NULL;
  if (ek ? r->actual_fault && !strcmp(r->actual_fault, ek) : !r->actual_fault && r->actual.s && !strcmp(r->actual.s, raw)) return HW_OK;
  if (!r->actual_fault) return diverged(r, i, raw, r->actual.s ? r->actual.s : "");
  hw_text msg = {0};
  hw_text_addf(&msg, "fault (%s): %s", r->actual_fault, !strcmp(r->actual_fault, "invalid-op") ? (r->why.s ? r->why.s : "") : (r->fault.message.s ? r->fault.message.s : ""));
  hw_status_t st = diverged(r, i, raw, msg.s ? msg.s : "");
  hw_text_free(&msg);
  return st;
}

/* The module a swap line names, by sha256: the given policy, a candidate, or the built-in. */
static hw_policy_t *find_module(replay *r, const char *sha) {
  if (!strcmp(r->given->sha256, sha)) return (hw_policy_t *)r->given;
  for (size_t k = 0; r->opts && k < r->opts->candidate_count; k++) {
    const hw_policy_t *c = r->opts->candidates[k];
    if (c && !strcmp(c->sha256, sha)) return (hw_policy_t *)c;
  }
  if (!r->builtin) hw_policy_load_builtin("default", NULL, &r->builtin, NULL);
  return r->builtin && !strcmp(r->builtin->sha256, sha) ? r->builtin : NULL;
}

static hw_status_t on_swap(replay *r, json_t *o) {
  uint32_t i = 0;
  if (r->pending >= 0) return bad(r, "swap line before the answer of event %lld", (long long)r->pending);
  if (!hw_trace_get_u32(o, "i", &i) || (int64_t)i != r->last_event + 1) return bad(r, "swap before event %u, but the next event is %lld", i, (long long)(r->last_event + 1));
  json_t *pol = json_object_get(o, "policy");
  const char *sha = json_string_value(json_object_get(pol, "sha256"));
  if (!sha) return bad(r, "swap lacks the policy identity");
  hw_policy_t *next = find_module(r, sha);
  if (!next) {
    const char *name = json_string_value(json_object_get(pol, "name")), *version = json_string_value(json_object_get(pol, "version"));
    return bad(r, "the trace swaps to %s %s (sha256 %s): no such module among the policies given and the built-in; pass it as a candidate", name ? name : "?",
               version ? version : "?", sha);
  }
  hw_policy_unref(r->current);
  r->current = hw_policy_ref(next);
  return fresh_instance(r);
}

void hw_replay_result_clear(hw_replay_result_t *r) {
  if (!r) return;
  free(r->expected);
  free(r->actual);
  memset(r, 0, sizeof *r);
}

/* One line; *ended set by the end line. */
static hw_status_t on_line(replay *r, char *line, size_t n, int *ended) {
  json_error_t je;
  json_t *o = json_loadb(line, n, 0, &je);
  if (!json_is_object(o)) {
    json_decref(o);
    return bad(r, "not a JSON object");
  }
  const char *t = json_string_value(json_object_get(o, "t"));
  hw_status_t st = HW_OK;
  if (!t) st = bad(r, "missing line type \"t\"");
  else if (r->line == 1) st = on_header(r, o, t);
  else if (!strcmp(t, "event")) st = on_event(r, o);
  else if (!strcmp(t, "log")) st = on_log(r, o, line);
  else if (!strcmp(t, "answer") || !strcmp(t, "fault")) st = on_outcome(r, o, t, line);
  else if (!strcmp(t, "swap")) st = on_swap(r, o);
  else if (!strcmp(t, "end")) *ended = 1;
  json_decref(o);
  return st;
}

hw_status_t hw_replay_file_with(const char *path, const hw_policy_t *policy, const hw_replay_options_t *opts, hw_replay_result_t *result, hw_error_t **error) {
  if (!path || !policy || !result) return hw_fail(error, HW_ERR_ARGUMENT, "hw_replay_file: NULL argument");
  memset(result, 0, sizeof *result);
  replay r = {.path = path, .error = error, .given = policy, .opts = opts, .op_cap = 64, .last_event = -1, .pending = -1, .result = result};
  r.fuel = policy->fuel;
  FILE *f = fopen(path, "r");
  if (!f) return hw_fail(error, HW_ERR_IO, "%s: cannot read trace: %s", path, strerror(errno));
  r.current = hw_policy_ref(policy);
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  hw_status_t st = HW_OK;
  int ended = 0;
  if (!(r.out = calloc(1, sizeof *r.out))) {
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
    if ((st = on_line(&r, line, (size_t)n, &ended)) != HW_OK) goto done;
  }
  if (r.line == 0) st = hw_fail(error, HW_ERR_INPUT, "%s: empty trace", path);
  else if (!ended) st = hw_fail(error, HW_ERR_INPUT, "%s: no end line after line %lu (truncated trace)", path, r.line);
  else if (r.pending >= 0) st = hw_fail(error, HW_ERR_INPUT, "%s: event %lld has no answer", path, (long long)r.pending);
done:
  free(line);
  fclose(f);
  free(r.out);
  hw_text_free(&r.actual);
  hw_text_free(&r.why);
  hw_text_free(&r.fault.message);
  drop_logs(&r);
  free(r.logs);
  hw_instance_delete(r.inst);
  hw_platform_delete(r.platform);
  hw_policy_unref(r.current);
  hw_policy_unref(r.builtin);
  return st;
}

hw_status_t hw_replay_file(const char *path, const hw_policy_t *policy, hw_replay_result_t *result, hw_error_t **error) {
  return hw_replay_file_with(path, policy, NULL, result, error);
}
