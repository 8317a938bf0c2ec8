/* Running a workload: setup, loop x iterations, teardown; deferred buffers placed at first
 * use; buffers that could not be placed are skipped, as host/simulate/run.ts does. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "workload.h"
#include "workload_check.h"

static hw_status_t fail(hw_error_t **error, hw_status_t st, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static hw_status_t fail(hw_error_t **error, hw_status_t st, const char *fmt, ...) {
  if (!error) return st;
  char *m = NULL;
  va_list ap;
  va_start(ap, fmt);
  if (vasprintf(&m, fmt, ap) < 0) m = NULL;
  va_end(ap);
  *error = hw_error_new(st, m ? m : "out of memory");
  free(m);
  return st;
}

hw_status_t hw_workload_load(const char *file, hw_workload *w, hw_error_t **error) {
  memset(w, 0, sizeof *w);
  /* A file that cannot be read is told as such: jansson would say "unable to open ... (line -1)". */
  struct stat sb;
  if (stat(file, &sb) != 0) return fail(error, HW_ERR_INPUT, "%s: cannot read workload: %s", file, strerror(errno));
  if (S_ISDIR(sb.st_mode)) return fail(error, HW_ERR_INPUT, "%s: cannot read workload: it is a directory", file);
  json_error_t je;
  /* Numbers as reals and NUL escapes allowed, as JSON.parse reads them: the checks below refuse
   * what the Node host refuses, and 1e3 is an integer there. */
  json_t *root = json_load_file(file, JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL | JSON_ALLOW_NUL, &je);
  if (!root && je.line <= 0) return fail(error, HW_ERR_INPUT, "%s: cannot read workload: %s", file, je.text);
  if (!root) return fail(error, HW_ERR_INPUT, "%s: malformed JSON at line %d column %d: %s", file, je.line, je.column < 1 ? 1 : je.column, je.text);
  w->root = root;
  w->file = strdup(file);
  hw_status_t shape = hw_workload_check_shape(file, root, error);
  if (shape != HW_OK) return shape;
  json_t *p = json_object_get(root, "platform");
  hw_status_t st;
  if (json_is_string(p)) {
    char *dir = strdup(file);
    char path[4096];
    /* Relative to the workload's folder, as the Node host resolves it; an absolute path as is. */
    const char *name = json_string_value(p);
    int n = name[0] == '/' ? snprintf(path, sizeof path, "%s", name) : snprintf(path, sizeof path, "%s/%s", dirname(dir), name);
    free(dir);
    /* A truncated path could name another file: refuse it. */
    if (n < 0 || (size_t)n >= sizeof path) return fail(error, HW_ERR_INPUT, "%s at /platform: platform file path longer than %zu bytes", file, sizeof path - 1);
    /* Only a missing or unreadable file is the workload's fault, told as the Node host tells it;
     * bad content is the platform file's own (hw_platform_load_file names it). */
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int err = fd < 0 ? errno : 0;
    if (fd >= 0 && fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode)) err = EISDIR;
    if (fd >= 0) close(fd);
    if (err) return fail(error, HW_ERR_INPUT, "%s at /platform: platform file %s: cannot read: %s", file, path, strerrorname_np(err) ? strerrorname_np(err) : strerror(err));
    st = hw_platform_load_file(path, &w->platform, error);
  } else if (json_is_object(p)) {
    char *text = json_dumps(p, JSON_COMPACT);
    char label[4096];
    snprintf(label, sizeof label, "%s at /platform", file);
    st = hw_platform_load_json(text, label, &w->platform, error);
    free(text);
  } else {
    return fail(error, HW_ERR_INPUT, "%s at /platform: a path or a platform object", file);
  }
  if (st != HW_OK) return st;
  w->setup = json_object_get(root, "setup");
  w->loop = json_object_get(root, "loop");
  w->teardown = json_object_get(root, "teardown");
  json_t *it = json_object_get(root, "iterations");
  w->iterations = it ? (unsigned long long)json_number_value(it) : 1;
  return hw_workload_check_ids(w, error);
}

void hw_workload_free(hw_workload *w) {
  hw_platform_delete(w->platform);
  json_decref(w->root);
  free(w->file);
  memset(w, 0, sizeof *w);
}

/* Workload buffer ids ("frame0" or 3, borrowed from the workload; compared as values, so a
 * long id or one with a NUL is still itself) to engine ids. */
typedef struct slot {
  json_t *key;
  hw_buffer_id_t id;
  int live, failed;
} slot;

typedef struct run {
  slot *slots;
  size_t n, cap;
} run;

static slot *find(run *r, json_t *buf, int create) {
  for (size_t i = 0; i < r->n; i++) if (json_equal(r->slots[i].key, buf)) return &r->slots[i];
  if (!create) return NULL;
  if (r->n == r->cap) {
    size_t cap = r->cap ? r->cap * 2 : 32;
    slot *s = realloc(r->slots, cap * sizeof *s);
    if (!s) return NULL;
    r->slots = s;
    r->cap = cap;
  }
  slot *s = &r->slots[r->n++];
  memset(s, 0, sizeof *s);
  s->key = buf;
  return s;
}

static uint32_t access_of(const char *a) {
  if (!a) return 0;
  if (!strcmp(a, "read")) return HW_ACCESS_READ;
  if (!strcmp(a, "write")) return HW_ACCESS_WRITE;
  if (!strcmp(a, "readwrite")) return HW_ACCESS_READWRITE;
  return 0;
}

/* Places a deferred buffer at its first use; 0 when it cannot be used. */
static int usable(hw_engine_t *e, slot *s) {
  if (s->failed) return 0;
  hw_buffer_info_t info;
  if (hw_engine_buffer_info(e, s->id, &info) != HW_OK) return 0;
  if (!info.placed) {
    hw_engine_place(e, s->id);
    if (hw_engine_buffer_info(e, s->id, &info) != HW_OK || !info.placed) {
      s->failed = 1;
      return 0;
    }
  }
  return 1;
}

static hw_status_t step(const hw_workload *w, hw_engine_t *e, run *r, json_t *ev, const char *part, size_t idx, unsigned long long n, hw_error_t **error) {
  const char *op = json_string_value(json_object_get(ev, "op"));
  json_t *buf = json_object_get(ev, "buf");
  if (!op || !(json_is_string(buf) || json_is_number(buf))) return fail(error, HW_ERR_INPUT, "%s at /%s/%zu: an event needs op and buf", w->file, part, idx);
  slot *s = find(r, buf, !strcmp(op, "alloc"));
  if (!s || (!s->live && strcmp(op, "alloc") != 0)) return fail(error, HW_ERR_INPUT, "%s at /%s/%zu/buf: event %llu (%s): unknown buffer id or use after free", w->file, part, idx, n, op);
  hw_status_t st = HW_OK;
  if (!strcmp(op, "alloc")) {
    if (s->live) return fail(error, HW_ERR_INPUT, "%s at /%s/%zu/buf: event %llu: buffer id already allocated and not freed", w->file, part, idx, n);
    json_t *devs = json_object_get(ev, "devices"), *size = json_object_get(ev, "size");
    if (!json_is_array(devs) || !hw_workload_is_integer(size)) return fail(error, HW_ERR_INPUT, "%s at /%s/%zu: alloc needs size and devices", w->file, part, idx);
    const char *names[HW_MAX_DEVICES];
    size_t nd = json_array_size(devs);
    if (nd > HW_MAX_DEVICES) nd = HW_MAX_DEVICES;
    for (size_t k = 0; k < nd; k++) names[k] = json_string_value(json_array_get(devs, k));
    json_t *name = json_object_get(ev, "name");
    hw_alloc_request_t req = {
        .size = (uint64_t)json_number_value(size), .devices = names, .device_count = nd,
        .cpu = access_of(json_string_value(json_object_get(ev, "cpu"))),
        .protected_content = json_is_true(json_object_get(ev, "protected")),
        .name = json_is_string(name) ? json_string_value(name) : NULL,
        .deferred = json_is_true(json_object_get(ev, "deferred")),
    };
    s->failed = 0;
    st = hw_engine_allocate(e, &req, &s->id);
    if (st == HW_ERR_NO_FIT) {
      s->failed = 1;
      st = HW_OK;
    }
    if (st == HW_OK) s->live = 1;
  } else if (!strcmp(op, "attach")) {
    st = hw_engine_attach(e, s->id, json_string_value(json_object_get(ev, "device")));
  } else if (!strcmp(op, "device")) {
    const char *dev = json_string_value(json_object_get(ev, "device"));
    if (usable(e, s)) {
      st = hw_engine_device_begin(e, s->id, dev, access_of(json_string_value(json_object_get(ev, "access"))));
      if (st == HW_OK) st = hw_engine_device_end(e, s->id, dev);
    }
  } else if (!strcmp(op, "cpu")) {
    if (usable(e, s)) st = hw_engine_cpu_access(e, s->id, access_of(json_string_value(json_object_get(ev, "access"))));
  } else if (!strcmp(op, "export")) {
    if (usable(e, s)) st = hw_engine_export(e, s->id, NULL);
  } else if (!strcmp(op, "free")) {
    st = hw_engine_free(e, s->id);
    s->live = 0;
    s->failed = 0;
  } else {
    return fail(error, HW_ERR_INPUT, "%s at /%s/%zu/op: unknown op \"%s\" (one of alloc, attach, device, cpu, export, free)", w->file, part, idx, op);
  }
  if (st != HW_OK) return fail(error, st, "%s: event %llu (%s at /%s/%zu): %s", w->file, n, op, part, idx, hw_engine_last_error(e));
  return HW_OK;
}

hw_status_t hw_workload_run(const hw_workload *w, hw_engine_t *e, hw_error_t **error) {
  run r = {0};
  hw_status_t st = HW_OK;
  unsigned long long n = 0;
  for (size_t i = 0; st == HW_OK && w->setup && i < json_array_size(w->setup); i++) st = step(w, e, &r, json_array_get(w->setup, i), "setup", i, n++, error);
  for (unsigned long long k = 0; st == HW_OK && w->loop && k < w->iterations; k++)
    for (size_t i = 0; st == HW_OK && i < json_array_size(w->loop); i++) st = step(w, e, &r, json_array_get(w->loop, i), "loop", i, n++, error);
  for (size_t i = 0; st == HW_OK && w->teardown && i < json_array_size(w->teardown); i++) st = step(w, e, &r, json_array_get(w->teardown, i), "teardown", i, n++, error);
  hw_status_t fs = hw_engine_free_all(e);
  if (st == HW_OK && fs != HW_OK) st = fail(error, fs, "%s: freeing the remaining buffers: %s", w->file, hw_engine_last_error(e));
  free(r.slots);
  return st;
}
