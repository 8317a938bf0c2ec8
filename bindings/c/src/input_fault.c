/* See input_fault.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "input_fault.h"

hw_input_doc hw_input_doc_of_label(const char *label) {
  const char *at = NULL;
  for (const char *s = strstr(label, " at /"); s; s = strstr(s + 1, " at /")) at = s;
  return (hw_input_doc){label, at && !strchr(at + 5, ' ')};
}

hw_status_t hw_input_vfault_in(hw_error_t **error, hw_input_doc doc, const char *path, const char *fmt, va_list ap) {
  char *why = NULL;
  if (vasprintf(&why, fmt, ap) < 0) why = NULL;
  if (!why) return hw_fail(error, HW_ERR_NO_MEMORY, "out of memory reading %s", doc.label);
  hw_status_t st;
  if (!path) st = hw_fail(error, HW_ERR_INPUT, "%s: %s", doc.label, why);
  else if (doc.at_path) st = hw_fail(error, HW_ERR_INPUT, "%s%s: %s", doc.label, path, why);
  else st = hw_fail(error, HW_ERR_INPUT, "%s at %s: %s", doc.label, *path ? path : "/", why);
  free(why);
  return st;
}

hw_status_t hw_input_fault_in(hw_error_t **error, hw_input_doc doc, const char *path, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  hw_status_t st = hw_input_vfault_in(error, doc, path, fmt, ap);
  va_end(ap);
  return st;
}

hw_status_t hw_input_fault(hw_error_t **error, const char *file, const char *path, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  hw_status_t st = hw_input_vfault_in(error, (hw_input_doc){file, 0}, path, fmt, ap);
  va_end(ap);
  return st;
}
