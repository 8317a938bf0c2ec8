/* Measures what guarding calls into a wasm2c policy and counting its fuel cost, built four ways
 * by `make bench`: WASM_RT_MEMCHECK_SIGNAL_HANDLER=1 (guard pages + SIGSEGV handler;
 * wasm_rt_impl_try is a sigsetjmp that saves the signal mask: a syscall) or =0 (explicit bounds
 * checks; the try is a plain setjmp), and the default policy as given (HW_BENCH_FUEL=0) or
 * fuel-instrumented as every host runs it (=1: hw_fuel_set before every call, as libheapwise
 * does). Prints p50/p90 ns per call for: the try alone around a trivial export, and a whole
 * hw_event decision (platform a20, DEVICE_BEGIN of a placed buffer), unguarded and guarded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "heapwise.h"
#include "image_shape.h"
#include "platform.h"
#include "policy.h"
#include "wasm-rt-impl.h"

struct Z_env_instance_t { int unused; };
void Z_envZ_abort(struct Z_env_instance_t *env, u32 a, u32 b, u32 c, u32 d) { wasm_rt_trap(WASM_RT_TRAP_UNREACHABLE); }

/* The budget the library sets before every call (a no-op for the raw module). */
#if HW_BENCH_FUEL
#define FUEL(in) Z_policyZ_hw_fuel_set(in, 10000000u)
#else
#define FUEL(in) ((void)0)
#endif

static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e9 + t.tv_nsec;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

enum { BATCH = 2000, ROUNDS = 200 };

static Z_policy_instance_t inst;
static struct Z_env_instance_t env;
static volatile u32 sink;

static int guarded_abi(void) {
  if (wasm_rt_impl_try() != 0) return 1;
  FUEL(&inst);
  sink = Z_policyZ_hw_abi_version(&inst);
  return 0;
}

static int guarded_event(u32 len) {
  if (wasm_rt_impl_try() != 0) return 1;
  FUEL(&inst);
  sink = Z_policyZ_hw_event(&inst, len);
  return 0;
}

static void report(const char *mode, const char *what, double *s) {
  qsort(s, ROUNDS, sizeof *s, cmp);
  printf("%-14s %-44s p50 %7.1f ns  p90 %7.1f ns\n", mode, what, s[ROUNDS / 2], s[ROUNDS * 9 / 10]);
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "?";
  wasm_rt_init();
  Z_policy_init_module();
  Z_policy_instantiate(&inst HW_IMAGE_IMPORT_ARGS(&env, NULL));
  if (wasm_rt_impl_try() != 0) return 1;
#if HW_BENCH_FUEL
  /* The start function is an export of the instrumented module; instantiation ran it before. */
  FUEL(&inst);
  Z_policyZ_hw_start(&inst);
#endif
  hw_platform_t *p = NULL;
  hw_error_t *err = NULL;
  if (hw_platform_load_file(HW_ROOT_DIR "/examples/platforms/a20-olinuxino-lime2.json", &p, &err) != HW_OK) {
    fprintf(stderr, "%s\n", hw_error_message(err));
    return 1;
  }
  uint8_t *blob;
  size_t len;
  hw_platform_encode(p, &blob, &len, NULL);
  u32 in = Z_policyZ_hw_input(&inst);
  wasm_rt_memory_t *m = Z_policyZ_memory(&inst);
  memcpy(m->data + in, blob, len);
  FUEL(&inst);
  if (wasm_rt_impl_try() != 0 || Z_policyZ_hw_init(&inst, (u32)len) != 0) return 1;
  hw_event ev = {.kind = HW_EVENT_KIND_DEVICE_BEGIN, .buf = 1, .device = 0, .access = HW_ACCESS_READ, .size = 3686400,
                 .devices = 1, .heap = 0, .cpu = HW_ACCESS_WRITE, .flags = HW_BUFFER_FLAG_NAMED, .name_len = 0};
  ev.state.domain = HW_DOMAIN_CPU;
  memcpy(m->data + in, &ev, sizeof ev);
  double s[ROUNDS];
  for (int r = 0; r < ROUNDS; r++) {
    double t0 = now_ns();
    for (int i = 0; i < BATCH; i++) {
      FUEL(&inst);
      sink = Z_policyZ_hw_abi_version(&inst);
    }
    s[r] = (now_ns() - t0) / BATCH;
  }
  report(mode, "trivial export, no guard", s);
  for (int r = 0; r < ROUNDS; r++) {
    double t0 = now_ns();
    for (int i = 0; i < BATCH; i++) guarded_abi();
    s[r] = (now_ns() - t0) / BATCH;
  }
  report(mode, "trivial export under wasm_rt_impl_try", s);
  for (int r = 0; r < ROUNDS; r++) {
    double t0 = now_ns();
    for (int i = 0; i < BATCH; i++) {
      FUEL(&inst);
      sink = Z_policyZ_hw_event(&inst, HW_EVENT_USAGE_OFFSET);
    }
    s[r] = (now_ns() - t0) / BATCH;
  }
  report(mode, "hw_event decision, no guard", s);
  for (int r = 0; r < ROUNDS; r++) {
    double t0 = now_ns();
    for (int i = 0; i < BATCH; i++) guarded_event(HW_EVENT_USAGE_OFFSET);
    s[r] = (now_ns() - t0) / BATCH;
  }
  report(mode, "hw_event decision under wasm_rt_impl_try", s);
#if HW_BENCH_FUEL
  FUEL(&inst);
  Z_policyZ_hw_event(&inst, HW_EVENT_USAGE_OFFSET);
  printf("%-14s fuel units per decision: %u\n", mode, 10000000u - Z_policyZ_hw_fuel_left(&inst));
#endif
  Z_policy_free(&inst);
  hw_platform_delete(p);
  free(blob);
  return 0;
}
