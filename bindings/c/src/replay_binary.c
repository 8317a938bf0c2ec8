/* Replaying a binary trace (docs/trace.md "Replay of a binary trace"): each event image copied
 * into the input region as recorded, hw_event run under the trace's fuel, the used output region
 * compared with the recorded answer image. Equal bytes are the recorded answer, valid when it was
 * recorded under the same event, platform and limits, so nothing is decoded. Only on a
 * difference, a recorded fault, or a manifest limiting heaps or sizes are both answers decoded,
 * validated and compared as JSON Lines answer lines, so the divergence reads as it does for a
 * JSON Lines trace. */
#include <stdlib.h>
#include <string.h>

#include "replay_session.h"
#include "trace_binary_records.h"

typedef struct binary {
  replay *r;
  hw_bin_cursor *c;
  int64_t pending;           /* the event awaiting its answer or fault, or -1 */
  hw_status_t st;            /* what hw_event returned for it */
  uint8_t event[sizeof(hw_event)]; /* its Event, for validation on the full path */
  size_t log_next;           /* its log lines compared so far */
  hw_outcome *recorded;      /* scratch: a recorded answer decoded */
  hw_text expected;          /* scratch: a recorded record as its JSON line */
} binary;

/* A str field as a NUL-terminated string for a message, in out (cut at cap - 1): control bytes,
 * and every byte above ASCII unless the field is UTF-8, become '?'. */
static const char *cstr(const hw_bin_str_t *s, char *out, size_t cap) {
  size_t n = s->n < cap - 1 ? s->n : cap - 1;
  int utf8 = hw_utf8_valid(s->s, n);
  for (size_t k = 0; k < n; k++) out[k] = s->s[k] < 0x20 || s->s[k] == 0x7f || (s->s[k] >= 0x80 && !utf8) ? '?' : (char)s->s[k];
  out[n] = 0;
  return out;
}

/* The manifest a header or swap record (`what`) records with its policy, as JSON text that must
 * validate as a manifest; *out NULL when there is none (or version 1 recorded none). */
static hw_status_t recorded_manifest(binary *b, const hw_bin_policy *p, const char *what, hw_manifest **out) {
  *out = NULL;
  if (!p->manifest.present) return HW_OK;
  json_error_t je;
  json_t *o = json_loadb((const char *)p->manifest.s, p->manifest.n, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);
  if (!o) return hw_bin_fault(b->c, "%s policy.manifest is not JSON: %s", what, je.text);
  if (json_is_null(o)) return hw_bin_fault(b->c, "%s policy.manifest is null text (a module without a manifest is u8 0)", what);
  char label[600];
  snprintf(label, sizeof label, "%s at byte %llu (record %u): %s policy.manifest", b->r->path, (unsigned long long)b->c->record_at, b->c->index, what);
  hw_status_t st = hw_manifest_from_json(o, label, out, b->r->error);
  json_decref(o);
  return st;
}

static hw_status_t on_header(binary *b) {
  replay *r = b->r;
  hw_bin_header h;
  hw_status_t st = hw_bin_read_header(b->c, &h);
  if (st != HW_OK) return st;
  hw_manifest *m;
  char sha[80];
  if ((st = recorded_manifest(b, &h.policy, "header", &m)) != HW_OK) return st;
  hw_replay_enforce(r, h.policy.recorded, cstr(&h.policy.sha256, sha, sizeof sha), m);
  json_error_t je;
  json_t *platform = json_loadb((const char *)h.platform.s, h.platform.n, 0, &je);
  if (!json_is_object(platform)) {
    json_decref(platform);
    return hw_bin_fault(b->c, "platform is not a JSON object");
  }
  char label[600];
  snprintf(label, sizeof label, "%s at byte %llu (record 1) platform", r->path, (unsigned long long)b->c->record_at);
  st = hw_platform_from_json(platform, (hw_input_doc){label, 0}, &r->platform, r->error);
  json_decref(platform);
  if (st != HW_OK) return st;
  b->c->heaps = r->platform->heap_count;
  b->c->devices = r->platform->device_count;
  b->c->platform_known = 1;
  hw_replay_limits(r, h.fuel, h.op_cap);
  return hw_replay_fresh_instance(r);
}

static hw_status_t on_event(binary *b) {
  replay *r = b->r;
  hw_bin_cursor *c = b->c;
  if (b->pending >= 0) return hw_bin_fault(c, "event %lld has no answer or fault record", (long long)b->pending);
  hw_status_t st;
  if (!r->inst && (st = hw_replay_fresh_instance(r)) != HW_OK) return st;
  const uint8_t *image = c->p + HW_BIN_EVENT_PREFIX;
  uint32_t len = c->len - HW_BIN_EVENT_PREFIX; /* checked against the platform by the cursor */
  uint64_t memsize;
  memcpy(hw_instance_memory(r->inst, &memsize) + r->inst->input, image, len);
  memcpy(b->event, image, sizeof b->event);
  b->pending = hw_get_u32(c->p);
  b->log_next = 0;
  b->st = hw_instance_event(r->inst, len, &r->fault);
  r->result->events++;
  return HW_OK;
}

/* The event's fields the validation of an answer depends on. */
static hw_event_record context(const binary *b) {
  hw_event ev;
  memcpy(&ev, b->event, sizeof ev);
  return (hw_event_record){.kind = ev.kind, .buf = ev.buf, .size = ev.size, .devices = ev.devices, .failed_heaps = ev.failed_heaps, .heap = ev.heap, .flags = ev.flags};
}

static hw_status_t on_log(binary *b) {
  replay *r = b->r;
  uint32_t fd;
  hw_bin_str_t text;
  hw_status_t st = hw_bin_read_log(b->c, &fd, &text);
  if (st != HW_OK) return st;
  if (b->pending < 0) return hw_bin_fault(b->c, "log record after its event's answer");
  const hw_log_sink *log = &r->inst->log;
  const hw_log_line *l = b->log_next < log->count ? &log->lines[b->log_next++] : NULL;
  if (l && l->fd == fd && l->len == text.n && !memcmp(l->text, text.s, text.n)) return HW_OK;
  hw_text actual = {0};
  hw_text_reset(&b->expected);
  hw_trace_log_line(&b->expected, (uint32_t)b->pending, fd, (const char *)text.s, text.n);
  if (l) hw_trace_log_line(&actual, (uint32_t)b->pending, l->fd, l->text, l->len);
  st = hw_replay_diverged(r, (uint32_t)b->pending, b->c->index, b->expected.s ? b->expected.s : "", l ? (actual.s ? actual.s : "") : "(no log line)");
  hw_text_free(&actual);
  return st;
}

/* The used output region is the recorded answer image, byte for byte. */
static int same_answer(binary *b) {
  replay *r = b->r;
  uint32_t len;
  const uint8_t *img = hw_bin_answer_image(b->c, &len);
  uint64_t memsize;
  const uint8_t *out = hw_instance_memory(r->inst, &memsize) + r->inst->output;
  uint32_t ops = hw_get_u32(out), explains = hw_get_u32(out + 4), strings = hw_get_u32(out + 8);
  if (ops > HW_MAX_OPS || explains > HW_MAX_EXPLAIN || strings > HW_OUT_STRINGS_CAPACITY) return 0;
  size_t head = HW_OUT_OPS_OFFSET + ops * sizeof(hw_op), ex = explains * sizeof(hw_explain);
  return len == head + ex + strings && !memcmp(out, img, head) && !memcmp(out + HW_OUT_EXPLAIN_OFFSET, img + head, ex) &&
         !memcmp(out + HW_OUT_STRINGS_OFFSET, img + head + ex, strings);
}

/* Whether an answer equal to the recorded bytes is valid without validating it: replay always
 * enforces the trace's limits (hw_replay_limits), so it is when no manifest restricts the module
 * further than the recording did. */
static int fast_path(const binary *b) {
  const hw_manifest *m = b->r->manifest;
  return !m || (!m->allowed_heaps && !m->max_allocation);
}

static hw_status_t diverged_from(binary *b, uint32_t i) {
  replay *r = b->r;
  if (!r->actual_fault) return hw_replay_diverged(r, i, b->c->index, b->expected.s ? b->expected.s : "", r->actual.s ? r->actual.s : "");
  char *msg = hw_replay_fault_text(r);
  hw_status_t st = hw_replay_diverged(r, i, b->c->index, b->expected.s ? b->expected.s : "", msg ? msg : "");
  free(msg);
  return st;
}

static hw_status_t on_outcome(binary *b) {
  replay *r = b->r;
  hw_bin_cursor *c = b->c;
  uint32_t i = hw_get_u32(c->p);
  hw_bin_str_t kind = {0}, message = {0};
  hw_status_t st;
  if (c->type == HW_REC_FAULT && (st = hw_bin_read_fault(c, &kind, &message)) != HW_OK) return st;
  if (b->pending < 0) return hw_bin_fault(c, "a second answer or fault for event %u", i);
  b->pending = -1;
  const hw_log_sink *log = &r->inst->log;
  if (b->log_next < log->count) {
    hw_text actual = {0};
    const hw_log_line *l = &log->lines[b->log_next];
    hw_trace_log_line(&actual, i, l->fd, l->text, l->len);
    st = hw_replay_diverged(r, i, c->index, "(no more log lines)", actual.s ? actual.s : "");
    hw_text_free(&actual);
    return st;
  }
  if (c->type == HW_REC_ANSWER && b->st == HW_OK && fast_path(b) && same_answer(b)) return HW_OK;
  /* The full path: both sides as JSON Lines would show them. */
  hw_event_record rec = context(b);
  hw_replay_judge(r, b->st, i, &rec);
  hw_text_reset(&b->expected);
  if (c->type == HW_REC_FAULT) {
    /* The recorded line as JSON Lines has it (the kind as written, the whole message). */
    char *k = strndup((const char *)kind.s, kind.n), *m = strndup((const char *)message.s, message.n);
    hw_trace_fault_line(&b->expected, i, k ? k : "", m ? m : "");
    free(k);
    free(m);
    /* A recorded fault matches a fault of the same kind (messages carry host-specific labels). */
    st = r->actual_fault && strlen(r->actual_fault) == kind.n && !memcmp(r->actual_fault, kind.s, kind.n) ? HW_OK : diverged_from(b, i);
  } else {
    if ((st = hw_bin_read_answer(c, b->recorded)) != HW_OK) return st;
    hw_trace_answer_line(&b->expected, i, b->recorded);
    st = !r->actual_fault && r->actual.s && b->expected.s && !strcmp(r->actual.s, b->expected.s) ? HW_OK : diverged_from(b, i);
  }
  if (r->actual_fault) {
    /* A fault poisons the instance; the next event gets a fresh one, as a restarted host would. */
    hw_instance_delete(r->inst);
    r->inst = NULL;
  }
  return st;
}

static hw_status_t on_swap(binary *b) {
  if (b->pending >= 0) return hw_bin_fault(b->c, "swap before the answer of event %lld", (long long)b->pending);
  replay *r = b->r;
  hw_bin_str_t reason;
  hw_bin_policy p;
  char sha[80], name[128], version[128];
  hw_status_t st = hw_bin_read_swap(b->c, &reason, &p);
  if (st != HW_OK) return st;
  hw_manifest *m;
  if ((st = recorded_manifest(b, &p, "swap", &m)) != HW_OK) return st;
  hw_policy_t *next = hw_replay_find_module(r, cstr(&p.sha256, sha, sizeof sha));
  if (!next) {
    hw_manifest_delete(m);
    return hw_bin_fault(b->c, "the trace swaps to %s %s (sha256 %s): no such module among the policies given and the built-in; pass it as a candidate",
                        cstr(&p.name, name, sizeof name), cstr(&p.version, version, sizeof version), sha);
  }
  st = hw_replay_switch(r, next);
  hw_replay_enforce(r, p.recorded, sha, m);
  return st;
}

static hw_status_t on_record(binary *b) {
  switch (b->c->type) {
    case HW_REC_HEADER: return on_header(b);
    case HW_REC_CALL: return hw_bin_check_call(b->c);
    case HW_REC_EVENT: return on_event(b);
    case HW_REC_LOG: return on_log(b);
    case HW_REC_ANSWER:
    case HW_REC_FAULT: return on_outcome(b);
    case HW_REC_RESULT: return hw_bin_check_result(b->c);
    case HW_REC_SWAP: return on_swap(b);
    default: return HW_OK; /* end: its counts are the cursor's */
  }
}

/* After a divergence: the record's fields checked, nothing replayed (the cursor checks the order). */
static hw_status_t check_record(binary *b) {
  hw_bin_cursor *c = b->c;
  hw_bin_str_t s1, s2;
  hw_bin_policy p;
  uint32_t fd;
  switch (c->type) {
    case HW_REC_CALL: return hw_bin_check_call(c);
    case HW_REC_RESULT: return hw_bin_check_result(c);
    case HW_REC_FAULT: return hw_bin_read_fault(c, &s1, &s2);
    case HW_REC_SWAP: return hw_bin_read_swap(c, &s1, &p);
    case HW_REC_LOG: return hw_bin_read_log(c, &fd, &s1);
    case HW_REC_ANSWER: return hw_bin_read_answer(c, b->recorded);
    default: return HW_OK;
  }
}

hw_status_t hw_replay_binary(replay *r) {
  hw_bin_cursor c;
  hw_status_t st = hw_bin_cursor_open(&c, r->path, r->error);
  if (st != HW_OK) return st;
  binary b = {.r = r, .c = &c, .pending = -1};
  if (!(b.recorded = malloc(sizeof *b.recorded))) st = hw_fail(r->error, HW_ERR_NO_MEMORY, "out of memory");
  int more = 1, checking = 0;
  hw_error_t *held = NULL;
  while (st == HW_OK && (st = hw_bin_cursor_next(&c, &more)) == HW_OK && more) {
    st = checking ? check_record(&b) : on_record(&b);
    if (st == HW_ERR_DIVERGED && !checking) {
      hw_replay_hold(r, &held);
      checking = 1;
      st = HW_OK;
    }
  }
  if (st == HW_OK && !checking && b.pending >= 0) st = hw_fail(r->error, HW_ERR_INPUT, "%s: event %lld has no answer or fault record", r->path, (long long)b.pending);
  if (checking) st = hw_replay_settle(r, st, held);
  hw_bin_cursor_close(&c);
  free(b.recorded);
  hw_text_free(&b.expected);
  return st;
}
