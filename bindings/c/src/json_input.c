/* See json_input.h. Duplicate keys are refused: JSON.parse keeps the last one silently, but a
 * platform or manifest that says two things about one field is a mistake worth naming. A NUL
 * escape is valid JSON: a caller whose free text may carry one allows it and checks its names. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "error.h"
#include "json_input.h"

/* The errno's name (ENOENT, EACCES), as the Node host says it; its text where glibc has no name. */
static const char *errno_name(int err) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
  const char *name = strerrorname_np(err);
  if (name) return name;
#endif
  return strerror(err);
}

/* jansson's column is the characters read on the line, 0 right after a newline; the Node host
 * counts from 1, so a fault at a line's start is column 1 in both. */
static hw_status_t malformed(hw_error_t **error, const char *label, const json_error_t *je) {
  return hw_fail(error, HW_ERR_INPUT, "%s: malformed JSON at line %d column %d: %s", label, je->line, je->column < 1 ? 1 : je->column, je->text);
}

hw_status_t hw_json_input_text(const char *text, const char *label, size_t flags, json_t **out, hw_error_t **error) {
  json_error_t je;
  *out = json_loads(text, JSON_REJECT_DUPLICATES | flags, &je);
  return *out ? HW_OK : malformed(error, label, &je);
}

hw_status_t hw_json_input_file(const char *path, const char *what, size_t flags, json_t **out, hw_error_t **error) {
  *out = NULL;
  FILE *f = fopen(path, "rb");
  if (!f) return hw_fail(error, HW_ERR_INPUT, "%s: cannot read %s: %s", path, what, errno_name(errno));
  struct stat sb;
  if (fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
    fclose(f);
    return hw_fail(error, HW_ERR_INPUT, "%s: cannot read %s: it is a directory", path, what);
  }
  json_error_t je;
  json_t *root = json_loadf(f, JSON_REJECT_DUPLICATES | flags, &je);
  int err = ferror(f) ? errno : 0;
  fclose(f);
  if (!root && err) return hw_fail(error, HW_ERR_INPUT, "%s: cannot read %s: %s", path, what, errno_name(err));
  if (!root) return malformed(error, path, &je);
  *out = root;
  return HW_OK;
}
