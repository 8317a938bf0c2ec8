/* Request files, checked with the Node host's words (Ajv's messages for the schema part). */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input_fault.h"
#include "json_keys.h"
#include "request_file.h"
#include "text.h"

/* The Node engine's default maxAllocationBytes (host/input/request.ts), which `decide` uses. */
#define MAX_ALLOCATION_BYTES 1073741824.0
/* The schema's maximum for size: Number.MAX_SAFE_INTEGER. */
#define MAX_SIZE 9007199254740991.0
#define NAME_MAX_BYTES 31


/* Characters as the schema counts them (code points), for a valid UTF-8 string. */
static size_t code_points(const char *s, size_t bytes) {
  size_t n = 0;
  for (size_t i = 0; i < bytes; i++) n += ((unsigned char)s[i] & 0xc0) != 0x80;
  return n;
}

static int same_string(json_t *a, json_t *b) {
  return json_string_length(a) == json_string_length(b) && !memcmp(json_string_value(a), json_string_value(b), json_string_length(a));
}

/* The whole file, or NULL with errno set. */
static char *read_all(const char *file, size_t *len) {
  FILE *f = fopen(file, "rb");
  if (!f) return NULL;
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap);
  while (buf) {
    if (n == cap) {
      char *more = realloc(buf, cap *= 2);
      if (!more) {
        free(buf);
        buf = NULL;
        errno = ENOMEM;
        break;
      }
      buf = more;
    }
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0) {
      if (ferror(f)) {
        int e = errno ? errno : EIO;
        free(buf);
        buf = NULL;
        errno = e;
      }
      break;
    }
  }
  fclose(f);
  *len = n;
  return buf;
}

static const char *const CPU[] = {"none", "read", "write", "readwrite"};
static const char *const KEYS[] = {"size", "devices", "cpu", "protected", "name", NULL};

/* The schema's checks, in the order Ajv reports the first failure: the type, the required
 * properties, unknown properties, then each property in the schema's order. */
static hw_status_t check_schema(const char *file, json_t *root, hw_error_t **error) {
  if (!json_is_object(root)) return hw_input_fault(error, file, "/", "must be object");
  for (size_t k = 0; k < 3; k++)
    if (!json_object_get(root, KEYS[k])) return hw_input_fault(error, file, "/", "must have required property '%s'", KEYS[k]);
  const char *extra = hw_json_unknown_key(root, KEYS);
  if (extra) return hw_input_fault(error, file, "/", "unknown property \"%s\"", extra);

  json_t *size = json_object_get(root, "size");
  double v = json_number_value(size);
  if (!json_is_number(size) || !isfinite(v) || v != floor(v)) return hw_input_fault(error, file, "/size", "must be integer");
  if (v < 1) return hw_input_fault(error, file, "/size", "must be >= 1");
  if (v > MAX_SIZE) return hw_input_fault(error, file, "/size", "must be <= 9007199254740991");

  json_t *devs = json_object_get(root, "devices");
  if (!json_is_array(devs)) return hw_input_fault(error, file, "/devices", "must be array");
  size_t n = json_array_size(devs);
  if (n < 1) return hw_input_fault(error, file, "/devices", "must NOT have fewer than 1 items");
  for (size_t i = 0; i < n; i++) {
    json_t *d = json_array_get(devs, i);
    char at[64];
    snprintf(at, sizeof at, "/devices/%zu", i);
    if (!json_is_string(d)) return hw_input_fault(error, file, at, "must be string");
    if (json_string_length(d) == 0) return hw_input_fault(error, file, at, "must NOT have fewer than 1 characters");
  }
  /* Ajv walks the items from the last one: the first duplicate it meets is the highest index
   * with an equal item after it, paired with the nearest such item. */
  for (size_t i = n; i-- > 0;)
    for (size_t j = i + 1; j < n; j++)
      if (same_string(json_array_get(devs, i), json_array_get(devs, j)))
        return hw_input_fault(error, file, "/devices", "must NOT have duplicate items (items ## %zu and %zu are identical)", j, i);

  json_t *cpu = json_object_get(root, "cpu");
  if (!json_is_string(cpu)) return hw_input_fault(error, file, "/cpu", "must be string");
  size_t c = 0;
  while (c < 4 && (strlen(CPU[c]) != json_string_length(cpu) || strcmp(json_string_value(cpu), CPU[c]) != 0)) c++;
  if (c == 4) return hw_input_fault(error, file, "/cpu", "must be equal to one of the allowed values: \"none\", \"read\", \"write\", \"readwrite\"");

  json_t *prot = json_object_get(root, "protected");
  if (prot && !json_is_boolean(prot)) return hw_input_fault(error, file, "/protected", "must be boolean");

  json_t *name = json_object_get(root, "name");
  if (name) {
    if (!json_is_string(name)) return hw_input_fault(error, file, "/name", "must be string");
    if (code_points(json_string_value(name), json_string_length(name)) > NAME_MAX_BYTES)
      return hw_input_fault(error, file, "/name", "must NOT have more than 31 characters");
    if (strlen(json_string_value(name)) != json_string_length(name)) return hw_input_fault(error, file, "/name", "must match pattern \"^[^\\u0000]*$\"");
  }
  return HW_OK;
}

hw_status_t hw_request_load(const char *file, const hw_platform_t *platform, hw_request_file *out, hw_error_t **error) {
  memset(out, 0, sizeof *out);
  size_t len = 0;
  char *text = read_all(file, &len);
  if (!text) return hw_input_fault(error, file, NULL, "cannot read: %s", strerror(errno));
  json_error_t je;
  /* As JSON.parse: any value at the top, numbers as doubles (so 1e3 is the integer 1000 and
   * 2^64 is "too large" rather than a parse error), "\u0000" kept for the pattern check; a
   * repeated key refused, as both hosts refuse it in every input file. */
  out->root = json_loadb(text, len, JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL | JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES, &je);
  free(text);
  if (!out->root) return hw_input_fault(error, file, NULL, "malformed JSON at line %d column %d: %s", je.line, je.column < 1 ? 1 : je.column, je.text);
  hw_status_t st = check_schema(file, out->root, error);
  if (st != HW_OK) return st;

  json_t *root = out->root, *devs = json_object_get(root, "devices"), *name = json_object_get(root, "name");
  double size = json_number_value(json_object_get(root, "size"));
  if (size > MAX_ALLOCATION_BYTES)
    return hw_input_fault(error, file, "/size", "allocation of %.0f bytes exceeds the engine's limit of %.0f bytes (maxAllocationBytes)", size, MAX_ALLOCATION_BYTES);
  size_t n = json_array_size(devs);
  for (size_t i = 0; i < n; i++) {
    json_t *d = json_array_get(devs, i);
    const char *dn = json_string_value(d);
    size_t k = 0, count = hw_platform_device_count(platform);
    while (k < count && (strlen(dn) != json_string_length(d) || strcmp(dn, hw_platform_device_name(platform, k)) != 0)) k++;
    if (k == count) {
      /* Every name: up to 64 of any length. */
      size_t need = 1;
      for (size_t j = 0; j < count; j++) need += strlen(hw_platform_device_name(platform, j)) + 2;
      char *list = calloc(1, need);
      for (size_t j = 0; list && j < count; j++) {
        if (j) strcat(list, ", ");
        strcat(list, hw_platform_device_name(platform, j));
      }
      char at[64];
      snprintf(at, sizeof at, "/devices/%zu", i);
      char *quoted = hw_text_json_quoted(dn, json_string_length(d));
      hw_status_t st = hw_input_fault(error, file, at, "unknown device %s (platform %s has %s)", quoted ? quoted : "?", hw_platform_name(platform), !count ? "no devices" : list ? list : "?");
      free(quoted);
      free(list);
      return st;
    }
    /* Devices are distinct platform devices from here on, so at most the platform's count. */
    if (i >= HW_MAX_DEVICES) return hw_input_fault(error, file, "/devices", "more than %u devices", HW_MAX_DEVICES);
    out->devices[i] = dn;
  }
  if (name && json_string_length(name) > NAME_MAX_BYTES)
    return hw_input_fault(error, file, "/name", "name is %zu bytes; DMA_BUF_SET_NAME takes at most 31", json_string_length(name));

  const char *cpu = json_string_value(json_object_get(root, "cpu"));
  uint32_t access = HW_ACCESS_NONE;
  if (!strcmp(cpu, "read")) access = HW_ACCESS_READ;
  else if (!strcmp(cpu, "write")) access = HW_ACCESS_WRITE;
  else if (!strcmp(cpu, "readwrite")) access = HW_ACCESS_READWRITE;
  out->request = (hw_alloc_request_t){
      .size = (uint64_t)size,
      .devices = out->devices,
      .device_count = n,
      .cpu = access,
      .protected_content = json_is_true(json_object_get(root, "protected")),
      .name = name ? json_string_value(name) : NULL,
      .deferred = 0,
  };
  return HW_OK;
}

void hw_request_free(hw_request_file *r) {
  json_decref(r->root);
  memset(r, 0, sizeof *r);
}
