/* Replaying a trace (docs/trace.md, host/trace/replay.ts): every recorded event, encoded byte
 * for byte from its line, handed to a policy under the trace's fuel budget; its answer line
 * compared with the recorded one as text, the log lines it writes with the recorded `log`
 * lines, a recorded fault with a fault of the same kind (messages name the module, and module
 * labels differ between hosts). `swap` lines switch module, as the recording engine did.
 * Streams the file line by line. A binary trace (HWTRACE magic) goes to replay_binary.c. */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay_session.h"
#include "trace_read.h"

typedef struct jsonl {
  replay *r;
  unsigned long line;
  int64_t version; /* the header's: 2 records manifests */
  int64_t last_event, pending;
  hw_trace_order order; /* the format's order rules, shared with the binary reader */
  int checking;         /* after a divergence: lines are only checked (hw_replay_hold) */
  /* The log lines the module wrote for the pending event, compared one by one with the
   * recorded ones (copied: a fault drops the instance before they are compared). */
  char **logs;
  size_t log_count, log_next, log_cap;
} jsonl;

static hw_status_t bad(jsonl *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static hw_status_t bad(jsonl *j, const char *fmt, ...) {
  char detail[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(detail, sizeof detail, fmt, ap);
  va_end(ap);
  return hw_fail(j->r->error, HW_ERR_INPUT, "%s at line %lu: %s", j->r->path, j->line, detail);
}

static void drop_logs(jsonl *j) {
  for (size_t i = 0; i < j->log_count; i++) free(j->logs[i]);
  j->log_count = j->log_next = 0;
}

/* The manifest a header or swap line (`what`) records with its policy: version 2 requires the
 * key, null for none; version 1 predates it. *out NULL when there is none. */
static hw_status_t recorded_manifest(jsonl *j, json_t *policy, const char *what, hw_manifest **out) {
  *out = NULL;
  json_t *m = json_object_get(policy, "manifest");
  if (j->version < 2) return m ? bad(j, "%s policy.manifest: a version 1 trace records no manifest", what) : HW_OK;
  if (!m) return bad(j, "%s policy.manifest: missing (null when the module has none)", what);
  if (json_is_null(m)) return HW_OK;
  char label[600];
  snprintf(label, sizeof label, "%s at line %lu: %s policy.manifest", j->r->path, j->line, what);
  return hw_manifest_from_json(m, label, out, j->r->error);
}

static hw_status_t on_header(jsonl *j, json_t *o, const char *t) {
  replay *r = j->r;
  json_t *fmt = json_object_get(o, "format"), *ver = json_object_get(o, "version");
  if (strcmp(t, "header") != 0) return bad(j, "the first line is not a header");
  if (!json_is_string(fmt) || strcmp(json_string_value(fmt), "heapwise-trace") != 0) return bad(j, "format is not heapwise-trace");
  j->version = json_is_integer(ver) ? json_integer_value(ver) : -1;
  if (j->version < 1 || j->version > HW_TRACE_VERSION) return bad(j, "trace version %lld; this reader knows versions 1 and %d", (long long)j->version, HW_TRACE_VERSION);
  char why[256];
  if (!hw_trace_check_header(o, why, sizeof why)) return bad(j, "%s", why);
  json_t *policy = json_object_get(o, "policy");
  hw_manifest *m;
  hw_status_t st = recorded_manifest(j, policy, "header", &m);
  if (st != HW_OK) return st;
  hw_replay_enforce(r, j->version >= 2, json_string_value(json_object_get(policy, "sha256")), m);
  json_t *limits = json_object_get(o, "limits");
  json_t *cap = json_object_get(limits, "opCap"), *fuel = json_object_get(limits, "fuel");
  hw_replay_limits(r, json_is_integer(fuel) ? json_integer_value(fuel) : 0, json_is_integer(cap) ? json_integer_value(cap) : -1);
  char label[600];
  snprintf(label, sizeof label, "%s:1 platform", r->path);
  st = hw_platform_from_json(json_object_get(o, "platform"), (hw_input_doc){label, 0}, &r->platform, r->error);
  return st == HW_OK ? hw_replay_fresh_instance(r) : st;
}

static int keep_log(jsonl *j, const hw_text *line) {
  if (j->log_count == j->log_cap) {
    size_t cap = j->log_cap ? j->log_cap * 2 : 8;
    char **l = realloc(j->logs, cap * sizeof *l);
    if (!l) return 0;
    j->logs = l;
    j->log_cap = cap;
  }
  return (j->logs[j->log_count++] = strdup(line->s ? line->s : "")) != NULL;
}

static hw_status_t on_event(jsonl *j, json_t *o) {
  replay *r = j->r;
  uint32_t i = 0;
  if (j->pending >= 0) return bad(j, "event %lld has no answer or fault line", (long long)j->pending);
  if (!hw_trace_get_u32(o, "i", &i) || (int64_t)i != j->last_event + 1) return bad(j, "event index does not increase by one");
  hw_status_t st;
  if (!r->inst && (st = hw_replay_fresh_instance(r)) != HW_OK) return st;
  hw_instance *inst = r->inst;
  uint64_t memsize;
  uint8_t *mem = hw_instance_memory(inst, &memsize);
  hw_event_record rec = {0};
  uint32_t len;
  char why[256];
  if (!hw_trace_encode_event(o, mem + inst->input, r->platform->heap_count, &rec, &len, why, sizeof why)) return bad(j, "%s", why);
  j->last_event = j->pending = i;
  drop_logs(j);
  hw_replay_judge(r, hw_instance_event(inst, len, &r->fault), i, &rec);
  hw_text line = {0};
  for (size_t k = 0; k < inst->log.count; k++) {
    hw_text_reset(&line);
    hw_trace_log_line(&line, i, inst->log.lines[k].fd, inst->log.lines[k].text, inst->log.lines[k].len);
    if (!keep_log(j, &line)) {
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

static hw_status_t on_log(jsonl *j, json_t *o, const char *raw) {
  uint32_t i = 0;
  if (j->pending < 0) return bad(j, "log line without its event");
  if (!hw_trace_get_u32(o, "i", &i) || (int64_t)i != j->pending) return bad(j, "log line for an event that is not the last one");
  const char *actual = j->log_next < j->log_count ? j->logs[j->log_next++] : "(no log line)";
  if (strcmp(actual, raw) != 0) return hw_replay_diverged(j->r, i, j->line, raw, actual);
  return HW_OK;
}

static hw_status_t on_outcome(jsonl *j, json_t *o, const char *t, const char *raw) {
  replay *r = j->r;
  uint32_t i = 0;
  if (!hw_trace_get_u32(o, "i", &i) || (int64_t)i != j->pending) return bad(j, "%s line for an event that is not the last one", t);
  j->pending = -1;
  if (j->log_next < j->log_count) return hw_replay_diverged(r, i, j->line, "(no more log lines)", j->logs[j->log_next]);
  /* A recorded fault matches a fault of the same kind (messages carry host-specific labels). */
  const char *ek = !strcmp(t, "fault") ? json_string_value(json_object_get(o, "kind")) : NULL;
  if (ek ? r->actual_fault && !strcmp(r->actual_fault, ek) : !r->actual_fault && r->actual.s && !strcmp(r->actual.s, raw)) return HW_OK;
  if (!r->actual_fault) return hw_replay_diverged(r, i, j->line, raw, r->actual.s ? r->actual.s : "");
  char *msg = hw_replay_fault_text(r);
  hw_status_t st = hw_replay_diverged(r, i, j->line, raw, msg ? msg : "");
  free(msg);
  return st;
}

static hw_status_t on_swap(jsonl *j, json_t *o) {
  replay *r = j->r;
  uint32_t i = 0;
  if (j->pending >= 0) return bad(j, "swap line before the answer of event %lld", (long long)j->pending);
  if (!hw_trace_get_u32(o, "i", &i) || (int64_t)i != j->last_event + 1) return bad(j, "swap before event %u, but the next event is %lld", i, (long long)(j->last_event + 1));
  json_t *pol = json_object_get(o, "policy");
  const char *sha = json_string_value(json_object_get(pol, "sha256"));
  if (!sha) return bad(j, "swap lacks the policy identity");
  hw_manifest *m;
  hw_status_t st = recorded_manifest(j, pol, "swap", &m);
  if (st != HW_OK) return st;
  hw_policy_t *next = hw_replay_find_module(r, sha);
  if (!next) {
    hw_manifest_delete(m);
    const char *name = json_string_value(json_object_get(pol, "name")), *version = json_string_value(json_object_get(pol, "version"));
    return bad(j, "the trace swaps to %s %s (sha256 %s): no such module among the policies given and the built-in; pass it as a candidate", name ? name : "?",
               version ? version : "?", sha);
  }
  st = hw_replay_switch(r, next);
  hw_replay_enforce(r, j->version >= 2, sha, m);
  return st;
}

void hw_replay_result_clear(hw_replay_result_t *r) {
  if (!r) return;
  free(r->expected);
  free(r->actual);
  memset(r, 0, sizeof *r);
}

/* The order rules for a checked line (facts: its fields). */
static int in_order(jsonl *j, const char *t, const hw_line_facts *f, char *why, size_t cap) {
  hw_trace_order *o = &j->order;
  switch (t[0]) {
    case 'c': return hw_order_call(o, f->n, why, cap);
    case 'e': return t[1] == 'v' ? hw_order_event(o, f->i, f->n, why, cap) : hw_order_end(o, f->calls, f->events, why, cap);
    case 'l': return hw_order_log(o, f->i, why, cap);
    case 'a': return hw_order_answer(o, f->i, f->ops, why, cap);
    case 'f': return hw_order_fault(o, f->i, why, cap);
    case 'r': return hw_order_result(o, f->i, f->op, f->ok, why, cap);
    default: return hw_order_swap(o, f->i, why, cap);
  }
}

/* A line after the header: every field typed (docs/trace.md), then the order rules. */
static hw_status_t check_line(jsonl *j, json_t *o, const char *t) {
  hw_line_facts f;
  char why[320];
  if (!hw_trace_check_line(o, t, j->r->platform, &f, why, sizeof why) || !in_order(j, t, &f, why, sizeof why)) return bad(j, "%s", why);
  return HW_OK;
}

/* One line; *ended set by the end line. */
static hw_status_t on_line(jsonl *j, char *line, size_t n, int *ended) {
  json_error_t je;
  json_t *o = json_loadb(line, n, 0, &je);
  if (!json_is_object(o)) {
    json_decref(o);
    return bad(j, "not a JSON object");
  }
  const char *t = json_string_value(json_object_get(o, "t"));
  hw_status_t st = HW_OK;
  if (!t) st = bad(j, "missing line type \"t\"");
  else if (j->line == 1) st = on_header(j, o, t);
  else if ((st = check_line(j, o, t)) != HW_OK) {
  } else if (!strcmp(t, "end")) *ended = 1;
  else if (j->checking) {
    /* After a divergence the lines are only checked. */
  } else if (!strcmp(t, "event")) st = on_event(j, o);
  else if (!strcmp(t, "log")) st = on_log(j, o, line);
  else if (!strcmp(t, "answer") || !strcmp(t, "fault")) st = on_outcome(j, o, t, line);
  else if (!strcmp(t, "swap")) st = on_swap(j, o);
  json_decref(o);
  return st;
}

static hw_status_t replay_lines(replay *r, FILE *f) {
  jsonl j = {.r = r, .last_event = -1, .pending = -1};
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  hw_status_t st = HW_OK;
  int ended = 0;
  hw_error_t *held = NULL;
  while ((n = getline(&line, &cap, f)) > 0) {
    j.line++;
    if (line[n - 1] == '\n') line[--n] = 0;
    /* A line may end in "\r\n" (JSON Lines allows it; a CRLF conversion makes it), as in Node. */
    if (n > 0 && line[n - 1] == '\r') line[--n] = 0;
    if (ended) {
      st = bad(&j, "line after the end line");
      goto done;
    }
    st = on_line(&j, line, (size_t)n, &ended);
    if (st == HW_ERR_DIVERGED && !j.checking) {
      hw_replay_hold(r, &held);
      j.checking = 1;
      st = HW_OK;
    }
    if (st != HW_OK) goto done;
  }
  if (j.line == 0) st = hw_fail(r->error, HW_ERR_INPUT, "%s: empty trace", r->path);
  else if (!ended) st = hw_fail(r->error, HW_ERR_INPUT, "%s at line %lu: truncated: no end line after %lu lines", r->path, j.line, j.line);
  else if (!j.checking && j.pending >= 0) st = hw_fail(r->error, HW_ERR_INPUT, "%s: event %lld has no answer", r->path, (long long)j.pending);
done:
  if (j.checking) st = hw_replay_settle(r, st, held);
  free(line);
  drop_logs(&j);
  free(j.logs);
  return st;
}

hw_status_t hw_replay_file_with(const char *path, const hw_policy_t *policy, const hw_replay_options_t *opts, hw_replay_result_t *result, hw_error_t **error) {
  /* Cleared first, so that hw_replay_result_clear is safe after any failure. */
  if (result) memset(result, 0, sizeof *result);
  if (!path || !policy || !result) return hw_fail(error, HW_ERR_ARGUMENT, "hw_replay_file: NULL argument");
  if (opts && !opts->candidates && opts->candidate_count) {
    return hw_fail(error, HW_ERR_ARGUMENT, "hw_replay_file_with: candidates is NULL but candidate_count is %zu", opts->candidate_count);
  }
  FILE *f = fopen(path, "rb");
  if (!f) return hw_fail(error, HW_ERR_IO, "%s: cannot read trace: %s", path, strerror(errno));
  /* The encoding by the first byte: '{' of a header line, 'H' of the binary magic. */
  int first = fgetc(f);
  if (first != EOF && first != '{' && first != 'H') {
    fclose(f);
    return hw_fail(error, HW_ERR_INPUT, "%s at byte 0: neither a JSON Lines trace (starts with \"{\") nor a binary one (starts with HWTRACE)", path);
  }
  if (first != EOF) ungetc(first, f);
  replay r = {.path = path, .unit = first == 'H' ? "record" : "line", .error = error, .given = policy, .opts = opts, .op_cap = 64, .result = result, .fuel = policy->fuel};
  r.current = hw_policy_ref(policy);
  r.manifest = policy->manifest;
  hw_status_t st = HW_OK;
  if (!(r.out = calloc(1, sizeof *r.out))) st = hw_fail(error, HW_ERR_NO_MEMORY, "out of memory");
  else if (first == 'H') {
    fclose(f);
    f = NULL;
    st = hw_replay_binary(&r);
  } else {
    st = replay_lines(&r, f);
  }
  if (f) fclose(f);
  hw_replay_release(&r);
  return st;
}

hw_status_t hw_replay_file(const char *path, const hw_policy_t *policy, hw_replay_result_t *result, hw_error_t **error) {
  return hw_replay_file_with(path, policy, NULL, result, error);
}
