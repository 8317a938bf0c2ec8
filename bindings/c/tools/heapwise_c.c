/* heapwise-c: the C host's test driver, what the cross-host tests call.
 *   heapwise-c --workload W [--policy default|X.so] [--backend model|kernel] [--record FILE]
 *   heapwise-c --replay TRACE [--policy default|X.so]        exit 0 identical, 5 divergent
 *   heapwise-c --platform P --request R [--policy ...]       prints the decision JSON
 *   heapwise-c --bench-decide                                per-decision cost, ns (p50)
 * Exit codes as the Node CLI: 0 ok, 1 internal/fault, 2 bad input, 3 no fit, 5 diverged. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "heapwise.h"
#include "workload.h"

static int exit_code(hw_status_t st) {
  switch (st) {
    case HW_OK: return 0;
    case HW_ERR_INPUT:
    case HW_ERR_POLICY_REFUSED:
    case HW_ERR_USAGE:
    case HW_ERR_ARGUMENT: return 2;
    case HW_ERR_NO_FIT: return 3;
    case HW_ERR_DIVERGED: return 5;
    default: return 1;
  }
}

static int report(hw_status_t st, hw_error_t *err) {
  if (st != HW_OK) fprintf(stderr, "heapwise-c: %s\n", err ? hw_error_message(err) : hw_status_name(st));
  hw_error_delete(err);
  return exit_code(st);
}

static hw_status_t load_policy(const char *spec, hw_policy_t **out, hw_error_t **err) {
  if (!spec || !strcmp(spec, "default")) return hw_policy_load_builtin("default", NULL, out, err);
  return hw_policy_load_file(spec, NULL, out, err);
}

static int run_workload(const char *file, const char *policy_spec, const char *backend, const char *record) {
  hw_error_t *err = NULL;
  hw_workload w;
  hw_policy_t *policy = NULL;
  hw_engine_t *engine = NULL;
  hw_status_t st = hw_workload_load(file, &w, &err);
  if (st == HW_OK) st = load_policy(policy_spec, &policy, &err);
  hw_engine_options_t opts = {.backend = backend && !strcmp(backend, "kernel") ? HW_BACKEND_KERNEL : HW_BACKEND_MODEL};
  if (st == HW_OK) st = hw_engine_new(policy, w.platform, &opts, &engine, &err);
  char *tmp = NULL;
  FILE *out = NULL;
  if (st == HW_OK && record) {
    /* Written to a temporary file and renamed at the end: never a half-written trace. */
    if (asprintf(&tmp, "%s.tmp.%d", record, (int)getpid()) < 0 || !(out = fopen(tmp, "w"))) {
      st = HW_ERR_IO;
      err = hw_error_new(st, "cannot create the trace file");
    } else {
      st = hw_engine_trace_start(engine, out, policy_spec && strcmp(policy_spec, "default") ? policy_spec : NULL);
      if (st != HW_OK) err = hw_error_new(st, hw_engine_last_error(engine));
    }
  }
  if (st == HW_OK) st = hw_workload_run(&w, engine, &err);
  if (st == HW_OK && out) {
    st = hw_engine_trace_finish(engine);
    if (st != HW_OK) err = hw_error_new(st, hw_engine_last_error(engine));
  }
  if (out && fclose(out) != 0 && st == HW_OK) {
    st = HW_ERR_IO;
    err = hw_error_new(st, "writing the trace file failed");
  }
  if (tmp) {
    if (st == HW_OK && rename(tmp, record) != 0) {
      st = HW_ERR_IO;
      err = hw_error_new(st, "renaming the trace file failed");
    }
    if (st != HW_OK) unlink(tmp);
    free(tmp);
  }
  if (st == HW_OK) fprintf(stderr, "heapwise-c: %u events, policy %s %s\n", hw_engine_events(engine), hw_policy_name(policy), hw_policy_version(policy));
  hw_engine_delete(engine);
  hw_policy_delete(policy);
  hw_workload_free(&w);
  return report(st, err);
}

static int replay(const char *trace, const char *policy_spec) {
  hw_error_t *err = NULL;
  hw_policy_t *policy = NULL;
  hw_status_t st = load_policy(policy_spec, &policy, &err);
  hw_replay_result_t r = {0};
  if (st == HW_OK) st = hw_replay_file(trace, policy, &r, &err);
  if (st == HW_OK) printf("identical: %u events\n", r.events);
  else if (st == HW_ERR_DIVERGED) printf("diverged at event %u (line %u)\nexpected: %s\nactual:   %s\n", r.index, r.line, r.expected, r.actual);
  hw_replay_result_clear(&r);
  hw_policy_delete(policy);
  if (st == HW_ERR_DIVERGED) {
    hw_error_delete(err);
    return 5;
  }
  return report(st, err);
}

static uint32_t access_of(const char *a) {
  if (!a) return 0;
  if (!strcmp(a, "read")) return 1;
  if (!strcmp(a, "write")) return 2;
  if (!strcmp(a, "readwrite")) return 3;
  return 0;
}

static int decide(const char *platform_file, const char *request_file, const char *policy_spec) {
  hw_error_t *err = NULL;
  hw_platform_t *platform = NULL;
  hw_policy_t *policy = NULL;
  hw_engine_t *engine = NULL;
  json_t *req = NULL;
  hw_status_t st = hw_platform_load_file(platform_file, &platform, &err);
  if (st == HW_OK) {
    json_error_t je;
    req = json_load_file(request_file, 0, &je);
    if (!json_is_object(req) || !json_is_integer(json_object_get(req, "size")) || !json_is_array(json_object_get(req, "devices"))) {
      char m[600];
      snprintf(m, sizeof m, "%s: a request needs \"size\" and \"devices\"%s%s", request_file, req ? "" : ": ", req ? "" : je.text);
      st = HW_ERR_INPUT;
      err = hw_error_new(st, m);
    }
  }
  if (st == HW_OK) st = load_policy(policy_spec, &policy, &err);
  if (st == HW_OK) st = hw_engine_new(policy, platform, NULL, &engine, &err);
  if (st == HW_OK) {
    json_t *devs = json_object_get(req, "devices"), *name = json_object_get(req, "name");
    const char *names[HW_MAX_DEVICES];
    size_t n = json_array_size(devs) < HW_MAX_DEVICES ? json_array_size(devs) : HW_MAX_DEVICES;
    for (size_t i = 0; i < n; i++) names[i] = json_string_value(json_array_get(devs, i));
    hw_alloc_request_t r = {(uint64_t)json_integer_value(json_object_get(req, "size")), names, n,
                            access_of(json_string_value(json_object_get(req, "cpu"))), json_is_true(json_object_get(req, "protected")),
                            json_is_string(name) ? json_string_value(name) : NULL, 0};
    hw_buffer_id_t id = 0;
    st = hw_engine_allocate(engine, &r, &id);
    const hw_decision_t *d = id ? hw_engine_decision(engine, id) : NULL;
    char *text = NULL;
    if (d && hw_decision_to_json(d, &text) == HW_OK) printf("%s\n", text);
    free(text);
    if (st != HW_OK && st != HW_ERR_NO_FIT) err = hw_error_new(st, hw_engine_last_error(engine));
  }
  hw_engine_delete(engine);
  hw_policy_delete(policy);
  hw_platform_delete(platform);
  json_decref(req);
  if (st == HW_ERR_NO_FIT) {
    hw_error_delete(err);
    return 3;
  }
  return report(st, err);
}

/* ---- per-decision cost --------------------------------------------------------------------- */

static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e9 + t.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static int bench_decide(void) {
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
  if (st != HW_OK) return report(st, err);
  const char *devs[] = {"display"};
  hw_alloc_request_t r = {8u << 20, devs, 1, HW_ACCESS_WRITE, 0, "bench", 0};
  hw_buffer_id_t id;
  if ((st = hw_engine_allocate(e, &r, &id)) != HW_OK) return report(st, hw_error_new(st, hw_engine_last_error(e)));
  enum { BATCH = 1000, ROUNDS = 200 };
  double samples[ROUNDS];
  /* One decision = one event handed to the policy and its answer validated and executed. */
  for (int round = 0; round < ROUNDS; round++) {
    double t0 = now_ns();
    for (int i = 0; i < BATCH / 2; i++) {
      hw_engine_device_begin(e, id, "display", HW_ACCESS_READ);
      hw_engine_device_end(e, id, "display");
    }
    samples[round] = (now_ns() - t0) / BATCH;
  }
  qsort(samples, ROUNDS, sizeof samples[0], cmp_double);
  printf("engine decision (device begin/end on the default policy, model backend): p50 %.1f ns, p90 %.1f ns\n", samples[ROUNDS / 2], samples[ROUNDS * 9 / 10]);
  for (int round = 0; round < ROUNDS; round++) {
    double t0 = now_ns();
    for (int i = 0; i < BATCH / 2; i++) hw_engine_cpu_access(e, id, HW_ACCESS_WRITE);
    samples[round] = (now_ns() - t0) / BATCH;
  }
  qsort(samples, ROUNDS, sizeof samples[0], cmp_double);
  printf("engine decision (cpu begin/end with syncs, model backend): p50 %.1f ns, p90 %.1f ns\n", samples[ROUNDS / 2], samples[ROUNDS * 9 / 10]);
  hw_engine_delete(e);
  hw_policy_delete(policy);
  hw_platform_delete(p);
  return 0;
}

static void usage(void) {
  fprintf(stderr,
          "usage: heapwise-c --workload W [--policy default|X.so] [--backend model|kernel] [--record FILE]\n"
          "       heapwise-c --replay TRACE [--policy default|X.so]\n"
          "       heapwise-c --platform P --request R [--policy default|X.so]\n"
          "       heapwise-c --bench-decide\n");
}

int main(int argc, char **argv) {
  const char *workload = NULL, *policy = NULL, *backend = "model", *record = NULL, *trace = NULL, *platform = NULL, *request = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char **slot = !strcmp(a, "--workload") ? &workload : !strcmp(a, "--policy") ? &policy : !strcmp(a, "--backend") ? &backend
                      : !strcmp(a, "--record") ? &record : !strcmp(a, "--replay") ? &trace : !strcmp(a, "--platform") ? &platform
                      : !strcmp(a, "--request") ? &request : NULL;
    if (!strcmp(a, "--bench-decide")) return bench_decide();
    if (!slot || i + 1 >= argc) {
      usage();
      return 2;
    }
    *slot = argv[++i];
  }
  if (strcmp(backend, "model") != 0 && strcmp(backend, "kernel") != 0) {
    fprintf(stderr, "heapwise-c: --backend must be model or kernel, got %s\n", backend);
    return 2;
  }
  if (workload) return run_workload(workload, policy, backend, record);
  if (trace) return replay(trace, policy);
  if (platform && request) return decide(platform, request, policy);
  usage();
  return 2;
}
