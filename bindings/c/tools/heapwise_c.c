/* heapwise-c: the C host's test driver, what the cross-host tests call.
 *   heapwise-c --workload W [policy options] [--backend model|kernel] [--record FILE]
 *              [--fallback default|X.so] [--trace-policy-path P]
 *     --record writes binary when FILE ends in .hwtrace, else JSON Lines (hw_trace_format_for_path)
 *   heapwise-c --replay TRACE [policy options] [--candidate X.so ...]   exit 0 identical, 5 divergent
 *     TRACE in either encoding (JSON Lines or .hwtrace); a malformed one exits 2
 *   heapwise-c --platform P --request R [policy options]                prints the decision JSON
 *   heapwise-c --bench-decide                                           per-decision cost, ns (p50)
 * Policy options: --policy default|X.so, --fuel N (units per call), --log (grant a debug build
 * its log sink; its lines go to the trace and to stderr), --manifest M.
 * --trace-policy-path records P as the header's policy path ("" records null: replay then finds
 * the module by its sha256; Node and Deno replay a C trace that way).
 * Exit codes as the Node CLI: 0 ok, 1 internal/fault, 2 bad input, 3 no fit, 5 diverged. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "bench_decide.h"
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

/* What the command line says about the policy and the session. */
typedef struct options {
  const char *policy, *backend, *record, *fallback, *trace_policy_path, *manifest;
  const char *candidates[16];
  size_t candidate_count;
  uint32_t fuel;
  int log;
} options;

static hw_status_t load_policy(const char *spec, const options *o, hw_policy_t **out, hw_error_t **err) {
  hw_policy_options_t po = {.fuel = o->fuel, .log = o->log, .manifest_path = o->manifest};
  if (!spec || !strcmp(spec, "default")) return hw_policy_load_builtin("default", &po, out, err);
  return hw_policy_load_file(spec, &po, out, err);
}

/* A debug build's lines, as `heapwise simulate --log` prints them. */
static void print_log(void *ctx, uint32_t event, uint32_t fd, const char *text) {
  fprintf(stderr, "[policy %s, event %u] %s\n", fd == 2 ? "stderr" : "stdout", event, text);
}

static int run_workload(const char *file, const options *o) {
  hw_error_t *err = NULL;
  hw_workload w;
  hw_policy_t *policy = NULL, *fallback = NULL;
  hw_engine_t *engine = NULL;
  hw_status_t st = hw_workload_load(file, &w, &err);
  if (st == HW_OK) st = load_policy(o->policy, o, &policy, &err);
  if (st == HW_OK && o->fallback) {
    /* The fallback gets the budget of its own (the default), as the Node engine's does. */
    options fo = {.log = o->log};
    st = load_policy(o->fallback, &fo, &fallback, &err);
  }
  hw_engine_options_t opts = {.backend = !strcmp(o->backend, "kernel") ? HW_BACKEND_KERNEL : HW_BACKEND_MODEL, .fallback = fallback,
                              .log = o->log ? print_log : NULL};
  if (st == HW_OK) st = hw_engine_new(policy, w.platform, &opts, &engine, &err);
  int recording = 0;
  if (st == HW_OK && o->record) {
    /* The library writes a temporary file and renames it at the end: never a half-written
     * trace. Binary for a name ending in .hwtrace, else JSON Lines. */
    const char *path = o->trace_policy_path ? o->trace_policy_path : o->policy && strcmp(o->policy, "default") ? o->policy : NULL;
    st = hw_engine_trace_open(engine, o->record, path);
    if (st != HW_OK) err = hw_error_new(st, hw_engine_last_error(engine));
    recording = st == HW_OK;
  }
  if (st == HW_OK) st = hw_workload_run(&w, engine, &err);
  if (st == HW_OK && recording) {
    st = hw_engine_trace_finish(engine);
    if (st != HW_OK) err = hw_error_new(st, hw_engine_last_error(engine));
  }
  if (st == HW_OK) fprintf(stderr, "heapwise-c: %u events, policy %s %s\n", hw_engine_events(engine), hw_policy_name(hw_engine_policy(engine)),
                           hw_policy_version(hw_engine_policy(engine)));
  hw_engine_delete(engine);
  hw_policy_delete(policy);
  hw_policy_delete(fallback);
  hw_workload_free(&w);
  return report(st, err);
}

static int replay(const char *trace, const options *o) {
  hw_error_t *err = NULL;
  hw_policy_t *policy = NULL;
  hw_policy_t *cands[16] = {0};
  hw_status_t st = load_policy(o->policy, o, &policy, &err);
  for (size_t i = 0; st == HW_OK && i < o->candidate_count; i++) st = load_policy(o->candidates[i], o, &cands[i], &err);
  hw_replay_result_t r = {0};
  hw_replay_options_t ro = {(const hw_policy_t *const *)cands, o->candidate_count};
  if (st == HW_OK) st = hw_replay_file_with(trace, policy, &ro, &r, &err);
  if (st == HW_OK) printf("identical: %u events\n", r.events);
  else if (st == HW_ERR_DIVERGED) printf("diverged at event %u (line %u)\nexpected: %s\nactual:   %s\n", r.index, r.line, r.expected, r.actual);
  hw_replay_result_clear(&r);
  hw_policy_delete(policy);
  for (size_t i = 0; i < o->candidate_count; i++) hw_policy_delete(cands[i]);
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

static int decide(const char *platform_file, const char *request_file, const options *o) {
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
  if (st == HW_OK) st = load_policy(o->policy, o, &policy, &err);
  hw_engine_options_t eo = {.log = o->log ? print_log : NULL};
  if (st == HW_OK) st = hw_engine_new(policy, platform, &eo, &engine, &err);
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

static void usage(void) {
  fprintf(stderr,
          "usage: heapwise-c --workload W [--policy default|X.so] [--fuel N] [--log] [--manifest M] [--backend model|kernel]\n"
          "                  [--record FILE] [--fallback default|X.so] [--trace-policy-path P]\n"
          "       heapwise-c --replay TRACE [--policy default|X.so] [--candidate X.so ...] [--log]\n"
          "       heapwise-c --platform P --request R [--policy default|X.so] [--fuel N] [--log]\n"
          "       heapwise-c --bench-decide\n");
}

int main(int argc, char **argv) {
  const char *workload = NULL, *trace = NULL, *platform = NULL, *request = NULL, *fuel = NULL;
  options o = {.backend = "model"};
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--bench-decide")) return hw_bench_decide();
    if (!strcmp(a, "--log")) {
      o.log = 1;
      continue;
    }
    const char **slot = !strcmp(a, "--workload") ? &workload : !strcmp(a, "--policy") ? &o.policy : !strcmp(a, "--backend") ? &o.backend
                      : !strcmp(a, "--record") ? &o.record : !strcmp(a, "--replay") ? &trace : !strcmp(a, "--platform") ? &platform
                      : !strcmp(a, "--request") ? &request : !strcmp(a, "--fuel") ? &fuel : !strcmp(a, "--fallback") ? &o.fallback
                      : !strcmp(a, "--trace-policy-path") ? &o.trace_policy_path : !strcmp(a, "--manifest") ? &o.manifest
                      : !strcmp(a, "--candidate") && o.candidate_count < 16 ? &o.candidates[o.candidate_count++] : NULL;
    if (!slot || i + 1 >= argc) {
      usage();
      return 2;
    }
    *slot = argv[++i];
  }
  if (strcmp(o.backend, "model") != 0 && strcmp(o.backend, "kernel") != 0) {
    fprintf(stderr, "heapwise-c: --backend must be model or kernel, got %s\n", o.backend);
    return 2;
  }
  if (fuel) {
    char *end;
    unsigned long v = strtoul(fuel, &end, 10);
    if (*end || v < 1 || v > 0x7fffffffUL) {
      fprintf(stderr, "heapwise-c: --fuel must be an integer from 1 to 2^31-1, got %s\n", fuel);
      return 2;
    }
    o.fuel = (uint32_t)v;
  }
  if (workload) return run_workload(workload, &o);
  if (trace) return replay(trace, &o);
  if (platform && request) return decide(platform, request, &o);
  usage();
  return 2;
}
