/* The parts of a replay both encodings share (docs/trace.md "Replay and diff"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay_session.h"

void hw_replay_limits(replay *r, int64_t fuel, int64_t op_cap) {
  /* The recorded cap as the recording engine enforced it (hw_outcome_read applies HW_MAX_OPS
   * above it, as every host does), never a default in its place. */
  if (op_cap >= 0 && op_cap <= UINT32_MAX) r->op_cap = (uint32_t)op_cap;
  if (fuel > 0 && fuel <= 0x7fffffff) r->fuel = (uint32_t)fuel;
}

hw_status_t hw_replay_fresh_instance(replay *r) {
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

hw_policy_t *hw_replay_find_module(replay *r, const char *sha) {
  if (!strcmp(r->given->sha256, sha)) return (hw_policy_t *)r->given;
  for (size_t k = 0; r->opts && k < r->opts->candidate_count; k++) {
    const hw_policy_t *c = r->opts->candidates[k];
    if (c && !strcmp(c->sha256, sha)) return (hw_policy_t *)c;
  }
  if (!r->builtin) hw_policy_load_builtin("default", NULL, &r->builtin, NULL);
  return r->builtin && !strcmp(r->builtin->sha256, sha) ? r->builtin : NULL;
}

hw_status_t hw_replay_switch(replay *r, hw_policy_t *next) {
  hw_policy_unref(r->current);
  r->current = hw_policy_ref(next);
  return hw_replay_fresh_instance(r);
}

void hw_replay_enforce(replay *r, int known, const char *sha256, hw_manifest *m) {
  hw_manifest_delete(r->recorded);
  r->recorded = m;
  int same = known && sha256 && !strcmp(r->current->sha256, sha256);
  r->manifest = same ? r->recorded : r->current->manifest;
}

void hw_replay_judge(replay *r, hw_status_t st, uint32_t i, const hw_event_record *rec) {
  hw_text_reset(&r->actual);
  hw_text_reset(&r->why);
  r->actual_fault = NULL;
  if (st != HW_OK) {
    r->actual_fault = r->fault.kind;
    return;
  }
  uint64_t memsize;
  uint8_t *mem = hw_instance_memory(r->inst, &memsize);
  hw_op_context c = {rec->kind, rec->buf, rec->failed_heaps, rec->heap != HW_NONE, r->platform, rec->size, rec->devices, (rec->flags & HW_BUFFER_FLAG_PROTECTED) != 0};
  if (hw_outcome_read(mem, r->inst->output, r->op_cap, r->out, &r->why) != HW_OK || hw_ops_validate(r->out, &c, &r->why) != HW_OK ||
      hw_manifest_check_ops(r->manifest, r->out, r->platform, &r->why) != HW_OK) {
    r->actual_fault = "invalid-op";
  } else {
    hw_trace_answer_line(&r->actual, i, r->out);
  }
}

char *hw_replay_fault_text(replay *r) {
  hw_text msg = {0};
  const char *detail = !strcmp(r->actual_fault, "invalid-op") ? r->why.s : r->fault.message.s;
  hw_text_addf(&msg, "fault (%s): %s", r->actual_fault, detail ? detail : "");
  return hw_text_take(&msg);
}

hw_status_t hw_replay_diverged(replay *r, uint32_t event, unsigned long line, const char *expected, const char *actual) {
  hw_replay_result_t *res = r->result;
  res->diverged = 1;
  res->index = event;
  res->line = (uint32_t)line;
  res->expected = strdup(expected);
  res->actual = strdup(actual);
  return hw_fail(r->error, HW_ERR_DIVERGED, "%s at %s %lu: event %u: the policy answered differently\n  expected: %s\n  actual:   %s", r->path, r->unit, line, event, expected,
                 actual);
}

void hw_replay_hold(replay *r, hw_error_t **held) {
  *held = r->error ? *r->error : NULL;
  if (r->error) *r->error = NULL;
}

hw_status_t hw_replay_settle(replay *r, hw_status_t rest, hw_error_t *held) {
  if (rest == HW_OK) {
    if (r->error) *r->error = held;
    else hw_error_delete(held);
    return HW_ERR_DIVERGED;
  }
  hw_error_delete(held);
  hw_replay_result_clear(r->result);
  return rest;
}

void hw_replay_release(replay *r) {
  free(r->out);
  hw_text_free(&r->actual);
  hw_text_free(&r->why);
  hw_text_free(&r->fault.message);
  hw_instance_delete(r->inst);
  hw_platform_delete(r->platform);
  hw_policy_unref(r->current);
  hw_policy_unref(r->builtin);
  hw_manifest_delete(r->recorded);
}
