/* Errors for constructors (an out-parameter the caller deletes), and status names. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

hw_status_t hw_fail(hw_error_t **error, hw_status_t status, const char *fmt, ...) {
  if (!error) return status;
  hw_error_t *e = calloc(1, sizeof *e);
  if (!e) {
    *error = NULL;
    return status;
  }
  va_list ap;
  va_start(ap, fmt);
  if (vasprintf(&e->message, fmt, ap) < 0) e->message = NULL;
  va_end(ap);
  e->status = status;
  *error = e;
  return status;
}

hw_status_t hw_forward(hw_error_t **error, hw_error_t *from) {
  hw_status_t s = from ? from->status : HW_ERR_NO_MEMORY;
  if (error) *error = from;
  else hw_error_delete(from);
  return s;
}

hw_error_t *hw_error_new(hw_status_t status, const char *message) {
  hw_error_t *e = NULL;
  hw_fail(&e, status, "%s", message ? message : "");
  return e;
}

const char *hw_error_message(const hw_error_t *error) {
  if (!error) return "";
  return error->message ? error->message : "out of memory while formatting an error";
}

hw_status_t hw_error_status(const hw_error_t *error) {
  return error ? error->status : HW_OK;
}

void hw_error_delete(hw_error_t *error) {
  if (!error) return;
  free(error->message);
  free(error);
}

const char *hw_status_name(hw_status_t status) {
  switch (status) {
    case HW_OK: return "HW_OK";
    case HW_ERR_ARGUMENT: return "HW_ERR_ARGUMENT";
    case HW_ERR_INPUT: return "HW_ERR_INPUT";
    case HW_ERR_POLICY_REFUSED: return "HW_ERR_POLICY_REFUSED";
    case HW_ERR_POLICY_FAULT: return "HW_ERR_POLICY_FAULT";
    case HW_ERR_USAGE: return "HW_ERR_USAGE";
    case HW_ERR_KERNEL: return "HW_ERR_KERNEL";
    case HW_ERR_NO_FIT: return "HW_ERR_NO_FIT";
    case HW_ERR_NO_MEMORY: return "HW_ERR_NO_MEMORY";
    case HW_ERR_IO: return "HW_ERR_IO";
    case HW_ERR_DIVERGED: return "HW_ERR_DIVERGED";
  }
  return "HW_ERR_UNKNOWN";
}
