/*
 * Glue compiled into every policy image: wraps the wasm2c module "policy" (policy.h) into the
 * hw_policy_image contract. Every call into the module runs under wasm_rt_impl_try() and the
 * image's lock, because wasm2c's runtime (wabt 1.0.32) keeps its jump target in a global.
 *
 * Built with -DHW_IMAGE_SHA256='"<hex>"' -DHW_IMAGE_WASM='"<path of the .wasm>"' (embedded with
 * .incbin) and, for the built-in, -DHW_IMAGE_ENTRY_NAME=<symbol>.
 */
#include <pthread.h>
#include <stdlib.h>

#include "policy.h"
#include "policy_image.h"
#include "wasm-rt-impl.h"

#ifndef HW_IMAGE_ENTRY_NAME
#define HW_IMAGE_ENTRY_NAME heapwise_policy_v1
#endif
/* A .so exports its entry point; the built-in keeps it inside the library (hidden). */
#ifndef HW_IMAGE_ENTRY_VISIBILITY
#define HW_IMAGE_ENTRY_VISIBILITY "default"
#endif
#ifndef HW_IMAGE_SHA256
#error "HW_IMAGE_SHA256 must name the sha256 of the .wasm"
#endif
#ifndef HW_IMAGE_WASM
#error "HW_IMAGE_WASM must name the .wasm file to embed"
#endif

/* The .wasm itself, embedded so the loader runs the same section checks as the Node host. */
__asm__(".section .rodata\n"
        ".balign 16\n"
        "hw_image_wasm_start:\n"
        ".incbin \"" HW_IMAGE_WASM "\"\n"
        "hw_image_wasm_end:\n"
        ".byte 0\n"
        ".previous\n");
extern const unsigned char hw_image_wasm_start[] __attribute__((visibility("hidden")));
extern const unsigned char hw_image_wasm_end[] __attribute__((visibility("hidden")));

/* The env "instance" wasm2c passes to imports: where env.abort leaves its arguments. */
struct Z_env_instance_t {
  hw_guest_abort abort;
};

struct hw_guest {
  struct Z_env_instance_t env;
  Z_policy_instance_t instance;
  int instantiated;
};

static pthread_mutex_t image_lock = PTHREAD_MUTEX_INITIALIZER;
static int module_ready;

/* env.abort: record the arguments, then unwind like a trap. */
void Z_envZ_abort(struct Z_env_instance_t *env, u32 message, u32 file, u32 line, u32 column) {
  env->abort.message = message;
  env->abort.file = file;
  env->abort.line = line;
  env->abort.column = column;
  WASM_RT_LONGJMP(wasm_rt_jmp_buf, HW_CALL_ABORT);
}

static int guarded_instantiate(hw_guest *g) {
  int code = wasm_rt_impl_try();
  if (code != 0) return code;
  Z_policy_instantiate(&g->instance, &g->env);
  return HW_CALL_OK;
}

static int image_instantiate(hw_guest **out) {
  hw_guest *g = calloc(1, sizeof *g);
  if (!g) return HW_CALL_NO_MEMORY;
  pthread_mutex_lock(&image_lock);
  if (!module_ready) {
    wasm_rt_init();
    Z_policy_init_module();
    module_ready = 1;
  }
  int code = guarded_instantiate(g);
  pthread_mutex_unlock(&image_lock);
  g->instantiated = 1;
  *out = g;
  return code;
}

static void image_destroy(hw_guest *g) {
  if (!g) return;
  if (g->instantiated) {
    pthread_mutex_lock(&image_lock);
    Z_policy_free(&g->instance);
    pthread_mutex_unlock(&image_lock);
  }
  free(g);
}

/* One export call under the trap guard. Separate function so the setjmp frame is small. */
static int guarded_call(hw_guest *g, enum hw_image_export which, uint32_t arg, uint32_t *result) {
  Z_policy_instance_t *in = &g->instance;
  int code = wasm_rt_impl_try();
  if (code != 0) return code;
  switch (which) {
    case HW_X_ABI_VERSION: *result = Z_policyZ_hw_abi_version(in); break;
    case HW_X_POLICY_NAME: *result = Z_policyZ_hw_policy_name(in); break;
    case HW_X_POLICY_VERSION: *result = Z_policyZ_hw_policy_version(in); break;
    case HW_X_INPUT: *result = Z_policyZ_hw_input(in); break;
    case HW_X_OUTPUT: *result = Z_policyZ_hw_output(in); break;
    case HW_X_INIT: *result = Z_policyZ_hw_init(in, arg); break;
    case HW_X_EVENT: *result = Z_policyZ_hw_event(in, arg); break;
  }
  return HW_CALL_OK;
}

static int image_call(hw_guest *g, enum hw_image_export which, uint32_t arg, uint32_t *result) {
  pthread_mutex_lock(&image_lock);
  int code = guarded_call(g, which, arg, result);
  pthread_mutex_unlock(&image_lock);
  return code;
}

static uint8_t *image_memory(hw_guest *g, uint64_t *size, uint64_t *max_pages) {
  wasm_rt_memory_t *m = Z_policyZ_memory(&g->instance);
  *size = m->size;
  *max_pages = m->max_pages;
  return m->data;
}

static const hw_guest_abort *image_last_abort(const hw_guest *g) {
  return &g->env.abort;
}

static const hw_policy_image image = {
  .image_version = HW_IMAGE_VERSION,
  .memcheck_signal = WASM_RT_MEMCHECK_SIGNAL_HANDLER,
  .sha256 = HW_IMAGE_SHA256,
  .wasm = hw_image_wasm_start,
  .instantiate = image_instantiate,
  .destroy = image_destroy,
  .call = image_call,
  .memory = image_memory,
  .last_abort = image_last_abort,
};

static hw_policy_image image_with_length;

/* dlclose unmaps the runtime's globals: release its type registry first. */
__attribute__((destructor)) static void image_unload(void) {
  if (module_ready) wasm_rt_free();
}

__attribute__((visibility(HW_IMAGE_ENTRY_VISIBILITY))) const hw_policy_image *HW_IMAGE_ENTRY_NAME(void) {
  /* The length is a link-time difference, not a constant expression for the initializer. */
  pthread_mutex_lock(&image_lock);
  if (!image_with_length.image_version) {
    image_with_length = image;
    image_with_length.wasm_len = (size_t)(hw_image_wasm_end - hw_image_wasm_start);
  }
  pthread_mutex_unlock(&image_lock);
  return &image_with_length;
}
