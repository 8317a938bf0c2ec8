/* See platform_schema.h. Ajv (host/input/schema.ts, allErrors off) reports the first fault it
 * meets, in this order within a schema: the type; then the keywords of no type ($ref, enum,
 * if/then); then the type's own (a string's length then pattern; an array's item count, its
 * items, then their uniqueness; an object's required properties, unknown properties, then each
 * property in the schema's order). The words are Ajv's, as host/input/schema.ts prints them. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "input_fault.h"
#include "json_keys.h"
#include "platform.h"
#include "platform_schema.h"

#define MAX_SAFE 9007199254740991.0
#define POW2_MAX_EXP 40 /* the schema's powerOfTwo: 1 to 2^40 */

typedef struct walk {
  hw_input_doc doc;
  hw_error_t **error;
} walk;

#define FAULT(w, path, ...) hw_input_fault_in((w)->error, (w)->doc, (path), __VA_ARGS__)

/* A JSON number JavaScript calls an integer (3, 3.0, 3e0; jansson may hold any as a real). */
static int is_integer(json_t *v) {
  if (json_is_integer(v)) return 1;
  double d = json_real_value(v);
  return json_is_real(v) && isfinite(d) && d == floor(d);
}

static hw_status_t object_shape(walk *w, const char *at, json_t *o, const char *const *required, const char *const *keys) {
  if (!json_is_object(o)) return FAULT(w, at, "must be object");
  for (size_t k = 0; required[k]; k++)
    if (!json_object_get(o, required[k])) return FAULT(w, at, "must have required property '%s'", required[k]);
  const char *extra = hw_json_unknown_key(o, keys);
  if (extra) return FAULT(w, at, "unknown property \"%s\"", extra);
  return HW_OK;
}

/* A name: a string of at least one character without NUL. */
static hw_status_t name_value(walk *w, const char *at, json_t *v) {
  if (!json_is_string(v)) return FAULT(w, at, "must be string");
  if (!json_string_length(v)) return FAULT(w, at, "must NOT have fewer than 1 characters");
  if (strlen(json_string_value(v)) != json_string_length(v)) return FAULT(w, at, "must match pattern \"^[^\\u0000]*$\"");
  return HW_OK;
}

static hw_status_t optional_boolean(walk *w, const char *at, json_t *o, const char *key) {
  json_t *v = json_object_get(o, key);
  char path[160];
  snprintf(path, sizeof path, "%s/%s", at, key);
  return !v || json_is_boolean(v) ? HW_OK : FAULT(w, path, "must be boolean");
}

/* An optional integer: within [lo, hi], or with POW2 one of the schema's powerOfTwo (an enum,
 * which Ajv words by listing it). */
#define POW2 -1.0
static hw_status_t optional_integer(walk *w, const char *at, json_t *o, const char *key, double lo, double hi) {
  json_t *v = json_object_get(o, key);
  char path[160];
  snprintf(path, sizeof path, "%s/%s", at, key);
  if (!v) return HW_OK;
  if (!is_integer(v)) return FAULT(w, path, "must be integer");
  double d = json_number_value(v);
  if (lo == POW2) {
    char list[512] = "";
    for (int e = 0; e <= POW2_MAX_EXP; e++) {
      if (d == ldexp(1.0, e)) return HW_OK;
      size_t n = strlen(list);
      snprintf(list + n, sizeof list - n, "%s%llu", e ? ", " : "", 1ULL << e);
    }
    return FAULT(w, path, "must be equal to one of the allowed values: %s", list);
  }
  if (d > hi) return FAULT(w, path, "must be <= %.0f", hi);
  if (d < lo) return FAULT(w, path, "must be >= %.0f", lo);
  return HW_OK;
}

static hw_status_t heap_kind(walk *w, const char *at, json_t *v) {
  static const char *const KINDS[] = {"system", "system-uncached", "cma", "carveout", "protected", "udmabuf", NULL};
  if (!json_is_string(v)) return FAULT(w, at, "must be string");
  for (size_t k = 0; KINDS[k]; k++)
    if (json_string_length(v) == strlen(KINDS[k]) && !strcmp(json_string_value(v), KINDS[k])) return HW_OK;
  return FAULT(w, at, "must be equal to one of the allowed values: \"system\", \"system-uncached\", \"cma\", \"carveout\", \"protected\", \"udmabuf\"");
}

static hw_status_t heap(walk *w, json_t *h, size_t i) {
  static const char *const REQUIRED[] = {"name", NULL};
  static const char *const KEYS[] = {"name", "kind", "contiguous", "cached", "cpuAccess", "maxAddressBits", "size", "granule", NULL};
  char at[48], path[96];
  snprintf(at, sizeof at, "/heaps/%zu", i);
  if (!json_is_object(h)) return FAULT(w, at, "must be object");
  /* if a name whose kind cannot be inferred then kind is required (before the heap's own keys). */
  json_t *name = json_object_get(h, "name"), *kind = json_object_get(h, "kind");
  snprintf(path, sizeof path, "%s/kind", at);
  if (json_is_string(name) && !hw_heap_kind_infer(json_string_value(name))) {
    if (!kind) return FAULT(w, at, "must have required property 'kind'");
    hw_status_t st = heap_kind(w, path, kind);
    if (st != HW_OK) return st;
  }
  hw_status_t st = object_shape(w, at, h, REQUIRED, KEYS);
  if (st != HW_OK) return st;
  snprintf(path, sizeof path, "%s/name", at);
  if ((st = name_value(w, path, name)) != HW_OK) return st;
  snprintf(path, sizeof path, "%s/kind", at);
  if (kind && (st = heap_kind(w, path, kind)) != HW_OK) return st;
  if ((st = optional_boolean(w, at, h, "contiguous")) != HW_OK || (st = optional_boolean(w, at, h, "cached")) != HW_OK ||
      (st = optional_boolean(w, at, h, "cpuAccess")) != HW_OK || (st = optional_integer(w, at, h, "maxAddressBits", 1, 64)) != HW_OK ||
      (st = optional_integer(w, at, h, "size", 1, MAX_SAFE)) != HW_OK || (st = optional_integer(w, at, h, "granule", POW2, POW2)) != HW_OK)
    return st;
  return HW_OK;
}

/* Ajv's uniqueItems over string items: walking from the last item, the first one with an equal
 * item after it, paired with the nearest such item; items of another type are passed over. */
static hw_status_t unique_strings(walk *w, const char *at, json_t *a) {
  size_t n = json_array_size(a);
  for (size_t i = n; i-- > 0;) {
    json_t *x = json_array_get(a, i);
    if (!json_is_string(x)) continue;
    for (size_t j = i + 1; j < n; j++)
      if (json_is_string(json_array_get(a, j)) && json_equal(x, json_array_get(a, j)))
        return FAULT(w, at, "must NOT have duplicate items (items ## %zu and %zu are identical)", j, i);
  }
  return HW_OK;
}

static hw_status_t device(walk *w, json_t *d, size_t i) {
  static const char *const REQUIRED[] = {"name", "dmaMaskBits", "iommu", "coherent", NULL};
  static const char *const KEYS[] = {"name", "description", "dmaMaskBits", "iommu", "coherent", "contiguous", "alignment", "protected", "preferredHeaps", NULL};
  char at[48], path[96];
  snprintf(at, sizeof at, "/devices/%zu", i);
  hw_status_t st = object_shape(w, at, d, REQUIRED, KEYS);
  if (st != HW_OK) return st;
  snprintf(path, sizeof path, "%s/name", at);
  if ((st = name_value(w, path, json_object_get(d, "name"))) != HW_OK) return st;
  json_t *desc = json_object_get(d, "description");
  snprintf(path, sizeof path, "%s/description", at);
  if (desc && !json_is_string(desc)) return FAULT(w, path, "must be string");
  if ((st = optional_integer(w, at, d, "dmaMaskBits", 1, 64)) != HW_OK || (st = optional_boolean(w, at, d, "iommu")) != HW_OK ||
      (st = optional_boolean(w, at, d, "coherent")) != HW_OK || (st = optional_boolean(w, at, d, "contiguous")) != HW_OK ||
      (st = optional_integer(w, at, d, "alignment", POW2, POW2)) != HW_OK || (st = optional_boolean(w, at, d, "protected")) != HW_OK)
    return st;
  json_t *pref = json_object_get(d, "preferredHeaps");
  snprintf(path, sizeof path, "%s/preferredHeaps", at);
  if (!pref) return HW_OK;
  if (!json_is_array(pref)) return FAULT(w, path, "must be array");
  for (size_t k = 0; k < json_array_size(pref); k++) {
    char item[128];
    snprintf(item, sizeof item, "%s/%zu", path, k);
    if ((st = name_value(w, item, json_array_get(pref, k))) != HW_OK) return st;
  }
  return unique_strings(w, path, pref);
}

/* The Node host's first check (host/platform/parse.ts checkHeapNames): an empty heap name or
 * one with a NUL, before the schema, whose first word would be the "kind" it cannot imply. */
static hw_status_t heap_names(walk *w, json_t *root) {
  json_t *heaps = json_object_get(root, "heaps");
  for (size_t i = 0; json_is_array(heaps) && i < json_array_size(heaps); i++) {
    json_t *name = json_object_get(json_array_get(heaps, i), "name");
    if (!json_is_string(name)) continue;
    char at[64];
    snprintf(at, sizeof at, "/heaps/%zu/name", i);
    if (!json_string_length(name)) return FAULT(w, at, "heap name must not be empty (the /dev/dma_heap node name, e.g. \"system\")");
    if (strlen(json_string_value(name)) != json_string_length(name)) return FAULT(w, at, "heap name must not contain NUL (it names a /dev/dma_heap node)");
  }
  return HW_OK;
}

hw_status_t hw_platform_check_schema(json_t *root, hw_input_doc doc, hw_error_t **error) {
  walk w = {doc, error};
  static const char *const REQUIRED[] = {"name", "heaps", "devices", NULL};
  static const char *const KEYS[] = {"name", "description", "sources", "heaps", "devices", NULL};
  hw_status_t st = json_is_object(root) ? heap_names(&w, root) : HW_OK;
  if (st != HW_OK || (st = object_shape(&w, "", root, REQUIRED, KEYS)) != HW_OK) return st;
  if ((st = name_value(&w, "/name", json_object_get(root, "name"))) != HW_OK) return st;
  json_t *desc = json_object_get(root, "description");
  if (desc && !json_is_string(desc)) return FAULT(&w, "/description", "must be string");
  json_t *sources = json_object_get(root, "sources");
  if (sources && !json_is_array(sources)) return FAULT(&w, "/sources", "must be array");
  for (size_t i = 0; i < json_array_size(sources); i++) {
    json_t *s = json_array_get(sources, i);
    char at[48];
    snprintf(at, sizeof at, "/sources/%zu", i);
    if (!json_is_string(s)) return FAULT(&w, at, "must be string");
    if (!json_string_length(s)) return FAULT(&w, at, "must NOT have fewer than 1 characters");
  }
  json_t *heaps = json_object_get(root, "heaps"), *devices = json_object_get(root, "devices");
  if (!json_is_array(heaps)) return FAULT(&w, "/heaps", "must be array");
  if (json_array_size(heaps) > HW_MAX_HEAPS) return FAULT(&w, "/heaps", "must NOT have more than %u items", HW_MAX_HEAPS);
  if (json_array_size(heaps) < 1) return FAULT(&w, "/heaps", "must NOT have fewer than 1 items");
  for (size_t i = 0; i < json_array_size(heaps); i++)
    if ((st = heap(&w, json_array_get(heaps, i), i)) != HW_OK) return st;
  if (!json_is_array(devices)) return FAULT(&w, "/devices", "must be array");
  if (json_array_size(devices) > HW_MAX_DEVICES) return FAULT(&w, "/devices", "must NOT have more than %u items", HW_MAX_DEVICES);
  for (size_t i = 0; i < json_array_size(devices); i++)
    if ((st = device(&w, json_array_get(devices, i), i)) != HW_OK) return st;
  return HW_OK;
}
