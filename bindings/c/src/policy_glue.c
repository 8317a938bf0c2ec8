/*
 * Glue compiled into every policy image: wraps the wasm2c module "policy" (policy.h, generated
 * from the fuel-instrumented module) into the hw_policy_image contract. Every call into the
 * module sets its fuel counter first and runs under wasm_rt_impl_try() and the image's lock,
 * because wasm2c's runtime (wabt 1.0.32) keeps its jump target and call depth in globals.
 *
 * image_shape.h (written by host/compile/image-sources.ts from wasm2c's header) says how
 * Z_policy_instantiate takes the imported modules, whether the module has hw_start and
 * _initialize, its sha256 and the path of the .wasm to embed. The built-in is built with
 * -DHW_IMAGE_ENTRY_NAME=<symbol>.
 */
#include <stdlib.h>

#include "image_lock.h"
#include "image_shape.h"
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
#if !defined(HW_IMAGE_SHA256) || !defined(HW_IMAGE_WASM) || !defined(HW_IMAGE_FUEL_INSTRUMENTATION)
#error "image_shape.h must come from host/compile/image-sources.ts"
#endif

/* The .wasm itself, embedded so the loader runs the same section checks as the Node host and
 * hashes the very bytes a manifest pins. */
__asm__(".section .rodata\n"
        ".balign 16\n"
        "hw_image_wasm_start:\n"
        ".incbin \"" HW_IMAGE_WASM "\"\n"
        "hw_image_wasm_end:\n"
        ".byte 0\n"
        ".previous\n");
extern const unsigned char hw_image_wasm_start[] __attribute__((visibility("hidden")));
extern const unsigned char hw_image_wasm_end[] __attribute__((visibility("hidden")));

/* The "instances" wasm2c passes to imports: each finds its guest. */
struct Z_env_instance_t {
  hw_guest *g;
};
struct Z_wasi_snapshot_preview1_instance_t {
  hw_guest *g;
};

struct hw_guest {
  struct Z_env_instance_t env;
  struct Z_wasi_snapshot_preview1_instance_t wasi;
  Z_policy_instance_t instance;
  hw_guest_abort abort;
  uint32_t exit_code;
  hw_guest_host host;
  int instantiated;
};

static int module_ready;

/* Unwinds like a trap. wasm_rt_trap also restores the runtime's call depth counter, which a
 * bare longjmp would leave raised for every later call into this image. */
static void unwind(int code) { wasm_rt_trap((wasm_rt_trap_t)code); }

/* env.abort: record the arguments, then unwind. */
void Z_envZ_abort(struct Z_env_instance_t *env, u32 message, u32 file, u32 line, u32 column) {
  env->g->abort = (hw_guest_abort){message, file, line, column};
  unwind(HW_CALL_ABORT);
}

/* wasi fd_write: the host's log sink (only reachable when the loader granted the capability). */
u32 Z_wasi_snapshot_preview1Z_fd_write(struct Z_wasi_snapshot_preview1_instance_t *w, u32 fd, u32 iovs, u32 count, u32 nwritten) {
  hw_guest *g = w->g;
  if (!g->host.fd_write) return 8; /* EBADF */
  int32_t r = g->host.fd_write(g->host.ctx, fd, iovs, count, nwritten);
  if (r < 0) unwind(WASM_RT_TRAP_OOB);
  return (u32)r;
}

/* wasi proc_exit: a policy has no process to end; it traps (host/module/instance.ts). */
void Z_wasi_snapshot_preview1Z_proc_exit(struct Z_wasi_snapshot_preview1_instance_t *w, u32 code) {
  w->g->exit_code = code;
  unwind(HW_CALL_EXIT);
}

static int guarded_instantiate(hw_guest *g) {
  int code = wasm_rt_impl_try();
  if (code != 0) return code;
  Z_policy_instantiate(&g->instance HW_IMAGE_IMPORT_ARGS(&g->env, &g->wasi));
  return HW_CALL_OK;
}

static int image_instantiate(hw_guest **out, const hw_guest_host *host) {
  hw_guest *g = calloc(1, sizeof *g);
  if (!g) return HW_CALL_NO_MEMORY;
  g->env.g = g;
  g->wasi.g = g;
  if (host) g->host = *host;
  image_lock();
  if (!module_ready) {
    wasm_rt_init();
    Z_policy_init_module();
    module_ready = 1;
  }
  int code = guarded_instantiate(g);
  image_unlock();
  g->instantiated = 1;
  *out = g;
  return code;
}

static void image_destroy(hw_guest *g) {
  if (!g) return;
  if (g->instantiated) {
    image_lock();
    Z_policy_free(&g->instance);
    image_unlock();
  }
  free(g);
}

/* One export call under the trap guard, with the budget set first. Separate function so the
 * setjmp frame is small. */
static int guarded_call(hw_guest *g, enum hw_image_export which, uint32_t arg, uint32_t fuel, uint32_t *result) {
  Z_policy_instance_t *in = &g->instance;
  int code = wasm_rt_impl_try();
  if (code != 0) return code;
  Z_policyZ_hw_fuel_set(in, fuel);
  switch (which) {
    case HW_X_ABI_VERSION: *result = Z_policyZ_hw_abi_version(in); break;
    case HW_X_POLICY_NAME: *result = Z_policyZ_hw_policy_name(in); break;
    case HW_X_POLICY_VERSION: *result = Z_policyZ_hw_policy_version(in); break;
    case HW_X_INPUT: *result = Z_policyZ_hw_input(in); break;
    case HW_X_OUTPUT: *result = Z_policyZ_hw_output(in); break;
    case HW_X_INIT: *result = Z_policyZ_hw_init(in, arg); break;
    case HW_X_EVENT: *result = Z_policyZ_hw_event(in, arg); break;
    case HW_X_START:
#if HW_IMAGE_HAS_START
      Z_policyZ_hw_start(in);
      *result = 0;
      break;
#else
      return HW_CALL_ABSENT;
#endif
    case HW_X_INITIALIZE:
#if HW_IMAGE_HAS_INITIALIZE
      Z_policyZ__initialize(in);
      *result = 0;
      break;
#else
      return HW_CALL_ABSENT;
#endif
  }
  return HW_CALL_OK;
}

static int image_call(hw_guest *g, enum hw_image_export which, uint32_t arg, uint32_t fuel, uint32_t *result) {
  image_lock();
  int code = guarded_call(g, which, arg, fuel, result);
  image_unlock();
  return code;
}

/* hw_fuel_left reads one global, but like every wasm2c function it counts call depth in the
 * runtime's global counter: under the lock and the guard like any call. */
static int32_t guarded_fuel_left(hw_guest *g) {
  if (wasm_rt_impl_try() != 0) return 0;
  return (int32_t)Z_policyZ_hw_fuel_left(&g->instance);
}

static int32_t image_fuel_left(hw_guest *g) {
  image_lock();
  int32_t left = guarded_fuel_left(g);
  image_unlock();
  return left;
}

static uint8_t *image_memory(hw_guest *g, uint64_t *size, uint64_t *max_pages) {
  wasm_rt_memory_t *m = Z_policyZ_memory(&g->instance);
  *size = m->size;
  *max_pages = m->max_pages;
  return m->data;
}

static const hw_guest_abort *image_last_abort(const hw_guest *g) { return &g->abort; }
static uint32_t image_last_exit(const hw_guest *g) { return g->exit_code; }

static const hw_policy_image image = {
  .image_version = HW_IMAGE_VERSION,
  .memcheck_signal = WASM_RT_MEMCHECK_SIGNAL_HANDLER,
  .fuel_instrumentation = HW_IMAGE_FUEL_INSTRUMENTATION,
  .has_start = HW_IMAGE_HAS_START,
  .has_initialize = HW_IMAGE_HAS_INITIALIZE,
  .sha256 = HW_IMAGE_SHA256,
  .wasm = hw_image_wasm_start,
  .instantiate = image_instantiate,
  .destroy = image_destroy,
  .call = image_call,
  .fuel_left = image_fuel_left,
  .memory = image_memory,
  .last_abort = image_last_abort,
  .last_exit = image_last_exit,
};

static hw_policy_image image_with_length;

/* dlclose unmaps the runtime's globals: release its type registry first. */
__attribute__((destructor)) static void image_unload(void) {
  if (module_ready) wasm_rt_free();
}

__attribute__((visibility(HW_IMAGE_ENTRY_VISIBILITY))) const hw_policy_image *HW_IMAGE_ENTRY_NAME(void) {
  /* The length is a link-time difference, not a constant expression for the initializer. */
  image_lock();
  if (!image_with_length.image_version) {
    image_with_length = image;
    image_with_length.wasm_len = (size_t)(hw_image_wasm_end - hw_image_wasm_start);
  }
  image_unlock();
  return &image_with_length;
}
