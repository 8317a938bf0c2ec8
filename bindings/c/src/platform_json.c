/* Platform JSON (schemas/platform.schema.json) to a validated platform, with messages naming
 * the file and the JSON pointer of the field at fault, as the Node host's InputError does. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "json_input.h"
#include "platform.h"

#define MAX_SAFE 9007199254740991LL

typedef struct ctx {
  const char *file;
  hw_error_t **error;
} ctx;

static hw_status_t bad(ctx *c, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static hw_status_t bad(ctx *c, const char *path, const char *fmt, ...) {
  char detail[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(detail, sizeof detail, fmt, ap);
  va_end(ap);
  /* A label that ends in a JSON path ("workload.json at /platform") takes the field's path on. */
  const char *joined = strstr(c->file, " at /");
  if (path && *path && joined && !strchr(joined + 5, ' ')) return hw_fail(c->error, HW_ERR_INPUT, "%s%s: %s", c->file, path, detail);
  if (path && *path) return hw_fail(c->error, HW_ERR_INPUT, "%s at %s: %s", c->file, path, detail);
  return hw_fail(c->error, HW_ERR_INPUT, "%s: %s", c->file, detail);
}

static int only_keys(ctx *c, json_t *o, const char *path, const char *const *keys, hw_status_t *st) {
  const char *k;
  json_t *v;
  json_object_foreach(o, k, v) {
    int known = 0;
    for (const char *const *x = keys; *x; x++) if (!strcmp(*x, k)) known = 1;
    if (!known) {
      *st = bad(c, path, "unknown property \"%s\"", k);
      return 0;
    }
  }
  return 1;
}

/* Reads an optional boolean: HW_DEFAULT when absent. */
static int opt_bool(ctx *c, json_t *o, const char *key, const char *path, int *out, hw_status_t *st) {
  json_t *v = json_object_get(o, key);
  *out = HW_DEFAULT;
  if (!v) return 1;
  if (!json_is_boolean(v)) {
    *st = bad(c, path, "\"%s\" must be a boolean", key);
    return 0;
  }
  *out = json_is_true(v);
  return 1;
}

static int opt_int(ctx *c, json_t *o, const char *key, const char *path, long long lo, long long hi, long long *out, hw_status_t *st) {
  json_t *v = json_object_get(o, key);
  if (!v) return 1;
  /* 32.0 and 1e3 are integers to JSON.parse and the schema, as to the Node host. */
  double d = json_number_value(v);
  if (!json_is_integer(v) && !(json_is_real(v) && isfinite(d) && d == floor(d))) {
    *st = bad(c, path, "\"%s\" must be an integer", key);
    return 0;
  }
  if (json_is_real(v) && (d < (double)lo || d > (double)hi)) {
    *st = bad(c, path, "\"%s\" must be %lld to %lld, got %.17g", key, lo, hi, d);
    return 0;
  }
  long long n = json_is_integer(v) ? json_integer_value(v) : (long long)d;
  if (n < lo || n > hi) {
    *st = bad(c, path, "\"%s\" must be %lld to %lld, got %lld", key, lo, hi, n);
    return 0;
  }
  *out = n;
  return 1;
}

/* Names travel as C strings (and heap names as /dev/dma_heap paths): one with a NUL is refused
 * at its field with the schema's words, as the Node host says it. */
#define NUL_PATTERN "must match pattern \"^[^\\u0000]*$\""
static int has_nul(json_t *v) { return json_is_string(v) && strlen(json_string_value(v)) != json_string_length(v); }

static int is_pow2(long long v) { return v > 0 && !(v & (v - 1)); }

static hw_status_t parse_heap(ctx *c, hw_platform_t *p, json_t *h, size_t i) {
  char at[64];
  snprintf(at, sizeof at, "/heaps/%zu", i);
  static const char *const keys[] = {"name", "kind", "contiguous", "cached", "cpuAccess", "maxAddressBits", "size", "granule", NULL};
  hw_status_t st = HW_OK;
  if (!json_is_object(h)) return bad(c, at, "a heap must be an object");
  if (!only_keys(c, h, at, keys, &st)) return st;
  json_t *name = json_object_get(h, "name");
  if (!json_is_string(name) || !*json_string_value(name)) return bad(c, at, "\"name\" must be a non-empty string");
  char path[96];
  snprintf(path, sizeof path, "%s/name", at);
  if (has_nul(name)) return bad(c, path, "heap name must not contain NUL (it names a /dev/dma_heap node)");
  hw_heap_spec_t spec = {.name = json_string_value(name)};
  json_t *kind = json_object_get(h, "kind");
  if (kind) {
    snprintf(path, sizeof path, "%s/kind", at);
    if (!json_is_string(kind) || !(spec.kind = hw_heap_kind_from_name(json_string_value(kind)))) {
      return bad(c, path, "kind must be one of system, system-uncached, cma, carveout, protected, udmabuf");
    }
  } else if (!hw_heap_kind_infer(spec.name)) {
    snprintf(path, sizeof path, "%s/name", at);
    return bad(c, path, "cannot infer the kind of heap \"%s\" from its name; add \"kind\" (system, system-uncached, cma, carveout, protected or udmabuf)", spec.name);
  }
  if (hw_platform_heap_index(p, spec.name) >= 0) {
    snprintf(path, sizeof path, "%s/name", at);
    return bad(c, path, "duplicate heap name \"%s\"", spec.name);
  }
  if (!opt_bool(c, h, "contiguous", at, &spec.contiguous, &st) || !opt_bool(c, h, "cached", at, &spec.cached, &st) ||
      !opt_bool(c, h, "cpuAccess", at, &spec.cpu_access, &st))
    return st;
  long long bits = 64, size = 0, granule = 1;
  if (!opt_int(c, h, "maxAddressBits", at, 1, 64, &bits, &st) || !opt_int(c, h, "size", at, 1, MAX_SAFE, &size, &st) ||
      !opt_int(c, h, "granule", at, 1, 1LL << 40, &granule, &st))
    return st;
  if (!is_pow2(granule)) {
    snprintf(path, sizeof path, "%s/granule", at);
    return bad(c, path, "granule must be a power of two, got %lld", granule);
  }
  spec.max_address_bits = (uint32_t)bits;
  spec.size = (uint64_t)size;
  spec.granule = (uint64_t)granule;
  hw_error_t *e = NULL;
  if (hw_platform_add_heap(p, &spec, &e) != HW_OK) {
    st = bad(c, at, "%s", hw_error_message(e));
    hw_error_delete(e);
    return st;
  }
  return HW_OK;
}

static hw_status_t parse_device(ctx *c, hw_platform_t *p, json_t *d, size_t i) {
  char at[64], path[128];
  snprintf(at, sizeof at, "/devices/%zu", i);
  static const char *const keys[] = {"name", "description", "dmaMaskBits", "iommu", "coherent", "contiguous", "alignment", "protected", "preferredHeaps", NULL};
  hw_status_t st = HW_OK;
  if (!json_is_object(d)) return bad(c, at, "a device must be an object");
  if (!only_keys(c, d, at, keys, &st)) return st;
  json_t *name = json_object_get(d, "name");
  if (!json_is_string(name) || !*json_string_value(name)) return bad(c, at, "\"name\" must be a non-empty string");
  hw_device_spec_t spec = {.name = json_string_value(name)};
  snprintf(path, sizeof path, "%s/name", at);
  if (has_nul(name)) return bad(c, path, NUL_PATTERN);
  if (hw_platform_device_index(p, spec.name) >= 0) return bad(c, path, "duplicate device name \"%s\"", spec.name);
  json_t *desc = json_object_get(d, "description");
  if (desc && !json_is_string(desc)) return bad(c, at, "\"description\" must be a string");
  long long bits = 0, alignment = 1;
  if (!json_object_get(d, "dmaMaskBits")) return bad(c, at, "missing required property \"dmaMaskBits\"");
  if (!opt_int(c, d, "dmaMaskBits", at, 1, 64, &bits, &st) || !opt_int(c, d, "alignment", at, 1, 1LL << 40, &alignment, &st)) return st;
  if (!is_pow2(alignment)) {
    snprintf(path, sizeof path, "%s/alignment", at);
    return bad(c, path, "alignment must be a power of two, got %lld", alignment);
  }
  int iommu, coherent, contiguous, prot;
  if (!opt_bool(c, d, "iommu", at, &iommu, &st) || !opt_bool(c, d, "coherent", at, &coherent, &st) ||
      !opt_bool(c, d, "contiguous", at, &contiguous, &st) || !opt_bool(c, d, "protected", at, &prot, &st))
    return st;
  if (iommu == HW_DEFAULT) return bad(c, at, "missing required property \"iommu\"");
  if (coherent == HW_DEFAULT) return bad(c, at, "missing required property \"coherent\"");
  spec.dma_mask_bits = (uint32_t)bits;
  spec.iommu = iommu;
  spec.coherent = coherent;
  spec.contiguous = contiguous;
  spec.alignment = (uint64_t)alignment;
  spec.protected_access = prot == 1;
  const char *names[HW_MAX_HEAPS];
  json_t *pref = json_object_get(d, "preferredHeaps");
  if (pref) {
    snprintf(path, sizeof path, "%s/preferredHeaps", at);
    if (!json_is_array(pref)) return bad(c, path, "must be an array of heap names");
    if (json_array_size(pref) > HW_MAX_HEAPS) return bad(c, path, "at most %u entries", HW_MAX_HEAPS);
    for (size_t k = 0; k < json_array_size(pref); k++) {
      json_t *v = json_array_get(pref, k);
      snprintf(path, sizeof path, "%s/preferredHeaps/%zu", at, k);
      if (!json_is_string(v) || !*json_string_value(v)) return bad(c, path, "must be a non-empty string");
      if (has_nul(v)) return bad(c, path, NUL_PATTERN);
      names[k] = json_string_value(v);
      for (size_t j = 0; j < k; j++) if (!strcmp(names[j], names[k])) return bad(c, path, "duplicate entry \"%s\"", names[k]);
      if (hw_platform_heap_index(p, names[k]) < 0) {
        char list[1024] = "";
        for (size_t h = 0; h < p->heap_count; h++) {
          if (h) strncat(list, ", ", sizeof list - strlen(list) - 1);
          strncat(list, p->heaps[h].name, sizeof list - strlen(list) - 1);
        }
        return bad(c, path, "unknown heap \"%s\" (platform heaps: %s)", names[k], list);
      }
    }
    spec.preferred_heaps = names;
    spec.preferred_count = json_array_size(pref);
  }
  hw_error_t *e = NULL;
  if (hw_platform_add_device(p, &spec, &e) != HW_OK) {
    st = bad(c, at, "%s", hw_error_message(e));
    hw_error_delete(e);
    return st;
  }
  return HW_OK;
}

/* The platform as JSON.parse reads it, for the trace header both hosts write byte for byte:
 * 30.0 and 3e1 are the integer 30 there (jansson keeps them reals, printed "30.0"). */
static json_t *as_json_parse(json_t *v) {
  if (json_is_real(v)) {
    double d = json_real_value(v);
    return d == floor(d) && fabs(d) <= MAX_SAFE ? json_integer((json_int_t)d) : json_incref(v);
  }
  json_t *copy = NULL;
  if (json_is_object(v)) {
    copy = json_object();
    const char *key;
    json_t *value;
    json_object_foreach(v, key, value) {
      if (!copy || json_object_set_new(copy, key, as_json_parse(value)) != 0) {
        json_decref(copy);
        return NULL;
      }
    }
    return copy;
  }
  if (json_is_array(v)) {
    copy = json_array();
    for (size_t i = 0; copy && i < json_array_size(v); i++) {
      if (json_array_append_new(copy, as_json_parse(json_array_get(v, i))) != 0) {
        json_decref(copy);
        return NULL;
      }
    }
    return copy;
  }
  return json_incref(v);
}

static hw_status_t parse_root(ctx *c, json_t *root, hw_platform_t **out) {
  static const char *const keys[] = {"name", "description", "sources", "heaps", "devices", NULL};
  hw_status_t st = HW_OK;
  if (!json_is_object(root)) return bad(c, "", "a platform must be a JSON object");
  if (!only_keys(c, root, "", keys, &st)) return st;
  json_t *name = json_object_get(root, "name"), *heaps = json_object_get(root, "heaps"), *devices = json_object_get(root, "devices");
  if (!json_is_string(name) || !*json_string_value(name)) return bad(c, "/name", "must be a non-empty string");
  if (has_nul(name)) return bad(c, "/name", NUL_PATTERN);
  if (!json_is_array(heaps)) return bad(c, "/heaps", "must be an array of heaps");
  if (json_array_size(heaps) < 1) return bad(c, "/heaps", "must list at least one heap");
  if (json_array_size(heaps) > HW_MAX_HEAPS) return bad(c, "/heaps", "at most %u heaps", HW_MAX_HEAPS);
  if (!json_is_array(devices)) return bad(c, "/devices", "must be an array of devices");
  if (json_array_size(devices) > HW_MAX_DEVICES) return bad(c, "/devices", "at most %u devices", HW_MAX_DEVICES);
  json_t *desc = json_object_get(root, "description"), *sources = json_object_get(root, "sources");
  if (desc && !json_is_string(desc)) return bad(c, "/description", "must be a string");
  if (sources && !json_is_array(sources)) return bad(c, "/sources", "must be an array of strings");
  for (size_t i = 0; i < json_array_size(sources); i++) {
    json_t *s = json_array_get(sources, i);
    char path[48];
    snprintf(path, sizeof path, "/sources/%zu", i);
    if (!json_is_string(s) || !json_string_length(s)) return bad(c, path, "must be a non-empty string");
  }
  hw_platform_t *p = NULL;
  if ((st = hw_platform_new(json_string_value(name), &p, c->error)) != HW_OK) return st;
  for (size_t i = 0; i < json_array_size(heaps) && st == HW_OK; i++) st = parse_heap(c, p, json_array_get(heaps, i), i);
  for (size_t i = 0; i < json_array_size(devices) && st == HW_OK; i++) st = parse_device(c, p, json_array_get(devices, i), i);
  if (st != HW_OK) {
    hw_platform_delete(p);
    return st;
  }
  p->source = as_json_parse(root);
  if (!p->source) {
    hw_platform_delete(p);
    return hw_fail(c->error, HW_ERR_NO_MEMORY, "out of memory reading %s", c->file);
  }
  *out = p;
  return HW_OK;
}

hw_status_t hw_platform_from_json(json_t *root, const char *label, hw_platform_t **out, hw_error_t **error) {
  ctx c = {label ? label : "<platform>", error};
  return parse_root(&c, root, out);
}

hw_status_t hw_platform_load_json(const char *text, const char *label, hw_platform_t **out, hw_error_t **error) {
  if (!text || !out) return hw_fail(error, HW_ERR_ARGUMENT, "hw_platform_load_json: NULL argument");
  const char *file = label ? label : "<platform>";
  json_t *root;
  hw_status_t st = hw_json_input_text(text, file, JSON_ALLOW_NUL, &root, error);
  if (st != HW_OK) return st;
  st = hw_platform_from_json(root, file, out, error);
  json_decref(root);
  return st;
}

hw_status_t hw_platform_load_file(const char *path, hw_platform_t **out, hw_error_t **error) {
  if (!path || !out) return hw_fail(error, HW_ERR_ARGUMENT, "hw_platform_load_file: NULL argument");
  json_t *root;
  hw_status_t st = hw_json_input_file(path, "platform file", JSON_ALLOW_NUL, &root, error);
  if (st != HW_OK) return st;
  st = hw_platform_from_json(root, path, out, error);
  json_decref(root);
  return st;
}
