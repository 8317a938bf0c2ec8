/* Manifests: parsed with jansson and validated field by field as the JSON schema says, with
 * Ajv's wording, so a bad manifest names the file and the field as the Node host does. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "error.h"
#include "json_input.h"
#include "manifest.h"
#include "platform.h"

static hw_status_t bad(hw_error_t **error, const char *file, const char *where, const char *detail) {
  return hw_fail(error, HW_ERR_INPUT, "%s at %s: %s", file, where, detail);
}

static int is_semver(const char *v) {
  const char *s = v;
  for (int part = 0; part < 3; part++) {
    if (*s < '0' || *s > '9') return 0;
    while (*s >= '0' && *s <= '9') s++;
    if (part < 2 && *s++ != '.') return 0;
  }
  if (!*s) return 1;
  if (*s != '-' && *s != '+') return 0;
  for (s++; *s; s++) {
    char c = *s;
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '+' || c == '-')) return 0;
  }
  return 1;
}

static int is_sha256(const char *s) {
  size_t n = strlen(s);
  if (n != 64) return 0;
  for (size_t i = 0; i < n; i++) if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return 0;
  return 1;
}

/* Characters as JavaScript counts them (UTF-16 code units), for minLength/maxLength. */
static size_t js_length(const char *s) {
  size_t n = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if ((*p & 0xc0) != 0x80) n += (*p >= 0xf0) ? 2 : 1;
  }
  return n;
}

static const char *const KNOWN[] = {"name", "version", "sha256", "allowedHeaps", "maxAllocationBytes", "fuel", "description"};

static hw_status_t validate(json_t *o, const char *file, hw_manifest *m, hw_error_t **error) {
  if (!json_is_object(o)) return bad(error, file, "/", "must be object");
  const char *key;
  json_t *v;
  json_object_foreach(o, key, v) {
    size_t k;
    for (k = 0; k < sizeof KNOWN / sizeof KNOWN[0]; k++) if (!strcmp(key, KNOWN[k])) break;
    if (k == sizeof KNOWN / sizeof KNOWN[0]) {
      char d[300];
      snprintf(d, sizeof d, "unknown property \"%.200s\"", key);
      return bad(error, file, "/", d);
    }
  }
  static const char *const REQUIRED[] = {"name", "version", "sha256"};
  for (int i = 0; i < 3; i++) {
    if (!json_object_get(o, REQUIRED[i])) {
      char d[80];
      snprintf(d, sizeof d, "must have required property '%s'", REQUIRED[i]);
      return bad(error, file, "/", d);
    }
  }
  json_t *name = json_object_get(o, "name"), *version = json_object_get(o, "version"), *sha = json_object_get(o, "sha256");
  if (!json_is_string(name)) return bad(error, file, "/name", "must be string");
  size_t nl = js_length(json_string_value(name));
  if (nl < 1) return bad(error, file, "/name", "must NOT have fewer than 1 characters");
  if (nl > 64) return bad(error, file, "/name", "must NOT have more than 64 characters");
  if (!json_is_string(version)) return bad(error, file, "/version", "must be string");
  if (!is_semver(json_string_value(version))) return bad(error, file, "/version", "must match pattern \"^\\d+\\.\\d+\\.\\d+([-+][0-9A-Za-z.+-]*)?$\"");
  if (!json_is_string(sha)) return bad(error, file, "/sha256", "must be string");
  if (!is_sha256(json_string_value(sha))) return bad(error, file, "/sha256", "must match pattern \"^[0-9a-f]{64}$\"");
  m->name = strdup(json_string_value(name));
  m->version = strdup(json_string_value(version));
  m->sha256 = strdup(json_string_value(sha));
  json_t *heaps = json_object_get(o, "allowedHeaps");
  if (heaps) {
    if (!json_is_array(heaps)) return bad(error, file, "/allowedHeaps", "must be array");
    size_t n = json_array_size(heaps);
    m->allowed_heaps = calloc(n ? n : 1, sizeof *m->allowed_heaps);
    if (!m->allowed_heaps) return hw_fail(error, HW_ERR_NO_MEMORY, "out of memory reading %s", file);
    for (size_t i = 0; i < n; i++) {
      json_t *h = json_array_get(heaps, i);
      char where[64];
      snprintf(where, sizeof where, "/allowedHeaps/%zu", i);
      if (!json_is_string(h)) return bad(error, file, where, "must be string");
      if (json_string_length(h) == 0) return bad(error, file, where, "must NOT have fewer than 1 characters");
      for (size_t j = 0; j < i; j++) {
        if (!strcmp(m->allowed_heaps[j], json_string_value(h))) {
          char d[128];
          snprintf(d, sizeof d, "must NOT have duplicate items (items ## %zu and %zu are identical)", i, j);
          return bad(error, file, "/allowedHeaps", d);
        }
      }
      m->allowed_heaps[i] = strdup(json_string_value(h));
      m->allowed_count = i + 1;
    }
  }
  json_t *max = json_object_get(o, "maxAllocationBytes");
  if (max) {
    if (!json_is_integer(max)) return bad(error, file, "/maxAllocationBytes", "must be integer");
    json_int_t n = json_integer_value(max);
    if (n < 4096) return bad(error, file, "/maxAllocationBytes", "must be >= 4096");
    if (n > 9007199254740991LL) return bad(error, file, "/maxAllocationBytes", "must be <= 9007199254740991");
    m->max_allocation = (uint64_t)n;
  }
  json_t *fuel = json_object_get(o, "fuel");
  if (fuel) {
    if (!json_is_integer(fuel)) return bad(error, file, "/fuel", "must be integer");
    json_int_t n = json_integer_value(fuel);
    if (n < 1) return bad(error, file, "/fuel", "must be >= 1");
    if (n > 2147483647LL) return bad(error, file, "/fuel", "must be <= 2147483647");
    m->fuel = (uint32_t)n;
  }
  json_t *desc = json_object_get(o, "description");
  if (desc && !json_is_string(desc)) return bad(error, file, "/description", "must be string");
  if (desc && !(m->description = strdup(json_string_value(desc)))) return hw_fail(error, HW_ERR_NO_MEMORY, "out of memory reading %s", file);
  return HW_OK;
}

/* A validated copy of `o`; `path` (may be NULL) is kept as where it was read from. */
static hw_status_t from_json(json_t *o, const char *where, const char *path, hw_manifest **out, hw_error_t **error) {
  hw_manifest *m = calloc(1, sizeof *m);
  if (!m || (path && !(m->path = strdup(path)))) {
    free(m);
    return hw_fail(error, HW_ERR_NO_MEMORY, "out of memory reading %s", where);
  }
  hw_status_t st = validate(o, where, m, error);
  if (st == HW_OK && (!m->name || !m->version || !m->sha256)) st = hw_fail(error, HW_ERR_NO_MEMORY, "out of memory reading %s", where);
  if (st != HW_OK) {
    hw_manifest_delete(m);
    return st;
  }
  *out = m;
  return HW_OK;
}

hw_status_t hw_manifest_from_json(json_t *o, const char *where, hw_manifest **out, hw_error_t **error) {
  return from_json(o, where, NULL, out, error);
}

hw_status_t hw_manifest_load(const char *path, hw_manifest **out, hw_error_t **error) {
  json_t *o;
  hw_status_t st = hw_json_input_file(path, "manifest", 0, &o, error);
  if (st != HW_OK) return st;
  st = from_json(o, path, path, out, error);
  json_decref(o);
  return st;
}

void hw_manifest_trace_json(hw_text *t, const hw_manifest *m) {
  if (!m) {
    hw_text_add(t, "null");
    return;
  }
  hw_text_add(t, "{\"name\":");
  hw_text_json_string(t, m->name, strlen(m->name));
  hw_text_add(t, ",\"version\":");
  hw_text_json_string(t, m->version, strlen(m->version));
  hw_text_add(t, ",\"sha256\":");
  hw_text_json_string(t, m->sha256, strlen(m->sha256));
  if (m->allowed_heaps) {
    hw_text_add(t, ",\"allowedHeaps\":[");
    for (size_t i = 0; i < m->allowed_count; i++) {
      if (i) hw_text_add(t, ",");
      hw_text_json_string(t, m->allowed_heaps[i], strlen(m->allowed_heaps[i]));
    }
    hw_text_add(t, "]");
  }
  if (m->max_allocation) hw_text_addf(t, ",\"maxAllocationBytes\":%llu", (unsigned long long)m->max_allocation);
  if (m->fuel) hw_text_addf(t, ",\"fuel\":%u", m->fuel);
  if (m->description) {
    hw_text_add(t, ",\"description\":");
    hw_text_json_string(t, m->description, strlen(m->description));
  }
  hw_text_add(t, "}");
}

void hw_manifest_delete(hw_manifest *m) {
  if (!m) return;
  for (size_t i = 0; i < m->allowed_count; i++) free(m->allowed_heaps[i]);
  free(m->allowed_heaps);
  free(m->path);
  free(m->name);
  free(m->version);
  free(m->sha256);
  free(m->description);
  free(m);
}

char *hw_manifest_path_for(const char *module_path) {
  size_t n = strlen(module_path);
  const char *ext = strrchr(module_path, '.');
  const char *slash = strrchr(module_path, '/');
  if (ext && (!slash || ext > slash) && (!strcmp(ext, ".so") || !strcmp(ext, ".wasm"))) n = (size_t)(ext - module_path);
  char *p = NULL;
  if (asprintf(&p, "%.*s.manifest.json", (int)n, module_path) < 0) return NULL;
  return p;
}

hw_status_t hw_manifest_check_ops(const hw_manifest *m, const hw_outcome *out, const hw_platform_t *p, hw_text *why) {
  if (!m) return HW_OK;
  for (uint32_t i = 0; i < out->op_count; i++) {
    const hw_op_rec *op = &out->ops[i];
    if (op->kind != HW_OP_KIND_ALLOC) continue;
    const char *heap = p->heaps[op->heap].name; /* the index was validated */
    if (m->allowed_heaps) {
      size_t k;
      for (k = 0; k < m->allowed_count; k++) if (!strcmp(m->allowed_heaps[k], heap)) break;
      if (k == m->allowed_count) {
        hw_text_addf(why, "ALLOC from heap %s, which its manifest does not allow (", heap);
        for (k = 0; k < m->allowed_count; k++) hw_text_addf(why, "%s%s", k ? ", " : "", m->allowed_heaps[k]);
        hw_text_add(why, ")");
        return HW_ERR_POLICY_FAULT;
      }
    }
    if (m->max_allocation && op->value > m->max_allocation) {
      hw_text_addf(why, "ALLOC of %llu bytes exceeds its manifest's maxAllocationBytes %llu", (unsigned long long)op->value, (unsigned long long)m->max_allocation);
      return HW_ERR_POLICY_FAULT;
    }
  }
  return HW_OK;
}
