/* Asking the policy: the event encoding, the validated answer, the placement loop with its
 * ENOMEM fallback, and the execution of SYNC answers (host/engine/engine.ts ask / placeOnce /
 * run, step for step, so both hosts hand the module the same bytes). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

static void put32(uint8_t *b, size_t off, uint32_t v) { memcpy(b + off, &v, 4); }
static void put64(uint8_t *b, size_t off, uint64_t v) { memcpy(b + off, &v, 8); }

static void trace_result(hw_engine_t *e, uint32_t ev, uint32_t op, int ok, int fd, int err) {
  hw_trace *tr = e->trace;
  if (!tr || (int64_t)ev != tr->last_event) return;
  hw_trace_result(tr, ev, op, ok, fd, err);
}

/* The log lines of the call just made: to the trace and the caller's callback. */
static void emit_logs(hw_engine_t *e, hw_instance *inst, uint32_t ev) {
  const hw_log_sink *log = &inst->log;
  for (size_t i = 0; i < log->count; i++) {
    const hw_log_line *l = &log->lines[i];
    if (e->trace) hw_trace_log(e->trace, ev, l->fd, l->text, l->len);
    if (e->log) e->log(e->log_ctx, ev, l->fd, l->text);
  }
}

/* Encodes the event into the module's input region, runs it, reads and validates the answer. */
static hw_status_t ask(hw_engine_t *e, hw_buffer *b, uint32_t kind, uint32_t device, uint32_t access, uint64_t failed, uint32_t last_errno,
                       uint32_t *event_index) {
  hw_instance *inst = e->inst;
  uint64_t memsize;
  uint8_t *mem = hw_instance_memory(inst, &memsize);
  uint8_t *in = mem + inst->input;
  uint32_t flags = 0;
  if (b->protected_content) flags |= HW_BUFFER_FLAG_PROTECTED;
  if (b->deferred) flags |= HW_BUFFER_FLAG_DEFERRED;
  if (b->exported) flags |= HW_BUFFER_FLAG_EXPORTED;
  if (b->name_len) flags |= HW_BUFFER_FLAG_NAMED;
  uint32_t heap = b->heap_index < 0 ? HW_NONE : (uint32_t)b->heap_index;
  put32(in, offsetof(hw_event, kind), kind);
  put32(in, offsetof(hw_event, buf), b->id);
  put32(in, offsetof(hw_event, device), device);
  put32(in, offsetof(hw_event, access), access);
  put64(in, offsetof(hw_event, size), b->requested);
  put64(in, offsetof(hw_event, devices), b->devices);
  put64(in, offsetof(hw_event, failed_heaps), failed);
  put32(in, offsetof(hw_event, heap), heap);
  put32(in, offsetof(hw_event, cpu), b->cpu_use);
  put32(in, offsetof(hw_event, flags), flags);
  put32(in, offsetof(hw_event, last_errno), last_errno);
  put32(in, offsetof(hw_event, name_len), (uint32_t)b->name_len);
  put32(in, offsetof(hw_event, reserved0), 0);
  memcpy(in + offsetof(hw_event, state), b->state, sizeof b->state);
  /* The whole field in one fixed-size copy: b->name is zero past name_len (engine.h). */
  _Static_assert(HW_EVENT_USAGE_OFFSET - HW_EVENT_NAME_OFFSET == sizeof b->name, "name field");
  memcpy(in + HW_EVENT_NAME_OFFSET, b->name, sizeof b->name);
  uint32_t len = HW_EVENT_USAGE_OFFSET;
  uint64_t usage[HW_MAX_HEAPS];
  hw_event_record ev = {
      .index = e->event_index++, .call = (uint32_t)e->call_index, .kind = kind, .buf = b->id, .device = device, .access = access,
      .size = b->requested, .devices = b->devices, .failed_heaps = failed, .heap = heap, .cpu = b->cpu_use, .flags = flags,
      .last_errno = last_errno, .name = b->name, .name_len = b->name_len,
  };
  memcpy(ev.state, b->state, sizeof ev.state);
  if (kind == HW_EVENT_KIND_PLACE) {
    for (size_t i = 0; i < e->platform->heap_count; i++) {
      usage[i] = e->backend->ops->usage(e->backend, &e->heaps[i]);
      put64(in, HW_EVENT_USAGE_OFFSET + i * 8, usage[i]);
    }
    len += (uint32_t)(e->platform->heap_count * 8);
    ev.usage = usage;
    ev.usage_count = e->platform->heap_count;
  }
  *event_index = ev.index;
  /* Recorded before the module runs: the input region exactly as handed to it. */
  if (e->trace) hw_trace_event(e->trace, &ev, in, len);
  hw_status_t st = hw_instance_event(inst, len, &e->fault);
  if (st == HW_OK) {
    mem = hw_instance_memory(inst, &memsize);
    hw_text_reset(&e->why);
    st = hw_outcome_read(mem, inst->output, e->op_cap, &e->out, &e->why);
    if (st == HW_OK) {
      hw_op_context c = {kind, b->id, failed, b->heap_index >= 0, e->platform, b->requested, b->devices, b->protected_content};
      st = hw_ops_validate(&e->out, &c, &e->why);
    }
    /* The manifest's limits, on top of the ABI's (host/engine/answer.ts). */
    if (st == HW_OK) st = hw_manifest_check_ops(inst->policy->manifest, &e->out, e->platform, &e->why);
    if (st != HW_OK) {
      e->fault.kind = "invalid-op";
      hw_text_reset(&e->fault.message);
      hw_text_addf(&e->fault.message, "policy module %s: %s", inst->policy->label, e->why.s ? e->why.s : "?");
    }
  }
  /* After the event record: the lines a debug build wrote while answering it, then the answer
   * or the fault, in the order of the Node host's recorder. */
  hw_trace *tr = e->trace;
  if (tr && st == HW_OK) tr->last_event = ev.index;
  emit_logs(e, inst, ev.index);
  if (st != HW_OK) {
    if (tr) hw_trace_fault(tr, ev.index, e->fault.kind, e->fault.message.s ? e->fault.message.s : "");
    hw_engine_fail(e, HW_ERR_POLICY_FAULT, "%s", e->fault.message.s ? e->fault.message.s : "policy fault");
    /* Keep serving: the fallback policy answers this event again (a new event, same buffer). */
    if (!e->fallback || e->policy == e->fallback) return HW_ERR_POLICY_FAULT;
    char first[1024];
    snprintf(first, sizeof first, "%s", hw_engine_last_error(e));
    if (hw_engine_switch(e, e->fallback, "fault") != HW_OK) return hw_engine_fail(e, HW_ERR_POLICY_FAULT, "%s", first);
    return ask(e, b, kind, device, access, failed, last_errno, event_index);
  }
  if (tr) hw_trace_answer(tr, ev.index, &e->out, hw_instance_memory(inst, &memsize) + inst->output);
  return HW_OK;
}

static const char *policy_field(hw_instance *inst, int which) {
  return which == 0 ? inst->name : which == 1 ? inst->version : inst->policy->sha256;
}

hw_status_t hw_engine_place_once(hw_engine_t *e, hw_buffer *b) {
  uint64_t failed = 0;
  uint32_t last_errno = 0;
  hw_decision_entry *attempts = NULL;
  size_t nattempts = 0;
  for (;;) {
    uint32_t ev;
    hw_status_t st = ask(e, b, HW_EVENT_KIND_PLACE, HW_NONE, 0, failed, last_errno, &ev);
    if (st != HW_OK) goto out;
    const hw_platform_t *p = e->platform;
    hw_decision_t *d = hw_decision_from(p, &e->out, b->requested, b->devices, policy_field(e->inst, 0), policy_field(e->inst, 1), policy_field(e->inst, 2));
    if (!d) {
      st = hw_engine_fail(e, HW_ERR_NO_MEMORY, "out of memory building the decision for %s", HW_BUFFER_LABEL(b));
      goto out;
    }
    d->attempts = attempts;
    d->attempt_count = nattempts;
    attempts = NULL;
    nattempts = 0;
    hw_decision_delete(b->decision);
    b->decision = d;
    const hw_op_rec *first = &e->out.ops[0];
    if (first->kind == HW_OP_KIND_FAIL) {
      /* Nothing fits: the decision keeps the rejections and the failure, not the ranking. */
      hw_decision_no_fit(d, first->arg);
      trace_result(e, ev, 0, 1, -1, 0);
      const char *why = hw_decision_failure(d);
      return hw_engine_fail(e, HW_ERR_NO_FIT, "%s could not be placed: %s", HW_BUFFER_LABEL(b), why ? why : "no heap fits");
    }
    const hw_backend_heap *heap = &e->heaps[first->heap];
    int fd = -1;
    int err = e->backend->ops->alloc(e->backend, heap, first->value, first->arg, 0, &fd);
    trace_result(e, ev, 0, err == 0, fd, err);
    if (err) {
      /* Keep the attempts for the next decision of this loop. */
      attempts = d->attempts;
      nattempts = d->attempt_count;
      d->attempts = NULL;
      d->attempt_count = 0;
      hw_decision_t tmp = {.attempts = attempts, .attempt_count = nattempts};
      if (!hw_decision_add_attempt(&tmp, heap->name, err)) {
        attempts = tmp.attempts;
        nattempts = tmp.attempt_count;
        st = hw_engine_fail(e, HW_ERR_NO_MEMORY, "out of memory");
        goto out;
      }
      attempts = tmp.attempts;
      nattempts = tmp.attempt_count;
      failed |= 1ull << first->heap;
      last_errno = (uint32_t)err;
      continue;
    }
    b->fd = fd;
    b->heap_index = (int32_t)first->heap;
    b->size = first->value;
    memcpy(b->state, e->out.state, sizeof b->state);
    d->heap = p->heaps[first->heap].name;
    d->size = first->value;
    d->fd_flags = first->arg;
    if (e->out.op_count > 1 && e->out.ops[1].kind == HW_OP_KIND_SET_NAME) {
      const hw_op_rec *n = &e->out.ops[1];
      d->name = strdup(n->name);
      int nerr = e->backend->ops->set_name(e->backend, fd, n->name, n->name_len);
      trace_result(e, ev, 1, nerr == 0, -1, nerr);
      if (nerr) {
        char eb[32];
        return hw_engine_fail(e, HW_ERR_KERNEL, "DMA_BUF_SET_NAME on %s failed: %s (errno %d)", HW_BUFFER_LABEL(b), hw_errno_name(nerr, eb, sizeof eb), nerr);
      }
    }
    return HW_OK;
  }
out:
  for (size_t i = 0; i < nattempts; i++) free(attempts[i].heap);
  free(attempts);
  return e->last_status;
}

hw_status_t hw_engine_run(hw_engine_t *e, hw_buffer *b, uint32_t kind, uint32_t device, uint32_t access) {
  if (b->heap_index < 0 && kind != HW_EVENT_KIND_ATTACH) return HW_OK;
  uint32_t ev;
  hw_status_t st = ask(e, b, kind, device, access, 0, 0, &ev);
  if (st != HW_OK) return st;
  memcpy(b->state, e->out.state, sizeof b->state);
  for (uint32_t i = 0; i < e->out.op_count; i++) {
    const hw_op_rec *op = &e->out.ops[i];
    int err = e->backend->ops->sync(e->backend, b->fd, op->arg);
    trace_result(e, ev, i, err == 0, -1, err);
    if (err) {
      char label[64], eb[32];
      hw_buffer_label(b, label, sizeof label);
      return hw_engine_fail(e, HW_ERR_KERNEL, "DMA_BUF_IOCTL_SYNC 0x%x on %s failed: %s (errno %d)", op->arg, label, hw_errno_name(err, eb, sizeof eb), err);
    }
  }
  return HW_OK;
}
