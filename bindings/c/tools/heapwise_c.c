/* heapwise-c: the C host's test driver, what the cross-host tests call.
 *   heapwise-c --workload W [policy options] [--backend model|kernel] [--record FILE]
 *              [--fallback default|X.so] [--trace-policy-path P]
 *     --record writes binary when FILE ends in .hwtrace, else JSON Lines (hw_trace_format_for_path)
 *     --backend kernel refuses, before running, a machine without a node a platform heap needs
 *     (/dev/dma_heap/<name>, /dev/udmabuf) or one it may not open: exit 6, as the Node CLI
 *   heapwise-c --replay TRACE [policy options] [--candidate X.so ...]   exit 0 identical, 5 divergent
 *     TRACE in either encoding (JSON Lines or .hwtrace); a malformed or unreadable one exits 2
 *   heapwise-c --platform P --request R [policy options]                prints the decision JSON
 *     R is checked as the Node host checks it (schemas/request.schema.json, the platform's
 *     devices, the engine's size limit): exit 2 naming the file and the JSON path
 *   heapwise-c --bench-decide                                           per-decision cost, ns (p50)
 *   heapwise-c --help                                                   usage on stdout, exit 0
 * Policy options: --policy default|X.so, --fuel N (units per call), --log (grant a debug build
 * its log sink; its lines go to the trace and to stderr), --manifest M.
 * --trace-policy-path records P as the header's policy path ("" records null: replay then finds
 * the module by its sha256; Node and Deno replay a C trace that way).
 * Exit codes as the Node CLI (README): 0 ok, 1 internal/fault, 2 bad input (including options
 * that are unknown, missing or do not go together), 3 no fit, 5 diverged, 6 kernel unavailable.
 * There is no coherency referee in the C host: the driver never judges syncs and never exits 4
 * (`heapwise simulate` on the Node host does). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "bench_decide.h"
#include "heapwise.h"
#include "kernel_check.h"
#include "request_file.h"
#include "workload.h"

enum { EXIT_OK = 0, EXIT_INTERNAL = 1, EXIT_BAD_INPUT = 2, EXIT_NO_FIT = 3, EXIT_DIVERGED = 5, EXIT_UNAVAILABLE = 6 };

static int exit_code(hw_status_t st) {
  switch (st) {
    case HW_OK: return EXIT_OK;
    case HW_ERR_INPUT:
    case HW_ERR_POLICY_REFUSED:
    case HW_ERR_USAGE:
    case HW_ERR_ARGUMENT: return EXIT_BAD_INPUT;
    case HW_ERR_NO_FIT: return EXIT_NO_FIT;
    case HW_ERR_DIVERGED: return EXIT_DIVERGED;
    default: return EXIT_INTERNAL;
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

/* The workload's platform as JSON (a path relative to the workload, or inline), already
 * validated by hw_workload_load. */
static json_t *platform_json(const hw_workload *w) {
  json_t *p = json_object_get(w->root, "platform");
  if (json_is_object(p)) return json_incref(p);
  const char *name = json_string_value(p);
  if (!name) return NULL;
  char *dir = strdup(w->file), path[4096];
  if (!dir) return NULL;
  if (name[0] == '/') snprintf(path, sizeof path, "%s", name);
  else snprintf(path, sizeof path, "%s/%s", dirname(dir), name);
  free(dir);
  return json_load_file(path, 0, NULL);
}

/* The kernel backend's preconditions: 0, or exit 6 with the Node CLI's message. */
static int kernel_unavailable(const hw_workload *w) {
  json_t *p = platform_json(w);
  char why[8192];
  const char *dev = hw_dev_dir();
  const char *refusal = p ? hw_kernel_refusal(p, dev, why, sizeof why) : "cannot reread the workload's platform";
  /* A test directory stands in for /dev only to check these rules: the library opens /dev. */
  if (!refusal && strcmp(dev, "/dev") != 0) {
    snprintf(why, sizeof why, "HEAPWISE_C_DEV_DIR=%s passes, but the library opens the nodes under /dev", dev);
    refusal = why;
  }
  json_decref(p);
  if (!refusal) return 0;
  fprintf(stderr, "heapwise-c: kernel backend: %s; use --backend model\n", refusal);
  return EXIT_UNAVAILABLE;
}

static int run_workload(const char *file, const options *o) {
  hw_error_t *err = NULL;
  hw_workload w;
  hw_policy_t *policy = NULL, *fallback = NULL;
  hw_engine_t *engine = NULL;
  int code = -1;
  hw_status_t st = hw_workload_load(file, &w, &err);
  if (st == HW_OK) st = load_policy(o->policy, o, &policy, &err);
  if (st == HW_OK && o->fallback) {
    /* The fallback gets the budget of its own (the default), as the Node engine's does. */
    options fo = {.log = o->log};
    st = load_policy(o->fallback, &fo, &fallback, &err);
  }
  int kernel = !strcmp(o->backend, "kernel");
  /* As the Node CLI: refused before anything runs, after the inputs are read. */
  if (st == HW_OK && kernel && (code = kernel_unavailable(&w)) != 0) st = HW_ERR_KERNEL;
  hw_engine_options_t opts = {.backend = kernel ? HW_BACKEND_KERNEL : HW_BACKEND_MODEL, .fallback = fallback, .log = o->log ? print_log : NULL};
  if (st == HW_OK) st = hw_engine_new(policy, w.platform, &opts, &engine, &err);
  int recording = 0;
  if (st == HW_OK && o->record) {
    /* The library writes a temporary file and renames it at the end: never a half-written
     * trace. Binary for a name ending in .hwtrace, else JSON Lines. A trace that cannot be
     * created is bad input, as in the Node CLI. */
    const char *path = o->trace_policy_path ? o->trace_policy_path : o->policy && strcmp(o->policy, "default") ? o->policy : NULL;
    st = hw_engine_trace_open(engine, o->record, path);
    if (st == HW_ERR_IO) code = EXIT_BAD_INPUT;
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
  if (code == EXIT_UNAVAILABLE) return code;
  int rc = report(st, err);
  return code > 0 ? code : rc;
}

static int replay(const char *trace, const options *o) {
  /* An unreadable trace is bad input naming it (exit 2), before any policy is loaded. */
  int fd = open(trace, O_RDONLY | O_CLOEXEC);
  struct stat sb;
  if (fd >= 0 && fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
    close(fd);
    fd = -1;
    errno = EISDIR;
  }
  if (fd < 0) {
    fprintf(stderr, "heapwise-c: %s: cannot read trace: %s\n", trace, strerror(errno));
    return EXIT_BAD_INPUT;
  }
  close(fd);
  hw_error_t *err = NULL;
  hw_policy_t *policy = NULL;
  hw_policy_t *cands[16] = {0};
  hw_status_t st = load_policy(o->policy, o, &policy, &err);
  for (size_t i = 0; st == HW_OK && i < o->candidate_count; i++) st = load_policy(o->candidates[i], o, &cands[i], &err);
  hw_replay_result_t r = {0};
  hw_replay_options_t ro = {(const hw_policy_t *const *)cands, o->candidate_count};
  int reading = st == HW_OK;
  if (st == HW_OK) st = hw_replay_file_with(trace, policy, &ro, &r, &err);
  if (st == HW_OK) printf("identical: %u events\n", r.events);
  else if (st == HW_ERR_DIVERGED) printf("diverged at event %u (line %u)\nexpected: %s\nactual:   %s\n", r.index, r.line, r.expected, r.actual);
  hw_replay_result_clear(&r);
  hw_policy_delete(policy);
  for (size_t i = 0; i < o->candidate_count; i++) hw_policy_delete(cands[i]);
  if (st == HW_ERR_DIVERGED) {
    hw_error_delete(err);
    return EXIT_DIVERGED;
  }
  /* A trace that cannot be read (a directory, an I/O error) is bad input too. */
  if (reading && st == HW_ERR_IO) {
    report(st, err);
    return EXIT_BAD_INPUT;
  }
  return report(st, err);
}

static int decide(const char *platform_file, const char *request_file, const options *o) {
  hw_error_t *err = NULL;
  hw_platform_t *platform = NULL;
  hw_policy_t *policy = NULL;
  hw_engine_t *engine = NULL;
  hw_request_file req = {0};
  hw_status_t st = hw_platform_load_file(platform_file, &platform, &err);
  if (st == HW_OK) st = hw_request_load(request_file, platform, &req, &err);
  if (st == HW_OK) st = load_policy(o->policy, o, &policy, &err);
  hw_engine_options_t eo = {.log = o->log ? print_log : NULL};
  if (st == HW_OK) st = hw_engine_new(policy, platform, &eo, &engine, &err);
  if (st == HW_OK) {
    hw_buffer_id_t id = 0;
    st = hw_engine_allocate(engine, &req.request, &id);
    const hw_decision_t *d = id ? hw_engine_decision(engine, id) : NULL;
    char *text = NULL;
    if (d && hw_decision_to_json(d, &text) == HW_OK) printf("%s\n", text);
    free(text);
    if (st != HW_OK && st != HW_ERR_NO_FIT) err = hw_error_new(st, hw_engine_last_error(engine));
  }
  hw_engine_delete(engine);
  hw_policy_delete(policy);
  hw_platform_delete(platform);
  hw_request_free(&req);
  if (st == HW_ERR_NO_FIT) {
    hw_error_delete(err);
    return EXIT_NO_FIT;
  }
  return report(st, err);
}

static void usage(FILE *to) {
  fprintf(to,
          "usage: heapwise-c --workload W [--policy default|X.so] [--fuel N] [--log] [--manifest M] [--backend model|kernel]\n"
          "                  [--record FILE] [--fallback default|X.so] [--trace-policy-path P]\n"
          "       heapwise-c --replay TRACE [--policy default|X.so] [--candidate X.so ...] [--fuel N] [--log] [--manifest M]\n"
          "       heapwise-c --platform P --request R [--policy default|X.so] [--fuel N] [--log] [--manifest M]\n"
          "       heapwise-c --bench-decide\n"
          "       heapwise-c --help\n"
          "--backend kernel checks first that every platform heap has a node this user may open\n"
          "(/dev/dma_heap/<name>, /dev/udmabuf) and exits 6 when one is missing.\n"
          "No coherency referee runs here: the driver never reports violations and never exits 4\n"
          "(the Node CLI's `heapwise simulate` does).\n"
          "Exit codes: 0 ok, 1 internal error or policy fault, 2 bad input or options, 3 nothing fits,\n"
          "5 replay diverged, 6 kernel or system unavailable.\n");
}

/* Fails with exit 2 naming what is wrong on the command line. */
static int bad_usage(const char *fmt, const char *a, const char *b) {
  fputs("heapwise-c: ", stderr);
  fprintf(stderr, fmt, a, b);
  fputs(" (heapwise-c --help)\n", stderr);
  return EXIT_BAD_INPUT;
}

enum { M_WORKLOAD = 1, M_REPLAY = 2, M_DECIDE = 4, M_BENCH = 8, M_POLICY = M_WORKLOAD | M_REPLAY | M_DECIDE };

/* Every option: whether it takes a value, the modes it goes with, and whether it sets the mode. */
typedef struct option_spec {
  const char *name;
  int value;
  unsigned modes;
  int sets_mode;
} option_spec;

static const option_spec OPTIONS[] = {
    {"--workload", 1, M_WORKLOAD, 1},  {"--replay", 1, M_REPLAY, 1},   {"--platform", 1, M_DECIDE, 1},
    {"--request", 1, M_DECIDE, 1},     {"--bench-decide", 0, M_BENCH, 1}, {"--policy", 1, M_POLICY, 0},
    {"--fuel", 1, M_POLICY, 0},        {"--log", 0, M_POLICY, 0},      {"--manifest", 1, M_POLICY, 0},
    {"--backend", 1, M_WORKLOAD, 0},   {"--record", 1, M_WORKLOAD, 0}, {"--fallback", 1, M_WORKLOAD, 0},
    {"--trace-policy-path", 1, M_WORKLOAD, 0}, {"--candidate", 1, M_REPLAY, 0},
};
#define OPTION_COUNT (sizeof OPTIONS / sizeof *OPTIONS)

static size_t option_index(const char *name) {
  size_t k = 0;
  while (k < OPTION_COUNT && strcmp(OPTIONS[k].name, name) != 0) k++;
  return k;
}
static const char *get(const char *const *values, const char *name) { return values[option_index(name)]; }
static int is_given(const int *given, const char *name) { return given[option_index(name)]; }

int main(int argc, char **argv) {
  const char *values[OPTION_COUNT] = {0};
  int given[OPTION_COUNT] = {0};
  options o = {.backend = "model"};
  const char *mode_by = NULL; /* the first option that set the mode */
  unsigned mode = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      usage(stdout);
      return EXIT_OK;
    }
  }
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    size_t k = option_index(a);
    if (k == OPTION_COUNT) return bad_usage(a[0] == '-' ? "unknown option %s%s" : "unexpected argument %s%s", a, "");
    const option_spec *s = &OPTIONS[k];
    if (s->value && i + 1 >= argc) return bad_usage("%s needs a value%s", a, "");
    if (s->sets_mode) {
      if (mode && mode != s->modes) return bad_usage("%s and %s do not go together", mode_by, a);
      if (!mode) mode_by = a;
      mode = s->modes;
    }
    given[k] = 1;
    if (!s->value) continue;
    const char *v = argv[++i];
    if (!strcmp(a, "--candidate")) {
      if (o.candidate_count == sizeof o.candidates / sizeof *o.candidates) return bad_usage("at most 16 --candidate options%s%s", "", "");
      o.candidates[o.candidate_count++] = v;
    }
    values[k] = v;
  }
  if (!mode) {
    fputs("heapwise-c: nothing to do: give --workload, --replay, --platform with --request, or --bench-decide\n", stderr);
    usage(stderr);
    return EXIT_BAD_INPUT;
  }
  for (size_t k = 0; k < OPTION_COUNT; k++)
    if (given[k] && !(OPTIONS[k].modes & mode)) return bad_usage("%s and %s do not go together", OPTIONS[k].name, mode_by);
  if (mode == M_BENCH) return hw_bench_decide();
  if (mode == M_DECIDE && !get(values, "--request")) return bad_usage("--platform needs --request R (the request to decide)%s%s", "", "");
  if (mode == M_DECIDE && !get(values, "--platform")) return bad_usage("--request needs --platform P (the platform to decide on)%s%s", "", "");
  o.policy = get(values, "--policy");
  o.record = get(values, "--record");
  o.fallback = get(values, "--fallback");
  o.trace_policy_path = get(values, "--trace-policy-path");
  o.manifest = get(values, "--manifest");
  o.log = is_given(given, "--log");
  if (get(values, "--backend")) o.backend = get(values, "--backend");
  if (strcmp(o.backend, "model") != 0 && strcmp(o.backend, "kernel") != 0) {
    fprintf(stderr, "heapwise-c: --backend must be model or kernel, got %s\n", o.backend);
    return EXIT_BAD_INPUT;
  }
  const char *fuel = get(values, "--fuel");
  if (fuel) {
    char *end;
    errno = 0;
    unsigned long v = strtoul(fuel, &end, 10);
    if (!*fuel || *end || errno || v < 1 || v > 0x7fffffffUL) {
      fprintf(stderr, "heapwise-c: --fuel must be an integer from 1 to 2^31-1, got %s\n", fuel);
      return EXIT_BAD_INPUT;
    }
    o.fuel = (uint32_t)v;
  }
  if (mode == M_WORKLOAD) return run_workload(get(values, "--workload"), &o);
  if (mode == M_REPLAY) return replay(get(values, "--replay"), &o);
  return decide(get(values, "--platform"), get(values, "--request"), &o);
}
