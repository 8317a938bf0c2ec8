/* What the C host does with one module of the hostile corpus (test/hostile/), for
 * test/c/hostile.test.ts, which holds it to test/hostile/expectations.json:
 *   hostile_probe X.so [--after-place]
 * Loads X.so with a budget of 1,000,000 fuel units (as the Node corpus test does). A refusal
 * prints {"refused": message}. Otherwise an engine with the built-in default as fallback, on the
 * corpus platform, records a trace while it allocates a buffer (and, with --after-place, has
 * the CPU read it), then keeps serving: a second buffer the CPU writes, everything freed, and
 * one more allocation that must get the lowest fd again (nothing leaked in the model). Prints
 * one line of JSON: the fault and swap lines of the trace, whether the buffer was placed and
 * the engine kept serving, and the process's open fds before loading and after deleting all. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>

#include <jansson.h>

#include "heapwise.h"

/* Open file descriptors of this process. */
static int open_fds(void) {
  DIR *d = opendir("/proc/self/fd");
  int n = 0;
  if (!d) return -1;
  while (readdir(d)) n++;
  closedir(d);
  return n - 3; /* ".", ".." and the DIR's own fd */
}

static hw_platform_t *corpus_platform(void) {
  hw_platform_t *p = NULL;
  hw_platform_new("hostile", &p, NULL);
  hw_heap_spec_t sys = {"system", 0, HW_DEFAULT, HW_DEFAULT, HW_DEFAULT, 0, 0, 0};
  hw_heap_spec_t reserved = {"reserved", 0, HW_DEFAULT, HW_DEFAULT, HW_DEFAULT, 0, 1u << 26, 0};
  hw_platform_add_heap(p, &sys, NULL);
  hw_platform_add_heap(p, &reserved, NULL);
  hw_device_spec_t gpu = {"gpu", 40, 1, 0, HW_DEFAULT, 0, 0, NULL, 0};
  hw_platform_add_device(p, &gpu, NULL);
  return p;
}

/* The fault and swap lines of a trace, as JSON values. */
static void lines_of(const char *text, json_t *faults, json_t *swaps) {
  const char *line = text;
  while (line && *line) {
    const char *end = strchr(line, '\n');
    size_t n = end ? (size_t)(end - line) : strlen(line);
    json_t *o = json_loadb(line, n, 0, NULL);
    const char *t = json_string_value(json_object_get(o, "t"));
    if (t && !strcmp(t, "fault")) json_array_append(faults, o);
    if (t && !strcmp(t, "swap")) json_array_append(swaps, o);
    json_decref(o);
    line = end ? end + 1 : NULL;
  }
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: hostile_probe X.so [--after-place]\n");
    return 2;
  }
  int after_place = argc > 2 && !strcmp(argv[2], "--after-place");
  int fds_before = open_fds();
  hw_policy_options_t po = {.fuel = 1000000};
  hw_policy_t *policy = NULL, *fallback = NULL;
  hw_error_t *err = NULL;
  json_t *out = json_object();
  if (hw_policy_load_file(argv[1], &po, &policy, &err) != HW_OK) {
    json_object_set_new(out, "refused", json_string(hw_error_message(err)));
    json_object_set_new(out, "status", json_string(hw_status_name(hw_error_status(err))));
    hw_error_delete(err);
    json_object_set_new(out, "fds", json_pack("[ii]", fds_before, open_fds()));
    json_dumpf(out, stdout, JSON_COMPACT);
    putchar('\n');
    json_decref(out);
    return 0;
  }
  hw_policy_load_builtin("default", NULL, &fallback, NULL);
  hw_platform_t *p = corpus_platform();
  hw_engine_options_t eo = {.fallback = fallback};
  hw_engine_t *e = NULL;
  if (hw_engine_new(policy, p, &eo, &e, &err) != HW_OK) {
    json_object_set_new(out, "engine", json_string(hw_error_message(err)));
    hw_error_delete(err);
  } else {
    char *text = NULL;
    size_t len = 0;
    FILE *trace = open_memstream(&text, &len);
    hw_engine_trace_start(e, trace, NULL);
    const char *gpu[] = {"gpu"};
    hw_alloc_request_t first = {100000, gpu, 1, HW_ACCESS_READ, 0, NULL, 0};
    hw_buffer_id_t b = 0, c = 0, d = 0;
    hw_status_t st = hw_engine_allocate(e, &first, &b);
    if (st == HW_OK && after_place) st = hw_engine_cpu_access(e, b, HW_ACCESS_READ);
    json_object_set_new(out, "status", json_string(hw_status_name(st)));
    json_object_set_new(out, "error", json_string(hw_engine_last_error(e)));
    hw_buffer_info_t info = {0};
    json_object_set_new(out, "placed", json_boolean(b && hw_engine_buffer_info(e, b, &info) == HW_OK && info.placed));
    /* Keeps serving on the fallback: a buffer the CPU writes, all freed, the lowest fd again. */
    hw_alloc_request_t second = {4096, gpu, 1, HW_ACCESS_WRITE, 0, NULL, 0};
    int served = hw_engine_allocate(e, &second, &c) == HW_OK && hw_engine_cpu_access(e, c, HW_ACCESS_WRITE) == HW_OK && hw_engine_free_all(e) == HW_OK &&
                 hw_engine_allocate(e, &second, &d) == HW_OK && hw_engine_buffer_info(e, d, &info) == HW_OK && info.fd == 3;
    json_object_set_new(out, "served", json_boolean(served));
    json_object_set_new(out, "policy", json_string(hw_policy_name(hw_engine_policy(e))));
    hw_engine_trace_finish(e);
    fclose(trace);
    json_t *faults = json_array(), *swaps = json_array();
    lines_of(text, faults, swaps);
    json_object_set_new(out, "faults", faults);
    json_object_set_new(out, "swaps", swaps);
    free(text);
  }
  hw_engine_delete(e);
  hw_platform_delete(p);
  hw_policy_delete(policy);
  hw_policy_delete(fallback);
  json_object_set_new(out, "fds", json_pack("[ii]", fds_before, open_fds()));
  json_dumpf(out, stdout, JSON_COMPACT);
  putchar('\n');
  json_decref(out);
  return 0;
}
