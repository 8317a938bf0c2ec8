/* See workload_check.h. The schema part follows Ajv's order and words as host/input/schema.ts
 * reports them (the type, the required properties, unknown properties, then each property in
 * the schema's order; the first fault only); the ids part is host/simulate/workload.ts's
 * checkSemantics, message for message. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input_fault.h"
#include "json_keys.h"
#include "text.h"
#include "workload_check.h"

#define MAX_SAFE 9007199254740991.0
#define NAME_MAX_CHARS 31


int hw_workload_is_integer(json_t *v) {
  if (!json_is_number(v)) return 0;
  double d = json_number_value(v);
  return isfinite(d) && d == floor(d);
}

/* A value as JSON.stringify shows it: numbers are reals here, and 3.0 is 3 to JavaScript. */
static char *shown(json_t *v) {
  char *out = NULL;
  if (hw_workload_is_integer(v) && fabs(json_number_value(v)) < 1e21) {
    if (asprintf(&out, "%.0f", json_number_value(v)) < 0) out = NULL;
    return out;
  }
  if (json_is_string(v)) return hw_text_json_quoted(json_string_value(v), json_string_length(v));
  return json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
}

static int string_is(json_t *v, const char *s) {
  return json_is_string(v) && json_string_length(v) == strlen(s) && !strcmp(json_string_value(v), s);
}

static int one_of(json_t *v, const char *const *names) {
  for (size_t i = 0; names[i]; i++) if (string_is(v, names[i])) return 1;
  return 0;
}

/* Code points, as the schema's maxLength counts them, of valid UTF-8 (jansson checked it). */
static size_t code_points(json_t *s) {
  const char *p = json_string_value(s);
  size_t n = 0;
  for (size_t i = 0; i < json_string_length(s); i++) n += ((unsigned char)p[i] & 0xc0) != 0x80;
  return n;
}

static const char *const OPS[] = {"alloc", "attach", "device", "cpu", "export", "free", NULL};
static const char *const CPU[] = {"none", "read", "write", "readwrite", NULL};
static const char *const ACCESS[] = {"read", "write", "readwrite", NULL};
static const char *const PARTS[] = {"setup", "loop", "teardown"};

/* Each op's properties in the schema's order, the required ones first as many as `required`. */
static const struct shape {
  const char *op;
  const char *const keys[9];
  size_t required;
} SHAPES[] = {
    {"alloc", {"op", "buf", "size", "devices", "cpu", "protected", "name", "deferred", NULL}, 5},
    {"attach", {"op", "buf", "device", NULL}, 3},
    {"device", {"op", "buf", "device", "access", NULL}, 4},
    {"cpu", {"op", "buf", "access", NULL}, 3},
    {"export", {"op", "buf", NULL}, 2},
    {"free", {"op", "buf", NULL}, 2},
};

static hw_status_t check_type_keys(const char *file, const char *at, json_t *o, const char *const *keys, size_t required, hw_error_t **error) {
  if (!json_is_object(o)) return hw_input_fault(error, file, at, "must be object");
  for (size_t k = 0; k < required; k++)
    if (!json_object_get(o, keys[k])) return hw_input_fault(error, file, at, "must have required property '%s'", keys[k]);
  const char *extra = hw_json_unknown_key(o, keys);
  return extra ? hw_input_fault(error, file, at, "unknown property \"%s\"", extra) : HW_OK;
}

static hw_status_t check_enum(const char *file, const char *at, json_t *v, const char *const *names, hw_error_t **error) {
  if (!json_is_string(v)) return hw_input_fault(error, file, at, "must be string");
  if (one_of(v, names)) return HW_OK;
  char list[128] = "";
  for (size_t i = 0; names[i]; i++) {
    if (i) strcat(list, ", ");
    strcat(list, "\"");
    strcat(list, names[i]);
    strcat(list, "\"");
  }
  return hw_input_fault(error, file, at, "must be equal to one of the allowed values: %s", list);
}

static hw_status_t check_nonempty_string(const char *file, const char *at, json_t *v, hw_error_t **error) {
  if (!json_is_string(v)) return hw_input_fault(error, file, at, "must be string");
  if (!json_string_length(v)) return hw_input_fault(error, file, at, "must NOT have fewer than 1 characters");
  return HW_OK;
}

static hw_status_t check_alloc_fields(const char *file, const char *at, json_t *ev, hw_error_t **error) {
  char path[160];
  json_t *size = json_object_get(ev, "size");
  snprintf(path, sizeof path, "%s/size", at);
  if (!hw_workload_is_integer(size)) return hw_input_fault(error, file, path, "must be integer");
  if (json_number_value(size) < 1) return hw_input_fault(error, file, path, "must be >= 1");
  if (json_number_value(size) > MAX_SAFE) return hw_input_fault(error, file, path, "must be <= 9007199254740991");

  json_t *devs = json_object_get(ev, "devices");
  snprintf(path, sizeof path, "%s/devices", at);
  if (!json_is_array(devs)) return hw_input_fault(error, file, path, "must be array");
  size_t n = json_array_size(devs);
  if (n < 1) return hw_input_fault(error, file, path, "must NOT have fewer than 1 items");
  for (size_t i = 0; i < n; i++) {
    char item[192];
    snprintf(item, sizeof item, "%s/%zu", path, i);
    hw_status_t st = check_nonempty_string(file, item, json_array_get(devs, i), error);
    if (st != HW_OK) return st;
  }
  /* Ajv walks the items from the last one: the first duplicate it meets is the highest index
   * with an equal item after it, paired with the nearest such item. */
  for (size_t i = n; i-- > 0;)
    for (size_t j = i + 1; j < n; j++)
      if (json_equal(json_array_get(devs, i), json_array_get(devs, j)))
        return hw_input_fault(error, file, path, "must NOT have duplicate items (items ## %zu and %zu are identical)", j, i);

  snprintf(path, sizeof path, "%s/cpu", at);
  hw_status_t st = check_enum(file, path, json_object_get(ev, "cpu"), CPU, error);
  if (st != HW_OK) return st;
  json_t *prot = json_object_get(ev, "protected");
  snprintf(path, sizeof path, "%s/protected", at);
  if (prot && !json_is_boolean(prot)) return hw_input_fault(error, file, path, "must be boolean");
  json_t *name = json_object_get(ev, "name");
  snprintf(path, sizeof path, "%s/name", at);
  if (name && !json_is_string(name)) return hw_input_fault(error, file, path, "must be string");
  if (name && code_points(name) > NAME_MAX_CHARS) return hw_input_fault(error, file, path, "must NOT have more than 31 characters");
  if (name && strlen(json_string_value(name)) != json_string_length(name)) return hw_input_fault(error, file, path, "must match pattern \"^[^\\u0000]*$\"");
  json_t *deferred = json_object_get(ev, "deferred");
  snprintf(path, sizeof path, "%s/deferred", at);
  if (deferred && !json_is_boolean(deferred)) return hw_input_fault(error, file, path, "must be boolean");
  return HW_OK;
}

static hw_status_t check_event(const char *file, const char *at, json_t *ev, hw_error_t **error) {
  json_t *op = json_object_get(ev, "op");
  const struct shape *sh = SHAPES;
  while (!string_is(op, sh->op)) sh++; /* the op was checked first */
  hw_status_t st = check_type_keys(file, at, ev, sh->keys, sh->required, error);
  if (st != HW_OK) return st;
  char path[160];
  json_t *buf = json_object_get(ev, "buf");
  snprintf(path, sizeof path, "%s/buf", at);
  /* oneOf string | integer 0 to 2^53 - 1: Ajv's first error is the first branch's. */
  if (json_is_string(buf) && !json_string_length(buf)) return hw_input_fault(error, file, path, "must NOT have fewer than 1 characters");
  if (!json_is_string(buf) && !(hw_workload_is_integer(buf) && json_number_value(buf) >= 0 && json_number_value(buf) <= MAX_SAFE)) return hw_input_fault(error, file, path, "must be string");
  if (!strcmp(sh->op, "alloc")) return check_alloc_fields(file, at, ev, error);
  json_t *device = json_object_get(ev, "device");
  snprintf(path, sizeof path, "%s/device", at);
  if (device && (st = check_nonempty_string(file, path, device, error)) != HW_OK) return st;
  json_t *access = json_object_get(ev, "access");
  snprintf(path, sizeof path, "%s/access", at);
  if (access && (st = check_enum(file, path, access, ACCESS, error)) != HW_OK) return st;
  return HW_OK;
}

hw_status_t hw_workload_check_shape(const char *file, json_t *root, hw_error_t **error) {
  /* As the Node host: every event's op first, so a typo there is not reported as its shape. */
  if (json_is_object(root)) {
    for (size_t k = 0; k < 3; k++) {
      json_t *list = json_object_get(root, PARTS[k]);
      for (size_t i = 0; json_is_array(list) && i < json_array_size(list); i++) {
        json_t *op = json_object_get(json_array_get(list, i), "op");
        if (one_of(op, OPS)) continue;
        /* A string is shown; anything else by its type, as the Node host says it. */
        char *text = json_is_string(op) ? shown(op) : NULL;
        const char *type = json_is_null(op) ? "null" : json_is_array(op) ? "an array" : json_is_object(op) ? "an object" : json_is_boolean(op) ? "a boolean" : "a number";
        char at[64];
        snprintf(at, sizeof at, "/%s/%zu/op", PARTS[k], i);
        hw_status_t st = text ? hw_input_fault(error, file, at, "unknown op %s (one of alloc, attach, device, cpu, export, free)", text)
                         : !op ? hw_input_fault(error, file, at, "missing op (one of alloc, attach, device, cpu, export, free)")
                               : hw_input_fault(error, file, at, "op must be a string, got %s (one of alloc, attach, device, cpu, export, free)", type);
        free(text);
        return st;
      }
    }
  }
  static const char *const KEYS[] = {"platform", "description", "setup", "loop", "iterations", "teardown", NULL};
  hw_status_t st = check_type_keys(file, "", root, KEYS, 1, error);
  if (st != HW_OK) return st;
  json_t *platform = json_object_get(root, "platform");
  /* An inline platform's own faults are the platform loader's to name. */
  if (json_is_string(platform) && !json_string_length(platform)) return hw_input_fault(error, file, "/platform", "must NOT have fewer than 1 characters");
  if (json_is_string(platform) && strlen(json_string_value(platform)) != json_string_length(platform)) return hw_input_fault(error, file, "/platform", "must match pattern \"^[^\\u0000]*$\"");
  if (!json_is_string(platform) && !json_is_object(platform)) return hw_input_fault(error, file, "/platform", "must be string");
  json_t *desc = json_object_get(root, "description");
  if (desc && !json_is_string(desc)) return hw_input_fault(error, file, "/description", "must be string");
  for (size_t k = 0; k < 3; k++) {
    json_t *list = json_object_get(root, PARTS[k]);
    char at[64];
    snprintf(at, sizeof at, "/%s", PARTS[k]);
    if (k == 2) { /* iterations comes before teardown in the schema */
      json_t *it = json_object_get(root, "iterations");
      if (it && !hw_workload_is_integer(it)) return hw_input_fault(error, file, "/iterations", "must be integer");
      if (it && json_number_value(it) < 0) return hw_input_fault(error, file, "/iterations", "must be >= 0");
      if (it && json_number_value(it) > MAX_SAFE) return hw_input_fault(error, file, "/iterations", "must be <= 9007199254740991");
    }
    if (!list) continue;
    if (!json_is_array(list)) return hw_input_fault(error, file, at, "must be array");
    for (size_t i = 0; i < json_array_size(list); i++) {
      snprintf(at, sizeof at, "/%s/%zu", PARTS[k], i);
      if ((st = check_event(file, at, json_array_get(list, i), error)) != HW_OK) return st;
    }
  }
  return HW_OK;
}

/* ---- The dry run of buffer ids (checkSemantics) ---- */

typedef struct id_state {
  json_t *buf;      /* borrowed from the workload */
  json_t *attached; /* array of device name strings, owned */
  int live, freed;
} id_state;

typedef struct dry_run {
  const hw_workload *w;
  id_state *ids;
  size_t n, cap;
  unsigned long long index;
} dry_run;

static id_state *lookup(dry_run *r, json_t *buf) {
  for (size_t i = 0; i < r->n; i++) if (json_equal(r->ids[i].buf, buf)) return &r->ids[i];
  return NULL;
}

static int on_platform(const hw_platform_t *p, json_t *name) {
  if (strlen(json_string_value(name)) != json_string_length(name)) return 0; /* no platform name has a NUL */
  for (size_t i = 0; i < hw_platform_device_count(p); i++)
    if (!strcmp(hw_platform_device_name(p, i), json_string_value(name))) return 1;
  return 0;
}

static int has_device(json_t *attached, json_t *name) {
  for (size_t i = 0; i < json_array_size(attached); i++) if (json_equal(json_array_get(attached, i), name)) return 1;
  return 0;
}

static hw_status_t event_fault(dry_run *r, const char *at, const char *field, json_t *ev, hw_error_t **error, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static hw_status_t event_fault(dry_run *r, const char *at, const char *field, json_t *ev, hw_error_t **error, const char *fmt, ...) {
  char *why = NULL, *buf = shown(json_object_get(ev, "buf"));
  va_list ap;
  va_start(ap, fmt);
  if (vasprintf(&why, fmt, ap) < 0) why = NULL;
  va_end(ap);
  char path[192];
  snprintf(path, sizeof path, "%s%s", at, field);
  hw_status_t st = hw_input_fault(error, r->w->file, path, "event %llu (%s %s): %s", r->index, json_string_value(json_object_get(ev, "op")), buf ? buf : "?", why ? why : "out of memory");
  free(why);
  free(buf);
  return st;
}

static hw_status_t not_on_platform(dry_run *r, const char *at, const char *field, json_t *ev, json_t *name, hw_error_t **error) {
  char *quoted = shown(name);
  hw_status_t st = event_fault(r, at, field, ev, error, "device %s is not on platform %s", quoted ? quoted : "?", hw_platform_name(r->w->platform));
  free(quoted);
  return st;
}

static hw_status_t dry_step(dry_run *r, json_t *ev, const char *part, size_t i, hw_error_t **error) {
  char at[64], field[48];
  snprintf(at, sizeof at, "/%s/%zu", part, i);
  json_t *buf = json_object_get(ev, "buf");
  const char *op = json_string_value(json_object_get(ev, "op"));
  id_state *s = lookup(r, buf);
  if (!strcmp(op, "alloc")) {
    if (s && s->live) return event_fault(r, at, "/buf", ev, error, "buffer id already allocated and not freed");
    json_t *devs = json_object_get(ev, "devices");
    for (size_t k = 0; k < json_array_size(devs); k++) {
      snprintf(field, sizeof field, "/devices/%zu", k);
      if (!on_platform(r->w->platform, json_array_get(devs, k))) return not_on_platform(r, at, field, ev, json_array_get(devs, k), error);
    }
    if (!s) {
      if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        id_state *more = realloc(r->ids, cap * sizeof *more);
        if (!more) return hw_input_fault(error, r->w->file, at, "out of memory");
        r->ids = more;
        r->cap = cap;
      }
      s = &r->ids[r->n++];
      *s = (id_state){.buf = buf};
    }
    json_decref(s->attached);
    s->attached = json_deep_copy(devs);
    s->live = 1;
    s->freed = 0;
    return HW_OK;
  }
  if (!s || !s->live) return event_fault(r, at, "/buf", ev, error, "%s", s && s->freed ? "use after free" : "unknown buffer id (no alloc before)");
  json_t *device = json_object_get(ev, "device");
  if (!strcmp(op, "attach")) {
    if (!on_platform(r->w->platform, device)) return not_on_platform(r, at, "/device", ev, device, error);
    if (!has_device(s->attached, device)) json_array_append(s->attached, device);
  } else if (!strcmp(op, "device")) {
    if (!on_platform(r->w->platform, device)) return not_on_platform(r, at, "/device", ev, device, error);
    if (!has_device(s->attached, device)) {
      char *quoted = shown(device);
      hw_status_t st = event_fault(r, at, "/device", ev, error, "device %s is not attached to this buffer", quoted ? quoted : "?");
      free(quoted);
      return st;
    }
  } else if (!strcmp(op, "free")) {
    s->live = 0;
    s->freed = 1;
  }
  return HW_OK;
}

hw_status_t hw_workload_check_ids(const hw_workload *w, hw_error_t **error) {
  dry_run r = {.w = w};
  hw_status_t st = HW_OK;
  for (size_t i = 0; st == HW_OK && i < json_array_size(w->setup); i++, r.index++) st = dry_step(&r, json_array_get(w->setup, i), "setup", i, error);
  /* One loop iteration twice catches ids a loop frees and reuses wrongly, without unrolling. */
  unsigned long long passes = w->iterations < 2 ? w->iterations : 2;
  for (unsigned long long k = 0; st == HW_OK && k < passes; k++)
    for (size_t i = 0; st == HW_OK && i < json_array_size(w->loop); i++, r.index++) st = dry_step(&r, json_array_get(w->loop, i), "loop", i, error);
  r.index += (w->iterations - passes) * json_array_size(w->loop);
  for (size_t i = 0; st == HW_OK && i < json_array_size(w->teardown); i++, r.index++) st = dry_step(&r, json_array_get(w->teardown, i), "teardown", i, error);
  for (size_t i = 0; i < r.n; i++) json_decref(r.ids[i].attached);
  free(r.ids);
  return st;
}
