/* Platform JSON (schemas/platform.schema.json) to a validated platform, with messages naming
 * the file and the JSON pointer of the field at fault, as the Node host's InputError does. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "json_input.h"
#include "platform.h"
#include "platform_schema.h"
#include "text.h"

#define MAX_SAFE 9007199254740991LL

typedef struct ctx {
  hw_input_doc doc;
  hw_error_t **error;
} ctx;

#define bad(c, path, ...) hw_input_fault_in((c)->error, (c)->doc, (path), __VA_ARGS__)

/* A number the schema has checked: an integer within its range, held as an integer or a real. */
static long long int_of(json_t *v, long long absent) { return v ? (long long)json_number_value(v) : absent; }
static int bool_of(json_t *v) { return v ? json_is_true(v) : HW_DEFAULT; }

/* After the schema (platform_schema.c), the checks it cannot say, as host/platform/parse.ts
 * makes them: unique names, a kind inferred from the name, preferred heaps of this platform. */
static hw_status_t parse_heap(ctx *c, hw_platform_t *p, json_t *h, size_t i) {
  char path[96];
  snprintf(path, sizeof path, "/heaps/%zu/name", i);
  hw_heap_spec_t spec = {.name = json_string_value(json_object_get(h, "name"))};
  if (hw_platform_heap_index(p, spec.name) >= 0) return bad(c, path, "duplicate heap name \"%s\"", spec.name);
  json_t *kind = json_object_get(h, "kind");
  if (kind) spec.kind = hw_heap_kind_from_name(json_string_value(kind));
  else if (!hw_heap_kind_infer(spec.name))
    return bad(c, path, "cannot infer the kind of heap \"%s\" from its name; add \"kind\" (system, system-uncached, cma, carveout, protected or udmabuf)", spec.name);
  spec.contiguous = bool_of(json_object_get(h, "contiguous"));
  spec.cached = bool_of(json_object_get(h, "cached"));
  spec.cpu_access = bool_of(json_object_get(h, "cpuAccess"));
  spec.max_address_bits = (uint32_t)int_of(json_object_get(h, "maxAddressBits"), 64);
  spec.size = (uint64_t)int_of(json_object_get(h, "size"), 0);
  spec.granule = (uint64_t)int_of(json_object_get(h, "granule"), 1);
  hw_error_t *e = NULL;
  if (hw_platform_add_heap(p, &spec, &e) != HW_OK) {
    snprintf(path, sizeof path, "/heaps/%zu", i);
    hw_status_t st = bad(c, path, "%s", hw_error_message(e));
    hw_error_delete(e);
    return st;
  }
  return HW_OK;
}

static hw_status_t parse_device(ctx *c, hw_platform_t *p, json_t *d, size_t i) {
  char path[128];
  snprintf(path, sizeof path, "/devices/%zu/name", i);
  hw_device_spec_t spec = {.name = json_string_value(json_object_get(d, "name"))};
  if (hw_platform_device_index(p, spec.name) >= 0) return bad(c, path, "duplicate device name \"%s\"", spec.name);
  spec.dma_mask_bits = (uint32_t)int_of(json_object_get(d, "dmaMaskBits"), 0);
  spec.iommu = json_is_true(json_object_get(d, "iommu"));
  spec.coherent = json_is_true(json_object_get(d, "coherent"));
  spec.contiguous = bool_of(json_object_get(d, "contiguous"));
  spec.alignment = (uint64_t)int_of(json_object_get(d, "alignment"), 1);
  spec.protected_access = json_is_true(json_object_get(d, "protected"));
  const char *names[HW_MAX_HEAPS];
  json_t *pref = json_object_get(d, "preferredHeaps");
  for (size_t k = 0; k < json_array_size(pref) && k < HW_MAX_HEAPS; k++) {
    names[k] = json_string_value(json_array_get(pref, k));
    if (hw_platform_heap_index(p, names[k]) < 0) {
      hw_text list = {0};
      for (size_t h = 0; h < p->heap_count; h++) {
        if (h) hw_text_add(&list, ", ");
        hw_text_add(&list, p->heaps[h].name);
      }
      snprintf(path, sizeof path, "/devices/%zu/preferredHeaps/%zu", i, k);
      hw_status_t st = bad(c, path, "unknown heap \"%s\" (platform heaps: %s)", names[k], list.s && !list.failed ? list.s : "");
      hw_text_free(&list);
      return st;
    }
  }
  /* Unique entries (the schema's uniqueItems) are distinct heaps: at most HW_MAX_HEAPS. */
  spec.preferred_heaps = pref ? names : NULL;
  spec.preferred_count = json_array_size(pref);
  hw_error_t *e = NULL;
  if (hw_platform_add_device(p, &spec, &e) != HW_OK) {
    snprintf(path, sizeof path, "/devices/%zu", i);
    hw_status_t st = bad(c, path, "%s", hw_error_message(e));
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
  hw_status_t st = hw_platform_check_schema(root, c->doc, c->error);
  if (st != HW_OK) return st;
  json_t *name = json_object_get(root, "name"), *heaps = json_object_get(root, "heaps"), *devices = json_object_get(root, "devices");
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
    return hw_fail(c->error, HW_ERR_NO_MEMORY, "out of memory reading %s", c->doc.label);
  }
  *out = p;
  return HW_OK;
}

hw_status_t hw_platform_from_json(json_t *root, hw_input_doc doc, hw_platform_t **out, hw_error_t **error) {
  ctx c = {doc, error};
  return parse_root(&c, root, out);
}

hw_status_t hw_platform_load_json(const char *text, const char *label, hw_platform_t **out, hw_error_t **error) {
  if (!text || !out) return hw_fail(error, HW_ERR_ARGUMENT, "hw_platform_load_json: NULL argument");
  const char *file = label ? label : "<platform>";
  json_t *root;
  hw_status_t st = hw_json_input_text(text, file, JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL, &root, error);
  if (st != HW_OK) return st;
  st = hw_platform_from_json(root, hw_input_doc_of_label(file), out, error);
  json_decref(root);
  return st;
}

hw_status_t hw_platform_load_file(const char *path, hw_platform_t **out, hw_error_t **error) {
  if (!path || !out) return hw_fail(error, HW_ERR_ARGUMENT, "hw_platform_load_file: NULL argument");
  json_t *root;
  hw_status_t st = hw_json_input_file(path, "platform file", JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL, &root, error);
  if (st != HW_OK) return st;
  st = hw_platform_from_json(root, (hw_input_doc){path, 0}, out, error);
  json_decref(root);
  return st;
}
