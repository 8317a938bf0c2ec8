/* Per-decision cost of the engine: one event handed to the built-in default policy (fuel
 * budget set, hw_event under the trap guard), its answer read, validated and executed on the
 * model backend. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bench_decide.h"
#include "heapwise.h"

static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e9 + t.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

enum { BATCH = 1000, ROUNDS = 200 };

static void report(const char *what, double *samples, uint32_t fuel) {
  qsort(samples, ROUNDS, sizeof samples[0], cmp_double);
  printf("engine decision (%s): p50 %.1f ns, p90 %.1f ns, %u fuel units\n", what, samples[ROUNDS / 2], samples[ROUNDS * 9 / 10], fuel);
}

int hw_bench_decide(void) {
  hw_error_t *err = NULL;
  hw_platform_t *p = NULL;
  hw_policy_t *policy = NULL;
  hw_engine_t *e = NULL;
  hw_status_t st = hw_platform_new("bench", &p, &err);
  hw_heap_spec_t heaps[] = {{"linux,cma", 0, HW_DEFAULT, HW_DEFAULT, HW_DEFAULT, 32, 256u << 20, 0}, {"system", 0, HW_DEFAULT, HW_DEFAULT, HW_DEFAULT, 0, 0, 0}};
  for (int i = 0; st == HW_OK && i < 2; i++) st = hw_platform_add_heap(p, &heaps[i], &err);
  hw_device_spec_t dev = {"display", 32, 0, 0, HW_DEFAULT, 0, 0, NULL, 0};
  if (st == HW_OK) st = hw_platform_add_device(p, &dev, &err);
  if (st == HW_OK) st = hw_policy_load_builtin("default", NULL, &policy, &err);
  if (st == HW_OK) st = hw_engine_new(policy, p, NULL, &e, &err);
  const char *devs[] = {"display"};
  hw_alloc_request_t r = {8u << 20, devs, 1, HW_ACCESS_WRITE, 0, "bench", 0};
  hw_buffer_id_t id;
  if (st == HW_OK && (st = hw_engine_allocate(e, &r, &id)) != HW_OK) err = hw_error_new(st, hw_engine_last_error(e));
  if (st != HW_OK) {
    fprintf(stderr, "heapwise-c: %s\n", hw_error_message(err));
    hw_error_delete(err);
    return 1;
  }
  double samples[ROUNDS];
  for (int round = 0; round < ROUNDS; round++) {
    double t0 = now_ns();
    for (int i = 0; i < BATCH / 2; i++) {
      hw_engine_device_begin(e, id, "display", HW_ACCESS_READ);
      hw_engine_device_end(e, id, "display");
    }
    samples[round] = (now_ns() - t0) / BATCH;
  }
  report("device begin/end on the default policy, model backend", samples, hw_engine_last_fuel(e));
  for (int round = 0; round < ROUNDS; round++) {
    double t0 = now_ns();
    for (int i = 0; i < BATCH / 2; i++) hw_engine_cpu_access(e, id, HW_ACCESS_WRITE);
    samples[round] = (now_ns() - t0) / BATCH;
  }
  report("cpu begin/end with syncs, model backend", samples, hw_engine_last_fuel(e));
  hw_engine_delete(e);
  hw_policy_delete(policy);
  hw_platform_delete(p);
  return 0;
}
