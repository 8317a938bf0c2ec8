/* See wasm_decision.h. Compiled with -DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0 like libheapwise: explicit
 * bounds checks, so the trap guard is a plain setjmp. The image is the fuel-instrumented module
 * (image_shape.h says how to instantiate it); like policy_glue.c, every call sets the fuel first. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "image_shape.h"
#include "policy.h"
#include "wasm-rt-impl.h"
#include "wasm_decision.h"

/* The host's default budget per call (host/module/fuel.ts DEFAULT_FUEL). */
#define FUEL 10000000u
/* The un-instrumented variant (bench/c/Makefile, raw/) has no fuel counter. */
#if HW_IMAGE_FUEL_INSTRUMENTATION
#define SET_FUEL(inst) Z_policyZ_hw_fuel_set(inst, FUEL)
#else
#define SET_FUEL(inst) ((void)0)
#endif

struct Z_env_instance_t {
  int aborted;
};

void Z_envZ_abort(struct Z_env_instance_t *env, u32 message, u32 file, u32 line, u32 column) {
  (void)message, (void)file, (void)line, (void)column;
  env->aborted = 1;
  WASM_RT_LONGJMP(wasm_rt_jmp_buf, 100);
}

struct wd_policy {
  struct Z_env_instance_t env;
  Z_policy_instance_t inst;
  uint32_t input, output;
};

/* The image lock libheapwise takes around every call (wasm2c keeps its trap target in a global). */
static pthread_mutex_t image_lock = PTHREAD_MUTEX_INITIALIZER;
static int module_ready;

static int guarded_event(wd_policy *w, uint32_t len, uint32_t *status) {
  int code = wasm_rt_impl_try();
  if (code != 0) return code;
  SET_FUEL(&w->inst);
  *status = Z_policyZ_hw_event(&w->inst, len);
  return 0;
}

static int guarded_init(wd_policy *w, uint32_t len, uint32_t *status) {
  int code = wasm_rt_impl_try();
  if (code != 0) return code;
  SET_FUEL(&w->inst);
  *status = Z_policyZ_hw_init(&w->inst, len);
  return 0;
}

static int guarded_instantiate(wd_policy *w) {
  int code = wasm_rt_impl_try();
  if (code != 0) return code;
  Z_policy_instantiate(&w->inst HW_IMAGE_IMPORT_ARGS(&w->env, NULL));
#if HW_IMAGE_HAS_START
  SET_FUEL(&w->inst);
  Z_policyZ_hw_start(&w->inst);
#endif
  w->input = Z_policyZ_hw_input(&w->inst);
  w->output = Z_policyZ_hw_output(&w->inst);
  return 0;
}

wd_policy *wd_policy_new(void) {
  wd_policy *w = calloc(1, sizeof *w);
  if (!w) return NULL;
  pthread_mutex_lock(&image_lock);
  if (!module_ready) {
    wasm_rt_init();
    Z_policy_init_module();
    module_ready = 1;
  }
  int code = guarded_instantiate(w);
  pthread_mutex_unlock(&image_lock);
  if (code != 0) {
    free(w);
    return NULL;
  }
  return w;
}

void wd_policy_delete(wd_policy *w) {
  if (!w) return;
  Z_policy_free(&w->inst);
  free(w);
}

static uint8_t *memory(wd_policy *w) { return Z_policyZ_memory(&w->inst)->data; }

int wd_policy_init(wd_policy *w, const uint8_t *blob, size_t len) {
  if (len > HW_INPUT_CAPACITY) return -1;
  memcpy(memory(w) + w->input, blob, len);
  uint32_t status = 1;
  pthread_mutex_lock(&image_lock);
  int code = guarded_init(w, (uint32_t)len, &status);
  pthread_mutex_unlock(&image_lock);
  return code == 0 && status == 0 ? 0 : -1;
}

static void put32(uint8_t *b, size_t off, uint32_t v) { memcpy(b + off, &v, 4); }
static void put64(uint8_t *b, size_t off, uint64_t v) { memcpy(b + off, &v, 8); }
static uint32_t get32(const uint8_t *b) { uint32_t v; memcpy(&v, b, 4); return v; }

void wd_buffer_from_event(const uint8_t *event, wd_buffer *b) {
  hw_event ev;
  memcpy(&ev, event, sizeof ev);
  b->id = ev.buf;
  b->cpu = ev.cpu;
  b->flags = ev.flags;
  b->requested = ev.size;
  b->devices = ev.devices;
  b->name = (const char *)event + HW_EVENT_NAME_OFFSET;
  b->name_len = ev.name_len;
  memcpy(b->state, &ev.state, sizeof b->state);
}

/* The decoded answer, as hw_outcome keeps it. */
typedef struct wd_op {
  uint32_t kind, buf, heap, arg;
  uint64_t value;
  char name[HW_NAME_CAPACITY];
  uint32_t name_len;
} wd_op;

typedef struct wd_outcome {
  uint32_t op_count, explain_count;
  wd_op ops[64];
  hw_explain explains[HW_MAX_EXPLAIN];
  uint8_t state[32];
} wd_outcome;

/* Strict UTF-8, as the host checks SET_NAME bytes. */
static int utf8_valid(const uint8_t *s, size_t n) {
  for (size_t i = 0; i < n;) {
    /* Eight ASCII bytes at a time, as hw_utf8_valid. */
    uint64_t w;
    if (i + 8 <= n && (memcpy(&w, s + i, 8), (w & 0x8080808080808080ull) == 0)) { i += 8; continue; }
    uint8_t c = s[i];
    size_t k = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (!k || i + k > n) return 0;
    for (size_t j = 1; j < k; j++) if ((s[i + j] & 0xc0) != 0x80) return 0;
    i += k;
  }
  return 1;
}

static int read_outcome(const uint8_t *mem, uint32_t output, uint32_t op_cap, wd_outcome *out) {
  const uint8_t *base = mem + output;
  uint32_t op_count = get32(base + offsetof(hw_out_header, op_count));
  uint32_t explain_count = get32(base + offsetof(hw_out_header, explain_count));
  uint32_t strings_len = get32(base + offsetof(hw_out_header, strings_len));
  if (op_count > op_cap || explain_count > HW_MAX_EXPLAIN || strings_len > HW_OUT_STRINGS_CAPACITY) return -1;
  out->op_count = op_count;
  out->explain_count = explain_count;
  for (uint32_t i = 0; i < op_count; i++) {
    hw_op raw;
    memcpy(&raw, base + HW_OUT_OPS_OFFSET + i * sizeof raw, sizeof raw);
    wd_op *op = &out->ops[i];
    op->kind = raw.kind, op->buf = raw.buf, op->heap = raw.heap, op->arg = raw.arg, op->value = raw.value;
    op->name_len = 0;
  }
  memcpy(out->explains, base + HW_OUT_EXPLAIN_OFFSET, explain_count * sizeof(hw_explain));
  for (uint32_t i = 0; i < op_count; i++) {
    wd_op *op = &out->ops[i];
    if (op->kind != HW_OP_KIND_SET_NAME) continue;
    if (op->value > strings_len || op->value + op->arg > strings_len) return -1;
    const uint8_t *s = base + HW_OUT_STRINGS_OFFSET + op->value;
    if (!utf8_valid(s, op->arg)) return -1;
    op->name_len = op->arg < HW_NAME_CAPACITY ? op->arg : HW_NAME_CAPACITY - 1;
    memcpy(op->name, s, op->name_len);
    op->name[op->name_len] = 0;
  }
  memcpy(out->state, base + offsetof(hw_out_header, state), sizeof out->state);
  return 0;
}

static int validate_place(const wd_outcome *out, const np_platform *p, const wd_buffer *b, uint64_t failed) {
  for (uint32_t i = 0; i < out->op_count; i++) {
    const wd_op *op = &out->ops[i];
    if (op->buf != b->id) return -1;
    switch (op->kind) {
      case HW_OP_KIND_ALLOC:
        if (i != 0 || op->heap >= p->heap_count || ((failed >> op->heap) & 1)) return -1;
        if (op->arg & ~HW_FD_FLAGS_VALID) return -1;
        if (op->value != np_rounded_size(p, b->requested, b->devices, op->heap)) return -1;
        if ((p->heaps[op->heap].kind == HW_HEAP_KIND_PROTECTED) != !!(b->flags & HW_BUFFER_FLAG_PROTECTED)) return -1;
        if (op->value == 0) return -1;
        break;
      case HW_OP_KIND_FAIL:
        if (i != 0 || out->op_count != 1) return -1;
        break;
      case HW_OP_KIND_SET_NAME:
        if (i != 1 || out->ops[0].kind != HW_OP_KIND_ALLOC || op->arg == 0 || op->arg >= HW_NAME_CAPACITY) return -1;
        break;
      default:
        return -1; /* SYNC never answers PLACE */
    }
  }
  return out->op_count == 0 ? -1 : 0;
}

/* The answer lives in one static outcome, as in the engine (e->out): no allocation per decision. */
static wd_outcome answer;

uint32_t wd_encode(wd_policy *w, const np_platform *p, const wd_buffer *b) {
  uint8_t *in = memory(w) + w->input;
  put32(in, offsetof(hw_event, kind), HW_EVENT_KIND_PLACE);
  put32(in, offsetof(hw_event, buf), b->id);
  put32(in, offsetof(hw_event, device), HW_NONE);
  put32(in, offsetof(hw_event, access), 0);
  put64(in, offsetof(hw_event, size), b->requested);
  put64(in, offsetof(hw_event, devices), b->devices);
  put64(in, offsetof(hw_event, failed_heaps), 0);
  put32(in, offsetof(hw_event, heap), HW_NONE);
  put32(in, offsetof(hw_event, cpu), b->cpu);
  put32(in, offsetof(hw_event, flags), b->flags);
  put32(in, offsetof(hw_event, last_errno), 0);
  put32(in, offsetof(hw_event, name_len), (uint32_t)b->name_len);
  put32(in, offsetof(hw_event, reserved0), 0);
  memcpy(in + offsetof(hw_event, state), b->state, sizeof b->state);
  memset(in + HW_EVENT_NAME_OFFSET, 0, HW_EVENT_USAGE_OFFSET - HW_EVENT_NAME_OFFSET);
  memcpy(in + HW_EVENT_NAME_OFFSET, b->name, b->name_len);
  for (uint32_t i = 0; i < p->heap_count; i++) put64(in, HW_EVENT_USAGE_OFFSET + i * 8, 0); /* nothing allocated yet */
  return HW_EVENT_USAGE_OFFSET + p->heap_count * 8;
}

int wd_call(wd_policy *w, uint32_t len) {
  uint32_t status = 1;
  pthread_mutex_lock(&image_lock);
  int code = guarded_event(w, len, &status);
  pthread_mutex_unlock(&image_lock);
  return code == 0 && status == 0 ? 0 : -1;
}

uint32_t wd_call_bare(wd_policy *w, uint32_t len) {
  SET_FUEL(&w->inst);
  return Z_policyZ_hw_event(&w->inst, len);
}

int wd_read(wd_policy *w, const np_platform *p, const wd_buffer *b, np_decision *out) {
  if (read_outcome(memory(w), w->output, 64, &answer) != 0 || validate_place(&answer, p, b, 0) != 0) return -1;
  out->ranking_count = out->rejected_count = 0;
  out->failure = 0;
  for (uint32_t i = 0; i < answer.explain_count; i++) {
    const hw_explain *x = &answer.explains[i];
    if (x->subject == HW_SUBJECT_HEAP) {
      if (x->verdict == HW_VERDICT_REJECTED) out->rejected[out->rejected_count++] = (np_entry){x->heap, x->code, x->device, x->detail};
      else out->ranking[out->ranking_count++] = (np_entry){x->heap, x->code, x->device, x->detail};
    } else if (x->subject == HW_SUBJECT_BUFFER) {
      out->failure = x->code;
    }
  }
  const wd_op *first = &answer.ops[0];
  if (first->kind == HW_OP_KIND_FAIL) {
    out->heap = HW_NONE, out->size = 0, out->fd_flags = 0;
  } else {
    out->heap = first->heap, out->size = first->value, out->fd_flags = first->arg;
  }
  return 0;
}

int wd_decide(wd_policy *w, const np_platform *p, const wd_buffer *b, np_decision *out) {
  uint32_t len = wd_encode(w, p, b);
  if (wd_call(w, len) != 0) return -1;
  return wd_read(w, p, b, out);
}
