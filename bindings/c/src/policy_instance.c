/* A running policy instance: calls into the image under the fuel budget that turn traps,
 * aborts and exhausted budgets into faults naming the module; after a fault the instance is
 * poisoned (host/module/instance.ts, step for step). */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "outcome.h"
#include "policy_instance.h"

const char *hw_trap_text(int code) {
  switch (code) {
    case 1: return "memory access out of bounds";            /* WASM_RT_TRAP_OOB */
    case 2: return "divide result unrepresentable";          /* INT_OVERFLOW */
    case 3: return "divide by zero";                         /* DIV_BY_ZERO */
    case 4: return "float unrepresentable in integer range"; /* INVALID_CONVERSION */
    case 5: return "unreachable";                            /* UNREACHABLE */
    case 6: return "null function or function signature mismatch"; /* CALL_INDIRECT */
    case 7: return "uncaught exception";                     /* UNCAUGHT_EXCEPTION */
    case 8: return "Maximum call stack size exceeded";       /* EXHAUSTION */
  }
  return "trap";
}

uint8_t *hw_instance_memory(hw_instance *inst, uint64_t *size) {
  uint64_t max;
  return inst->policy->image->memory(inst->guest, size, &max);
}

/* An AssemblyScript string (UTF-16, byte length at ptr - 4) as UTF-8; bounded, never fails. */
static void read_as_string(hw_instance *inst, uint32_t ptr, hw_text *t) {
  uint64_t size;
  uint8_t *m = hw_instance_memory(inst, &size);
  if (ptr < 4 || ptr > size) {
    hw_text_add(t, "?");
    return;
  }
  uint32_t len;
  memcpy(&len, m + ptr - 4, 4);
  uint64_t n = len;
  if (n > 512) n = 512;
  if (n > size - ptr) n = size - ptr;
  n >>= 1;
  for (uint64_t i = 0; i < n; i++) {
    uint32_t c = (uint32_t)m[ptr + 2 * i] | (uint32_t)m[ptr + 2 * i + 1] << 8;
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < n) {
      uint32_t d = (uint32_t)m[ptr + 2 * i + 2] | (uint32_t)m[ptr + 2 * i + 3] << 8;
      if (d >= 0xdc00 && d < 0xe000) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      } else {
        c = 0xfffd;
      }
    } else if (c >= 0xd800 && c < 0xe000) {
      c = 0xfffd;
    }
    char u[4];
    size_t k;
    if (c < 0x80) u[0] = (char)c, k = 1;
    else if (c < 0x800) u[0] = (char)(0xc0 | c >> 6), u[1] = (char)(0x80 | (c & 63)), k = 2;
    else if (c < 0x10000) u[0] = (char)(0xe0 | c >> 12), u[1] = (char)(0x80 | ((c >> 6) & 63)), u[2] = (char)(0x80 | (c & 63)), k = 3;
    else u[0] = (char)(0xf0 | c >> 18), u[1] = (char)(0x80 | ((c >> 12) & 63)), u[2] = (char)(0x80 | ((c >> 6) & 63)), u[3] = (char)(0x80 | (c & 63)), k = 4;
    hw_text_addn(t, u, k);
  }
}

/* Describes a non-normal call outcome: "trapped: unreachable" or "aborted: abort: m at f:l:c". */
static const char *describe(hw_instance *inst, int code, hw_text *t) {
  if (code == HW_CALL_ABORT) {
    const hw_guest_abort *a = inst->policy->image->last_abort(inst->guest);
    hw_text_add(t, "abort: ");
    read_as_string(inst, a->message, t);
    hw_text_add(t, " at ");
    read_as_string(inst, a->file, t);
    hw_text_addf(t, ":%u:%u", a->line, a->column);
    return "abort";
  }
  if (code == HW_CALL_NO_MEMORY) {
    hw_text_add(t, "out of memory");
    return "trap";
  }
  if (code == HW_CALL_EXIT) {
    hw_text_addf(t, "proc_exit(%u)", inst->policy->image->last_exit(inst->guest));
    return "trap";
  }
  hw_text_add(t, hw_trap_text(code));
  return "trap";
}

/* The budget ran out in the last call (a trap, never an abort, with the counter below zero). */
static int out_of_fuel(hw_instance *inst, int code) {
  return code != HW_CALL_ABORT && code != HW_CALL_NO_MEMORY && inst->policy->image->fuel_left(inst->guest) < 0;
}

/* Calls an export during loading under the budget; a trap or an exhausted budget refuses the
 * module ("start function ran out of fuel (N units)", "hw_abi_version() failed: unreachable"). */
static hw_status_t call_probe(hw_instance *inst, enum hw_image_export x, const char *name, uint32_t *out, hw_error_t **error) {
  int code = inst->policy->image->call(inst->guest, x, 0, inst->fuel, out);
  if (code == HW_CALL_OK) return HW_OK;
  const char *what = x == HW_X_START ? "start function" : name;
  const char *call = x == HW_X_START ? "" : "()";
  if (out_of_fuel(inst, code)) {
    return hw_fail(error, HW_ERR_POLICY_REFUSED, "policy module %s refused: %s%s ran out of fuel (%u units)", inst->policy->label, what, call, inst->fuel);
  }
  hw_text t = {0};
  describe(inst, code, &t);
  hw_status_t st = hw_fail(error, HW_ERR_POLICY_REFUSED, "policy module %s refused: %s%s failed: %s", inst->policy->label, what, call, t.s ? t.s : "?");
  hw_text_free(&t);
  return st;
}

/* The sink's view of guest memory and the image's fd_write hook. */
static uint8_t *sink_memory(void *ctx, uint64_t *size) { return hw_instance_memory(ctx, size); }
static int32_t sink_fd_write(void *ctx, uint32_t fd, uint32_t iovs, uint32_t count, uint32_t nwritten) {
  hw_instance *inst = ctx;
  return hw_log_fd_write(&inst->log, fd, iovs, count, nwritten);
}

static int is_semver(const char *v) {
  const char *s = v;
  for (int part = 0; part < 3; part++) {
    if (*s < '0' || *s > '9') return 0;
    while (*s >= '0' && *s <= '9') s++;
    if (part < 2) {
      if (*s != '.') return 0;
      s++;
    }
  }
  if (!*s) return 1;
  if (*s != '-' && *s != '+') return 0;
  for (s++; *s; s++) {
    char c = *s;
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '+' || c == '-')) return 0;
  }
  return 1;
}

static hw_status_t read_blob(hw_instance *inst, uint32_t ptr, uint32_t cap, const char *what, char **out, hw_error_t **error) {
  uint64_t size;
  uint8_t *m = hw_instance_memory(inst, &size);
  const char *label = inst->policy->label;
  if ((uint64_t)ptr + 4 > size) return hw_fail(error, HW_ERR_POLICY_REFUSED, "policy module %s refused: %s() points outside memory", label, what);
  uint32_t len;
  memcpy(&len, m + ptr, 4);
  if (len > cap || (uint64_t)ptr + 4 + len > size) return hw_fail(error, HW_ERR_POLICY_REFUSED, "policy module %s refused: %s() length %u is out of bounds", label, what, len);
  /* Names travel as C strings and into every trace header: bytes the hosts would read
   * differently (a NUL cuts a C string short; Node would put U+FFFD for bad UTF-8) are refused. */
  if (memchr(m + ptr + 4, 0, len)) return hw_fail(error, HW_ERR_POLICY_REFUSED, "policy module %s refused: %s() holds a NUL byte", label, what);
  if (!hw_utf8_valid(m + ptr + 4, len)) return hw_fail(error, HW_ERR_POLICY_REFUSED, "policy module %s refused: %s() is not UTF-8", label, what);
  char *s = malloc(len + 1);
  if (!s) return hw_fail(error, HW_ERR_NO_MEMORY, "out of memory");
  memcpy(s, m + ptr + 4, len);
  s[len] = 0;
  *out = s;
  return HW_OK;
}

static hw_status_t check_region(hw_instance *inst, uint32_t ptr, uint32_t size, const char *what, hw_error_t **error) {
  uint64_t mem;
  hw_instance_memory(inst, &mem);
  if (ptr == 0 || (uint64_t)ptr + size > mem) {
    return hw_fail(error, HW_ERR_POLICY_REFUSED, "policy module %s refused: %s() region [%u, %llu) is outside memory (%llu bytes)",
                   inst->policy->label, what, ptr, (unsigned long long)ptr + size, (unsigned long long)mem);
  }
  return HW_OK;
}

hw_status_t hw_instance_new(hw_policy_t *policy, uint32_t fuel, hw_instance **out, hw_error_t **error) {
  hw_instance *inst = calloc(1, sizeof *inst);
  if (!inst) return hw_fail(error, HW_ERR_NO_MEMORY, "out of memory instantiating a policy");
  inst->policy = hw_policy_ref(policy);
  inst->fuel = fuel ? fuel : policy->fuel;
  inst->log.memory = sink_memory;
  inst->log.ctx = inst;
  const char *label = policy->label;
  /* The sink exists only with the capability: without it fd_write answers EBADF (and the
   * loader refused the import before anything ran). */
  hw_guest_host host = {policy->log ? sink_fd_write : NULL, inst};
  int code = policy->image->instantiate(&inst->guest, &host);
  hw_status_t st = HW_OK;
  if (code != HW_CALL_OK) {
    hw_text t = {0};
    if (inst->guest) describe(inst, code, &t);
    else hw_text_add(&t, "out of memory");
    st = hw_fail(error, HW_ERR_POLICY_REFUSED, "policy module %s refused: start function failed: %s", label, t.s ? t.s : "?");
    hw_text_free(&t);
    hw_instance_delete(inst);
    return st;
  }
  uint32_t v = 0, name_ptr = 0, version_ptr = 0, ignored;
  /* The start function runs under the budget like any call, then a reactor's _initialize. */
  if (policy->image->has_start && (st = call_probe(inst, HW_X_START, "hw_start", &ignored, error)) != HW_OK) goto fail;
  if (policy->image->has_initialize && (st = call_probe(inst, HW_X_INITIALIZE, "_initialize", &ignored, error)) != HW_OK) goto fail;
  hw_log_clear(&inst->log);
  /* The ABI version is read before anything else is called. */
  if ((st = call_probe(inst, HW_X_ABI_VERSION, "hw_abi_version", &v, error)) != HW_OK) goto fail;
  inst->abi = v;
  if (v >> 16 != HW_ABI_MAJOR) {
    st = hw_fail(error, HW_ERR_POLICY_REFUSED, "policy module %s refused: speaks policy ABI %u.%u; this host speaks ABI %u.%u", label, v >> 16, v & 0xffff,
                 HW_ABI_MAJOR, HW_ABI_MINOR);
    goto fail;
  }
  if ((st = call_probe(inst, HW_X_POLICY_NAME, "hw_policy_name", &name_ptr, error)) != HW_OK) goto fail;
  if ((st = read_blob(inst, name_ptr, 64, "hw_policy_name", &inst->name, error)) != HW_OK) goto fail;
  if ((st = call_probe(inst, HW_X_POLICY_VERSION, "hw_policy_version", &version_ptr, error)) != HW_OK) goto fail;
  if ((st = read_blob(inst, version_ptr, 32, "hw_policy_version", &inst->version, error)) != HW_OK) goto fail;
  if (!*inst->name) {
    st = hw_fail(error, HW_ERR_POLICY_REFUSED, "policy module %s refused: hw_policy_name is empty", label);
    goto fail;
  }
  if (!is_semver(inst->version)) {
    st = hw_fail(error, HW_ERR_POLICY_REFUSED, "policy module %s refused: hw_policy_version \"%s\" is not a semver", label, inst->version);
    goto fail;
  }
  const hw_manifest *m = policy->manifest;
  if (m && (strcmp(m->name, inst->name) != 0 || strcmp(m->version, inst->version) != 0)) {
    st = hw_fail(error, HW_ERR_POLICY_REFUSED, "policy module %s refused: reports %s %s; its manifest says %s %s", label, inst->name, inst->version, m->name, m->version);
    goto fail;
  }
  if ((st = call_probe(inst, HW_X_INPUT, "hw_input", &inst->input, error)) != HW_OK) goto fail;
  if ((st = call_probe(inst, HW_X_OUTPUT, "hw_output", &inst->output, error)) != HW_OK) goto fail;
  if ((st = check_region(inst, inst->input, HW_INPUT_CAPACITY, "hw_input", error)) != HW_OK) goto fail;
  if ((st = check_region(inst, inst->output, HW_OUTPUT_CAPACITY, "hw_output", error)) != HW_OK) goto fail;
  if ((uint64_t)inst->input < (uint64_t)inst->output + HW_OUTPUT_CAPACITY && (uint64_t)inst->output < (uint64_t)inst->input + HW_INPUT_CAPACITY) {
    st = hw_fail(error, HW_ERR_POLICY_REFUSED, "policy module %s refused: input and output regions overlap", label);
    goto fail;
  }
  uint64_t size, max_pages;
  policy->image->memory(inst->guest, &size, &max_pages);
  if (max_pages * 65536ull > policy->memory_cap) {
    st = hw_fail(error, HW_ERR_POLICY_REFUSED, "policy module %s refused: memory maximum %llu bytes exceeds the host cap of %llu bytes", label,
                 (unsigned long long)(max_pages * 65536ull), (unsigned long long)policy->memory_cap);
    goto fail;
  }
  *out = inst;
  return HW_OK;
fail:
  hw_instance_delete(inst);
  return st;
}

void hw_instance_delete(hw_instance *inst) {
  if (!inst) return;
  if (inst->guest) inst->policy->image->destroy(inst->guest);
  hw_policy_unref(inst->policy);
  hw_log_free(&inst->log);
  free(inst->poisoned);
  free(inst->name);
  free(inst->version);
  free(inst);
}

static hw_status_t invoke(hw_instance *inst, enum hw_image_export x, uint32_t len, const char *what, hw_fault *fault) {
  const char *label = inst->policy->label;
  hw_text_reset(&fault->message);
  /* The lines of this call only (the engine has taken the last call's), even when it fails. */
  hw_log_clear(&inst->log);
  if (inst->poisoned) {
    fault->kind = "trap";
    hw_text_addf(&fault->message, "policy module %s: instance unusable after an earlier fault (%s)", label, inst->poisoned);
    return HW_ERR_POLICY_FAULT;
  }
  uint32_t status = 0;
  int code = inst->policy->image->call(inst->guest, x, len, inst->fuel, &status);
  if (code != HW_CALL_OK) {
    hw_text detail = {0};
    const char *kind = describe(inst, code, &detail);
    const char *text = detail.s ? detail.s : "?";
    if (out_of_fuel(inst, code)) {
      fault->kind = "fuel";
      hw_text_addf(&fault->message, "policy module %s: %s ran out of fuel: budget of %u units exhausted", label, what, inst->fuel);
    } else {
      fault->kind = kind;
      hw_text_addf(&fault->message, "policy module %s: %s %s: %s", label, what, code == HW_CALL_ABORT ? "aborted" : "trapped", text);
    }
    inst->poisoned = strdup(text);
    hw_text_free(&detail);
    return HW_ERR_POLICY_FAULT;
  }
  if (status != HW_STATUS_OK) {
    fault->kind = "status";
    hw_text_addf(&fault->message, "policy module %s: %s returned status %d", label, what, (int32_t)status);
    return HW_ERR_POLICY_FAULT;
  }
  return HW_OK;
}

uint32_t hw_instance_fuel_spent(hw_instance *inst) {
  int32_t left = inst->policy->image->fuel_left(inst->guest);
  return left < 0 ? inst->fuel : inst->fuel - (uint32_t)left;
}

hw_status_t hw_instance_init(hw_instance *inst, const uint8_t *blob, size_t len, hw_fault *fault) {
  uint64_t size;
  uint8_t *m = hw_instance_memory(inst, &size);
  memcpy(m + inst->input, blob, len); /* len <= INPUT_CAPACITY, region checked at load */
  return invoke(inst, HW_X_INIT, (uint32_t)len, "hw_init", fault);
}

hw_status_t hw_instance_event(hw_instance *inst, uint32_t len, hw_fault *fault) {
  return invoke(inst, HW_X_EVENT, len, "hw_event", fault);
}
