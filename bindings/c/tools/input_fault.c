/* See input_fault.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "input_fault.h"

hw_status_t hw_input_fault(hw_error_t **error, const char *file, const char *path, const char *fmt, ...) {
  char *why = NULL, *m = NULL;
  va_list ap;
  va_start(ap, fmt);
  if (vasprintf(&why, fmt, ap) < 0) why = NULL;
  va_end(ap);
  int n = !why ? -1 : path ? asprintf(&m, "%s at %s: %s", file, *path ? path : "/", why) : asprintf(&m, "%s: %s", file, why);
  if (n < 0) m = NULL;
  if (error) *error = hw_error_new(HW_ERR_INPUT, m ? m : "out of memory");
  free(why);
  free(m);
  return HW_ERR_INPUT;
}

char *hw_input_quoted(const char *s, size_t len) {
  char *out = malloc(len * 6 + 3), *o = out;
  if (!out) return NULL;
  *o++ = '"';
  for (size_t i = 0; i < len; i++) {
    unsigned char ch = (unsigned char)s[i];
    const char *esc = ch == '"' ? "\\\"" : ch == '\\' ? "\\\\" : ch == '\b' ? "\\b" : ch == '\f' ? "\\f" : ch == '\n' ? "\\n" : ch == '\r' ? "\\r" : ch == '\t' ? "\\t" : NULL;
    if (esc) o += sprintf(o, "%s", esc);
    else if (ch < 0x20) o += sprintf(o, "\\u%04x", ch);
    else *o++ = (char)ch;
  }
  *o++ = '"';
  *o = 0;
  return out;
}
