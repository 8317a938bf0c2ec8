/* Traces and replay: JSON string escaping as JSON.stringify, a recorded session replays
 * identically, another policy diverges at the first differing answer, damaged traces are
 * refused with the line. Platforms: JSON errors name the file and field. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "heapwise.h"
#include "sessions.h"

#define SO(name) HW_BUILD_DIR "/policies/" name ".so"

static char tmpl[] = "/tmp/heapwise-trace-XXXXXX";
static const char *tmpdir_path;

static void path_in_tmp(char *out, size_t cap, const char *name) { snprintf(out, cap, "%s/%s", tmpdir_path, name); }

/* Records a small session with the default policy to `path`. */
static hw_status_t record(const char *path, const char *name) {
  hw_platform_t *p = NULL;
  hw_policy_t *pol = NULL;
  hw_engine_t *e = NULL;
  hw_platform_load_file(HW_ROOT "/examples/platforms/x86-laptop.json", &p, NULL);
  hw_policy_load_builtin("default", NULL, &pol, NULL);
  hw_status_t st = hw_engine_new(pol, p, NULL, &e, NULL);
  FILE *f = fopen(path, "w");
  if (st == HW_OK) st = hw_engine_trace_start(e, f, NULL);
  const char *devs[] = {hw_platform_device_name(p, 0)};
  hw_alloc_request_t r = {1843200, devs, 1, HW_ACCESS_READ, 0, name, 0};
  hw_buffer_id_t id;
  if (st == HW_OK) st = hw_engine_allocate(e, &r, &id);
  if (st == HW_OK) st = hw_engine_cpu_access(e, id, HW_ACCESS_READ);
  if (st == HW_OK) st = hw_engine_export(e, id, NULL);
  if (st == HW_OK) st = hw_engine_cpu_access(e, id, HW_ACCESS_READ);
  if (st == HW_OK) st = hw_engine_free_all(e);
  if (st == HW_OK) st = hw_engine_trace_finish(e);
  fclose(f);
  hw_engine_delete(e);
  hw_policy_delete(pol);
  hw_platform_delete(p);
  return st;
}


static void escaping(void) {
  char path[512];
  path_in_tmp(path, sizeof path, "escape.trace");
  CHECK(record(path, "q\"b\\s\x01\t\xc3\xa9\xe2\x80\xa8") == HW_OK, "record");
  char *t = trace_text(path);
  /* JSON.stringify('q"b\\s\u0001\té\u2028') */
  CHECK(strstr(t, "\"name\":\"q\\\"b\\\\s\\u0001\\t\xc3\xa9\xe2\x80\xa8\""), "escaped as JSON.stringify:\n%.600s", t);
  static const char header[] = "{\"t\":\"header\",\"format\":\"heapwise-trace\",\"version\":2,\"abi\":\"1.0\",\"host\":\"c\",\"backend\":\"model\",\"policy\":{\"name\":\"default\"";
  CHECK(!strncmp(t, header, sizeof header - 1), "header: %.200s", t);
  CHECK(strstr(t, "{\"t\":\"end\",\"calls\":7,\"events\":7}\n"), "end line counts calls and events:\n%s", t);
  free(t);
}

static void replay_identical_and_divergent(void) {
  char path[512];
  path_in_tmp(path, sizeof path, "session.trace");
  CHECK(record(path, "cam") == HW_OK, "record");
  hw_policy_t *def = NULL, *naive = NULL;
  hw_policy_load_builtin("default", NULL, &def, NULL);
  hw_replay_result_t r;
  hw_error_t *err = NULL;
  hw_status_t st = hw_replay_file(path, def, &r, &err);
  CHECK_STATUS(st, HW_OK, hw_error_message(err));
  CHECK(r.events == 7 && !r.diverged, "events %u", r.events);
  CHECK(hw_policy_load_file(SO("naive"), NULL, &naive, NULL) == HW_OK, "naive.so");
  st = hw_replay_file(path, naive, &r, &err);
  CHECK_STATUS(st, HW_ERR_DIVERGED, hw_error_message(err));
  CHECK(r.diverged && r.index == 1 && r.line == 9, "first divergence at event %u line %u", r.index, r.line);
  CHECK(!strncmp(r.expected, "{\"t\":\"answer\",\"i\":1,", 20) && !strncmp(r.actual, "{\"t\":\"answer\",\"i\":1,", 20) && strcmp(r.expected, r.actual), "%s\n%s", r.expected, r.actual);
  hw_replay_result_clear(&r);
  hw_error_delete(err);
  hw_policy_delete(def);
  hw_policy_delete(naive);
}

static void damaged_traces(void) {
  char path[512], bad[512];
  path_in_tmp(path, sizeof path, "good.trace");
  path_in_tmp(bad, sizeof bad, "bad.trace");
  CHECK(record(path, "x") == HW_OK, "record");
  char *t = trace_text(path);
  hw_policy_t *def = NULL;
  hw_policy_load_builtin("default", NULL, &def, NULL);
  hw_replay_result_t r;
  hw_error_t *err = NULL;
  /* Truncated: no end line. */
  FILE *f = fopen(bad, "w");
  fwrite(t, 1, strstr(t, "{\"t\":\"end\"") - t, f);
  fclose(f);
  CHECK(hw_replay_file(bad, def, &r, &err) == HW_ERR_INPUT && strstr(hw_error_message(err), "no end line"), "%s", hw_error_message(err));
  hw_error_delete(err);
  /* Another format version: both named. */
  f = fopen(bad, "w");
  fputs("{\"t\":\"header\",\"format\":\"heapwise-trace\",\"version\":3}\n", f);
  fclose(f);
  CHECK(hw_replay_file(bad, def, &r, &err) == HW_ERR_INPUT && strstr(hw_error_message(err), " at line 1: trace version 3; this reader knows versions 1 and 2"), "%s", hw_error_message(err));
  hw_error_delete(err);
  /* A line that is not JSON, named by number. */
  f = fopen(bad, "w");
  char *second = strchr(t, '\n') + 1;
  fwrite(t, 1, second - t, f);
  fputs("{not json\n", f);
  fclose(f);
  CHECK(hw_replay_file(bad, def, &r, &err) == HW_ERR_INPUT && strstr(hw_error_message(err), "bad.trace at line 2: not a JSON object"), "%s", hw_error_message(err));
  hw_error_delete(err);
  free(t);
  hw_policy_delete(def);
}

static void platform_errors(void) {
  struct { const char *json, *want; } cases[] = {
      {"{\"name\":\"p\",\"heaps\":[{\"name\":\"system\"},{\"name\":\"system\"}],\"devices\":[]}", "t.json at /heaps/1/name: duplicate heap name \"system\""},
      {"{\"name\":\"p\",\"heaps\":[{\"name\":\"pool\"}],\"devices\":[]}", "t.json at /heaps/0: must have required property 'kind'"},
      {"{\"name\":\"p\",\"heaps\":[{\"name\":\"system\",\"granule\":3000}],\"devices\":[]}", "t.json at /heaps/0/granule: must be equal to one of the allowed values: 1, 2, 4, 8,"},
      {"{\"name\":\"p\",\"heaps\":[{\"name\":\"system\"}],\"devices\":[{\"name\":\"d\",\"dmaMaskBits\":32,\"iommu\":true,\"coherent\":true,\"preferredHeaps\":[\"cma\"]}]}",
       "t.json at /devices/0/preferredHeaps/0: unknown heap \"cma\" (platform heaps: system)"},
      {"{\"name\":\"p\",\"heaps\":[{\"name\":\"system\",\"colour\":1}],\"devices\":[]}", "t.json at /heaps/0: unknown property \"colour\""},
      {"{\"name\":\"p\",\"heaps\":[{\"name\":\"system\"}],\"devices\":[{\"name\":\"d\",\"iommu\":true,\"coherent\":true}]}", "t.json at /devices/0: must have required property 'dmaMaskBits'"},
      {"{\"name\":", "t.json: malformed JSON at line"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    hw_platform_t *p = NULL;
    hw_error_t *err = NULL;
    hw_status_t st = hw_platform_load_json(cases[i].json, "t.json", &p, &err);
    CHECK(st == HW_ERR_INPUT && p == NULL && strstr(hw_error_message(err), cases[i].want), "case %zu: %s", i, hw_error_message(err));
    hw_error_delete(err);
  }
  hw_platform_t *p = NULL;
  hw_error_t *err = NULL;
  CHECK(hw_platform_load_file("/nonexistent/p.json", &p, &err) == HW_ERR_INPUT && strstr(hw_error_message(err), "/nonexistent/p.json: cannot read platform file"), "%s", hw_error_message(err));
  hw_error_delete(err);
}

static void kind_inference(void) {
  hw_platform_t *p = NULL;
  hw_platform_new("kinds", &p, NULL);
  const char *names[] = {"linux,cma-uncached", "protected,secure-video", "system-uncached", "udmabuf", "default_cma_region"};
  for (size_t i = 0; i < 5; i++) {
    hw_heap_spec_t h = {names[i], 0, HW_DEFAULT, HW_DEFAULT, HW_DEFAULT, 0, 0, 0};
    hw_error_t *err = NULL;
    CHECK(hw_platform_add_heap(p, &h, &err) == HW_OK, "%s: %s", names[i], hw_error_message(err));
  }
  hw_heap_spec_t h = {"mystery", 0, HW_DEFAULT, HW_DEFAULT, HW_DEFAULT, 0, 0, 0};
  hw_error_t *err = NULL;
  CHECK(hw_platform_add_heap(p, &h, &err) == HW_ERR_INPUT && strstr(hw_error_message(err), "cannot infer the kind of heap \"mystery\""), "%s", hw_error_message(err));
  hw_error_delete(err);
  CHECK(hw_platform_heap_count(p) == 5, "five heaps");
  hw_platform_delete(p);
}

int main(void) {
  check_suite = "trace";
  tmpdir_path = mkdtemp(tmpl);
  RUN(escaping, "trace lines escape names as JSON.stringify");
  RUN(replay_identical_and_divergent, "replay: identical with the recording policy, first divergence with another");
  RUN(damaged_traces, "replay refuses damaged traces naming the line");
  RUN(platform_errors, "platform JSON errors name the file and field");
  RUN(kind_inference, "heap kinds inferred from node names");
  return check_report_removing(tmpdir_path);
}
