/* See wasm_decision.h. Compiled with -DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0 like libheapwise: explicit
 * bounds checks, so the trap guard is a plain setjmp. The image is the fuel-instrumented module
 * (image_shape.h says how to instantiate it); like policy_glue.c, every call sets the fuel first. */
#include <stdlib.h>
#include <string.h>

#include "image_lock.h"
#include "image_shape.h"
#include "policy.h"
#include "wasm-rt-impl.h"
#include "outcome.h"
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

/* The image lock libheapwise takes around every call: the library's own (image_lock.h). */
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
  image_lock();
  if (!module_ready) {
    wasm_rt_init();
    Z_policy_init_module();
    module_ready = 1;
  }
  int code = guarded_instantiate(w);
  image_unlock();
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
  image_lock();
  int code = guarded_init(w, (uint32_t)len, &status);
  image_unlock();
  return code == 0 && status == 0 ? 0 : -1;
}

static void put32(uint8_t *b, size_t off, uint32_t v) { memcpy(b + off, &v, 4); }
static void put64(uint8_t *b, size_t off, uint64_t v) { memcpy(b + off, &v, 8); }

void wd_buffer_from_event(const uint8_t *event, wd_buffer *b) {
  hw_event ev;
  memcpy(&ev, event, sizeof ev);
  b->id = ev.buf;
  b->cpu = ev.cpu;
  b->flags = ev.flags;
  b->requested = ev.size;
  b->devices = ev.devices;
  b->name_len = ev.name_len < HW_NAME_CAPACITY ? ev.name_len : HW_NAME_CAPACITY;
  memset(b->name, 0, sizeof b->name);
  memcpy(b->name, event + HW_EVENT_NAME_OFFSET, b->name_len);
  memcpy(b->state, &ev.state, sizeof b->state);
}

/* The library validates against its hw_platform_t (outcome.c hw_ops_validate); the bench holds
 * the native baseline's np_platform, so the PLACE checks are mirrored here over the same tables. */
static int validate_place(const hw_outcome *out, const np_platform *p, const wd_buffer *b, uint64_t failed) {
  for (uint32_t i = 0; i < out->op_count; i++) {
    const hw_op_rec *op = &out->ops[i];
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
static hw_outcome answer;
static hw_text why;

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
  /* The whole name field at once: the buffer keeps it zero-padded (engine_ask.c does the same). */
  _Static_assert(HW_EVENT_USAGE_OFFSET - HW_EVENT_NAME_OFFSET == HW_NAME_CAPACITY, "name field");
  memcpy(in + HW_EVENT_NAME_OFFSET, b->name, HW_NAME_CAPACITY);
  memset(in + HW_EVENT_USAGE_OFFSET, 0, p->heap_count * 8); /* nothing allocated yet */
  return HW_EVENT_USAGE_OFFSET + p->heap_count * 8;
}

int wd_call(wd_policy *w, uint32_t len) {
  uint32_t status = 1;
  image_lock();
  int code = guarded_event(w, len, &status);
  image_unlock();
  return code == 0 && status == 0 ? 0 : -1;
}

uint32_t wd_call_bare(wd_policy *w, uint32_t len) {
  SET_FUEL(&w->inst);
  return Z_policyZ_hw_event(&w->inst, len);
}

int wd_read(wd_policy *w, const np_platform *p, const wd_buffer *b, np_decision *out) {
  /* The library's own reader (outcome.c), linked from libheapwise.a. */
  if (hw_outcome_read(memory(w), w->output, 64, &answer, &why) != HW_OK || validate_place(&answer, p, b, 0) != 0) {
    hw_text_reset(&why);
    return -1;
  }
  /* The explanations as decision.c takes them: HEAP entries of a known heap (CHOSEN or FALLBACK
   * ranked, REJECTED rejected), the BUFFER rejection as the failure; others ignored. The arrays
   * hold HW_MAX_HEAPS entries and a module may write up to HW_MAX_EXPLAIN: more is refused.
   * Counts in locals: stores into the entry arrays could alias the fields of *out. */
  uint32_t ranked = 0, rejected = 0, failure = 0;
  for (uint32_t i = 0; i < answer.explain_count; i++) {
    const hw_explain *x = &answer.explains[i];
    if (x->subject == HW_SUBJECT_HEAP && x->heap < p->heap_count) {
      np_entry en = {x->heap, x->code, x->device, x->detail};
      if (x->verdict == HW_VERDICT_REJECTED) {
        if (rejected == HW_MAX_HEAPS) return -1;
        out->rejected[rejected++] = en;
      } else if (x->verdict == HW_VERDICT_CHOSEN || x->verdict == HW_VERDICT_FALLBACK) {
        if (ranked == HW_MAX_HEAPS) return -1;
        out->ranking[ranked++] = en;
      }
    } else if (x->subject == HW_SUBJECT_BUFFER && x->verdict == HW_VERDICT_REJECTED) {
      failure = x->code;
    }
  }
  out->ranking_count = ranked, out->rejected_count = rejected, out->failure = failure;
  const hw_op_rec *first = &answer.ops[0];
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
