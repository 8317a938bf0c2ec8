/* The engine: owns the buffer table, hands the policy module the platform and every event,
 * validates what it asks for, and executes it on a backend (host/engine/engine.ts). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "error.h"

#define DEFAULT_OP_CAP 64
#define DEFAULT_MAX_ALLOCATION (1024ull * 1024 * 1024)

hw_status_t hw_engine_fail(hw_engine_t *e, hw_status_t st, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char small[1024];
  vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  hw_text_reset(&e->last_error);
  hw_text_add(&e->last_error, small);
  e->last_status = st;
  return st;
}

static hw_status_t ok(hw_engine_t *e) {
  e->last_status = HW_OK;
  hw_text_reset(&e->last_error);
  return HW_OK;
}

const char *hw_buffer_label(const hw_buffer *b, char *out, size_t cap) {
  if (b->has_name) snprintf(out, cap, "buffer %u (%.*s)", b->id, (int)b->name_len, (const char *)b->name);
  else snprintf(out, cap, "buffer %u", b->id);
  return out;
}

void hw_engine_called(hw_engine_t *e, hw_call_record *c) {
  e->call_index++;
  if (!e->trace) return;
  c->n = (uint32_t)e->call_index;
  hw_trace_call(e->trace, c);
}

static hw_status_t new_instance(hw_policy_t *policy, const hw_platform_t *p, hw_instance **out, hw_error_t **error) {
  hw_instance *inst = NULL;
  hw_status_t st = hw_instance_new(policy, 0, &inst, error);
  if (st != HW_OK) return st;
  uint8_t *blob = NULL;
  size_t len = 0;
  if ((st = hw_platform_encode(p, &blob, &len, error)) != HW_OK) {
    hw_instance_delete(inst);
    return st;
  }
  hw_fault fault = {0};
  st = hw_instance_init(inst, blob, len, &fault);
  free(blob);
  if (st != HW_OK) {
    st = hw_fail(error, HW_ERR_POLICY_FAULT, "%s", fault.message.s ? fault.message.s : "hw_init failed");
    hw_text_free(&fault.message);
    hw_instance_delete(inst);
    return st;
  }
  hw_text_free(&fault.message);
  *out = inst;
  return HW_OK;
}

/* The options' restricted values: the backend kinds there are, the ABI's op slots (a larger
 * cap would be recorded in a trace but never be the one enforced). */
static hw_status_t check_options(const hw_engine_options_t *o, hw_error_t **error) {
  if (!o) return HW_OK;
  if (o->backend != HW_BACKEND_MODEL && o->backend != HW_BACKEND_KERNEL) {
    return hw_fail(error, HW_ERR_ARGUMENT, "hw_engine_new: backend must be HW_BACKEND_MODEL or HW_BACKEND_KERNEL, got %d", (int)o->backend);
  }
  if (o->op_cap > HW_MAX_OPS) return hw_fail(error, HW_ERR_ARGUMENT, "hw_engine_new: op_cap must be at most %u (HW_MAX_OPS), got %u", HW_MAX_OPS, o->op_cap);
  return HW_OK;
}

hw_status_t hw_engine_new(const hw_policy_t *policy, const hw_platform_t *platform, const hw_engine_options_t *opts, hw_engine_t **out,
                          hw_error_t **error) {
  if (!policy || !platform || !out) return hw_fail(error, HW_ERR_ARGUMENT, "hw_engine_new: NULL argument");
  hw_status_t checked = check_options(opts, error);
  if (checked != HW_OK) return checked;
  if (platform->heap_count == 0) return hw_fail(error, HW_ERR_INPUT, "platform %s has no heap", platform->name);
  hw_engine_t *e = calloc(1, sizeof *e);
  if (!e) return hw_fail(error, HW_ERR_NO_MEMORY, "out of memory creating an engine");
  e->call_index = -1;
  e->next_id = 1;
  e->op_cap = opts && opts->op_cap ? opts->op_cap : DEFAULT_OP_CAP;
  e->max_allocation = opts && opts->max_allocation_bytes ? opts->max_allocation_bytes : DEFAULT_MAX_ALLOCATION;
  hw_status_t st;
  if (!(e->platform = hw_platform_copy(platform))) {
    st = hw_fail(error, HW_ERR_NO_MEMORY, "out of memory copying platform %s", platform->name);
    goto fail;
  }
  if ((st = new_instance((hw_policy_t *)policy, e->platform, &e->inst, error)) != HW_OK) goto fail;
  e->policy = hw_policy_ref(policy);
  if (opts && opts->fallback) e->fallback = hw_policy_ref(opts->fallback);
  if (opts) e->log = opts->log, e->log_ctx = opts->log_ctx;
  e->backend = opts && opts->backend == HW_BACKEND_KERNEL ? hw_backend_kernel_new() : hw_backend_model_new();
  if (!e->backend) {
    st = hw_fail(error, HW_ERR_NO_MEMORY, "out of memory creating a backend");
    goto fail;
  }
  for (size_t i = 0; i < e->platform->heap_count; i++) {
    const hw_heap_info *h = &e->platform->heaps[i];
    e->heaps[i] = (hw_backend_heap){h->name, h->kind, h->size, h->cpu_access};
  }
  *out = e;
  return HW_OK;
fail:
  hw_engine_delete(e);
  return st;
}

hw_status_t hw_engine_switch(hw_engine_t *e, hw_policy_t *policy, const char *reason) {
  hw_instance *inst = NULL;
  hw_error_t *err = NULL;
  hw_status_t st = new_instance(policy, e->platform, &inst, &err);
  if (st != HW_OK) {
    hw_engine_fail(e, st, "%s", hw_error_message(err));
    hw_error_delete(err);
    return st;
  }
  hw_instance_delete(e->inst);
  hw_policy_unref(e->policy);
  e->inst = inst;
  e->policy = hw_policy_ref(policy);
  if (e->trace) hw_trace_swap(e->trace, e->event_index, reason, inst->name, inst->version, policy->sha256, policy->path, policy->manifest);
  return HW_OK;
}

hw_status_t hw_engine_set_policy(hw_engine_t *e, const hw_policy_t *policy) {
  if (!e) return HW_ERR_ARGUMENT;
  if (!policy) return hw_engine_fail(e, HW_ERR_ARGUMENT, "hw_engine_set_policy: policy is NULL");
  hw_status_t st = hw_engine_switch(e, (hw_policy_t *)policy, "explicit");
  return st == HW_OK ? ok(e) : st;
}

static void buffer_delete(hw_buffer *b) {
  if (!b) return;
  hw_decision_delete(b->decision);
  free(b);
}

void hw_engine_delete(hw_engine_t *e) {
  if (!e) return;
  /* A recording not finished stays unfinished: the caller may have closed its FILE already (one
   * opened by name leaves nothing behind). */
  hw_trace_discard(e->trace);
  e->trace = NULL;
  if (e->inst && e->backend) hw_engine_free_all(e);
  for (size_t i = 0; i < e->buffer_cap; i++) buffer_delete(e->buffers[i]);
  free(e->buffers);
  if (e->backend) e->backend->ops->destroy(e->backend);
  hw_instance_delete(e->inst);
  hw_policy_unref(e->policy);
  hw_policy_unref(e->fallback);
  hw_platform_delete(e->platform);
  hw_text_free(&e->last_error);
  hw_text_free(&e->fault.message);
  hw_text_free(&e->why);
  free(e);
}

const char *hw_engine_last_error(const hw_engine_t *e) { return e && e->last_error.s ? e->last_error.s : ""; }
hw_status_t hw_engine_last_status(const hw_engine_t *e) { return e ? e->last_status : HW_ERR_ARGUMENT; }
const hw_policy_t *hw_engine_policy(const hw_engine_t *e) { return e ? e->policy : NULL; }
uint32_t hw_engine_events(const hw_engine_t *e) { return e ? e->event_index : 0; }
uint32_t hw_engine_last_fuel(const hw_engine_t *e) { return e && e->inst ? hw_instance_fuel_spent(e->inst) : 0; }

/* ---- buffer lookup ------------------------------------------------------------------------ */

static hw_buffer *live(hw_engine_t *e, hw_buffer_id_t id) {
  if (id == 0 || id >= e->next_id) {
    hw_engine_fail(e, HW_ERR_USAGE, "unknown buffer %u", id);
    return NULL;
  }
  hw_buffer *b = id < e->buffer_cap ? e->buffers[id] : NULL;
  if (!b) hw_engine_fail(e, HW_ERR_USAGE, "buffer %u was freed", id);
  return b;
}

static int device_index(hw_engine_t *e, const char *name) {
  int d = hw_platform_device_index(e->platform, name); /* name checked by the caller */
  if (d < 0) {
    hw_text list = {0};
    for (size_t i = 0; i < e->platform->device_count; i++) {
      if (i) hw_text_add(&list, ", ");
      hw_text_add(&list, e->platform->devices[i].name);
    }
    hw_engine_fail(e, HW_ERR_USAGE, "unknown device \"%s\" (platform %s has %s)", name, e->platform->name, list.s ? list.s : "no devices");
    hw_text_free(&list);
  }
  return d;
}

static int access_ok(hw_engine_t *e, uint32_t a) {
  if (a >= 1 && a <= 3) return 1;
  hw_engine_fail(e, HW_ERR_USAGE, "access must be read, write or readwrite, got %u", a);
  return 0;
}

/* NULL for a device name is a bug in the caller, not an unknown device. */
static int name_given(hw_engine_t *e, const char *fn, const char *device) {
  if (device) return 1;
  hw_engine_fail(e, HW_ERR_ARGUMENT, "%s: device is NULL", fn);
  return 0;
}

/* The request's fields the header restricts (the values a C caller can get wrong and a
 * workload cannot): devices present, cpu one of HW_ACCESS_*, the flags 0 or 1. */
static hw_status_t check_request(hw_engine_t *e, const hw_alloc_request_t *r) {
  static const char fn[] = "hw_engine_allocate";
  if (!r->devices && r->device_count) return hw_engine_fail(e, HW_ERR_ARGUMENT, "%s: devices is NULL but device_count is %zu", fn, r->device_count);
  for (size_t i = 0; i < r->device_count; i++) {
    if (!r->devices[i]) return hw_engine_fail(e, HW_ERR_ARGUMENT, "%s: devices[%zu] is NULL", fn, i);
  }
  if (r->cpu > HW_ACCESS_READWRITE) {
    return hw_engine_fail(e, HW_ERR_ARGUMENT, "%s: cpu must be HW_ACCESS_NONE, _READ, _WRITE or _READWRITE (0 to 3), got %u", fn, r->cpu);
  }
  if (r->protected_content != 0 && r->protected_content != 1) {
    return hw_engine_fail(e, HW_ERR_ARGUMENT, "%s: protected_content must be 0 or 1, got %d", fn, r->protected_content);
  }
  if (r->deferred != 0 && r->deferred != 1) return hw_engine_fail(e, HW_ERR_ARGUMENT, "%s: deferred must be 0 or 1, got %d", fn, r->deferred);
  return HW_OK;
}

/* ---- application calls -------------------------------------------------------------------- */

hw_status_t hw_engine_allocate(hw_engine_t *e, const hw_alloc_request_t *r, hw_buffer_id_t *out) {
  if (!e) return HW_ERR_ARGUMENT;
  if (!r || !out) return hw_engine_fail(e, HW_ERR_ARGUMENT, "hw_engine_allocate: NULL argument");
  if (check_request(e, r) != HW_OK) return e->last_status;
  if (r->size == 0) return hw_engine_fail(e, HW_ERR_USAGE, "allocation size must be positive, got 0");
  if (r->size > e->max_allocation) {
    return hw_engine_fail(e, HW_ERR_USAGE, "allocation of %llu bytes exceeds the engine's limit of %llu bytes (maxAllocationBytes)",
                          (unsigned long long)r->size, (unsigned long long)e->max_allocation);
  }
  if (r->device_count == 0) return hw_engine_fail(e, HW_ERR_USAGE, "an allocation needs at least one device");
  size_t name_len = r->name ? strlen(r->name) : 0;
  if (r->name && name_len > 31) return hw_engine_fail(e, HW_ERR_USAGE, "buffer name \"%s\" is longer than 31 bytes", r->name);
  if (r->name && !hw_utf8_valid((const uint8_t *)r->name, name_len)) return hw_engine_fail(e, HW_ERR_USAGE, "buffer name is not UTF-8");
  uint64_t devices = 0;
  for (size_t i = 0; i < r->device_count; i++) {
    int d = device_index(e, r->devices[i]);
    if (d < 0) return e->last_status;
    devices |= 1ull << d;
  }
  if (e->next_id >= e->buffer_cap) {
    size_t cap = e->buffer_cap ? e->buffer_cap * 2 : 64;
    hw_buffer **nb = realloc(e->buffers, cap * sizeof *nb);
    if (!nb) return hw_engine_fail(e, HW_ERR_NO_MEMORY, "out of memory");
    memset(nb + e->buffer_cap, 0, (cap - e->buffer_cap) * sizeof *nb);
    e->buffers = nb;
    e->buffer_cap = cap;
  }
  hw_buffer *b = calloc(1, sizeof *b);
  if (!b) return hw_engine_fail(e, HW_ERR_NO_MEMORY, "out of memory");
  b->id = e->next_id++;
  b->requested = r->size;
  b->devices = devices;
  b->cpu_use = r->cpu;
  b->protected_content = !!r->protected_content;
  b->deferred = !!r->deferred;
  b->has_name = r->name != NULL;
  b->name_len = name_len;
  memcpy(b->name, r->name ? r->name : "", name_len);
  b->heap_index = -1;
  b->fd = -1;
  e->buffers[b->id] = b;
  *out = b->id;
  hw_call_record c = {.op = "alloc", .buf = b->id, .size = r->size, .devices = r->devices,
                      .device_count = r->device_count, .cpu = r->cpu, .protected_content = b->protected_content,
                      .deferred = b->deferred, .name = r->name};
  hw_engine_called(e, &c);
  if (!b->deferred) {
    hw_status_t st = hw_engine_place_once(e, b);
    if (st == HW_ERR_NO_FIT) return st; /* the buffer exists; its decision says why */
    if (st != HW_OK) {
      /* A fault while placing leaves nothing behind: no table entry, no fd. */
      e->buffers[b->id] = NULL;
      if (b->fd >= 0) e->backend->ops->close(e->backend, b->fd);
      buffer_delete(b);
      *out = 0;
      return st;
    }
  }
  return ok(e);
}

hw_status_t hw_engine_attach(hw_engine_t *e, hw_buffer_id_t id, const char *device) {
  if (!e) return HW_ERR_ARGUMENT;
  if (!name_given(e, "hw_engine_attach", device)) return e->last_status;
  hw_buffer *b = live(e, id);
  if (!b) return e->last_status;
  int d = device_index(e, device);
  if (d < 0) return e->last_status;
  hw_call_record c = {.op = "attach", .buf = id, .device = device};
  hw_engine_called(e, &c);
  b->devices |= 1ull << d;
  hw_status_t st = hw_engine_run(e, b, HW_EVENT_KIND_ATTACH, (uint32_t)d, 0);
  return st == HW_OK ? ok(e) : st;
}

/* Places a deferred buffer at its first use; a usage error when nothing fits. */
static hw_status_t ensure_placed(hw_engine_t *e, hw_buffer *b) {
  if (b->heap_index >= 0) return HW_OK;
  if (b->decision && !b->decision->heap) {
    const char *why = hw_decision_failure(b->decision);
    return hw_engine_fail(e, HW_ERR_USAGE, "%s could not be placed: %s", HW_BUFFER_LABEL(b), why ? why : "no heap fits");
  }
  hw_status_t st = hw_engine_place_once(e, b);
  if (st == HW_ERR_NO_FIT) {
    const char *why = b->decision ? hw_decision_failure(b->decision) : NULL;
    return hw_engine_fail(e, HW_ERR_USAGE, "%s could not be placed: %s", HW_BUFFER_LABEL(b), why ? why : "no heap fits");
  }
  return st;
}

hw_status_t hw_engine_place(hw_engine_t *e, hw_buffer_id_t id) {
  if (!e) return HW_ERR_ARGUMENT;
  hw_buffer *b = live(e, id);
  if (!b) return e->last_status;
  if (b->heap_index >= 0) return ok(e);
  hw_call_record c = {.op = "place", .buf = id};
  hw_engine_called(e, &c);
  hw_status_t st = hw_engine_place_once(e, b);
  return st == HW_OK ? ok(e) : st;
}

hw_status_t hw_engine_device_begin(hw_engine_t *e, hw_buffer_id_t id, const char *device, uint32_t access) {
  if (!e) return HW_ERR_ARGUMENT;
  if (!name_given(e, "hw_engine_device_begin", device)) return e->last_status;
  hw_buffer *b = live(e, id);
  if (!b) return e->last_status;
  int d = device_index(e, device);
  if (d < 0) return e->last_status;
  if (!((b->devices >> d) & 1)) return hw_engine_fail(e, HW_ERR_USAGE, "device %s is not attached to %s; attach it first", device, HW_BUFFER_LABEL(b));
  if (b->device_access[d]) return hw_engine_fail(e, HW_ERR_USAGE, "device %s already accesses %s", device, HW_BUFFER_LABEL(b));
  hw_call_record c = {.op = "device_begin", .buf = id, .device = device, .access = access};
  hw_engine_called(e, &c);
  hw_status_t st = ensure_placed(e, b);
  if (st != HW_OK) return st;
  if (!access_ok(e, access)) return e->last_status;
  b->device_access[d] = (uint8_t)access;
  st = hw_engine_run(e, b, HW_EVENT_KIND_DEVICE_BEGIN, (uint32_t)d, access);
  return st == HW_OK ? ok(e) : st;
}

hw_status_t hw_engine_device_end(hw_engine_t *e, hw_buffer_id_t id, const char *device) {
  if (!e) return HW_ERR_ARGUMENT;
  if (!name_given(e, "hw_engine_device_end", device)) return e->last_status;
  hw_buffer *b = live(e, id);
  if (!b) return e->last_status;
  int d = device_index(e, device);
  if (d < 0) return e->last_status;
  uint32_t a = b->device_access[d];
  if (!a) {
    char label[64];
    hw_buffer_label(b, label, sizeof label);
    return hw_engine_fail(e, HW_ERR_USAGE, "device %s has no access of %s to end", device, label);
  }
  hw_call_record c = {.op = "device_end", .buf = id, .device = device};
  hw_engine_called(e, &c);
  b->device_access[d] = 0;
  hw_status_t st = hw_engine_run(e, b, HW_EVENT_KIND_DEVICE_END, (uint32_t)d, a);
  return st == HW_OK ? ok(e) : st;
}

hw_status_t hw_engine_cpu_begin(hw_engine_t *e, hw_buffer_id_t id, uint32_t access) {
  if (!e) return HW_ERR_ARGUMENT;
  hw_buffer *b = live(e, id);
  if (!b) return e->last_status;
  if (b->cpu_access) return hw_engine_fail(e, HW_ERR_USAGE, "the CPU already accesses %s", HW_BUFFER_LABEL(b));
  hw_call_record c = {.op = "cpu_begin", .buf = id, .access = access};
  hw_engine_called(e, &c);
  hw_status_t st = ensure_placed(e, b);
  if (st != HW_OK) return st;
  const hw_heap_info *h = &e->platform->heaps[b->heap_index];
  if (!h->cpu_access) return hw_engine_fail(e, HW_ERR_USAGE, "%s is in heap %s, which the CPU cannot map", HW_BUFFER_LABEL(b), h->name);
  if (!access_ok(e, access)) return e->last_status;
  b->cpu_access = access;
  st = hw_engine_run(e, b, HW_EVENT_KIND_CPU_BEGIN, HW_NONE, access);
  return st == HW_OK ? ok(e) : st;
}

hw_status_t hw_engine_cpu_end(hw_engine_t *e, hw_buffer_id_t id) {
  if (!e) return HW_ERR_ARGUMENT;
  hw_buffer *b = live(e, id);
  if (!b) return e->last_status;
  if (!b->cpu_access) {
    char label[64];
    hw_buffer_label(b, label, sizeof label);
    return hw_engine_fail(e, HW_ERR_USAGE, "the CPU has no access of %s to end", label);
  }
  hw_call_record c = {.op = "cpu_end", .buf = id};
  hw_engine_called(e, &c);
  uint32_t a = b->cpu_access;
  b->cpu_access = 0;
  /* The mapping ends with the access: CPU writes after END would bypass the cache maintenance. */
  if (b->map_addr) {
    e->backend->ops->unmap(e->backend, b->fd, b->map_addr, b->map_len);
    b->map_addr = NULL;
    b->map_len = 0;
  }
  hw_status_t st = hw_engine_run(e, b, HW_EVENT_KIND_CPU_END, HW_NONE, a);
  return st == HW_OK ? ok(e) : st;
}

hw_status_t hw_engine_cpu_map(hw_engine_t *e, hw_buffer_id_t id, void **addr, size_t *len) {
  if (!e) return HW_ERR_ARGUMENT;
  if (!addr || !len) return hw_engine_fail(e, HW_ERR_ARGUMENT, "hw_engine_cpu_map: NULL argument");
  hw_buffer *b = live(e, id);
  if (!b) return e->last_status;
  if (!b->cpu_access) return hw_engine_fail(e, HW_ERR_USAGE, "map %s between hw_engine_cpu_begin and hw_engine_cpu_end", HW_BUFFER_LABEL(b));
  if (!b->map_addr) {
    int err = e->backend->ops->map(e->backend, b->fd, b->size, b->cpu_access, &b->map_addr);
    if (err) {
      char eb[32];
      b->map_addr = NULL;
      return hw_engine_fail(e, HW_ERR_KERNEL, "mmap on %s failed: %s (errno %d)", HW_BUFFER_LABEL(b), hw_errno_name(err, eb, sizeof eb), err);
    }
    b->map_len = b->size;
  }
  *addr = b->map_addr;
  *len = (size_t)b->map_len;
  return ok(e);
}

hw_status_t hw_engine_cpu_access(hw_engine_t *e, hw_buffer_id_t id, uint32_t access) {
  hw_status_t st = hw_engine_cpu_begin(e, id, access);
  if (st != HW_OK) return st;
  hw_buffer *b = e->buffers[id];
  int err = e->backend->ops->cpu_access(e->backend, b->fd, b->size, access, ++e->stamp);
  if (err) {
    char label[64], eb[32];
    hw_buffer_label(b, label, sizeof label);
    return hw_engine_fail(e, HW_ERR_KERNEL, "cpu access on %s failed: %s (errno %d)", label, hw_errno_name(err, eb, sizeof eb), err);
  }
  return hw_engine_cpu_end(e, id);
}

hw_status_t hw_engine_export(hw_engine_t *e, hw_buffer_id_t id, int *fd_out) {
  if (!e) return HW_ERR_ARGUMENT;
  if (fd_out) *fd_out = -1;
  hw_buffer *b = live(e, id);
  if (!b) return e->last_status;
  hw_call_record c = {.op = "export", .buf = id};
  hw_engine_called(e, &c);
  hw_status_t st = ensure_placed(e, b);
  if (st != HW_OK) return st;
  if ((st = hw_engine_run(e, b, HW_EVENT_KIND_EXPORT, HW_NONE, 0)) != HW_OK) return st;
  b->exported = 1;
  if (fd_out) {
    int err = e->backend->ops->dup(e->backend, b->fd, fd_out);
    if (err) {
      char label[64], eb[32];
      hw_buffer_label(b, label, sizeof label);
      return hw_engine_fail(e, HW_ERR_KERNEL, "dup of %s failed: %s (errno %d)", label, hw_errno_name(err, eb, sizeof eb), err);
    }
  }
  return ok(e);
}

hw_status_t hw_engine_free(hw_engine_t *e, hw_buffer_id_t id) {
  if (!e) return HW_ERR_ARGUMENT;
  hw_buffer *b = live(e, id);
  if (!b) return e->last_status;
  int accessing = b->cpu_access != 0;
  for (size_t d = 0; d < HW_MAX_DEVICES; d++) accessing |= b->device_access[d] != 0;
  if (accessing) return hw_engine_fail(e, HW_ERR_USAGE, "%s is still being accessed; end the access before free", HW_BUFFER_LABEL(b));
  hw_call_record c = {.op = "free", .buf = id};
  hw_engine_called(e, &c);
  hw_status_t st = HW_OK;
  if (b->heap_index >= 0) st = hw_engine_run(e, b, HW_EVENT_KIND_FREE, HW_NONE, 0);
  /* The buffer goes even when the policy faulted on FREE: its fd must not leak. */
  e->buffers[id] = NULL;
  if (b->fd >= 0) {
    int err = e->backend->ops->close(e->backend, b->fd);
    if (err && st == HW_OK) {
      char eb[32];
      st = hw_engine_fail(e, HW_ERR_KERNEL, "close on %s failed: %s (errno %d)", HW_BUFFER_LABEL(b), hw_errno_name(err, eb, sizeof eb), err);
    }
  }
  buffer_delete(b); /* after the message that names it */
  return st == HW_OK ? ok(e) : st;
}

hw_status_t hw_engine_free_all(hw_engine_t *e) {
  if (!e) return HW_ERR_ARGUMENT;
  hw_status_t first = HW_OK;
  char first_msg[1024] = "";
  for (size_t id = 1; id < e->next_id && id < e->buffer_cap; id++) {
    hw_buffer *b = e->buffers[id];
    if (!b) continue;
    if (b->map_addr) {
      e->backend->ops->unmap(e->backend, b->fd, b->map_addr, b->map_len);
      b->map_addr = NULL;
    }
    b->cpu_access = 0;
    memset(b->device_access, 0, sizeof b->device_access);
    hw_status_t st = hw_engine_free(e, (hw_buffer_id_t)id);
    if (st != HW_OK && first == HW_OK) {
      first = st;
      snprintf(first_msg, sizeof first_msg, "%s", hw_engine_last_error(e));
    }
  }
  if (first != HW_OK) return hw_engine_fail(e, first, "%s", first_msg);
  return ok(e);
}

hw_status_t hw_engine_buffer_info(const hw_engine_t *ce, hw_buffer_id_t id, hw_buffer_info_t *out) {
  hw_engine_t *e = (hw_engine_t *)ce;
  if (!e || !out) return HW_ERR_ARGUMENT;
  hw_buffer *b = live(e, id);
  if (!b) return e->last_status;
  out->placed = b->heap_index >= 0;
  out->heap = b->heap_index >= 0 ? e->platform->heaps[b->heap_index].name : NULL;
  out->heap_index = b->heap_index >= 0 ? (uint32_t)b->heap_index : HW_NONE;
  out->size = b->size;
  out->fd = b->fd;
  out->exported = b->exported;
  out->devices = b->devices;
  return HW_OK;
}

const hw_decision_t *hw_engine_decision(const hw_engine_t *e, hw_buffer_id_t id) {
  if (!e || id == 0 || id >= e->buffer_cap || !e->buffers[id]) return NULL;
  return e->buffers[id]->decision;
}
